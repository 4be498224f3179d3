"""A cancelled run cancels its enrolments and tells everyone booked on it."""
from courses.enrollment import queries
from courses.enrollment.models import Enrollment
from courses.scheduling import services as scheduling_services
from lms.notifications.models import Notification


def test_cancelling_a_run_cancels_and_tells_the_booked(db, open_run, make_employee):
    from courses.enrollment import services

    run = open_run(capacity=1)
    seated = services.enroll(run, make_employee())
    waiting = services.enroll(run, make_employee())
    assert (seated.status, waiting.status) == ("seated", "waitlisted")
    scheduling_services.cancel_run(run, "颱風停班")
    statuses = {e.id: e.status for e in db.session.execute(db.select(Enrollment)).scalars()}
    assert statuses == {seated.id: "cancelled", waiting.id: "cancelled"}
    assert queries.seated_count(run.id) == 0
    told = {n.employee_id for n in db.session.execute(db.select(Notification)
                                                      .filter_by(kind="enrollment_cancelled")).scalars()}
    assert told == {seated.employee_id, waiting.employee_id}
