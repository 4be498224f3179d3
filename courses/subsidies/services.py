"""Every change to the subsidy: yearly rule sets and their tests, claims from submission through
correction, approval (which reserves budget under a row lock), rejection and payout. Each decision is
recorded as a domain event with its before and after values, and the claimant is notified."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import BinaryIO, Callable

from flask import current_app
from flask_babel import gettext as _

from courses.subsidies import rules
from courses.subsidies.models import (CEFR_LEVELS, LIVE_STATUSES, OUTCOMES, RESERVED_STATUSES, RESULT_KINDS,
                                      REVIEWABLE_STATUSES, SubsidyClaim, SubsidyPayoutBatch, SubsidyRuleSet,
                                      SubsidyTest, SubsidyTestLevel, cefr_rank, format_score)
from courses.subsidies.queries import (certified_english_level, local_today, prior_claims, reserved_amount,
                                       rule_set_for_year)
from courses.subsidies.rules import Problem
from lms.auth.models import User
from lms.db import utcnow
from lms.errors import ConflictError, RuleBrokenError, ValidationFailed
from lms.events.services import record_event
from lms.extensions import db
from lms.notifications.services import notify
from lms.people.models import Employee
from lms.storage import UploadRejectedError, check_upload, get_storage
from xapi.emitter.vocabulary import EXT_QUALIFICATION, EXT_QUALIFICATION_LEVEL

UPLOAD_KINDS = ("score_report", "receipt")
UPLOAD_TYPES = {"pdf", "png", "jpeg"}
_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


class ClaimRefusedError(RuleBrokenError):
    """The claim breaks one or more named rules; `rules` lists their codes."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.text for p in problems), [(p.field, p.text) for p in problems])
        self.rules = [p.rule for p in problems]


class ClaimInputError(ValidationFailed):
    """Something is missing or malformed; any rule already found broken is listed too."""

    def __init__(self, problems: list[Problem]):
        super().__init__([(p.field, p.text) for p in problems])
        self.rules = [p.rule for p in problems if p.rule]


def _fail(problems: list[Problem]) -> None:
    if any(p.rule is None for p in problems):
        raise ClaimInputError(problems)
    if problems:
        raise ClaimRefusedError(problems)


# --- rule sets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSetData:
    claim_deadline_months: int | None
    budget: int | None
    cap_per_claim: int | None
    pass_rate: Decimal | None
    failed_sit_rate: Decimal | None
    failed_sits_per_year: int | None
    min_cefr: str


@dataclass(frozen=True)
class TestData:
    code: str
    name_zh: str
    result_kind: str
    name_en: str = ""
    score_label: str = ""
    score_max: Decimal | None = None
    active: bool = True
    sort_order: int = 0
    # CEFR -> the level label (level tests) or the lowest score (score tests); missing = not mapped
    thresholds: dict[str, str | Decimal] = field(default_factory=dict)


def _rule_values(rule_set: SubsidyRuleSet) -> dict:
    return {"claim_deadline_months": rule_set.claim_deadline_months, "budget": rule_set.budget,
            "cap_per_claim": rule_set.cap_per_claim, "pass_rate": f"{Decimal(rule_set.pass_rate):.2f}",
            "failed_sit_rate": f"{Decimal(rule_set.failed_sit_rate):.2f}",
            "failed_sits_per_year": rule_set.failed_sits_per_year, "min_cefr": rule_set.min_cefr}


def _check_rule_data(data: RuleSetData) -> list[tuple[str, str]]:
    errors = []
    if data.claim_deadline_months is None or not 1 <= data.claim_deadline_months <= 24:
        errors.append(("claim_deadline_months", _("Enter between 1 and 24 months.")))
    if data.budget is None or data.budget < 0:
        errors.append(("budget", _("Enter the yearly budget in NT$ (0 or more).")))
    if data.cap_per_claim is not None and data.cap_per_claim <= 0:
        errors.append(("cap_per_claim", _("Leave empty for no cap, or enter more than NT$0.")))
    for name in ("pass_rate", "failed_sit_rate"):
        rate = getattr(data, name)
        if rate is None or not Decimal(0) <= rate <= Decimal(1):
            errors.append((name, _("Enter a rate between 0 and 1 (0.5 = half the fee).")))
    if data.failed_sits_per_year is None or data.failed_sits_per_year < 0:
        errors.append(("failed_sits_per_year", _("Enter 0 or more.")))
    if data.min_cefr not in CEFR_LEVELS:
        errors.append(("min_cefr", _("Choose a CEFR level.")))
    return errors


def update_rule_set(rule_set: SubsidyRuleSet, data: RuleSetData) -> SubsidyRuleSet:
    if errors := _check_rule_data(data):
        raise ValidationFailed(errors)
    if data.budget < reserved_amount(rule_set.id):
        raise ValidationFailed([("budget", _("Approved claims already take NT$%(amount)s of this budget.",
                                             amount=f"{reserved_amount(rule_set.id):,}"))])
    before = _rule_values(rule_set)
    for name in before:
        setattr(rule_set, name, getattr(data, name))
    db.session.flush()
    after = _rule_values(rule_set)
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changed:
        record_event("subsidy.rules_changed", obj=rule_set, year=rule_set.year, changed=changed)
    return rule_set


def seed_rule_set(year: int, copy_from: SubsidyRuleSet | None = None) -> SubsidyRuleSet:
    """A new year's rules: a copy of an earlier year's (so edits carry forward) or DOMAIN.md's defaults."""
    if not 2000 <= year <= 2100:
        raise ValidationFailed([("year", _("Enter a year between 2000 and 2100."))])
    if rule_set_for_year(year) is not None:
        raise ConflictError(_("The rules for %(year)s already exist.", year=year))
    values = {name: getattr(copy_from, name) for name in rules.DEFAULT_RULES} if copy_from else rules.DEFAULT_RULES
    rule_set = SubsidyRuleSet(year=year, **values)
    db.session.add(rule_set)
    db.session.flush()
    sources = [_test_data(t) for t in copy_from.tests] if copy_from else _default_tests()
    for data in sources:
        save_test(rule_set, data, audit=False)
    record_event("subsidy.rules_changed", obj=rule_set, year=year, created=True,
                 copied_from=copy_from.year if copy_from else None)
    return rule_set


def _default_tests() -> list[TestData]:
    return [TestData(code=code, name_zh=zh, name_en=en, result_kind=kind, score_label=label, score_max=score_max,
                     sort_order=n, thresholds=dict(levels))
            for n, (code, zh, en, kind, label, score_max, levels) in enumerate(rules.DEFAULT_TESTS, start=1)]


def _test_data(test: SubsidyTest) -> TestData:
    return TestData(code=test.code, name_zh=test.name_zh, name_en=test.name_en, result_kind=test.result_kind,
                    score_label=test.score_label, score_max=test.score_max, active=test.active,
                    sort_order=test.sort_order,
                    thresholds={lv.cefr: (lv.label if test.result_kind == "level" else lv.min_score)
                                for lv in test.levels})


def _check_test_data(rule_set: SubsidyRuleSet, data: TestData, test: SubsidyTest | None) -> list[tuple[str, str]]:
    errors = []
    code = (data.code or "").strip().upper()
    if not code or len(code) > 20 or not code.replace("_", "").replace("-", "").isalnum():
        errors.append(("code", _("A code has at most 20 letters, digits, dashes or underscores.")))
    elif any(t.code == code and t is not test for t in rule_set.tests):
        errors.append(("code", _("Another test of %(year)s has this code.", year=rule_set.year)))
    if not (data.name_zh or "").strip():
        errors.append(("name_zh", _("The Chinese name is required.")))
    if data.result_kind not in RESULT_KINDS:
        errors.append(("result_kind", _("Choose how the result is expressed.")))
    if data.score_max is not None and data.score_max <= 0:
        errors.append(("score_max", _("The highest score must be more than 0.")))
    thresholds = {c: v for c, v in data.thresholds.items() if v not in (None, "")}
    if not thresholds:
        errors.append(("thresholds", _("Map at least one CEFR level.")))
    if data.result_kind == "score":
        try:
            scores = [(c, Decimal(str(v))) for c, v in sorted(thresholds.items(), key=lambda i: cefr_rank(i[0]))]
        except InvalidOperation:
            return errors + [("thresholds", _("Each minimum score must be a number."))]
        if any(s < 0 or (data.score_max is not None and s > data.score_max) for _c, s in scores):
            errors.append(("thresholds", _("Each minimum score must lie between 0 and the highest score.")))
        if any(a[1] >= b[1] for a, b in zip(scores, scores[1:])):
            errors.append(("thresholds", _("A higher CEFR level needs a higher minimum score.")))
    elif len({str(v).strip() for v in thresholds.values()}) != len(thresholds):
        errors.append(("thresholds", _("Each CEFR level needs its own level name.")))
    return errors


def save_test(rule_set: SubsidyRuleSet, data: TestData, test: SubsidyTest | None = None,
              audit: bool = True) -> SubsidyTest:
    """Add a test to a year's rules or change one; levels already claimed keep their rows."""
    if errors := _check_test_data(rule_set, data, test):
        raise ValidationFailed(errors)
    before = _test_snapshot(test) if test is not None else None
    if test is None:
        test = SubsidyTest(rule_set=rule_set)
        db.session.add(test)
    test.code, test.name_zh, test.name_en = data.code.strip().upper(), data.name_zh.strip(), data.name_en.strip()
    test.result_kind, test.score_label, test.score_max = data.result_kind, data.score_label.strip(), data.score_max
    test.active, test.sort_order = data.active, data.sort_order
    by_cefr = {lv.cefr: lv for lv in test.levels}
    for cefr in CEFR_LEVELS:
        value = data.thresholds.get(cefr)
        level = by_cefr.get(cefr)
        if value in (None, ""):
            if level is not None and not _level_claimed(level):
                test.levels.remove(level)
            continue
        if level is None:
            level = SubsidyTestLevel(cefr=cefr)
            test.levels.append(level)
        if data.result_kind == "level":
            level.label, level.min_score = str(value).strip(), None
        else:
            level.label, level.min_score = "", Decimal(str(value))
    db.session.flush()
    if audit:
        record_event("subsidy.rules_changed", obj=rule_set, year=rule_set.year, test=test.code,
                     before=before, after=_test_snapshot(test))
    return test


def _level_claimed(level: SubsidyTestLevel) -> bool:
    return level.id is not None and db.session.execute(
        db.select(SubsidyClaim.id).filter_by(level_id=level.id).limit(1)).first() is not None


def _test_snapshot(test: SubsidyTest) -> dict:
    return {"code": test.code, "name_zh": test.name_zh, "result_kind": test.result_kind, "active": test.active,
            "score_max": format_score(test.score_max) or None,
            "levels": {lv.cefr: lv.label or format_score(lv.min_score) for lv in test.levels}}


# --- claims --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    stream: BinaryIO
    filename: str


@dataclass(frozen=True)
class ClaimData:
    test_id: int | None
    outcome: str
    test_date: date | None
    fee_paid: int | None
    level_id: int | None = None
    score: Decimal | None = None


@dataclass
class _Assessment:
    cefr: str | None = None
    rate: Decimal = Decimal(0)
    amount: int = 0
    problems: list[Problem] = field(default_factory=list)


def parse_score(raw) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationFailed([("score", _("Enter the score as a number."))]) from None
    if not value.is_finite():
        raise ValidationFailed([("score", _("Enter the score as a number."))])
    return value


def _check_input(rule_set: SubsidyRuleSet | None, data: ClaimData, today: date) -> tuple[SubsidyTest | None,
                                                                                           list[Problem]]:
    problems = []
    test = None
    if rule_set is None:
        problems.append(Problem("test_id", _("The training centre has not published the subsidy rules for "
                                              "%(year)s yet.", year=today.year)))
    else:
        test = next((t for t in rule_set.tests if t.id == data.test_id and t.active), None)
        if test is None:
            problems.append(Problem("test_id", _("Choose one of the tests the subsidy covers.")))
    if data.outcome not in OUTCOMES:
        problems.append(Problem("outcome", _("Say whether you passed or sat the whole test without passing.")))
    if data.test_date is None:
        problems.append(Problem("test_date", _("Enter the test date.")))
    elif data.test_date > today:
        problems.append(Problem("test_date", _("The test date cannot be in the future.")))
    problems += rules.check_fee(data.fee_paid)
    if test is not None:
        if test.result_kind == "level":
            if not any(lv.id == data.level_id for lv in test.levels):
                problems.append(Problem("level", _("Choose the %(test)s level you sat.", test=test.name_zh)))
        elif data.score is None and data.outcome == "passed":
            problems.append(Problem("score", _("Enter your %(test)s score.", test=test.name_zh)))
        elif data.score is not None and (data.score < 0 or (test.score_max is not None
                                                            and data.score > test.score_max)):
            problems.append(Problem("score", _("A %(test)s score lies between 0 and %(max)s.", test=test.name_zh,
                                               max=format_score(test.score_max))))
    return test, problems


def _assess(employee_id: int, rule_set: SubsidyRuleSet, test: SubsidyTest, data: ClaimData, claimed_on: date,
            exclude_id: int | None, statuses: tuple[str, ...], check_deadline: bool = True) -> _Assessment:
    """Every rule of the year applied to one claim; `statuses` are the other claims that count."""
    result = _Assessment()
    level_id = data.level_id if test.result_kind == "level" else None
    reached = rules.cefr_for(test, level_id, data.score)
    result.problems += rules.check_pass(rule_set, test, reached, data.outcome)
    result.cefr = reached if data.outcome == "passed" else None
    if check_deadline:
        result.problems += rules.check_deadline(rule_set, data.test_date, claimed_on)
    others = prior_claims(employee_id, statuses, exclude_id)
    result.problems += rules.check_levels(result.cefr, data.outcome, others)
    result.problems += rules.check_failed_sits(rule_set, data.outcome, data.test_date, others)
    result.rate, result.amount = rules.payable(rule_set, data.outcome, data.fee_paid)
    result.problems += rules.check_budget(rule_set, result.amount, reserved_amount(rule_set.id))
    return result


def _check_uploads(uploads: dict[str, Upload | None], required: bool) -> tuple[dict[str, str], list[Problem]]:
    types, problems = {}, []
    for kind in UPLOAD_KINDS:
        upload = uploads.get(kind)
        if upload is None or not upload.filename:
            if required:
                problems.append(Problem(kind, _("Attach the file (PDF, PNG or JPEG).")))
            continue
        try:
            types[kind] = check_upload(upload.stream, upload.filename, UPLOAD_TYPES,
                                       current_app.config["UPLOAD_MAX_BYTES"])
        except UploadRejectedError as exc:
            problems.append(Problem(kind, _upload_reason(exc, kind), "upload"))
    return types, problems


def _upload_reason(exc: UploadRejectedError, kind: str) -> str:
    """The storage layer's reasons are English; say them in the reader's language, naming the file."""
    name = _("score report") if kind == "score_report" else _("receipt")
    if exc.reason.startswith("The file is too large"):
        limit = current_app.config["UPLOAD_MAX_BYTES"] / (1024 * 1024)
        return _("The %(name)s is too large (at most %(mb)s MB).", name=name, mb=f"{limit:g}")
    if exc.reason == "The file is empty.":
        return _("The %(name)s file is empty.", name=name)
    return _("The %(name)s must be a PDF, PNG or JPEG file.", name=name)


def _store_uploads(claim: SubsidyClaim, uploads: dict[str, Upload | None], types: dict[str, str]) -> dict:
    """Store the accepted files (only once every check passed) and point the claim at them."""
    storage, changed = get_storage(), {}
    for kind, mime in types.items():
        upload = uploads[kind]
        key = f"subsidies/{claim.rule_set.year}/{claim.employee.id}/{uuid.uuid4().hex}{_EXTENSIONS[mime]}"
        storage.save(key, upload.stream, mime)
        changed[kind] = [getattr(claim, f"{kind}_name") or None, upload.filename]
        setattr(claim, f"{kind}_key", key)
        setattr(claim, f"{kind}_name", upload.filename[-200:])
        setattr(claim, f"{kind}_type", mime)
    return changed


def _claim_values(claim: SubsidyClaim) -> dict:
    return {"test": claim.test.code, "result": claim.result_text, "outcome": claim.outcome, "cefr": claim.cefr,
            "test_date": claim.test_date.isoformat(), "fee_paid": claim.fee_paid, "rate": str(claim.rate),
            "amount": claim.amount, "status": claim.status}


def _apply(claim: SubsidyClaim, test: SubsidyTest, data: ClaimData, assessment: _Assessment) -> None:
    claim.test, claim.outcome, claim.test_date, claim.fee_paid = test, data.outcome, data.test_date, data.fee_paid
    claim.level_id = data.level_id if test.result_kind == "level" else None
    claim.level = next((lv for lv in test.levels if lv.id == claim.level_id), None)
    claim.score = data.score if test.result_kind == "score" else None
    claim.cefr, claim.rate, claim.amount = assessment.cefr, assessment.rate, assessment.amount


def submit_claim(employee: Employee, data: ClaimData, uploads: dict[str, Upload | None],
                 today: date | None = None) -> SubsidyClaim:
    """A learner's claim, refused with every broken rule named; charged to the year it is made in."""
    today = today or local_today()
    rule_set = rule_set_for_year(today.year)
    test, problems = _check_input(rule_set, data, today)
    assessment = None
    if test is not None and not any(p.rule is None for p in problems):
        assessment = _assess(employee.id, rule_set, test, data, today, None, LIVE_STATUSES)
        problems += assessment.problems
    types, upload_problems = _check_uploads(uploads, required=True)
    _fail(problems + upload_problems)
    claim = SubsidyClaim(employee=employee, rule_set=rule_set, status="submitted", claimed_on=today,
                         submitted_at=utcnow())
    _apply(claim, test, data, assessment)
    _store_uploads(claim, uploads, types)
    db.session.add(claim)
    db.session.flush()
    record_event("subsidy.submitted", employee=employee, obj=claim, before=None, after=_claim_values(claim))
    return claim


def resubmit_claim(claim: SubsidyClaim, data: ClaimData, uploads: dict[str, Upload | None],
                   today: date | None = None) -> SubsidyClaim:
    """The learner's corrected claim: judged again, the deadline still counted from the first submission."""
    _require_status(claim, ("correction_requested",))
    today = today or local_today()
    first_claimed = claim.claimed_on
    test, problems = _check_input(claim.rule_set, data, max(today, first_claimed))
    assessment = None
    if test is not None and not any(p.rule is None for p in problems):
        assessment = _assess(claim.employee_id, claim.rule_set, test, data, first_claimed, claim.id, LIVE_STATUSES)
        problems += assessment.problems
    types, upload_problems = _check_uploads(uploads, required=False)
    _fail(problems + upload_problems)
    before = _claim_values(claim)
    _apply(claim, test, data, assessment)
    files = _store_uploads(claim, uploads, types)
    claim.status, claim.resubmitted_at = "submitted", utcnow()
    db.session.flush()
    record_event("subsidy.submitted", employee=claim.employee, obj=claim, resubmission=True, before=before,
                 after=_claim_values(claim), files=files, correction_note=claim.note)
    return claim


def _require_status(claim: SubsidyClaim, allowed: tuple[str, ...]) -> None:
    if claim.status not in allowed:
        raise ConflictError(_("Claim %(id)s is %(status)s; this step is not possible now.", id=claim.id,
                              status=_status_label(claim.status)))


def _status_label(status: str) -> str:
    from courses.subsidies.labels import STATUS_LABELS

    return str(STATUS_LABELS.get(status, status))


def _decide(claim: SubsidyClaim, status: str, by: User | None, note: str = "") -> dict:
    before = {"status": claim.status, "note": claim.note or None}
    claim.status, claim.note, claim.decided_at = status, note, utcnow()
    claim.decided_by_id = by.id if by is not None else None
    db.session.flush()
    return before


def _activity(claim: SubsidyClaim) -> dict:
    """The claim as the xAPI emitter's "other" activity (see xapi.emitter.subscribers)."""
    return {"kind": "subsidy", "code": str(claim.id),
            "name_zh": f"英檢報名費補助：{claim.test.name_zh} {claim.result_text}".strip()}


def approve_claim(claim: SubsidyClaim, by: User | None = None) -> SubsidyClaim:
    """Approve and reserve the amount from the year's budget.

    The rule-set row is locked first, so concurrent approvals of one year queue behind each other and
    each sees the budget the previous one left (PostgreSQL; SQLite serialises writers anyway)."""
    _require_status(claim, ("submitted",))
    locked = db.session.execute(db.select(SubsidyRuleSet).filter_by(id=claim.rule_set_id).with_for_update()
                                .execution_options(populate_existing=True)).scalar_one()
    data = ClaimData(test_id=claim.test_id, outcome=claim.outcome, test_date=claim.test_date,
                     fee_paid=claim.fee_paid, level_id=claim.level_id, score=claim.score)
    previous_level = certified_english_level(claim.employee_id)
    assessment = _assess(claim.employee_id, locked, claim.test, data, local_today(), claim.id, RESERVED_STATUSES,
                         check_deadline=False)
    _fail(assessment.problems)
    if claim.amount != assessment.amount:  # the cap or a rate was edited since submission
        claim.amount, claim.rate = assessment.amount, assessment.rate
    before = _decide(claim, "approved", by)
    record_event("subsidy.approved", employee=claim.employee, obj=claim, before=before,
                 after={"status": "approved", "amount": claim.amount}, amount=claim.amount, year=locked.year,
                 budget_reserved=reserved_amount(locked.id), budget=locked.budget,
                 success=claim.outcome == "passed", other=_activity(claim),
                 # A pass certifies a CEFR level: the personnel record keeps it as a qualification.
                 extensions={EXT_QUALIFICATION: "english", EXT_QUALIFICATION_LEVEL: claim.cefr} if claim.cefr else {})
    if claim.cefr and cefr_rank(claim.cefr) > cefr_rank(previous_level.cefr if previous_level else None):
        record_event("subsidy.english_level_certified", employee=claim.employee, obj=claim,
                     before=previous_level.cefr if previous_level else None, after=claim.cefr,
                     test=claim.test.code, test_name=claim.test.name_zh, result=claim.result_text,
                     test_date=claim.test_date.isoformat())
    notify(claim.employee, _("Your English test subsidy claim was approved"),
           _("Claim %(id)s (%(test)s %(result)s) was approved: NT$%(amount)s will be paid with the next payout.",
             id=claim.id, test=claim.test.name_zh, result=claim.result_text, amount=f"{claim.amount:,}"),
           kind="subsidy_approved", link=_link(claim))
    return claim


def _send_back(claim: SubsidyClaim, status: str, text: str, by: User | None, missing: str,
               subject: str, body: Callable[[str], str]) -> SubsidyClaim:
    """Reject or return for correction: both need a text for the claimant, who is told at once."""
    text = (text or "").strip()
    if not text:
        raise ValidationFailed([("reason", missing)])
    before = _decide(claim, status, by, text)
    record_event(f"subsidy.{status}", employee=claim.employee, obj=claim, before=before,
                 after={"status": status, "note": text})
    notify(claim.employee, subject, body(text),
           kind="subsidy_rejected" if status == "rejected" else "subsidy_correction", link=_link(claim))
    return claim


def reject_claim(claim: SubsidyClaim, reason: str, by: User | None = None) -> SubsidyClaim:
    _require_status(claim, REVIEWABLE_STATUSES)
    return _send_back(claim, "rejected", reason, by, _("Give the reason for the rejection."),
                      _("Your English test subsidy claim was rejected"),
                      lambda text: _("Claim %(id)s was rejected: %(note)s", id=claim.id, note=text))


def request_correction(claim: SubsidyClaim, note: str, by: User | None = None) -> SubsidyClaim:
    _require_status(claim, ("submitted",))
    return _send_back(claim, "correction_requested", note, by, _("Say what the claimant must correct."),
                      _("Please correct your English test subsidy claim"),
                      lambda text: _("Claim %(id)s needs a correction: %(note)s", id=claim.id, note=text))


def _link(claim: SubsidyClaim) -> str:
    return f"/subsidies/claims/{claim.id}"


def pay_claims(rule_set: SubsidyRuleSet, claim_ids: list[int], paid_on: date | None = None,
               by: User | None = None) -> SubsidyPayoutBatch:
    """One payout batch: the chosen approved claims of the year are marked paid together."""
    wanted = sorted(set(claim_ids))
    if not wanted:
        raise ValidationFailed([("claim_ids", _("Choose at least one approved claim."))])
    claims = list(db.session.execute(
        db.select(SubsidyClaim).where(SubsidyClaim.id.in_(wanted)).order_by(SubsidyClaim.id).with_for_update()
        .execution_options(populate_existing=True)).scalars())
    wrong = [c.id for c in claims if c.status != "approved" or c.rule_set_id != rule_set.id]
    missing = set(wanted) - {c.id for c in claims}
    if wrong or missing:
        raise ConflictError(_("Only approved claims of %(year)s can be paid; not: %(ids)s.", year=rule_set.year,
                              ids=", ".join(str(i) for i in sorted(set(wrong) | missing))))
    paid_on = paid_on or local_today()
    count = db.session.execute(db.select(db.func.count(SubsidyPayoutBatch.id))
                               .filter_by(rule_set_id=rule_set.id)).scalar_one()
    batch = SubsidyPayoutBatch(rule_set=rule_set, reference=f"{rule_set.year}-{count + 1:03d}", paid_on=paid_on,
                               claim_count=len(claims), total=sum(c.amount for c in claims),
                               created_by_id=by.id if by is not None else None)
    db.session.add(batch)
    db.session.flush()
    now = utcnow()
    for claim in claims:
        claim.status, claim.paid_at, claim.payout_batch = "paid", now, batch
    db.session.flush()
    for claim in claims:
        record_event("subsidy.paid", employee=claim.employee, obj=claim, before={"status": "approved"},
                     after={"status": "paid", "batch": batch.reference}, amount=claim.amount,
                     batch=batch.reference, paid_on=paid_on.isoformat())
        notify(claim.employee, _("Your English test subsidy has been paid"),
               _("NT$%(amount)s for claim %(id)s was paid in payout %(batch)s.", amount=f"{claim.amount:,}",
                 id=claim.id, batch=batch.reference), kind="subsidy_paid", link=_link(claim))
    return batch
