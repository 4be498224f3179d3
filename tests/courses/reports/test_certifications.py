"""Certifications in the supervisor reports: held and expiring per person on the unit page, the list
with expiry on the person page, and nobody else's qualifications."""
from __future__ import annotations

from datetime import timedelta

from courses.reports import queries


def _qualify(db, employee, kind, valid_until, n=[0]):
    from lms.personnel.models import Qualification

    n[0] += 1
    db.session.add(Qualification(source_ref=f"q-{n[0]}", employee_id=employee.id, kind=kind, level="basic",
                                 title=f"{kind} 資格", awarded_on=queries.local_today() - timedelta(days=400),
                                 valid_until=valid_until))
    db.session.flush()


def test_held_and_expiring_per_person(staff, db):
    today = queries.local_today()
    _qualify(db, staff["behind"], "procurement", None)
    _qualify(db, staff["behind"], "drone", today + timedelta(days=30))
    _qualify(db, staff["behind"], "english", today - timedelta(days=1))      # lapsed: not held
    _qualify(db, staff["done"], "drone", today + timedelta(days=200))
    found = queries.certifications_of([staff["behind"].id, staff["done"].id, staff["fire"].id], today)
    assert found[staff["behind"].id] == queries.Certifications(held=2, expiring=1)
    assert found[staff["done"].id] == queries.Certifications(held=1, expiring=0)
    assert staff["fire"].id not in found


def test_unit_and_person_pages_show_them(sign_in, supervisor, staff, city, db):
    today = queries.local_today()
    _qualify(db, staff["behind"], "drone", today + timedelta(days=30))
    _qualify(db, staff["fire"], "procurement", today + timedelta(days=10))   # outside the supervisor's unit
    client = sign_in(supervisor)
    unit = client.get(f"/reports/units/{city['lingya'].id}").get_data(as_text=True)
    assert "證照與資格" in unit and "1 張即將到期" in unit
    person = client.get(f"/reports/people/{staff['behind'].id}").get_data(as_text=True)
    assert "drone 資格" in person and "30 天後到期" in person
    assert client.get(f"/reports/people/{staff['fire'].id}").status_code == 403
