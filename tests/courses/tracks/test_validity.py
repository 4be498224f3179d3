"""Validity and renewal: a licence level runs until the licence expires, reminders 90 and 30 days before
(once per holder, threshold and expiry), lapsing when the validity ends, recertification by a renewed
licence (drone) or by this year's hours (cybersecurity), and the licence's own rules."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from courses.tracks import queries, services
from courses.tracks.models import TrackReminder
from courses.tracks.services import LevelData, LicenceData, RequirementData
from lms.errors import ValidationFailed
from lms.notifications.models import Notification


@pytest.fixture
def pilot(drone, make_employee, complete, licence, today):
    """A drone member holding the basic level on a licence issued 700 days ago (expires in about 30 days)."""
    person = make_employee()
    services.join_track(drone.track, person)
    complete(person, drone.course)
    issued = today - timedelta(days=700)
    licence(person, issued)
    holding = queries.holding(drone.level.id, person.id)
    assert holding is not None
    return person, holding


def _notices(db, person, kind):
    return db.session.execute(db.select(db.func.count(Notification.id))
                              .filter_by(employee_id=person.id, kind=kind)).scalar()


def test_a_licence_level_is_valid_until_the_licence_expires(pilot, today):
    _person, holding = pilot
    assert holding.valid_until > today and holding.status == "active"
    assert holding.valid_until == queries.licences_of(holding.employee_id)[0].expires_on


def test_licence_defaults_to_two_years_and_its_rules(drone, make_employee, licence):
    person = make_employee()
    first = licence(person, date(2025, 3, 1))
    assert first.expires_on == date(2027, 3, 1)
    with pytest.raises(ValidationFailed) as caught:
        services.record_licence(person, LicenceData(kind="professional", level="basic", groups=("G1",),
                                                    number=first.number, issued_on=date(2099, 1, 1)))
    assert {f for f, _m in caught.value.errors} == {"groups", "number", "issued_on"}
    with pytest.raises(ValidationFailed):
        services.record_licence(person, LicenceData(kind="pilot", number="X-1", issued_on=date(2025, 1, 1)))


def test_an_expired_licence_awards_nothing(drone, make_employee, complete, licence, today):
    person = make_employee()
    services.join_track(drone.track, person)
    complete(person, drone.course)
    licence(person, today - timedelta(days=800))
    assert queries.holding(drone.level.id, person.id) is None


def test_reminders_come_at_90_and_30_days_once_each(db, pilot):
    person, holding = pilot
    until = holding.valid_until
    assert services.send_expiry_reminders(until - timedelta(days=80)) == 1
    assert services.send_expiry_reminders(until - timedelta(days=79)) == 0        # idempotent
    assert services.send_expiry_reminders(until - timedelta(days=30)) == 1
    assert services.send_expiry_reminders(until - timedelta(days=10)) == 0
    assert _notices(db, person, "track_expiry") == 2
    assert services.send_expiry_reminders(until - timedelta(days=100)) == 0       # too early: nothing


def test_late_first_reminder_sends_one_message_for_both_thresholds(db, pilot):
    person, holding = pilot
    assert services.send_expiry_reminders(holding.valid_until - timedelta(days=20)) == 1
    rows = db.session.execute(db.select(TrackReminder.threshold).filter_by(holding_id=holding.id)).scalars().all()
    assert sorted(rows) == [30, 90] and _notices(db, person, "track_expiry") == 1


def test_a_holding_lapses_after_its_validity_and_only_once(db, pilot, events):
    person, holding = pilot
    assert services.lapse_expired(holding.valid_until) == 0                       # valid through the last day
    assert services.lapse_expired(holding.valid_until + timedelta(days=1)) == 1
    assert holding.status == "lapsed" and holding.lapsed_on == holding.valid_until + timedelta(days=1)
    assert services.lapse_expired(holding.valid_until + timedelta(days=2)) == 0
    assert len(events("track.lapsed")) == 1 and _notices(db, person, "track_lapsed") == 1


def test_renewing_the_licence_renews_the_level_and_its_reminders(db, pilot, events, today):
    person, holding = pilot
    old_until = holding.valid_until
    services.send_expiry_reminders(old_until - timedelta(days=20))
    services.lapse_expired(old_until + timedelta(days=1))
    assert holding.status == "lapsed"
    [lic] = queries.licences_of(person.id)
    services.renew_licence(lic, today)
    assert lic.expires_on == date(today.year + 2, today.month, today.day if (today.month, today.day) != (2, 29) else 28)
    assert holding.status == "active" and holding.valid_until == lic.expires_on and holding.renewed_on == today
    renewal = events("track.awarded")[-1]
    assert renewal.payload["renewal"] is True and renewal.payload["before"]["status"] == "lapsed"
    # The new expiry gets its own reminders.
    assert services.send_expiry_reminders(lic.expires_on - timedelta(days=60)) == 1


def test_a_renewal_must_expire_later(pilot):
    person, holding = pilot
    [lic] = queries.licences_of(person.id)
    with pytest.raises(ValidationFailed, match="expires_on"):
        services.renew_licence(lic, lic.issued_on, lic.expires_on)


@pytest.fixture
def cyber(make_track, make_course):
    course = make_course(code="CYB-101", credited_hours=12, topic_codes=("cyber_pro",))
    track = make_track("cyber", [(LevelData("cyber-dedicated", "資安專職人員", 1, validity_kind="annual"), [
        RequirementData("yearly_hours", topic_codes=("cyber_pro",), hours=12)])])
    return track, track.levels[0], course


def test_yearly_hours_keep_a_cybersecurity_level_valid(cyber, make_employee, complete, today):
    track, level, course = cyber
    person = make_employee()
    services.join_track(track, person)
    last_year_end = date(today.year - 1, 12, 20)
    complete(person, course, days_ago=(today - last_year_end).days)    # last year's 12 hours
    assert queries.holding(level.id, person.id) is None                 # not this year's hours
    services.evaluate_employee(person.id, today=last_year_end)          # as it was evaluated last December
    holding = queries.holding(level.id, person.id)
    assert holding.valid_until == date(today.year, 12, 31)
    complete(person, course, days_ago=1)                                # this year's 12 hours
    assert holding.valid_until == date(today.year + 1, 12, 31) and holding.renewed_on == today


def test_missing_the_yearly_hours_lapses_the_level(cyber, make_employee, complete, today):
    track, level, course = cyber
    person = make_employee()
    services.join_track(track, person)
    last_year_end = date(today.year - 1, 12, 20)
    complete(person, course, days_ago=(today - last_year_end).days)
    services.evaluate_employee(person.id, today=last_year_end)
    holding = queries.holding(level.id, person.id)
    assert services.lapse_expired(date(today.year + 1, 1, 1)) == 1
    assert holding.status == "lapsed"


def test_the_periodic_tasks_are_in_the_beat_schedule_and_run(app, pilot):
    from courses.tracks import tasks

    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["tracks-expiry-reminders"]["task"] == "courses.tracks.tasks.send_track_expiry_reminders"
    assert schedule["tracks-lapse-expired"]["task"] == "courses.tracks.tasks.lapse_expired_holdings"
    _person, holding = pilot                          # expires in about 30 days: both reminders due now
    assert tasks.send_track_expiry_reminders() == 1
    assert tasks.send_track_expiry_reminders() == 0
    assert tasks.lapse_expired_holdings() == 0 and holding.status == "active"
