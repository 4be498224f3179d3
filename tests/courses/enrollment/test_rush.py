"""No overbooking under a rush: 200 concurrent enrolment requests for 20 seats on a committed PostgreSQL
database end with exactly 20 seated and 180 waitlisted in arrival order (bench/enrol_rush.py does 2,000)."""
import pytest

from bench.enrol_rush import engine_overrides, rush, seed_run
from tests import services
from tests.conftest import committed_app

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(services.TEST_DB != "postgresql",
                       reason="row locks under real concurrency: runs in the PostgreSQL pass (LMS_TEST_DB=postgresql)"),
]


def test_200_concurrent_requests_for_20_seats(tmp_path):
    import flask_migrate

    from courses.enrollment.models import Enrollment
    from lms.extensions import db

    with services.postgres_database("lms_rush") as url:
        with committed_app(url, tmp_path, **engine_overrides(url, 200)) as app:
            flask_migrate.upgrade(revision="heads")
            run_id, people = seed_run(seats=20, people=200, tag="T")
            db.session.remove()
            result = rush(app, run_id, people, threads=200, together=True)
            statuses = db.session.execute(db.select(Enrollment.status, db.func.count())
                                          .where(Enrollment.run_id == run_id).group_by(Enrollment.status)).all()
            db.session.remove()
            db.engine.dispose()
    assert result.errors == 0
    assert dict(statuses) == {"seated": 20, "waitlisted": 180}
    assert (result.seated, result.waitlisted) == (20, 180)
    assert result.in_order, "seats must go to the first 20 arrivals and the waitlist must follow arrival order"
