"""Every setting the platform reads, its type, its default and where it comes from.

One typed object: each key is read from the environment (same name), converted, and checked once
at start-up, so a bad value stops the app with a plain message instead of failing later.
The README's configuration table lists exactly these keys.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"
# Each package keeps its own message catalogue; Flask-Babel merges them.
TRANSLATED_PACKAGES = ("lms", "courses", "xapi")


class SettingsError(ValueError):
    """A setting has a value the platform cannot use."""


def _bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


@dataclass
class Settings:
    """Defaults give the embedded setup: SQLite under instance/, eager tasks, files on local disk."""

    SECRET_KEY: str = ""
    INSTANCE_PATH: str = str(DEFAULT_INSTANCE)
    DATABASE_URL: str = ""
    BASE_URL: str = "http://127.0.0.1:5000"
    CELERY_BROKER_URL: str = ""
    CELERY_RESULT_BACKEND: str = ""
    # Seconds after which Redis hands a task that a crashed worker took (and never acknowledged) to another.
    CELERY_VISIBILITY_TIMEOUT: int = 3600
    STORAGE_BACKEND: str = "local"
    STORAGE_LOCAL_ROOT: str = ""
    STORAGE_S3_ENDPOINT_URL: str = ""
    STORAGE_S3_BUCKET: str = "lms"
    STORAGE_S3_ACCESS_KEY: str = ""
    STORAGE_S3_SECRET_KEY: str = ""
    STORAGE_S3_REGION: str = "us-east-1"
    STORAGE_S3_PRESIGN_EXPIRES: int = 3600
    UPLOAD_MAX_BYTES: int = 20 * 1024 * 1024
    MAIL_SERVER: str = ""
    MAIL_PORT: int = 25
    MAIL_USE_TLS: bool = False
    MAIL_USERNAME: str = ""
    MAIL_PASSWORD: str = ""
    MAIL_DEFAULT_SENDER: str = "lms@localhost"
    NATIONAL_ID_KEY: str = ""
    SESSION_COOKIE_SECURE: bool = False
    LOGIN_MAX_FAILURES: int = 5
    LOGIN_WINDOW_SECONDS: int = 900
    DEFAULT_LOCALE: str = "zh_Hant_TW"
    LOG_LEVEL: str = "INFO"
    LOG_FORMAT: str = "text"
    # Number of reverse proxies in front of gunicorn whose X-Forwarded-* headers are trusted.
    PROXY_HOPS: int = 0
    DATABASE_POOL_SIZE: int = 5
    # A pooled connection idle this many seconds is checked (a round trip) before use; 0 = on every use.
    DATABASE_PING_IDLE_SECONDS: int = 10
    # Reports read a stored standing of every person; older than this many seconds, a report asks for
    # a refresh (the beat task refreshes every 10 minutes). 0 = refresh on every read (small sites).
    REPORTS_MAX_AGE_SECONDS: int = 900
    # Rendered catalogue fragments kept per web process, reused until the catalogue's data changes
    # (lms/stamps.py). 0 = render every page afresh.
    FRAGMENT_CACHE_ENTRIES: int = 512
    # The platform's own LRS forwards statements to an outside LRS when XAPI_FORWARD_URL is set.
    XAPI_FORWARD_URL: str = ""
    XAPI_FORWARD_KEY: str = ""
    XAPI_FORWARD_SECRET: str = ""
    XAPI_FORWARD_ALERT_MINUTES: int = 60
    XAPI_ACTOR_IFI: str = "account"
    # Certified hours pushed to the HR system; the national portal's fixed export codes.
    HR_EXPORT_URL: str = ""
    HR_EXPORT_TOKEN: str = ""
    PORTAL_CITY_CODE: str = "64"
    PORTAL_DEFAULT_CATEGORY: str = ""
    PORTAL_DEGREE_CREDIT: str = "6"
    PORTAL_HOURS_UNIT: str = "1"
    PORTAL_START_TIME: str = "09:10:00"
    PORTAL_END_TIME: str = "16:30:00"
    # CJK fonts embedded in PDFs (Debian's fonts-noto-cjk; face 3 of the collection is Traditional Chinese).
    PDF_CJK_FONT: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    PDF_CJK_BOLD_FONT: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
    PDF_CJK_FONT_INDEX: int = 3
    CERTIFICATE_FONT: str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
    CERTIFICATE_FONT_INDEX: int = 3
    TESTING: bool = False
    # Set by fill_derived when SECRET_KEY came from instance/secret_key (fine on a laptop, wrong on a cluster).
    SECRET_KEY_GENERATED: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> "Settings":
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "extra" or f.name not in environ:
                continue
            raw = environ[f.name]
            try:
                if f.type in ("int", int):
                    values[f.name] = int(raw)
                elif f.type in ("bool", bool):
                    values[f.name] = _bool(raw)
                else:
                    values[f.name] = raw
            except ValueError as exc:
                raise SettingsError(f"{f.name}: {exc}") from None
        known = {f.name for f in fields(cls)}
        extra = {k: v for k, v in overrides.items() if k not in known}
        values.update({k: v for k, v in overrides.items() if k in known})
        settings = cls(**values, extra=extra)
        settings.fill_derived()
        settings.check()
        return settings

    def fill_derived(self) -> None:
        instance = Path(self.INSTANCE_PATH)
        if not self.DATABASE_URL:
            instance.mkdir(parents=True, exist_ok=True)  # SQLite creates the file, not its folder
            self.DATABASE_URL = f"sqlite:///{instance / 'lms.sqlite3'}"
        if self.DATABASE_URL.startswith("postgres://"):
            self.DATABASE_URL = "postgresql://" + self.DATABASE_URL[len("postgres://"):]
        if self.DATABASE_URL.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; a bare postgresql:// URL would ask for psycopg2.
            self.DATABASE_URL = "postgresql+psycopg://" + self.DATABASE_URL[len("postgresql://"):]
        if not self.STORAGE_LOCAL_ROOT:
            self.STORAGE_LOCAL_ROOT = str(instance / "storage")
        if not self.SECRET_KEY:
            self.SECRET_KEY = _instance_secret(instance)
            self.SECRET_KEY_GENERATED = True
        if "SESSION_COOKIE_SECURE" not in os.environ and self.BASE_URL.startswith("https://"):
            self.SESSION_COOKIE_SECURE = True

    def check(self) -> None:
        problems = []
        if self.STORAGE_BACKEND not in {"local", "s3"}:
            problems.append("STORAGE_BACKEND must be 'local' or 's3'")
        if self.STORAGE_BACKEND == "s3" and not self.STORAGE_S3_BUCKET:
            problems.append("STORAGE_S3_BUCKET is required when STORAGE_BACKEND is 's3'")
        if self.DEFAULT_LOCALE not in {"zh_Hant_TW", "en"}:
            problems.append("DEFAULT_LOCALE must be 'zh_Hant_TW' or 'en'")
        if self.XAPI_ACTOR_IFI not in {"account", "mbox", "mbox_sha1sum"}:
            problems.append("XAPI_ACTOR_IFI must be 'account', 'mbox' or 'mbox_sha1sum'")
        if self.LOG_FORMAT not in {"text", "json"}:
            problems.append("LOG_FORMAT must be 'text' or 'json'")
        if self.LOG_LEVEL.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            problems.append("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        if self.CELERY_VISIBILITY_TIMEOUT <= 0:
            problems.append("CELERY_VISIBILITY_TIMEOUT must be positive (seconds)")
        if self.PROXY_HOPS < 0:
            problems.append("PROXY_HOPS must be 0 or more")
        if self.DATABASE_PING_IDLE_SECONDS < 0:
            problems.append("DATABASE_PING_IDLE_SECONDS must be 0 or more")
        if self.REPORTS_MAX_AGE_SECONDS < 0:
            problems.append("REPORTS_MAX_AGE_SECONDS must be 0 or more")
        if self.FRAGMENT_CACHE_ENTRIES < 0:
            problems.append("FRAGMENT_CACHE_ENTRIES must be 0 or more")
        if self.UPLOAD_MAX_BYTES <= 0:
            problems.append("UPLOAD_MAX_BYTES must be positive")
        if len(self.SECRET_KEY) < 16:
            problems.append("SECRET_KEY must be at least 16 characters")
        if problems:
            raise SettingsError("; ".join(problems))

    @property
    def celery_eager(self) -> bool:
        return not self.CELERY_BROKER_URL

    def flask_config(self) -> dict[str, Any]:
        """The mapping handed to app.config (Flask and extension keys derived from ours)."""
        config = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        engine_options: dict[str, Any] = {}
        if not self.DATABASE_URL.startswith("sqlite"):
            engine_options["pool_size"] = self.DATABASE_POOL_SIZE
        config.update(
            SQLALCHEMY_DATABASE_URI=self.DATABASE_URL,
            SQLALCHEMY_ENGINE_OPTIONS=engine_options,
            SESSION_COOKIE_HTTPONLY=True,
            SESSION_COOKIE_SAMESITE="Lax",
            REMEMBER_COOKIE_HTTPONLY=True,
            REMEMBER_COOKIE_SECURE=self.SESSION_COOKIE_SECURE,
            REMEMBER_COOKIE_SAMESITE="Lax",
            BABEL_DEFAULT_LOCALE=self.DEFAULT_LOCALE,
            BABEL_TRANSLATION_DIRECTORIES=";".join(
                str(PROJECT_ROOT / package / "translations") for package in TRANSLATED_PACKAGES),
            MAX_CONTENT_LENGTH=self.UPLOAD_MAX_BYTES + 1024 * 1024,
            WTF_CSRF_TIME_LIMIT=None,
        )
        config.update(self.extra)
        return config


def _instance_secret(instance: Path) -> str:
    """A development secret kept in instance/ so sessions survive restarts; production sets SECRET_KEY."""
    path = instance / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        instance.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        path.write_text(value)
        path.chmod(0o600)
        return value
