"""Booking e-mails with calendar invitations, read back from a real SMTP server: a seat sends METHOD:REQUEST
with the sessions' stable UIDs, a moved or added session an updated REQUEST with a higher SEQUENCE, and a
removed session, a cancelled run or a withdrawn seat METHOD:CANCEL."""
from datetime import time

import pytest
from icalendar import Calendar

from courses.enrollment import services as enrolment
from courses.enrollment.models import Enrollment
from courses.scheduling import services
from courses.scheduling.calendars import session_uid
from lms.db import utcnow
from lms.notifications.services import notify


def invitation(message):
    """(method in the Content-Type, parsed calendar, its events by UID) of a delivered e-mail."""
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1, [p.get_content_type() for p in message.walk()]
    calendar = Calendar.from_ical(parts[0].get_content())
    return parts[0].get_param("method"), calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def only_mail_to(mailbox, employee):
    messages = mailbox.to(employee.email)
    assert len(messages) == 1, [m["Subject"] for m in messages]
    return messages[0]


def has_calendar(message) -> bool:
    return any(p.get_content_type() == "text/calendar" for p in message.walk())


@pytest.fixture
def booked(db, open_run, add_session, make_room, make_employee, mailbox):
    """A run with a classroom session and a remote one, a learner seated in it, and the e-mail they got."""
    run = open_run()
    add_session(run, day=run.starts_on, start=time(13), end=time(16), mode="remote",
                meeting_url="https://meet.example.tw/r1")
    learner = make_employee()
    enrolment.enroll(run, learner)
    return run, learner, only_mail_to(mailbox, learner)


def test_a_seat_comes_with_a_request_for_every_session(booked):
    run, learner, message = booked
    method, calendar, events = invitation(message)
    assert method == "REQUEST" and str(calendar["method"]) == "REQUEST"
    assert message.get_content_type() == "multipart/mixed" and "invite.ics" in [
        p.get_filename() for p in message.walk()]
    assert set(events) == {session_uid(s) for s in run.sessions}
    for session in run.sessions:
        event = events[session_uid(session)]
        assert int(event["sequence"]) == 0
        assert event.decoded("dtstart") == session.local_start
        assert event["dtstart"].params["TZID"] == "Asia/Taipei"
        assert str(event["attendee"]) == f"mailto:{learner.email}"
        assert str(event["organizer"]).startswith("mailto:")
    assert b"BEGIN:VTIMEZONE" in calendar.to_ical()


def test_a_moved_session_sends_an_update_with_a_higher_sequence(db, booked, mailbox):
    run, learner, first = booked
    session = run.sessions[0]
    _m, _c, before = invitation(first)
    mailbox.clear()
    services.update_session(session, services.session_data(session, start=time(8), end=time(11)))
    method, _c, events = invitation(only_mail_to(mailbox, learner))
    (uid,) = events
    assert method == "REQUEST" and uid == session_uid(session)          # the same event, replaced
    assert int(events[uid]["sequence"]) == int(before[uid]["sequence"]) + 1 == session.sequence
    assert events[uid].decoded("dtstart").hour == 8

    mailbox.clear()
    services.update_session(session, services.session_data(session, start=time(8), end=time(12)))
    _m, _c, events = invitation(only_mail_to(mailbox, learner))
    assert int(events[uid]["sequence"]) == 2                            # every move goes one higher


def test_a_new_room_is_a_move_but_a_new_title_is_not(db, booked, mailbox, make_room):
    run, learner, _first = booked
    session = run.sessions[0]
    mailbox.clear()
    services.update_session(session, services.session_data(session, title="第一堂"))
    assert mailbox.messages == [] and session.sequence == 0
    services.update_session(session, services.session_data(session, room_id=make_room(seats=60).id))
    method, _c, events = invitation(only_mail_to(mailbox, learner))
    assert method == "REQUEST" and int(events[session_uid(session)]["sequence"]) == 1


def test_an_added_session_is_sent_to_the_seated_only(db, booked, mailbox, make_employee, add_session):
    run, learner, _first = booked
    enrolment.cancel(enrolment.enroll(run, other := make_employee()), override=True)
    mailbox.clear()
    added = add_session(run, day=run.starts_on, start=time(17), end=time(18), mode="online_prework")
    method, _c, events = invitation(only_mail_to(mailbox, learner))
    assert method == "REQUEST" and list(events) == [session_uid(added)]
    assert mailbox.to(other.email) == []


def test_a_removed_session_is_cancelled_above_its_last_sequence(db, booked, mailbox):
    run, learner, _first = booked
    session = run.sessions[1]
    uid, last = session_uid(session), session.sequence
    mailbox.clear()
    services.delete_session(session)
    message = only_mail_to(mailbox, learner)
    method, calendar, events = invitation(message)
    assert method == "CANCEL" and str(calendar["method"]) == "CANCEL"
    assert list(events) == [uid] and str(events[uid]["status"]) == "CANCELLED"
    assert int(events[uid]["sequence"]) > last


def test_a_cancelled_run_cancels_every_session(db, booked, mailbox):
    run, learner, _first = booked
    mailbox.clear()
    services.cancel_run(run, "颱風停班")
    method, _c, events = invitation(only_mail_to(mailbox, learner))
    assert method == "CANCEL" and set(events) == {session_uid(s) for s in run.sessions}
    assert all(str(e["status"]) == "CANCELLED" and int(e["sequence"]) == 1 for e in events.values())


def test_a_withdrawn_seat_cancels_and_a_new_seat_requests_again(db, booked, mailbox):
    run, learner, first = booked
    enrollment = enrolment.queries.enrollment_for(run.id, learner.id)
    mailbox.clear()
    enrolment.cancel(enrollment, reason="公務繁忙")
    method, _c, cancelled = invitation(only_mail_to(mailbox, learner))
    assert method == "CANCEL" and set(cancelled) == set(invitation(first)[2])
    mailbox.clear()
    enrolment.enroll(run, learner)
    method, _c, again = invitation(only_mail_to(mailbox, learner))
    # Same UIDs; the SEQUENCE never goes down, and the later DTSTAMP makes the new REQUEST win (RFC 5546).
    assert method == "REQUEST" and set(again) == set(cancelled)
    for uid, event in again.items():
        assert int(event["sequence"]) >= int(cancelled[uid]["sequence"])
        assert event.decoded("dtstamp") >= cancelled[uid].decoded("dtstamp")


def test_the_waitlist_gets_no_invitation_until_promoted(db, open_run, make_employee, mailbox):
    run = open_run(capacity=1)
    first, second = make_employee(), make_employee()
    seat = enrolment.enroll(run, first)
    enrolment.enroll(run, second)
    waitlisted = only_mail_to(mailbox, second)
    assert not has_calendar(waitlisted)
    mailbox.clear()
    enrolment.cancel(seat, override=True)
    method, _c, events = invitation(only_mail_to(mailbox, second))
    assert method == "REQUEST" and list(events) == [session_uid(run.sessions[0])]
    assert invitation(only_mail_to(mailbox, first))[0] == "CANCEL"


def test_a_waitlisted_person_who_withdraws_gets_no_cancel(db, open_run, make_employee, mailbox):
    run = open_run(capacity=1)
    enrolment.enroll(run, make_employee())
    enrolment.enroll(run, waiting := make_employee())
    mailbox.clear()
    enrolment.cancel(enrolment.queries.enrollment_for(run.id, waiting.id))
    assert not has_calendar(only_mail_to(mailbox, waiting))


def test_past_sessions_send_nothing(db, make_run, make_room, add_session, make_employee, mailbox):
    run = make_run()                                       # March 2026: over
    session = add_session(run, room_id=make_room().id)
    db.session.add(Enrollment(run_id=run.id, employee_id=make_employee().id, status="seated", seq=1,
                              requested_at=utcnow(), seated_at=utcnow()))
    db.session.flush()
    services.update_session(session, services.session_data(session, start=time(8)))
    assert session.sequence == 1 and mailbox.messages == []
    add_session(run, day=run.ends_on, mode="online_prework")
    assert mailbox.messages == []


def test_notify_refuses_an_unknown_method(db, make_employee):
    with pytest.raises(ValueError):
        notify(make_employee(), "x", "y", calendar_ics="BEGIN:VCALENDAR", calendar_method="PUBLISH")
