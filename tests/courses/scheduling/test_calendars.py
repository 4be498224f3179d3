from datetime import date, datetime, time, timezone

from icalendar import Calendar

from courses.scheduling.calendars import calendar_for
from courses.scheduling.services import cancel_run, rotate_feed_token


def events(body: bytes):
    return [c for c in Calendar.from_ical(body).walk("VEVENT")]


def test_run_feed_parses_back(client, make_run, make_room, make_instructor, add_session):
    run = make_run(starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 6))
    teacher = make_instructor("王教授, 博士; 講座")
    add_session(run, room_id=make_room().id, instructor_ids=(teacher.id,), start=time(9), end=time(12))
    add_session(run, day=date(2026, 3, 3), mode="remote", meeting_url="https://meet.example.tw/r1")
    response = client.get(f"/calendar/runs/{run.id}.ics?token={run.feed_token}")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert b"BEGIN:VTIMEZONE" in response.data and b"TZID:Asia/Taipei" in response.data
    first, second = events(response.data)
    start = first.decoded("dtstart")
    assert start.astimezone(timezone.utc) == datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)
    assert "王教授, 博士; 講座" in str(first.get("description"))      # escaped and read back intact
    assert str(second.get("url")) == "https://meet.example.tw/r1"
    assert str(first.get("uid")) != str(second.get("uid"))
    assert all(len(line) <= 75 for line in response.data.split(b"\r\n"))   # folded lines


def test_feed_needs_the_right_token(client, make_run):
    run = make_run()
    assert client.get(f"/calendar/runs/{run.id}.ics").status_code == 404
    assert client.get(f"/calendar/runs/{run.id}.ics?token=wrong").status_code == 404
    old = run.feed_token
    rotate_feed_token(run)
    assert client.get(f"/calendar/runs/{run.id}.ics?token={old}").status_code == 404
    assert client.get(f"/calendar/runs/{run.id}.ics?token={run.feed_token}").status_code == 200


def test_instructor_and_venue_feeds(client, make_run, make_room, make_instructor, add_session):
    teacher, room = make_instructor(), make_room()
    add_session(make_run(), room_id=room.id, instructor_ids=(teacher.id,))
    add_session(make_run(), day=date(2026, 3, 4), instructor_ids=(teacher.id,), mode="online_prework")
    body = client.get(f"/calendar/instructors/{teacher.id}.ics?token={teacher.feed_token}").data
    assert len(events(body)) == 2
    body = client.get(f"/calendar/venues/{room.venue.id}.ics?token={room.venue.feed_token}").data
    assert len(events(body)) == 1


def test_cancelled_run_shows_cancelled_with_a_higher_sequence(app, make_run, make_room, add_session):
    run = make_run()
    session = add_session(run, room_id=make_room().id)
    cancel_run(run)
    (event,) = events(calendar_for(run.sessions, "x"))
    assert str(event.get("status")) == "CANCELLED" and int(event.get("sequence")) == 1
    (invite,) = events(calendar_for([session], "x", method="REQUEST"))
    assert str(invite.get("uid")).startswith(f"class-session-{session.id}@")
