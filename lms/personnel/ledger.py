"""The hours ledger as a projection of the LRS: reading completion statements of our profile (and
voids of them) after a checkpoint and turning them into LearningRecord rows, the qualifications
("awarded"/"approved" statements carrying the qualification extensions) into Qualification rows, and
the full rebuild of both.

Statements are processed strictly in `seq` order and every step is idempotent (rows are keyed by
statement id), so an incremental run, a re-read of an overlapping window and a rebuild from seq 0
all end with the same ledger. Within one employee, activity, registration and year the latest
completion or failure wins: a corrected result replaces the earlier one instead of adding to it.
A statement already marked voided when it is read (its voiding statement was stored first, e.g.
forwarded out of order) is treated as completed-then-voided: it supersedes but never counts.
"""
from __future__ import annotations

import gc
import hashlib
import json
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Iterable
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from lms.db import utcnow
from lms.extensions import db
from lms.people.models import Employee
from lms.personnel.models import (
    CERTIFIED, MODE_BLENDED, MODE_DIGITAL, MODE_PHYSICAL, PENDING, SOURCE_EXTERNAL, SOURCE_LRS, APPROVED,
    ExternalLearning, HoursReview, IngestCheckpoint, LearningRecord, Qualification, topic_codes,
)
from xapi.emitter import vocabulary as vocab
from xapi.store.identity import verb_hash
from xapi.store.launch_tokens import sent_by_launched_content
from xapi.store.models import Statement

log = logging.getLogger(__name__)
TAIPEI = ZoneInfo("Asia/Taipei")
CHECKPOINT = "lrs"
BATCH_SIZE = 10000

COMPLETED_VERB = vocab.VERBS["completed"][0]
FAILED_VERB = vocab.VERBS["failed"][0]
VOIDED_VERB = vocab.VERBS["voided"][0]
QUALIFICATION_VERBS = (vocab.VERBS["awarded"][0], vocab.VERBS["approved"][0])
ONLINE_TYPE = vocab.ACTIVITY_TYPES["online_course"]

# Fields the emitter does not carry yet (asked of the xAPI engineer); read when present.
EXT_JOB_RELATED = vocab.PROFILE_IRI + "/extensions/job-related"
EXT_STARTED_ON = vocab.PROFILE_IRI + "/extensions/started-on"
EXT_PORTAL_COURSE_CODE = vocab.PROFILE_IRI + "/extensions/portal-course-code"
EXT_CERTIFICATE_NO = vocab.PROFILE_IRI + "/extensions/certificate-number"
EXT_ATTENDANCE = vocab.PROFILE_IRI + "/extensions/attendance"

# e等公務園+ categories that are also cybersecurity topics.
CATEGORY_TOPICS = {"522": "cyber_general", "523": "cyber_pro"}
_DURATION = re.compile(r"^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def _hashes() -> dict[str, str]:
    return {verb_hash(COMPLETED_VERB): "completed", verb_hash(FAILED_VERB): "failed",
            verb_hash(VOIDED_VERB): "voided", **{verb_hash(v): "qualification" for v in QUALIFICATION_VERBS}}


# --- reading one statement -------------------------------------------------------------------------


def _extensions(statement: dict) -> dict:
    """Context and result extensions in one map (result wins: it is about this learner's outcome)."""
    return {**((statement.get("context") or {}).get("extensions") or {}),
            **((statement.get("result") or {}).get("extensions") or {})}


def _name(definition: dict) -> str:
    names = (definition or {}).get("name") or {}
    return names.get("zh-TW") or names.get("zh-Hant-TW") or next(iter(names.values()), "")


def _code(iri: str) -> str:
    return unquote(iri.rstrip("/").rsplit("/", 1)[-1])[:64]


def _number(value: Any) -> float | None:
    try:
        return round(float(value), 2) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _duration_hours(value: str | None) -> float | None:
    match = _DURATION.match(value or "")
    if not match or not any(match.groups()):
        return None
    d, h, m, s = (float(g) if g else 0.0 for g in match.groups())
    return round(d * 24 + h + m / 60 + s / 3600, 2)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _local_date(timestamp: str | None) -> date | None:
    try:
        moment = datetime.fromisoformat((timestamp or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(TAIPEI).date()


def _topics(ext: dict, category: str) -> set[str]:
    raw = ext.get(vocab.EXT_TOPICS)
    if isinstance(raw, str):
        raw = raw.split(",")
    topics = {str(t).strip() for t in (raw or ()) if str(t).strip()}
    if category in CATEGORY_TOPICS:
        topics.add(CATEGORY_TOPICS[category])
    return {t[:32] for t in topics}


def actor_staff_no(statement: dict) -> tuple[str, str] | None:
    """("staff", number) for our account actors, ("email", address) for mbox actors."""
    actor = statement.get("actor") or {}
    if "account" in actor:
        return "staff", actor["account"].get("name", "")
    if str(actor.get("mbox", "")).startswith("mailto:"):
        return "email", actor["mbox"][7:].lower()
    return None


def completion_key(who: tuple[str, str], statement: dict, year: int) -> str:
    registration = ((statement.get("context") or {}).get("registration") or "").lower()
    text = f"{who[0]}:{who[1]}|{(statement.get('object') or {}).get('id', '')}|{registration}|{year}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


@dataclass
class ParsedCompletion:
    who: tuple[str, str]
    key: str
    values: dict
    topics: set[str] = field(default_factory=set)


def parse_completion(statement: dict) -> ParsedCompletion | None:
    """The ledger fields of a completion statement, or None when it is not one we can credit."""
    if sent_by_launched_content(statement):
        # An online course's own "completed" is the content's word; the platform credits the course once,
        # with its own statement, when the course's moveOn rules are satisfied.
        return None
    who = actor_staff_no(statement)
    completed_on = _local_date(statement.get("timestamp") or statement.get("stored"))
    if who is None or completed_on is None:
        return None
    obj = statement.get("object") or {}
    definition = obj.get("definition") or {}
    parents = ((statement.get("context") or {}).get("contextActivities") or {}).get("parent") or []
    course = parents[0] if parents else obj
    ext = _extensions(statement)
    hours = _number(ext.get(vocab.EXT_HOURS))
    if hours is None:
        hours = _duration_hours((statement.get("result") or {}).get("duration")) or 0.0
    mode = int(_number(ext.get(vocab.EXT_LEARNING_MODE)) or 0)
    if mode not in (MODE_DIGITAL, MODE_PHYSICAL, MODE_BLENDED):
        mode = MODE_DIGITAL if definition.get("type") == ONLINE_TYPE else MODE_PHYSICAL
    digital = _number(ext.get(vocab.EXT_DIGITAL_HOURS))
    physical = _number(ext.get(vocab.EXT_PHYSICAL_HOURS))
    if digital is None and physical is None:
        digital, physical = (hours, 0.0) if mode == MODE_DIGITAL else (0.0, hours)
    digital = min(max(digital or 0.0, 0.0), hours)
    physical = round(hours - digital, 2)  # the portal requires 數位 + 實體 = 訓練總數
    category = str(ext.get(vocab.EXT_PORTAL_CATEGORY) or "")[:8]
    score = ((statement.get("result") or {}).get("score") or {}).get("raw")
    job_related = ext.get(EXT_JOB_RELATED)
    values = {
        "year": completed_on.year, "completed_on": completed_on,
        "started_on": _date(ext.get(EXT_STARTED_ON)),
        "course_code": _code(course.get("id", "")), "course_title": _name(course.get("definition"))[:255]
        or _name(definition)[:255], "term": str(ext.get(vocab.EXT_TERM) or "")[:20],
        "hours": hours, "digital_hours": digital, "physical_hours": physical, "learning_mode": mode,
        "portal_category": category, "portal_course_code": str(ext.get(EXT_PORTAL_COURSE_CODE) or "")[:40],
        "score": _number(score), "certificate_no": str(ext.get(EXT_CERTIFICATE_NO) or "")[:80],
        "attendance": str(ext.get(EXT_ATTENDANCE) or "")[:200],
        "job_related": True if job_related is None else bool(job_related),
    }
    return ParsedCompletion(who, completion_key(who, statement, completed_on.year), values,
                            _topics(ext, category))


def parse_qualification(statement: dict) -> tuple[tuple[str, str], dict] | None:
    """(who, Qualification fields) of an awarded/approved statement that names a qualification.

    The emitter puts an event's extensions in context.extensions; other producers may use
    result.extensions (the profile's place for them): both are read, result first."""
    ext = _extensions(statement)
    who = actor_staff_no(statement)
    kind = str(ext.get(vocab.EXT_QUALIFICATION) or "").strip()[:40]
    awarded_on = _local_date(statement.get("timestamp") or statement.get("stored"))
    if who is None or not kind or awarded_on is None:
        return None
    return who, {"kind": kind, "level": str(ext.get(vocab.EXT_QUALIFICATION_LEVEL) or "").strip()[:40],
                 "title": _name((statement.get("object") or {}).get("definition"))[:255],
                 "awarded_on": awarded_on, "valid_until": _date(ext.get(vocab.EXT_VALID_UNTIL))}


# --- the projection --------------------------------------------------------------------------------


@dataclass
class _Batch:
    """The net effect of a run of statements, applied to the ledger in one go."""

    inserts: dict[str, tuple[int, ParsedCompletion]] = field(default_factory=dict)  # ref -> (seq, parsed)
    key_refs: dict[str, str] = field(default_factory=dict)  # completion key -> ref inserted in this batch
    delete_keys: set[str] = field(default_factory=set)      # earlier rows replaced by this batch
    delete_refs: set[str] = field(default_factory=set)      # earlier rows voided by this batch
    qualifications: dict[str, tuple[int, tuple[str, str], dict]] = field(default_factory=dict)

    def supersede(self, key: str) -> None:
        earlier = self.key_refs.pop(key, None)
        if earlier is not None:
            self.inserts.pop(earlier, None)
        else:
            self.delete_keys.add(key)

    def complete(self, ref: str, seq: int, parsed: ParsedCompletion) -> None:
        self.supersede(parsed.key)
        self.inserts[ref] = (seq, parsed)
        self.key_refs[parsed.key] = ref

    def void(self, target: str) -> None:
        if target in self.inserts:
            _, parsed = self.inserts.pop(target)
            if self.key_refs.get(parsed.key) == target:
                del self.key_refs[parsed.key]
        self.qualifications.pop(target, None)
        self.delete_refs.add(target)  # also a row left by an earlier pass over the same statements

    def read(self, seq: int, sid: str, kind: str, ref: str | None, voided: bool, payload: str) -> None:
        """Fold one statement (in seq order) into the batch."""
        if kind == "voided":
            if ref:
                self.void(ref)
            return
        statement = json.loads(payload)
        if kind == "qualification":
            if (parsed_qualification := parse_qualification(statement)) is not None:
                self.qualifications[sid] = (seq, *parsed_qualification)
        elif kind == "completed":
            parsed = parse_completion(statement)
            if parsed is not None:
                self.complete(sid, seq, parsed)
        else:
            who = actor_staff_no(statement)
            completed_on = _local_date(statement.get("timestamp") or statement.get("stored"))
            if who and completed_on:
                self.supersede(completion_key(who, statement, completed_on.year))
        if voided:
            # Its voiding statement was stored first (and possibly read already): withdraw it now.
            self.void(sid)


def _checkpoint() -> IngestCheckpoint:
    row = db.session.get(IngestCheckpoint, CHECKPOINT)
    if row is None:
        row = IngestCheckpoint(name=CHECKPOINT, last_seq=0)
        db.session.add(row)
        db.session.flush()
    return row


def _employees(whos: Iterable[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, int]]:
    staff = {v for k, v in whos if k == "staff"}
    emails = {v for k, v in whos if k == "email"}
    found = {}
    for values in _chunks(sorted(staff)):
        for id_, no, agency in db.session.execute(sa.select(Employee.id, Employee.staff_no, Employee.agency_id)
                                                  .where(_among(Employee.staff_no, values))):
            found[("staff", no)] = (id_, agency)
    for values in _chunks(sorted(emails)):
        for id_, email, agency in db.session.execute(sa.select(Employee.id, sa.func.lower(Employee.email),
                                                               Employee.agency_id)
                                                     .where(sa.func.lower(Employee.email).in_(values))):
            found[("email", email)] = (id_, agency)
    return found


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _among(column, values: list[str]):
    """column IN values. On PostgreSQL one text parameter split by the server: a 5,000-item IN list is
    slow to send and parse, and psycopg's adaptation of a Python list to an array cost more than the
    query itself in a rebuild. Values with a comma (none expected: statement ids, hex keys, staff
    numbers) fall back to IN."""
    if _postgres() and not any("," in value for value in values):
        return column == sa.any_(sa.func.string_to_array(sa.bindparam(None, ",".join(values), type_=sa.Text), ","))
    return column.in_(values)


def _chunks(values: list):
    # SQLite limits the number of bound parameters; PostgreSQL takes the whole batch as one parameter.
    size = max(len(values), 1) if _postgres() else 500
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _delete_records(condition) -> None:
    db.session.execute(sa.delete(LearningRecord).where(condition))


def _apply(batch: _Batch, fresh: bool = False) -> int:
    """Write the batch's net effect. `fresh`: a rebuild's pass over an emptied ledger, where no row of
    a statement read now can exist yet, so only superseded and voided rows of earlier batches are
    deleted (the inserted ids need no delete first)."""
    for keys in _chunks(sorted(batch.delete_keys)):
        _delete_records(sa.and_(_among(LearningRecord.completion_key, keys), LearningRecord.source == SOURCE_LRS))
    # Voids always: one committed during a rebuild may target a row an earlier batch wrote.
    for refs in _chunks(sorted(batch.delete_refs if fresh else batch.delete_refs | batch.inserts.keys())):
        _delete_records(_among(LearningRecord.source_ref, refs))
    for refs in _chunks(sorted(batch.delete_refs if fresh else batch.delete_refs | batch.qualifications.keys())):
        db.session.execute(sa.delete(Qualification).where(_among(Qualification.source_ref, refs)))
    if not batch.inserts and not batch.qualifications:
        return 0
    people = _employees({parsed.who for _, parsed in batch.inserts.values()}
                        | {who for _, who, _ in batch.qualifications.values()})
    _insert_qualifications(batch, people)
    decisions = {}
    for refs in _chunks(sorted(batch.inserts)):
        decisions.update(db.session.execute(sa.select(HoursReview.source_ref, HoursReview.decision)
                                            .where(_among(HoursReview.source_ref, refs))).all())
    rows, topics = [], []
    for ref, (seq, parsed) in batch.inserts.items():
        person = people.get(parsed.who)
        if person is None:
            log.warning("completion %s names no known employee; not credited", ref)
            continue
        rows.append({**parsed.values, "source": SOURCE_LRS, "source_ref": ref, "completion_key": parsed.key,
                     "statement_seq": seq, "employee_id": person[0], "agency_id": person[1],
                     "status": decisions.get(ref, PENDING), "provider": ""})
        topics.append(parsed.topics)
    return _insert_records(rows, topics)


def _insert_qualifications(batch: _Batch, people: dict) -> None:
    now = utcnow()
    rows = []
    for ref, (seq, who, values) in batch.qualifications.items():
        person = people.get(who)
        if person is None:
            log.warning("qualification %s names no known employee; not recorded", ref)
            continue
        rows.append({**values, "source_ref": ref, "statement_seq": seq, "employee_id": person[0], "updated_at": now})
    if rows:
        db.session.execute(sa.insert(Qualification.__table__), rows)


_COLUMNS = [c.name for c in LearningRecord.__table__.columns if c.name != "id"]


def _insert_records(rows: list[dict], topics: list[set[str]]) -> int:
    """Bulk insert (COPY on PostgreSQL: a rebuild writes up to a million rows)."""
    if not rows:
        return 0
    now = utcnow()
    full = [{**row, "topic_codes": topic_codes(tags), "updated_at": now} for row, tags in zip(rows, topics)]
    if _postgres():
        cursor = db.session.connection().connection.driver_connection.cursor()
        naive_now = now.replace(tzinfo=None)  # the column is UTC without time zone
        with cursor.copy(f"COPY {LearningRecord.__tablename__} ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
            for row in full:
                row["updated_at"] = naive_now
                copy.write_row([row[c] for c in _COLUMNS])
    else:
        db.session.execute(sa.insert(LearningRecord.__table__), full)
    return len(rows)


def _statements_after(after: int, verbs: dict[str, str], size: int) -> sa.Select:
    return (sa.select(Statement.seq, Statement.statement_id, Statement.verb_hash, Statement.ref_statement_id,
                      Statement.voided, Statement.payload)
            .where(Statement.seq > after, Statement.verb_hash.in_(list(verbs)))
            .order_by(Statement.seq).limit(size))


def _fold(rows, verbs: dict[str, str]) -> _Batch:
    batch = _Batch()
    for seq, sid, vh, ref, voided, payload in rows:
        batch.read(seq, sid, verbs[vh], ref, voided, payload)
    return batch


def _batches(execute, after: int, verbs: dict[str, str], batch_size: int, limit: int | None):
    """(batch, last seq, statements read) for each run of statements after `after`, in seq order.
    The next run is fetched before the current one is handed out and parsed in a second thread while
    the caller writes the current one: parsing is Python work, writing mostly the database server's,
    and on two cores they overlap (a rebuild took a third less time)."""
    read = 0

    def fetch(start: int):
        size = batch_size if limit is None else min(batch_size, limit - read)
        return execute(_statements_after(start, verbs, size)).all() if size > 0 else [], size

    with ThreadPoolExecutor(max_workers=1) as parser:
        rows, size = fetch(after)
        parsed = parser.submit(_fold, rows, verbs) if rows else None
        while parsed is not None:
            batch, last_seq, count = parsed.result(), rows[-1][0], len(rows)
            read += count
            parsed = None
            if count == size:
                rows, size = fetch(last_seq)
                parsed = parser.submit(_fold, rows, verbs) if rows else None
            yield batch, last_seq, count


def ingest_statements(limit: int | None = None, *, reread: int = 0, batch_size: int = BATCH_SIZE,
                      progress: Callable[[int], None] | None = None, fresh: bool = False) -> int:
    """Project statements after the checkpoint (minus `reread` seq numbers, for transactions that
    committed late) into the ledger; returns how many statements were read. Flushes, never commits.
    `fresh` is for rebuild_ledger only (see _apply)."""
    checkpoint = _checkpoint()
    after = max(0, checkpoint.last_seq - reread)
    verbs = _hashes()
    read = 0
    batches = _batches(db.session.execute, after, verbs, batch_size, limit)
    for batch, last_seq, count in batches:
        _apply(batch, fresh)
        after = last_seq
        read += count
        if progress:
            progress(count)
    if after > checkpoint.last_seq:
        checkpoint.last_seq = after
    db.session.flush()
    return read


def external_record_values(item: ExternalLearning) -> tuple[dict, set[str]]:
    """The ledger row of an approved external learning (certified: the officer approved it)."""
    hours = float(item.hours)
    return ({
        "source": SOURCE_EXTERNAL, "source_ref": f"external:{item.id}", "completion_key":
        hashlib.sha1(f"external:{item.id}".encode()).hexdigest(), "statement_seq": None,
        "employee_id": item.employee_id, "agency_id": item.employee.agency_id, "year": item.ended_on.year,
        "course_code": "", "course_title": item.title, "provider": item.provider, "term": "",
        "started_on": item.started_on, "completed_on": item.ended_on, "hours": hours,
        "digital_hours": hours if item.learning_mode == MODE_DIGITAL else 0.0,
        "physical_hours": 0.0 if item.learning_mode == MODE_DIGITAL else hours, "learning_mode": item.learning_mode,
        "portal_category": "", "portal_course_code": "", "score": None, "certificate_no": "", "attendance": "",
        "job_related": item.job_related, "status": CERTIFIED,
    }, set(item.topic_list))


def project_external(items: Iterable[ExternalLearning]) -> int:
    rows, topics = [], []
    for item in items:
        values, tags = external_record_values(item)
        rows.append(values)
        topics.append(tags)
    for values in rows:
        _delete_records(LearningRecord.source_ref == values["source_ref"])
    return _insert_records(rows, topics)


def rebuild_ledger(progress: Callable[[int], None] | None = None) -> int:
    """Empty the ledger and project everything again from seq 0 and the approved external learning.
    The cyclic garbage collector is paused meanwhile: the rows are short-lived dicts without cycles,
    and its passes over them took a third of the Python time."""
    gc.disable()
    try:
        return _rebuild(progress)
    finally:
        gc.enable()


def _rebuild(progress: Callable[[int], None] | None) -> int:
    db.session.execute(sa.delete(LearningRecord))
    db.session.execute(sa.delete(Qualification))
    _checkpoint().last_seq = 0
    db.session.flush()
    read = ingest_statements(progress=progress, fresh=True)
    approved = db.session.execute(sa.select(ExternalLearning).where(ExternalLearning.status == APPROVED)
                                  ).scalars().all()
    project_external(approved)
    if _postgres():
        # The whole table was replaced: fresh statistics, or the planner may scan it for every summary.
        db.session.execute(sa.text(f"ANALYZE {LearningRecord.__tablename__}"))
        db.session.execute(sa.text(f"ANALYZE {Qualification.__tablename__}"))
    return read


def statements_to_read() -> int:
    """How many statements a rebuild reads (for the progress bar)."""
    return db.session.execute(sa.select(sa.func.count()).select_from(Statement)
                              .where(Statement.verb_hash.in_(list(_hashes())))).scalar_one()
