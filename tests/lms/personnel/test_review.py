"""The personnel officer's review: bulk certification within their agencies, rejection with a reason,
external learning submitted with proof and approved into the ledger."""
import io
from datetime import date

import pytest
import sqlalchemy as sa

from lms.auth.models import Role
from lms.errors import PermissionDeniedError, ValidationFailed
from lms.notifications.models import Notification
from lms.personnel import queries, services
from lms.personnel.models import APPROVED, CERTIFIED, PENDING, REJECTED, SUBMITTED, HoursReview

PDF = b"%PDF-1.4\n% proof\n"


def test_officer_certifies_in_bulk_and_the_learner_is_told(db, make_employee, city, complete, ingest, officer):
    a, b = make_employee(agency=city["patrol"]), make_employee(agency=city["police"])
    for person in (a, a, b):
        complete(person, f"C{person.id}-{len(queries.records_of(person.id))}", 3)
        ingest()
    ids = [r.id for r in queries.review_queue(queries.Scope(False, (city["police"].path,))).items]
    assert len(ids) == 3
    assert services.review_records(officer, ids, CERTIFIED) == 3
    assert {r.status for p in (a, b) for r in queries.records_of(p.id)} == {CERTIFIED}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HoursReview)) == 3
    bodies = db.session.execute(sa.select(Notification.body).where(Notification.employee_id == a.id)).scalars().all()
    assert any("6" in body for body in bodies)


def test_officer_cannot_touch_another_agencys_records(db, make_employee, city, complete, ingest, officer):
    mine, other = make_employee(agency=city["police"]), make_employee(agency=city["fire"])
    complete(mine, "A", 3)
    complete(other, "B", 3)
    ingest()
    ids = [queries.records_of(p.id)[0].id for p in (mine, other)]
    with pytest.raises(PermissionDeniedError):
        services.review_records(officer, ids, CERTIFIED)
    assert {r.status for p in (mine, other) for r in queries.records_of(p.id)} == {PENDING}


def test_supervisors_do_not_review_and_rejection_needs_a_reason(db, make_user, make_employee, city, complete,
                                                                ingest, officer):
    employee = make_employee(agency=city["police"])
    complete(employee, "A", 3)
    ingest()
    record = queries.records_of(employee.id)[0]
    supervisor = make_user(Role.SUPERVISOR, agency=city["police"])
    with pytest.raises(PermissionDeniedError):
        services.review_records(supervisor, [record.id], CERTIFIED)
    with pytest.raises(ValidationFailed) as failed:
        services.review_records(officer, [record.id], REJECTED)
    assert [f for f, _ in failed.value.errors] == ["reason"]
    services.review_records(officer, [record.id], REJECTED, "與業務無關")
    assert queries.records_of(employee.id)[0].status == REJECTED


def external(**overrides):
    values = dict(title="政府會計實務", provider="國家文官學院", started_on=date(2025, 3, 3), ended_on=date(2025, 3, 4),
                  hours=12.0, learning_mode=2, topics=("integrity",), job_related=True)
    values.update(overrides)
    return services.ExternalInput(**values)


def test_external_learning_counts_once_approved(db, make_employee, city, officer, rules_2025):
    employee = make_employee(agency=city["patrol"])
    item = services.submit_external(employee, external(), io.BytesIO(PDF), "證書.pdf")
    assert item.status == SUBMITTED and item.proof_type == "application/pdf"
    assert queries.external_queue(queries.Scope(False, (city["police"].path,))) == [item]
    assert queries.records_of(employee.id) == []
    services.decide_external(officer, item, approve=True)
    [record] = queries.records_of(employee.id)
    assert (record.source, record.status, record.hours, record.provider, record.topics) == (
        "external", CERTIFIED, 12, "國家文官學院", ["integrity"])
    summary = {r.rule.code: r.certified for r in queries.employee_summary(employee.id, 2025)}
    assert summary["governance_topics"] == 12 and summary["total"] == 12
    with pytest.raises(ValidationFailed):
        services.decide_external(officer, item, approve=False, note="again")
    # A rebuild keeps approved external learning.
    from lms.personnel.ledger import rebuild_ledger

    rebuild_ledger()
    assert [r.source_ref for r in queries.records_of(employee.id)] == [f"external:{item.id}"]


def test_external_submission_reports_every_problem(db, make_employee):
    employee = make_employee()
    with pytest.raises(ValidationFailed) as failed:
        services.submit_external(employee, external(title=" ", provider="", ended_on=date(2025, 3, 1), hours=0,
                                                    topics=("astrology",)), io.BytesIO(b"MZ\x90"), "setup.exe")
    assert {f for f, _ in failed.value.errors} == {"title", "provider", "ended_on", "hours", "topics", "proof"}


def test_declining_needs_a_note_and_only_the_employees_officer_decides(db, make_employee, make_user, city, officer):
    employee = make_employee(agency=city["fire"])
    item = services.submit_external(employee, external(), io.BytesIO(PDF), "proof.pdf")
    with pytest.raises(PermissionDeniedError):
        services.decide_external(officer, item, approve=True)
    fire_officer = make_user(Role.AGENCY_OFFICER, agency=city["fire"])
    with pytest.raises(ValidationFailed):
        services.decide_external(fire_officer, item, approve=False)
    services.decide_external(fire_officer, item, approve=False, note="證明文件不清楚")
    assert item.status == "declined" and queries.records_of(employee.id) == []
    assert APPROVED != item.status
