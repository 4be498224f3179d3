"""The application factory and typed settings."""
import pytest

from lms import create_app
from lms.settings import Settings, SettingsError


def test_defaults_give_the_embedded_setup(tmp_path):
    settings = Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path)})
    assert settings.DATABASE_URL == f"sqlite:///{tmp_path / 'lms.sqlite3'}"
    assert settings.celery_eager is True
    assert settings.STORAGE_BACKEND == "local"
    assert settings.STORAGE_LOCAL_ROOT == str(tmp_path / "storage")
    # A development secret is generated once and kept, so sessions survive restarts.
    assert len(settings.SECRET_KEY) >= 32
    assert Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path)}).SECRET_KEY == settings.SECRET_KEY


def test_environment_values_are_typed(tmp_path):
    settings = Settings.from_env(environ={
        "INSTANCE_PATH": str(tmp_path), "MAIL_PORT": "2525", "MAIL_USE_TLS": "yes",
        "DATABASE_URL": "postgres://u@db/lms", "CELERY_BROKER_URL": "redis://r:6379/0",
    })
    assert settings.MAIL_PORT == 2525 and settings.MAIL_USE_TLS is True
    assert settings.DATABASE_URL == "postgresql+psycopg://u@db/lms"
    assert settings.celery_eager is False


@pytest.mark.parametrize("env, message", [
    ({"MAIL_PORT": "twenty"}, "MAIL_PORT"),
    ({"MAIL_USE_TLS": "perhaps"}, "MAIL_USE_TLS"),
    ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND"),
    ({"SECRET_KEY": "short"}, "SECRET_KEY"),
    ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ({"LOG_LEVEL": "chatty"}, "LOG_LEVEL"),
    ({"PROXY_HOPS": "-1"}, "PROXY_HOPS"),
])
def test_bad_values_stop_start_up_with_a_plain_message(tmp_path, env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path), **env})


def test_factory_applies_overrides_and_cookie_flags(tmp_path):
    app = create_app(Settings.from_env(environ={"INSTANCE_PATH": str(tmp_path),
                                                "BASE_URL": "https://lms.kcg.gov.tw"}))
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.extensions["celery"].conf.task_always_eager is True
    assert "storage" in app.extensions


def test_the_readme_documents_every_setting():
    from dataclasses import fields

    from lms.settings import PROJECT_ROOT

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    internal = {"extra", "TESTING", "SECRET_KEY_GENERATED"}
    missing = [f.name for f in fields(Settings) if f.name not in internal and f"`{f.name}`" not in readme]
    assert missing == [], f"README's configuration table lacks {missing}"
