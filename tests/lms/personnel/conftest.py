"""Factories for the hours ledger's tests: completion statements of our profile written to the LRS
the way the emitter writes them, voids, and the national rule set."""
from __future__ import annotations

import itertools
from datetime import datetime, timezone

import pytest

_n = itertools.count(1)


@pytest.fixture
def complete(app, db):
    """Emit a `completed` statement for an employee; returns its statement id."""
    from xapi.emitter import services, vocabulary as v

    def factory(employee, course="CEDAW-101", hours=3.0, *, topics=(), mode=None, digital=None, physical=None,
                category=None, when=None, run=None, verb="completed", title=None, extensions=None):
        ext = {v.EXT_TOPICS: list(topics)} if topics else {}
        if mode is not None:
            ext[v.EXT_LEARNING_MODE] = mode
        if digital is not None:
            ext[v.EXT_DIGITAL_HOURS] = digital
        if physical is not None:
            ext[v.EXT_PHYSICAL_HOURS] = physical
        if category is not None:
            ext[v.EXT_PORTAL_CATEGORY] = category
        ext.update(extensions or {})
        course_ref = services.course_activity(course, title or f"課程{course}", online=mode == 1)
        activity, parent = (services.run_activity(run, f"{title or course} 第1期"), course_ref) if run else (
            course_ref, None)
        entry = services.record_event(services.LearningEvent(
            verb=verb, employee=employee, activity=activity, parent=parent,
            occurred_at=when or datetime(2025, 5, 6, 2, 0, tzinfo=timezone.utc),
            credited_hours=hours if verb == "completed" else None, extensions=ext))
        return entry.statement_id
    return factory


@pytest.fixture
def void(app, db):
    from xapi.emitter import services

    def factory(statement_id):
        return services.void_statement(statement_id).statement_id
    return factory


@pytest.fixture
def rules_2025(db):
    from lms.personnel.services import seed_national_rules

    return seed_national_rules(2025)


@pytest.fixture
def ingest(db):
    from lms.personnel.ledger import ingest_statements

    return ingest_statements


@pytest.fixture
def officer(make_user, city):
    from lms.auth.models import Role

    return make_user(Role.AGENCY_OFFICER, agency=city["police"])


@pytest.fixture
def certified(db, complete, ingest, officer):
    """A completion ingested and certified by the police officer; returns the record."""
    from lms.personnel import queries
    from lms.personnel.models import CERTIFIED
    from lms.personnel.services import review_records

    def factory(employee, course, hours, **kw):
        sid = complete(employee, course, hours, **kw)
        ingest()
        record = next(r for r in queries.records_of(employee.id) if r.source_ref == sid)
        review_records(officer, [record.id], CERTIFIED)
        return record
    return factory
