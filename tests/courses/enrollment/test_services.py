"""Enrolment rules: eligibility, seats in order, waitlist and promotion, quotas, cancellation deadline,
supervisor approval and its expiry, and the domain events every change records."""
from datetime import datetime, time, timedelta, timezone

import pytest
from flask_babel import gettext as _

from courses.enrollment import queries, services
from lms.errors import ConflictError, RuleBrokenError, ValidationFailed
from lms.events.models import DomainEvent
from lms.notifications.models import Notification


def kinds(db, enrollment):
    return [e.kind for e in db.session.execute(db.select(DomainEvent).filter_by(
        object_type="Enrollment", object_id=enrollment.id).order_by(DomainEvent.id)).scalars()]


def test_seats_in_order_then_waitlist(db, open_run, make_employee):
    run = open_run(capacity=2)
    people = [make_employee() for _ in range(4)]
    results = [services.enroll(run, p) for p in people]
    assert [e.status for e in results] == ["seated", "seated", "waitlisted", "waitlisted"]
    assert [e.seq for e in results] == [1, 2, 3, 4]
    assert [queries.waitlist_position(e) for e in results[2:]] == [1, 2]
    assert kinds(db, results[0]) == ["enrollment.registered"]
    assert kinds(db, results[2]) == ["enrollment.waitlisted"]
    event = db.session.execute(db.select(DomainEvent).filter_by(object_id=results[0].id)).scalar_one()
    assert event.payload["run"]["code"] == run.code and event.payload["course"]["code"] == run.course.code
    subjects = [n.subject for n in db.session.execute(db.select(Notification).filter_by(
        employee_id=people[2].id)).scalars()]
    assert len(subjects) == 1 and run.code in subjects[0]


def test_cancelling_a_seat_promotes_the_next_in_line(db, open_run, make_employee):
    run = open_run(capacity=1)
    first, second, third = (services.enroll(run, make_employee()) for _ in range(3))
    services.cancel(first)
    assert (first.status, second.status, third.status) == ("cancelled", "seated", "waitlisted")
    assert kinds(db, second) == ["enrollment.waitlisted", "enrollment.promoted"]
    assert queries.waitlist_position(third) == 1
    promoted_note = db.session.execute(db.select(Notification).filter_by(
        employee_id=second.employee_id, kind="enrollment_promoted")).scalar_one()
    assert run.code in promoted_note.subject


def test_cancelling_a_waitlisted_place_promotes_no_one(db, open_run, make_employee):
    run = open_run(capacity=1)
    seated, waiting = services.enroll(run, make_employee()), services.enroll(run, make_employee())
    services.cancel(waiting)
    assert seated.status == "seated" and waiting.status == "cancelled"


def test_eligibility_problems_are_collected(db, open_run, make_course, make_employee, set_policy, today):
    basic = make_course()
    advanced = make_course(prerequisite_codes=(basic.code,))
    run = open_run(course=advanced)
    set_policy(run, supervisors_only=True, rank_classes=("senior",))
    learner = make_employee(rank_class="elementary")
    with pytest.raises(RuleBrokenError) as caught:
        services.enroll(run, learner)
    fields = [f for f, _m in caught.value.errors]
    assert fields == ["audience", "audience", "prerequisites"]
    assert basic.code in caught.value.errors[2][1]


def test_prerequisite_met_by_a_completed_run(db, open_run, make_course, make_employee):
    basic = make_course()
    advanced = make_course(prerequisite_codes=(basic.code,))
    learner = make_employee()
    done = services.enroll(open_run(course=basic, starts_in=20), learner)
    done.outcome = "completed"
    assert services.enroll(open_run(course=advanced, starts_in=40), learner).status == "seated"


def test_closed_run_and_window_refuse(db, open_run, make_employee, today):
    run = open_run()
    run.enrol_closes_on = today - timedelta(days=1)
    with pytest.raises(RuleBrokenError) as caught:
        services.enroll(run, make_employee())
    assert caught.value.errors == [("run", _("Enrolment for this run is not open."))]


def test_overlapping_run_is_refused_but_back_to_back_is_fine(db, open_run, make_employee, add_session, make_room):
    learner = make_employee()
    first = open_run()
    services.enroll(first, learner)
    clash = open_run(session=False)
    add_session(clash, day=clash.starts_on, start=time(10), end=time(11), room_id=make_room().id)
    with pytest.raises(RuleBrokenError) as caught:
        services.enroll(clash, learner)
    assert caught.value.errors[0][0] == "overlap" and first.code in caught.value.errors[0][1]
    afternoon = open_run(session=False)
    add_session(afternoon, day=afternoon.starts_on, start=time(13), end=time(16), room_id=make_room().id)
    assert services.enroll(afternoon, learner).status == "seated"


def test_enrolling_twice_conflicts_but_re_enrolling_after_cancel_works(db, open_run, make_employee):
    run = open_run()
    learner = make_employee()
    enrollment = services.enroll(run, learner)
    with pytest.raises(ConflictError):
        services.enroll(run, learner)
    services.cancel(enrollment)
    again = services.enroll(run, learner)
    assert again.id == enrollment.id and again.status == "seated" and again.seq == 2


def test_cancellation_deadline_binds_learners_not_administrators(db, open_run, make_employee, set_policy):
    run = open_run(starts_in=5)
    set_policy(run, cancel_days_before=7)
    enrollment = services.enroll(run, make_employee())
    with pytest.raises(RuleBrokenError) as caught:
        services.cancel(enrollment)
    assert caught.value.message == _("Cancellations closed on %(day)s; ask the training centre.",
                                     day=(run.starts_on - timedelta(days=7)).isoformat())
    services.cancel(enrollment, override=True)
    assert enrollment.status == "cancelled"


def test_agency_quota_holds_a_seat_for_another_agency(db, open_run, make_employee, set_policy, city):
    run = open_run(capacity=3)
    set_policy(run, agency_quota=2)
    police = [make_employee(agency=a) for a in (city["lingya"], city["patrol"], city["police"])]
    fire = make_employee(agency=city["fire"])
    statuses = [services.enroll(run, p).status for p in police]
    assert statuses == ["seated", "seated", "waitlisted"]    # the patrol unit counts as the police bureau
    assert services.enroll(run, fire).status == "seated"


def test_promotion_skips_people_whose_agency_is_at_its_quota(db, open_run, make_employee, set_policy, city):
    run = open_run(capacity=2)
    set_policy(run, agency_quota=1)
    police_seat = services.enroll(run, make_employee(agency=city["lingya"]))
    fire_seat = services.enroll(run, make_employee(agency=city["fire"]))
    police_wait = services.enroll(run, make_employee(agency=city["patrol"]))
    fire_wait = services.enroll(run, make_employee(agency=city["fire"]))
    assert police_wait.status == fire_wait.status == "waitlisted"
    services.cancel(fire_seat)
    assert fire_wait.status == "seated" and police_wait.status == "waitlisted"
    assert police_seat.status == "seated"


def test_approval_required_queue_approve_and_decline(db, open_run, make_employee, make_user, set_policy, city):
    from lms.auth.models import Role
    from lms.auth.permissions import agency_scope

    run = open_run(capacity=1)
    set_policy(run, approval_required=True)
    boss = make_user(Role.SUPERVISOR, employee=make_employee(agency=city["lingya"], is_supervisor=True))
    first, second = services.enroll(run, make_employee()), services.enroll(run, make_employee())
    assert first.status == second.status == "pending" and first.approval_due_at is not None
    asked = db.session.execute(db.select(Notification).filter_by(employee_id=boss.employee_id,
                                                                 kind="approval_requested")).scalars().all()
    assert len(asked) == 2
    queue = queries.approval_queue(agency_scope(boss, {Role.SUPERVISOR}))
    assert [e.id for e in queue] == [first.id, second.id]
    with pytest.raises(ValidationFailed):
        services.decide(second, False, by_user=boss)
    services.decide(second, True, by_user=boss)
    assert second.status == "seated"
    services.decide(first, False, by_user=boss, reason="業務繁忙")
    assert first.status == "declined" and first.decision_reason == "業務繁忙"
    assert kinds(db, second) == ["enrollment.approval_requested", "enrollment.approved", "enrollment.registered"]
    with pytest.raises(ConflictError):
        services.decide(first, True, by_user=boss)


def test_nominated_staff_skip_the_approval(db, open_run, make_employee, make_user, set_policy, city):
    from lms.auth.models import Role
    from lms.auth.permissions import agency_scope

    run = open_run()
    set_policy(run, approval_required=True)
    officer = make_user(Role.AGENCY_OFFICER, agency=city["police"])
    staff = make_employee(agency=city["lingya"])
    report = services.nominate(run, by_user=officer, scope=agency_scope(officer), employees=[staff])
    assert report.seated == [staff]
    assert queries.enrollment_for(run.id, staff.id).via == "nomination"


def test_unanswered_requests_expire_with_a_notice(db, open_run, make_employee, set_policy):
    run = open_run()
    set_policy(run, approval_required=True, approval_days=2)
    enrollment = services.enroll(run, make_employee())
    assert services.expire_requests(datetime.now(timezone.utc) + timedelta(days=1)) == 0
    assert services.expire_requests(datetime.now(timezone.utc) + timedelta(days=3)) == 1
    assert enrollment.status == "expired"
    assert services.expire_requests(datetime.now(timezone.utc) + timedelta(days=3)) == 0   # twice is safe
    note = db.session.execute(db.select(Notification).filter_by(employee_id=enrollment.employee_id,
                                                                kind="approval_expired")).scalar_one()
    assert run.code in note.subject


def test_policy_validation_collects_errors(db, open_run):
    from courses.enrollment.services import PolicyData

    with pytest.raises(ValidationFailed) as caught:
        services.update_policy(open_run(capacity=10), PolicyData(agency_quota=11, min_attendance_share=1.5,
                                                                  pass_mark=120, rank_classes=("x",)))
    assert {f for f, _m in caught.value.errors} == {"agency_quota", "min_attendance_share", "pass_mark",
                                                    "rank_classes"}
