"""A web process compiles its templates and loads its translations before it serves a request."""
import jinja2
import pytest
from sqlalchemy import event

from lms import create_app
from lms.core.warmup import TEMPLATE_SUFFIXES, warm_up
from lms.extensions import db
from tests.conftest import make_settings


@pytest.fixture
def fresh_app(app, database_url, tmp_path):
    """A new app on the migrated test database: its template cache is empty, like a new worker's."""
    fresh = create_app(make_settings(database_url, tmp_path))
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


def test_pages_render_without_compiling_a_template_after_warm_up(fresh_app, monkeypatch):
    connections = []
    with fresh_app.app_context():
        event.listen(db.engine, "connect", lambda *args: connections.append(args))
    compiled = warm_up(fresh_app)

    assert compiled == len(fresh_app.jinja_env.list_templates(filter_func=lambda n: n.endswith(TEMPLATE_SUFFIXES)))
    assert compiled > 50
    assert connections == []  # the master of a preloaded gunicorn must hold no connection to hand down

    def no_compiling(*args, **kwargs):
        raise AssertionError("a template was compiled while serving a request")

    monkeypatch.setattr(fresh_app.jinja_env, "compile", no_compiling)
    assert fresh_app.test_client().get("/login").status_code == 200


def test_without_warm_up_the_first_request_compiles(fresh_app, monkeypatch):
    """The check above can fail: a cold app does compile on its first page."""
    def no_compiling(*args, **kwargs):
        raise jinja2.TemplateError("compiled on request")

    monkeypatch.setattr(fresh_app.jinja_env, "compile", no_compiling)
    fresh_app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(jinja2.TemplateError):
        fresh_app.test_client().get("/login")
