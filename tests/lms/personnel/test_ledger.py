"""The ledger as a projection of the LRS: completions become records, voids and corrections change
them, a rebuild from seq 0 gives what incremental ingestion gave, domain events ingest at once."""
from datetime import date, datetime, timezone

import sqlalchemy as sa

from lms.personnel import ledger
from lms.personnel.models import CERTIFIED, PENDING, LearningRecord
from lms.personnel.queries import records_of, yearly_totals
from xapi.emitter import vocabulary as v


def ledger_rows(db):
    rows = db.session.execute(sa.select(LearningRecord).order_by(LearningRecord.source_ref)).scalars().all()
    return [(r.source_ref, r.employee_id, r.year, r.hours, r.digital_hours, r.physical_hours, r.status,
             tuple(r.topics)) for r in rows]


def test_a_completion_becomes_a_pending_record_with_the_portal_fields(db, make_employee, complete, ingest):
    employee = make_employee()
    sid = complete(employee, "FIRE-60", 60, run="111-FIRE-01", title="消防安全檢查實務認證班", mode=3, digital=12,
                   physical=48, topics=["policy"], category="523",
                   when=datetime(2024, 12, 31, 17, 0, tzinfo=timezone.utc), extensions={v.EXT_TERM: "1"})
    assert ingest() >= 1
    [record] = records_of(employee.id)
    assert record.source_ref == sid and record.status == PENDING
    # 17:00 UTC on 31 Dec is 01:00 on 1 Jan in Taipei: the hours belong to the next year.
    assert (record.year, record.completed_on) == (2025, date(2025, 1, 1))
    assert (record.course_code, record.course_title, record.term) == ("FIRE-60", "消防安全檢查實務認證班", "1")
    assert (record.hours, record.digital_hours, record.physical_hours, record.learning_mode) == (60, 12, 48, 3)
    assert record.portal_category == "523" and record.topics == ["cyber_pro", "policy"]
    assert record.agency_id == employee.agency_id and record.job_related


def test_hours_split_follows_the_mode_when_the_statement_has_no_split(db, make_employee, complete, ingest):
    employee = make_employee()
    complete(employee, "E-POLICY", 2, mode=1)
    complete(employee, "CLASS", 6)
    ingest()
    splits = sorted((r.course_code, r.digital_hours, r.physical_hours) for r in records_of(employee.id))
    assert splits == [("CLASS", 0, 6), ("E-POLICY", 2, 0)]


def test_voiding_removes_the_hours(db, make_employee, complete, void, ingest):
    employee = make_employee()
    keep = complete(employee, "A", 3)
    wrong = complete(employee, "B", 6)
    ingest()
    assert yearly_totals(employee.id)[0].pending == 9
    void(wrong)
    ingest()
    assert [r.source_ref for r in records_of(employee.id)] == [keep]
    assert yearly_totals(employee.id)[0].pending == 3


def test_a_corrected_result_replaces_the_earlier_one_and_a_failure_withdraws_it(db, make_employee, complete,
                                                                                 ingest):
    employee = make_employee()
    complete(employee, "A", 6, run="R1")
    ingest()
    corrected = complete(employee, "A", 4, run="R1")
    ingest()
    assert [(r.source_ref, r.hours) for r in records_of(employee.id)] == [(corrected, 4)]
    complete(employee, "A", run="R1", verb="failed")
    ingest()
    assert records_of(employee.id) == []
    # The same course in another year counts again.
    complete(employee, "A", 6, run="R1", when=datetime(2026, 3, 1, tzinfo=timezone.utc))
    ingest()
    assert [r.year for r in records_of(employee.id)] == [2026]


def test_statements_of_unknown_people_or_other_verbs_are_skipped(db, make_employee, complete, ingest, make_lrs=None):
    from xapi.emitter import services

    employee = make_employee()
    complete(employee, "A", 3, verb="passed")
    statement = services.build_statement(services.LearningEvent(
        verb="completed", employee=employee, activity=services.course_activity("X", "X"), credited_hours=2))
    statement["actor"]["account"]["name"] = "NOBODY"
    services._write(statement, "completed")
    ingest()
    assert records_of(employee.id) == [] and db.session.scalar(sa.select(sa.func.count(LearningRecord.id))) == 0


def test_rebuild_gives_the_same_ledger_as_incremental_ingestion(db, make_employee, complete, void, ingest, officer,
                                                                 city):
    from lms.personnel.services import review_records

    people = [make_employee(agency=city["police"]) for _ in range(3)]
    first = complete(people[0], "A", 3, topics=["gender"])
    ingest(limit=1)
    complete(people[1], "B", 6, run="B1", topics=["environment"])
    complete(people[1], "B", 5, run="B1", topics=["environment"])  # corrected
    voided_later = complete(people[2], "C", 2)
    ingest(limit=2)
    complete(people[2], "D", 12, category="523")
    void(voided_later)
    ingest()
    late = complete(people[0], "E", 1, run="E1")
    latest = complete(people[0], "E", 1.5, run="E1")
    void(latest)  # the correction is withdrawn: neither E counts any more
    complete(people[1], "F", 4, verb="failed")
    ingest(limit=1)
    ingest()
    record = next(r for r in records_of(people[0].id) if r.source_ref == first)
    review_records(officer, [record.id], CERTIFIED)
    incremental = ledger_rows(db)
    assert {r[0] for r in incremental} >= {first} and late not in {r[0] for r in incremental}
    totals = [yearly_totals(p.id) for p in people]
    # Reading the same statements again changes nothing.
    ledger._checkpoint().last_seq = 0
    ingest()
    assert ledger_rows(db) == incremental
    ledger.rebuild_ledger()
    assert ledger_rows(db) == incremental
    assert [yearly_totals(p.id) for p in people] == totals
    assert next(r for r in ledger_rows(db) if r[0] == first)[6] == CERTIFIED  # the review survived


def test_rebuild_command_shows_progress_and_rebuilds(app, db, make_employee, complete):
    from click.testing import CliRunner

    employee = make_employee()
    complete(employee, "A", 3)
    complete(employee, "B", 2)
    with app.app_context():
        result = CliRunner().invoke(app.cli, ["lms", "rebuild-hours"])
    assert result.exit_code == 0, result.output
    assert "Ledger rebuilt from 2 statements" in result.output
    assert sorted(r.hours for r in records_of(employee.id)) == [2, 3]


def test_a_completion_event_credits_the_hours_at_once(app, db, make_employee):
    from lms.events.services import record_event

    employee = make_employee()
    record_event("enrollment.completed", employee=employee,
                 course={"code": "ENV-4", "name_zh": "打造低碳城～看見綠實力研習班（遠距）"},
                 run={"code": "114-ENV-01", "name_zh": "打造低碳城 第1期"}, hours=4,
                 extensions={v.EXT_TOPICS: ["environment"], v.EXT_LEARNING_MODE: 1})
    [record] = records_of(employee.id)
    assert (record.course_code, record.hours, record.topics, record.digital_hours) == ("ENV-4", 4, ["environment"], 4)


def test_a_void_stored_before_its_completion_keeps_the_hours_out(db, make_employee, complete, ingest):
    """Out-of-order forwarding: the voiding statement reaches the LRS (and the ledger) first."""
    from xapi.emitter import services
    from xapi.emitter.actors import platform_authority
    from xapi.store.services import StoreRequest, store_statements

    employee = make_employee()
    keep = complete(employee, "A", 3)
    target = "3c9a1f0e-8b7d-4c6e-9f5a-1b2c3d4e5f60"
    store_statements(StoreRequest([{"id": "7d2e4f6a-1b3c-4d5e-8f90-a1b2c3d4e5f6", "actor": platform_authority(),
                                    "verb": {"id": v.VERBS["voided"][0]},
                                    "object": {"objectType": "StatementRef", "id": target}}], platform_authority()))
    ingest()  # the void is read before there is anything to void
    statement = services.build_statement(services.LearningEvent(
        verb="completed", employee=employee, activity=services.course_activity("B", "B"), credited_hours=6,
        occurred_at=datetime(2025, 5, 7, tzinfo=timezone.utc)), statement_id=target)
    services._write(statement, "completed")
    ingest()
    assert [r.source_ref for r in records_of(employee.id)] == [keep]
    assert yearly_totals(employee.id)[0].pending == 3
    ledger.rebuild_ledger()
    assert [r.source_ref for r in records_of(employee.id)] == [keep]


def test_a_late_void_of_a_correction_read_again_by_the_sweep_changes_nothing(db, make_employee, complete, void,
                                                                                ingest):
    employee = make_employee()
    complete(employee, "A", 6, run="R1")
    correction = complete(employee, "A", 4, run="R1")
    ingest()
    void(correction)
    ingest()
    once = ledger_rows(db)
    ingest(reread=100)  # the sweep reads the voided correction again, now marked voided in the LRS
    assert ledger_rows(db) == once == []
