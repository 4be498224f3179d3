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
