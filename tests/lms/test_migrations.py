"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from lms.extensions import db as _db


def test_single_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"migrations have several heads, make them one chain: {heads}"


def test_models_and_migrations_agree(app):
    with app.app_context(), _db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, _db.metadata)
    assert diff == [], f"models differ from the migrated schema; run `flask db migrate`: {diff}"


def test_migrations_run_down_and_up_again(tmp_path):
    """Downgrade to nothing and back up on a fresh database of the same kind."""
    import flask_migrate

    from lms import create_app
    from tests import services
    from tests.conftest import make_settings

    def cycle(url):
        app = create_app(make_settings(url, tmp_path))
        with app.app_context():
            flask_migrate.upgrade(revision="heads")
            flask_migrate.downgrade(revision="base")
            assert _db.inspect(_db.engine).get_table_names() in ([], ["alembic_version"])
            flask_migrate.upgrade(revision="heads")
            assert "employees" in _db.inspect(_db.engine).get_table_names()
            _db.engine.dispose()

    with services.fresh_database(tmp_path, "lms_cycle") as url:
        cycle(url)


