"""Each learner's private calendar address: the sessions of the runs they have a seat in, behind a secret
that only the learner sees, that is stored only as a hash, and that a new address or turning it off revokes."""
import re
from datetime import time

import pytest
from icalendar import Calendar

from courses.enrollment import services as enrolment
from courses.scheduling import services
from courses.scheduling.calendars import session_uid
from courses.scheduling.models import CalendarToken
from lms.auth.models import Role


def address_on(page) -> str:
    html = page.get_data(as_text=True)
    match = re.search(r'id="calendar-address" type="text" value="([^"]+)"', html)
    assert match, html[-2000:]
    return match.group(1)


def feed_path(address: str) -> str:
    return "/" + address.split("/", 3)[3]


def uids(body: bytes) -> set[str]:
    return {str(e["uid"]) for e in Calendar.from_ical(body).walk("VEVENT")}


@pytest.fixture
def learner(make_user):
    return make_user(Role.LEARNER)


@pytest.fixture
def schedule(db, learner, open_run, add_session, make_employee):
    """Three runs: one with a seat for the learner (two sessions), one where they wait, one cancelled."""
    mine = open_run()
    add_session(mine, day=mine.starts_on, start=time(13), end=time(16), mode="online_prework")
    enrolment.enroll(mine, learner.employee)
    full = open_run(capacity=1, starts_in=40)
    enrolment.enroll(full, make_employee())
    enrolment.enroll(full, learner.employee)            # waitlisted
    dropped = open_run(starts_in=50)
    enrolment.enroll(dropped, learner.employee)
    services.cancel_run(dropped)
    return {"mine": mine, "full": full, "dropped": dropped}


def test_a_learner_creates_an_address_and_subscribes(db, client, login, learner, schedule):
    login(learner)
    page = client.get("/my/calendar").get_data(as_text=True)
    assert "id=\"calendar-address\"" not in page and "/my/calendar/address" in page
    assert client.post("/my/calendar/address").status_code == 302
    address = address_on(client.get("/my/calendar"))
    client.post("/logout")
    response = client.get(feed_path(address))                # a calendar app: no session cookie
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"TZID:Asia/Taipei" in response.data
    assert uids(response.data) == {session_uid(s) for s in schedule["mine"].sessions}


def test_only_a_hash_of_the_secret_is_stored(db, client, login, learner):
    login(learner)
    client.post("/my/calendar/address")
    secret = address_on(client.get("/my/calendar")).rsplit("/", 1)[1].removesuffix(".ics")
    token = db.session.execute(db.select(CalendarToken).filter_by(employee_id=learner.employee_id)).scalar_one()
    assert len(secret) >= 32 and secret not in (token.token_hash, token.salt)
    assert token.token_hash == services.hash_calendar_secret(secret)


def test_a_new_address_revokes_the_old_one(db, client, login, learner, schedule):
    login(learner)
    client.post("/my/calendar/address")
    old = feed_path(address_on(client.get("/my/calendar")))
    client.post("/my/calendar/address")
    new = feed_path(address_on(client.get("/my/calendar")))
    assert old != new
    assert client.get(old).status_code == 404 and client.get(new).status_code == 200


def test_turning_the_address_off(db, client, login, learner):
    login(learner)
    client.post("/my/calendar/address")
    path = feed_path(address_on(client.get("/my/calendar")))
    assert client.post("/my/calendar/address/delete").status_code == 302
    assert client.get(path).status_code == 404
    assert "id=\"calendar-address\"" not in client.get("/my/calendar").get_data(as_text=True)


def test_the_feed_follows_changes_to_seats_and_sessions(db, client, login, learner, schedule, make_room):
    login(learner)
    client.post("/my/calendar/address")
    path = feed_path(address_on(client.get("/my/calendar")))
    session = schedule["mine"].sessions[0]
    services.update_session(session, services.session_data(session, start=time(8)))
    (event,) = [e for e in Calendar.from_ical(client.get(path).data).walk("VEVENT")
                if str(e["uid"]) == session_uid(session)]
    assert int(event["sequence"]) == 1 and event.decoded("dtstart").hour == 8
    enrolment.cancel(enrolment.queries.enrollment_for(schedule["mine"].id, learner.employee_id))
    assert uids(client.get(path).data) == set()


def test_another_agencys_learner_sees_only_their_own(db, client, login, learner, make_user, city, schedule):
    login(learner)
    client.post("/my/calendar/address")
    mine = address_on(client.get("/my/calendar"))
    other = make_user(Role.LEARNER, agency=city["fire"])
    login(other)
    page = client.get("/my/calendar").get_data(as_text=True)
    assert mine not in page and "id=\"calendar-address\"" not in page
    client.post("/my/calendar/address")                  # their own address: mine keeps working
    theirs = address_on(client.get("/my/calendar"))
    assert theirs != mine and client.get(feed_path(mine)).status_code == 200
    assert uids(client.get(feed_path(theirs)).data) == set()
    assert client.get(feed_path(mine).replace(".ics", "x.ics")).status_code == 404


def test_accounts_without_a_staff_record_have_no_calendar(db, client, login, make_user):
    login(make_user(Role.SYSADMIN, employee=None, email="root@example.gov.tw"))
    assert client.get("/my/calendar").status_code == 403
    assert client.post("/my/calendar/address").status_code == 403


def test_the_page_needs_sign_in(client):
    assert client.get("/my/calendar").status_code == 302
    assert client.post("/my/calendar/address").status_code in (302, 401)


def test_a_new_secret_key_retires_the_address(app, db, client, login, learner, monkeypatch):
    login(learner)
    client.post("/my/calendar/address")
    path = feed_path(address_on(client.get("/my/calendar")))
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key-0123456789")
    login(learner)                                        # the session cookie was signed with the old key
    page = client.get("/my/calendar").get_data(as_text=True)
    assert "id=\"calendar-address\"" not in page
    client.post("/my/calendar/address")
    assert client.get(path).status_code == 404
    assert client.get(feed_path(address_on(client.get("/my/calendar")))).status_code == 200


def test_the_page_lists_my_sessions_with_where_to_go(db, client, login, learner, schedule):
    login(learner)
    html = client.get("/my/calendar").get_data(as_text=True)
    mine, full = schedule["mine"], schedule["full"]
    assert mine.code in html and full.code not in html and schedule["dropped"].code not in html
    assert mine.sessions[0].room.label("zh") in html


def test_the_next_class_comes_first_and_past_ones_are_folded(db, client, login, learner, open_run, add_session):
    """Upcoming sessions (with the meeting link) head the page; finished ones sit in a closed <details>,
    newest first, without links to meetings that are over."""
    from datetime import datetime, timedelta, timezone

    upcoming = open_run(session=False)
    add_session(upcoming, mode="remote", meeting_url="https://meet.example.tw/next")
    enrolment.enroll(upcoming, learner.employee)
    finished = open_run(starts_in=40, session=False)
    add_session(finished, mode="remote", meeting_url="https://meet.example.tw/over")
    enrolment.enroll(finished, learner.employee)
    session = finished.sessions[0]                      # time passes for this one: it ended yesterday
    session.starts_at = datetime.now(timezone.utc) - timedelta(days=1, hours=3)
    session.ends_at = session.starts_at + timedelta(hours=3)
    login(learner)
    html = client.get("/my/calendar").get_data(as_text=True)
    head, _sep, past = html.partition('<details id="past">')
    assert upcoming.code in head and "https://meet.example.tw/next" in head and finished.code not in head
    assert finished.code in past and "https://meet.example.tw/over" not in past
