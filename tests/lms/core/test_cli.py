"""`flask lms` commands: demo data, the first administrator, the deployment check."""
from click.testing import CliRunner

from lms.agencies.models import Agency
from lms.auth.models import Role, User
from lms.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from lms.people.demo_data import national_id_checksum_ok
from lms.people.models import Employee


def invoke(app, *args, **kwargs):
    with app.app_context():  # a command has its own session, as in production
        return CliRunner().invoke(app.cli, ["lms", *args], **kwargs)


def test_seed_demo_builds_a_city_with_one_account_per_role(app, db, client):
    result = invoke(app, "seed-demo", "--staff", "60")
    assert result.exit_code == 0, result.output
    assert db.session.execute(db.select(db.func.count(Agency.id))).scalar_one() >= 35
    assert db.session.execute(db.select(db.func.count(Employee.id))).scalar_one() == 60 + len(DEMO_ACCOUNTS)
    sample = db.session.execute(db.select(Employee).filter_by(staff_no="K000001")).scalar_one()
    assert national_id_checksum_ok(sample.national_id) and sample.name_zh and sample.name_en
    users = db.session.execute(db.select(User)).scalars().all()
    assert {role for u in users for role in u.roles} == set(Role)
    # Every demo account signs in with the README's password and lands on its home page.
    for staff_no, *_ in DEMO_ACCOUNTS:
        client.post("/logout")
        response = client.post("/login", data={"identifier": staff_no, "password": DEMO_PASSWORD})
        assert response.status_code == 302, staff_no
        assert client.get("/").status_code == 200
    # Running it again does not duplicate anything.
    assert invoke(app, "seed-demo", "--if-empty").exit_code == 0
    assert invoke(app, "seed-demo").exit_code != 0


def test_create_admin(app, db):
    result = invoke(app, "create-admin", "--email", "root@kcg.gov.tw", "--password", "a-long-admin-secret")
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User).filter_by(email="root@kcg.gov.tw")).scalar_one()
    assert user.roles == {Role.SYSADMIN} and user.password_hash.startswith("$argon2")
    again = invoke(app, "create-admin", "--email", "root@kcg.gov.tw", "--password", "short")
    assert again.exit_code != 0 and "already used" in again.output and "10" in again.output


def test_check_command_reports_each_service(app, db):
    result = invoke(app, "check")
    assert result.exit_code == 0, result.output
    for name in ("database", "broker", "storage"):
        assert f"ok   {name}" in result.output
    assert "ok   schema: at " in result.output and "checks passed." in result.output


def test_check_command_fails_on_an_empty_database_and_says_what_to_run(tmp_path):
    from lms import create_app
    from tests.conftest import make_settings

    empty = create_app(make_settings(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path))
    result = empty.test_cli_runner().invoke(args=["lms", "check"])
    assert result.exit_code == 1
    assert "FAIL schema: the database has no tables yet: run `flask db upgrade`" in result.output
    assert "failed: schema" in result.output


def test_configuration_checks_name_what_is_wrong_for_a_cluster():
    from lms.core.health import configuration_checks

    laptop = {"SQLALCHEMY_DATABASE_URI": "sqlite:///x", "SECRET_KEY_GENERATED": True, "NATIONAL_ID_KEY": "",
              "BASE_URL": "http://127.0.0.1:5000", "CELERY_BROKER_URL": "", "STORAGE_BACKEND": "local",
              "MAIL_SERVER": ""}
    assert all(c.ok and not c.warning for c in configuration_checks(laptop))
    cluster = dict(laptop, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://lms@db/lms")
    by_name = {c.name: c for c in configuration_checks(cluster)}
    assert not by_name["SECRET_KEY"].ok and "same SECRET_KEY on every node" in by_name["SECRET_KEY"].detail
    assert by_name["STORAGE_BACKEND"].ok and by_name["STORAGE_BACKEND"].warning
    assert "missing on the others" in by_name["STORAGE_BACKEND"].detail
    assert {n for n, c in by_name.items() if c.warning} == {
        "SECRET_KEY", "NATIONAL_ID_KEY", "BASE_URL", "CELERY_BROKER_URL", "STORAGE_BACKEND", "MAIL_SERVER"}
    ready = dict(cluster, SECRET_KEY_GENERATED=False, NATIONAL_ID_KEY="k", BASE_URL="https://lms.kcg.gov.tw",
                 CELERY_BROKER_URL="redis://r:6379/0", STORAGE_BACKEND="s3", MAIL_SERVER="smtp")
    assert all(c.ok and not c.warning for c in configuration_checks(ready))
