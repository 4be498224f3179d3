"""The platform's core: the application factory and what every domain shares."""
from __future__ import annotations

from typing import Any, Mapping

from flask import Flask, has_request_context, request, session
from flask_login import current_user

from lms.settings import PROJECT_ROOT, Settings

LOCALES = ("zh_Hant_TW", "en")


def create_app(config: Mapping[str, Any] | Settings | None = None) -> Flask:
    """Build the app. `config` overrides environment settings (tests pass a dict)."""
    settings = config if isinstance(config, Settings) else Settings.from_env(**dict(config or {}))
    app = Flask(
        __name__,
        instance_path=settings.INSTANCE_PATH,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(settings.flask_config())
    app.extensions["lms.settings"] = settings
    from lms.core import args, observability

    args.init_app(app)  # before the blueprints: their <int:> routes use the bounded converter
    observability.init_app(app)
    if settings.PROXY_HOPS:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.PROXY_HOPS
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops)
    _init_extensions(app)

    from lms import storage
    from lms.celery_app import celery_init_app
    from lms.blueprints import register_blueprints
    from lms.cli import register_cli
    from lms.db import commit_or_rollback
    from lms.errors import register_error_handlers
    from lms.templating import register_template_helpers

    storage.init_app(app)
    celery_init_app(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_cli(app)

    @app.teardown_request
    def _request_boundary(exc):
        # The one commit of a request: services flush, this commits or rolls back.
        commit_or_rollback(exc)

    return app


def _init_extensions(app: Flask) -> None:
    from lms.db import begin_read_only_request, ping_after_idle
    from lms.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    # First of the hooks that may query: a read-only view's request starts on its read-only connection.
    app.before_request(lambda: begin_read_only_request(app.view_functions.get(request.endpoint)))
    with app.app_context():
        for engine in db.engines.values():
            ping_after_idle(engine, app.config["DATABASE_PING_IDLE_SECONDS"])
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str):
        from sqlalchemy.orm import joinedload

        from lms.auth.models import User

        ident, _, token = user_id.partition(":")
        if not ident.isdigit():
            return None
        # One query per request for the user, their employee record and role grants (the grants'
        # default select-in load was a second round trip on every page).
        user = db.session.get(User, int(ident), options=[joinedload(User.grants)])
        if user is None or user.session_token != token:
            return None
        return user

    # Importing the models registers their tables on db.metadata (for Alembic and create_all).
    import lms.models  # noqa: F401


def _select_locale() -> str:
    from flask import current_app

    if not has_request_context():
        # CLI commands, Celery tasks and service tests translate too: they get the default locale.
        return current_app.config["DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in LOCALES:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    return current_app.config["DEFAULT_LOCALE"]
