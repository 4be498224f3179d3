"""Every change to personnel learning records: the officers' review (bulk), external learning,
requirement rule sets (and the national seed), scheduling ledger ingestion after learning events, and
the HR system's bearer tokens for the JSON export."""
from __future__ import annotations

import hashlib
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from lms.agencies.models import Agency
from lms.auth.models import User
from lms.db import utcnow
from lms.errors import PermissionDeniedError, RecordNotFoundError, ValidationFailed
from lms.extensions import db
from lms.people.models import CYBER_ROLES, RANK_CLASSES, Employee
from lms.personnel import ledger, queries
from lms.personnel.labels import GOVERNANCE_TOPICS, TOPICS
from lms.personnel.models import (
    APPROVED, CERTIFIED, DECLINED, MODE_BLENDED, MODE_DIGITAL, MODE_PHYSICAL, PENDING, REJECTED, SUBMITTED,
    ExternalLearning, HoursReview, HrApiToken, LearningRecord, RequirementRule, RequirementSet,
)
from lms.personnel.permissions import review_scope
from lms.storage import UploadRejectedError, check_upload, get_storage

PROOF_KINDS = ("pdf", "png", "jpeg")
MAX_RECORD_HOURS = 1000

# Domain events after which the learner's hours or qualifications may have changed: ingest at once (eagerly in
# development), the beat sweep catches everything else (voids sent straight to the LRS, late commits).
INGEST_EVENT_KINDS = ("enrollment.completed", "online.completed", "enrollment.failed", "enrollment.voided",
                      "xapi.voided", "subsidy.approved", "track.awarded")


# --- ingestion -------------------------------------------------------------------------------------


def schedule_ingestion(event=None) -> None:
    from lms.celery_app import enqueue
    from lms.personnel.tasks import ingest_hours

    enqueue(ingest_hours)


def register_subscribers() -> None:
    from lms.events.services import subscribe

    for kind in INGEST_EVENT_KINDS:
        subscribe(kind, schedule_ingestion)


# --- review ----------------------------------------------------------------------------------------


def review_records(user: User, record_ids: list[int], decision: str, reason: str = "") -> int:
    """Certify or reject pending hours in bulk; every id must be within the officer's agencies."""
    from lms.notifications.services import notify

    errors = []
    if decision not in (CERTIFIED, REJECTED):
        errors.append(("decision", _("Choose certify or reject.")))
    if not record_ids:
        errors.append(("records", _("Select at least one record.")))
    reason = (reason or "").strip()
    if decision == REJECTED and not reason:
        errors.append(("reason", _("Give the reason for rejecting the hours.")))
    if errors:
        raise ValidationFailed(errors)
    scope = review_scope(user)
    if scope.empty:
        raise PermissionDeniedError(_("Only the agency personnel officer reviews learning hours."))
    ids = sorted(set(record_ids))
    records = queries.records_in_scope(ids, scope)
    if len(records) != len(ids):
        raise PermissionDeniedError(_("Some of the selected records are not of your agencies' staff."))
    now = utcnow()
    refs = [r.source_ref for r in records]
    db.session.execute(sa.delete(HoursReview).where(HoursReview.source_ref.in_(refs)))
    db.session.execute(sa.insert(HoursReview), [
        {"source_ref": ref, "decision": decision, "reason": reason[:300], "reviewer_user_id": user.id,
         "decided_at": now} for ref in refs])
    db.session.execute(sa.update(LearningRecord).where(LearningRecord.id.in_(ids))
                       .values(status=decision, updated_at=now))
    db.session.expire_all()
    by_employee: dict[int, tuple[Employee, float]] = {}
    for r in records:
        employee, hours = by_employee.get(r.employee_id, (r.employee, 0.0))
        by_employee[r.employee_id] = (employee, hours + float(r.hours))
    for employee, hours in by_employee.values():
        if decision == CERTIFIED:
            notify(employee, _("Learning hours certified"),
                   _("%(hours)s learning hours were certified by your personnel officer.", hours=f"{hours:g}"),
                   kind="hours", link="/my/learning")
        else:
            notify(employee, _("Learning hours not certified"),
                   _("%(hours)s learning hours were not certified: %(reason)s", hours=f"{hours:g}", reason=reason),
                   kind="hours", link="/my/learning")
    return len(records)


# --- external learning -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExternalInput:
    title: str
    provider: str
    started_on: date | None
    ended_on: date | None
    hours: float | None
    learning_mode: int
    topics: tuple[str, ...]
    job_related: bool


def submit_external(employee: Employee, data: ExternalInput, proof: BinaryIO | None,
                    proof_name: str) -> ExternalLearning:
    errors = []
    if not data.title.strip():
        errors.append(("title", _("Enter the course title.")))
    if not data.provider.strip():
        errors.append(("provider", _("Enter who gave the course.")))
    if data.started_on is None:
        errors.append(("started_on", _("Enter the day it started.")))
    if data.ended_on is None:
        errors.append(("ended_on", _("Enter the day it ended.")))
    elif data.started_on and data.ended_on < data.started_on:
        errors.append(("ended_on", _("The end cannot be before the start.")))
    elif data.ended_on > date.today():
        errors.append(("ended_on", _("Only finished courses can be submitted.")))
    if data.hours is None or not 0 < data.hours <= MAX_RECORD_HOURS:
        errors.append(("hours", _("Hours must be more than 0 and at most %(n)s.", n=MAX_RECORD_HOURS)))
    if data.learning_mode not in (MODE_DIGITAL, MODE_PHYSICAL, MODE_BLENDED):
        errors.append(("learning_mode", _("Choose how the course was given.")))
    if unknown := [t for t in data.topics if t not in TOPICS]:
        errors.append(("topics", _("Unknown topics: %(topics)s", topics=", ".join(unknown))))
    mime = None
    if proof is None:
        errors.append(("proof", _("Attach the certificate or proof of attendance.")))
    else:
        try:
            mime = check_upload(proof, proof_name, PROOF_KINDS, current_app.config["UPLOAD_MAX_BYTES"])
        except UploadRejectedError as exc:
            errors.append(("proof", _proof_problem(exc)))
    if errors:
        raise ValidationFailed(errors)
    key = f"personnel/external/{employee.id}/{uuid.uuid4().hex}{os.path.splitext(proof_name)[1].lower()}"
    get_storage().save(key, proof, mime)
    item = ExternalLearning(employee=employee, title=data.title.strip()[:255], provider=data.provider.strip()[:120],
                            started_on=data.started_on, ended_on=data.ended_on, hours=round(data.hours, 2),
                            learning_mode=data.learning_mode, topics=",".join(sorted(set(data.topics))),
                            job_related=data.job_related, proof_key=key, proof_name=proof_name[:255],
                            proof_type=mime)
    db.session.add(item)
    db.session.flush()
    return item


def _proof_problem(exc: UploadRejectedError) -> str:
    """The storage layer's reasons are English; say them in the reader's language."""
    if exc.reason.startswith("The file is too large"):
        limit = current_app.config["UPLOAD_MAX_BYTES"] / (1024 * 1024)
        return _("The proof is too large (at most %(mb)s MB).", mb=f"{limit:g}")
    if exc.reason == "The file is empty.":
        return _("The proof file is empty.")
    return _("The proof must be a PDF, PNG or JPEG file.")


def decide_external(user: User, item: ExternalLearning, approve: bool, note: str = "") -> ExternalLearning:
    from lms.notifications.services import notify

    if not review_scope(user).covers(item.employee.agency):
        raise PermissionDeniedError(_("Only the agency personnel officer reviews learning hours."))
    note = (note or "").strip()
    if item.status != SUBMITTED:
        raise ValidationFailed([("", _("This submission has already been decided."))])
    if not approve and not note:
        raise ValidationFailed([("note", _("Give the reason for declining."))])
    item.status = APPROVED if approve else DECLINED
    item.reviewer_user_id, item.reviewed_at, item.review_note = user.id, utcnow(), note[:300]
    db.session.flush()
    if approve:
        ledger.project_external([item])
    notify(item.employee, _("External learning approved") if approve else _("External learning declined"),
           item.title + ("" if approve else f": {note}"), kind="hours", link="/my/learning")
    return item


# --- requirement rules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleInput:
    code: str
    label_zh: str
    label_en: str
    hours: float | None
    period_years: int | None
    topics: tuple[str, ...] = ()
    exclude_topics: tuple[str, ...] = ()
    job_related_only: bool = False
    rank_classes: tuple[str, ...] = ()
    cyber_roles: tuple[str, ...] = ()
    agency_code: str = ""
    position: int = 0


def _rule_errors(data: RuleInput) -> tuple[list, Agency | None]:
    errors = []
    if not data.code.strip() or len(data.code) > 40:
        errors.append(("code", _("Enter a short code (at most 40 characters).")))
    if not data.label_zh.strip():
        errors.append(("label_zh", _("Enter the Chinese name of the rule.")))
    if data.hours is None or not 0 < data.hours <= MAX_RECORD_HOURS:
        errors.append(("hours", _("Hours must be more than 0 and at most %(n)s.", n=MAX_RECORD_HOURS)))
    if data.period_years is None or not 1 <= data.period_years <= 10:
        errors.append(("period_years", _("The period is 1 to 10 years.")))
    for name in ("topics", "exclude_topics"):
        if unknown := [t for t in getattr(data, name) if t not in TOPICS]:
            errors.append((name, _("Unknown topics: %(topics)s", topics=", ".join(unknown))))
    if set(data.topics) & set(data.exclude_topics):
        errors.append(("exclude_topics", _("A topic cannot be both counted and excluded.")))
    if unknown := [r for r in data.rank_classes if r not in RANK_CLASSES]:
        errors.append(("rank_classes", _("Unknown rank classes: %(v)s", v=", ".join(unknown))))
    if unknown := [r for r in data.cyber_roles if r not in CYBER_ROLES]:
        errors.append(("cyber_roles", _("Unknown cybersecurity roles: %(v)s", v=", ".join(unknown))))
    agency = None
    if data.agency_code.strip():
        agency = db.session.execute(sa.select(Agency).where(Agency.code == data.agency_code.strip().upper())
                                    ).scalar_one_or_none()
        if agency is None:
            errors.append(("agency_code", _("No agency has this code.")))
    return errors, agency


def save_rule(rule_set: RequirementSet, data: RuleInput, rule: RequirementRule | None = None) -> RequirementRule:
    """Create a rule in the set, or change `rule`; every problem is reported at once."""
    errors, agency = _rule_errors(data)
    code = data.code.strip()
    clash = next((r for r in rule_set.rules if r.code == code and r is not rule), None)
    if clash is not None:
        errors.append(("code", _("Another rule of this year has this code.")))
    if errors:
        raise ValidationFailed(errors)
    if rule is None:
        rule = RequirementRule(requirement_set=rule_set)
        db.session.add(rule)
    rule.code, rule.label_zh, rule.label_en = code, data.label_zh.strip(), data.label_en.strip()
    rule.hours, rule.period_years, rule.position = data.hours, data.period_years, data.position
    rule.topics, rule.exclude_topics = ",".join(data.topics), ",".join(data.exclude_topics)
    rule.job_related_only = data.job_related_only
    rule.rank_classes, rule.cyber_roles = ",".join(data.rank_classes), ",".join(data.cyber_roles)
    rule.agency = agency
    db.session.flush()
    return rule


def delete_rule(rule: RequirementRule) -> None:
    db.session.delete(rule)
    db.session.flush()


def create_requirement_set(year: int, name: str, copy_from: RequirementSet | None = None) -> RequirementSet:
    errors = []
    if not 1990 <= year <= 2200:
        errors.append(("year", _("Enter a year such as 2025.")))
    elif queries.requirement_set(year) is not None:
        errors.append(("year", _("This year already has a rule set.")))
    if not name.strip():
        errors.append(("name", _("Enter a name.")))
    if errors:
        raise ValidationFailed(errors)
    rule_set = RequirementSet(year=year, name=name.strip()[:120])
    db.session.add(rule_set)
    if copy_from is not None:
        columns = ("position", "code", "label_zh", "label_en", "hours", "period_years", "topics", "exclude_topics",
                   "job_related_only", "rank_classes", "cyber_roles", "agency_id")
        for old in copy_from.rules:
            rule_set.rules.append(RequirementRule(**{c: getattr(old, c) for c in columns}))
    db.session.flush()
    return rule_set


# DOMAIN.md §1: the national rule since 2017 and the cybersecurity hours by role. Data, not code:
# administrators change it per year in the UI.
NATIONAL_RULES = (
    RuleInput("total", "年度學習總時數（與業務相關）", "Yearly learning (job-related)", 20, 1, job_related_only=True),
    RuleInput("policy", "當前政府重大政策", "Major government policy", 1, 1, ("policy",)),
    RuleInput("environment", "環境教育", "Environmental education", 4, 1, ("environment",)),
    RuleInput("governance", "民主治理價值", "Democratic-governance values", 5, 1, ("gender",) + GOVERNANCE_TOPICS),
    RuleInput("gender", "性別主流化", "Gender mainstreaming", 1, 1, ("gender",)),
    RuleInput("governance_topics", "廉政、人權、行政中立、多元族群、公民參與", "Integrity, human rights, neutrality, "
              "ethnic diversity, civic participation", 4, 1, GOVERNANCE_TOPICS),
    RuleInput("cyber_pro_dedicated", "資安專業課程（資安專職人員）", "Cybersecurity professional (dedicated staff)",
              12, 1, ("cyber_pro",), cyber_roles=("dedicated",)),
    RuleInput("cyber_pro_it", "資安專業課程（資訊人員，每2年）", "Cybersecurity professional (IT staff, every 2 years)",
              3, 2, ("cyber_pro",), cyber_roles=("it",)),
    RuleInput("cyber_general", "資安通識", "Cybersecurity general", 3, 1, ("cyber_general",), ("cyber_pro",),
              cyber_roles=("it", "general")),
)


def seed_national_rules(year: int) -> RequirementSet:
    """The year's rule set with the national rule, unless the year already has one."""
    existing = queries.requirement_set(year)
    if existing is not None:
        return existing
    rule_set = create_requirement_set(year, f"{year - 1911} 年度終身學習時數")
    for position, data in enumerate(NATIONAL_RULES, 1):
        save_rule(rule_set, RuleInput(**{**data.__dict__, "position": position}))
    return rule_set


# --- the HR system's tokens ------------------------------------------------------------------------

HR_TOKEN_PREFIX = "hrt_"


def hr_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_hr_token(name: str, by: User | None = None) -> tuple[HrApiToken, str]:
    """A new token for the HR system; the plain token is returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed([("name", _("Name the system that uses the token (at most 120 characters)."))])
    token = HR_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = HrApiToken(name=name, token_hash=hr_token_hash(token), prefix=token[:10],
                     created_by_user_id=by.id if by is not None else None)
    db.session.add(row)
    db.session.flush()
    from lms.events.services import record_event

    record_event("personnel.hr_token_issued", obj=row, name=name)
    return row, token


def revoke_hr_token(row: HrApiToken) -> HrApiToken:
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        db.session.flush()
        from lms.events.services import record_event

        record_event("personnel.hr_token_revoked", obj=row, name=row.name)
    return row


def authenticate_hr_token(token: str) -> HrApiToken | None:
    """The active token row for a presented bearer token (its last use noted), or None."""
    if not token.startswith(HR_TOKEN_PREFIX):
        return None
    row = db.session.execute(sa.select(HrApiToken).where(HrApiToken.token_hash == hr_token_hash(token))
                             ).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return None
    row.last_used_at = utcnow()
    db.session.flush()
    return row


def get_or_404(model, ident):
    row = db.session.get(model, ident)
    if row is None:
        raise RecordNotFoundError(_("The page or record you asked for does not exist."))
    return row
