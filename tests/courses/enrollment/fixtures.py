"""Factories shared by the enrolment, attendance and evaluation tests (imported by their conftest.py):
a run open for enrolment today with one classroom session, its policy, a seated learner."""
from __future__ import annotations

from datetime import time, timedelta

import pytest


@pytest.fixture
def today():
    from courses.enrollment.services import local_today

    return local_today()


@pytest.fixture
def open_run(db, make_run, make_course, make_room, add_session, today):
    """A run open for enrolment, starting in 30 days, with a 09:00–12:00 classroom session on its first day."""
    def factory(capacity=30, course=None, starts_in=30, days=1, session=True, **overrides):
        starts_on = today + timedelta(days=starts_in)
        run = make_run(course=course or make_course(), year=starts_on.year, starts_on=starts_on,
                       ends_on=starts_on + timedelta(days=days - 1), capacity=capacity, status="open",
                       enrol_opens_on=today - timedelta(days=10), enrol_closes_on=starts_on - timedelta(days=1),
                       **overrides)
        if session:
            add_session(run, day=starts_on, start=time(9), end=time(12), room_id=make_room(seats=max(capacity, 40)).id)
        return run
    return factory


@pytest.fixture
def set_policy(db):
    from dataclasses import replace

    from courses.enrollment.services import PolicyData, ensure_policy, update_policy

    def factory(run, **changes):
        current = ensure_policy(run)
        data = PolicyData(**{name: (tuple(c for c in getattr(current, name).split(",") if c)
                                    if name == "rank_classes" else getattr(current, name))
                             for name in PolicyData.__dataclass_fields__})
        return update_policy(run, replace(data, **changes))
    return factory


@pytest.fixture
def seated(db, open_run, make_employee):
    """(session, enrollment): someone seated in a run (fresh unless given) with its 09:00–12:00 session."""
    from courses.enrollment import services

    def factory(run=None, employee=None):
        run = run or open_run()
        return run.sessions[0], services.enroll(run, employee or make_employee())
    return factory


def classroom(run, add_session, offset_days=0):
    """A 09:00–16:00 classroom session `offset_days` after the run's first day, in a room of its own."""
    from courses.scheduling.services import save_room, save_venue

    room = save_room(save_venue(f"教室大樓{run.id}-{offset_days}"), "101", max(run.capacity, 40))
    return add_session(run, day=run.starts_on + timedelta(days=offset_days), start=time(13), end=time(16),
                       room_id=room.id)
