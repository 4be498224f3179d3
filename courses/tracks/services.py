"""Every change to the tracks: administrators define tracks, levels and requirements; staff join or are
nominated; exam results and licences are recorded; a level is awarded automatically when its last
requirement is met (re-evaluated on completions, exam results and licences), renewed when its licence or
yearly hours are renewed, and marked lapsed when its validity runs out. Each change records a domain
event; an award records "track.awarded", which the xAPI emitter turns into an "awarded" statement."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from courses.tracks import queries, rules
from courses.tracks.models import (LICENCE_GROUPS, LICENCE_KINDS, LICENCE_LEVELS, LICENCE_STRUCTURES,
                                   REQUIREMENT_KINDS, VALIDITY_KINDS, VIA, Track, TrackExamResult, TrackHolding,
                                   TrackLevel, TrackLicence, TrackMembership, TrackReminder, TrackRequirement)
from lms.auth.models import User
from lms.auth.permissions import Scope
from lms.errors import ConflictError, RuleBrokenError, ValidationFailed
from lms.events.services import record_event, subscribe
from lms.extensions import db
from lms.notifications.services import notify
from lms.people.models import Employee
from xapi.emitter.vocabulary import EXT_QUALIFICATION, EXT_QUALIFICATION_LEVEL, EXT_VALID_UNTIL

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Learning events after which a learner's tracks are evaluated again.
LEARNING_EVENTS = ("enrollment.completed", "enrollment.passed")


def _user_id(user: User | None) -> int | None:
    return user.id if user is not None else None


# --- definitions ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackData:
    code: str
    name_zh: str
    name_en: str = ""
    description_zh: str = ""
    active: bool = True
    sort_order: int = 0


@dataclass(frozen=True)
class LevelData:
    code: str
    name_zh: str
    rank: int
    name_en: str = ""
    prerequisite_code: str = ""
    validity_kind: str = "none"
    validity_months: int | None = None


@dataclass(frozen=True)
class RequirementData:
    kind: str
    label_zh: str = ""
    course_code: str = ""
    topic_codes: tuple[str, ...] = ()
    hours: float | None = None
    subjects: tuple[str, ...] = ()
    pass_mark: float | None = None
    no_zero: bool = False
    max_absence_share: float | None = None
    licence_kind: str = ""
    licence_level: str = ""
    sort_order: int = 0


def _check_code(code: str, errors: list) -> str:
    code = (code or "").strip().lower()
    if not CODE.match(code):
        errors.append(("code", _("A code has at most 40 lower-case letters, digits, dashes or underscores.")))
    return code


def save_track(data: TrackData, track: Track | None = None) -> Track:
    errors: list[tuple[str, str]] = []
    code = _check_code(data.code, errors)
    other = queries.get_track(code) if code else None
    if other is not None and other is not track:
        errors.append(("code", _("Another track has this code.")))
    if not (data.name_zh or "").strip():
        errors.append(("name_zh", _("The Chinese name is required.")))
    if errors:
        raise ValidationFailed(errors)
    created = track is None
    if created:
        track = Track()
        db.session.add(track)
    track.code, track.name_zh, track.name_en = code, data.name_zh.strip(), (data.name_en or "").strip()
    track.description_zh, track.active, track.sort_order = data.description_zh or "", data.active, data.sort_order
    db.session.flush()
    record_event("track.defined", obj=track, code=track.code, created=created)
    return track


def save_level(track: Track, data: LevelData, level: TrackLevel | None = None) -> TrackLevel:
    errors: list[tuple[str, str]] = []
    code = _check_code(data.code, errors)
    same_code = db.session.execute(db.select(TrackLevel).filter_by(code=code)).scalar_one_or_none() if code else None
    if same_code is not None and same_code is not level:
        errors.append(("code", _("Another level has this code.")))
    if not (data.name_zh or "").strip():
        errors.append(("name_zh", _("The Chinese name is required.")))
    if data.rank is None or data.rank < 1:
        errors.append(("rank", _("The order is a whole number from 1.")))
    elif any(lv.rank == data.rank and lv is not level for lv in track.levels):
        errors.append(("rank", _("Another level of this track has this order.")))
    prerequisite = None
    if data.prerequisite_code:
        prerequisite = next((lv for lv in track.levels if lv.code == data.prerequisite_code), None)
        if prerequisite is None or prerequisite is level or (data.rank and prerequisite.rank >= data.rank):
            errors.append(("prerequisite_code", _("The prerequisite must be an earlier level of the same track.")))
    if data.validity_kind not in VALIDITY_KINDS:
        errors.append(("validity_kind", _("Choose how long the level stays valid.")))
    elif data.validity_kind == "fixed" and not (data.validity_months or 0) > 0:
        errors.append(("validity_months", _("A fixed validity needs a number of months.")))
    if errors:
        raise ValidationFailed(errors)
    if level is None:
        level = TrackLevel()
        track.levels.append(level)
    level.code, level.name_zh, level.name_en, level.rank = code, data.name_zh.strip(), data.name_en or "", data.rank
    level.prerequisite = prerequisite
    level.validity_kind = data.validity_kind
    level.validity_months = data.validity_months if data.validity_kind == "fixed" else None
    db.session.flush()
    record_event("track.level_defined", obj=level, track=track.code, code=level.code)
    return level


def _requirement_errors(data: RequirementData) -> tuple[list[tuple[str, str]], object]:
    errors: list[tuple[str, str]] = []
    course = queries.course_by_code(data.course_code) if data.course_code else None
    if data.kind not in REQUIREMENT_KINDS:
        errors.append(("kind", _("Choose a kind of requirement.")))
    if data.course_code and course is None:
        errors.append(("course_code", _("No course has this code.")))
    if data.kind == "course" and course is None and not data.course_code:
        errors.append(("course_code", _("Name the course to complete.")))
    if data.kind in ("topic_hours", "yearly_hours"):
        if not data.topic_codes:
            errors.append(("topic_codes", _("Name at least one topic.")))
        if not (data.hours or 0) > 0:
            errors.append(("hours", _("Enter the hours needed (more than 0).")))
    if data.kind == "exam":
        if not [s for s in data.subjects if s.strip()]:
            errors.append(("subjects", _("Name at least one exam subject.")))
        if data.pass_mark is None or not 0 < data.pass_mark <= 100:
            errors.append(("pass_mark", _("The pass mark is a percentage between 0 and 100.")))
        if data.max_absence_share is not None and not 0 <= data.max_absence_share < 1:
            errors.append(("max_absence_share", _("The absence share lies between 0 and 1 (0.1 = a tenth).")))
        if data.max_absence_share is not None and course is None and not data.course_code:
            errors.append(("course_code", _("An absence bar needs the training course whose attendance counts.")))
    if data.kind == "licence" and data.licence_kind not in LICENCE_KINDS:
        errors.append(("licence_kind", _("Choose the licence kind.")))
    if data.kind == "licence" and data.licence_level not in LICENCE_LEVELS:
        errors.append(("licence_level", _("Choose the licence level.")))
    return errors, course


def save_requirement(level: TrackLevel, data: RequirementData,
                     requirement: TrackRequirement | None = None) -> TrackRequirement:
    errors, course = _requirement_errors(data)
    if errors:
        raise ValidationFailed(errors)
    if requirement is None:
        requirement = TrackRequirement(kind=data.kind)
        level.requirements.append(requirement)
    requirement.kind, requirement.label_zh, requirement.sort_order = data.kind, data.label_zh or "", data.sort_order
    requirement.course = course
    requirement.topic_codes = ",".join(t.strip() for t in data.topic_codes if t.strip())
    requirement.hours = data.hours if data.kind in ("topic_hours", "yearly_hours") else None
    requirement.subjects = [s.strip() for s in data.subjects if s.strip()] if data.kind == "exam" else []
    requirement.pass_mark = data.pass_mark if data.kind == "exam" else None
    requirement.no_zero = bool(data.no_zero) and data.kind == "exam"
    requirement.max_absence_share = data.max_absence_share if data.kind == "exam" else None
    requirement.licence_kind = data.licence_kind if data.kind == "licence" else ""
    requirement.licence_level = data.licence_level if data.kind == "licence" else ""
    db.session.flush()
    record_event("track.requirement_defined", obj=requirement, level=level.code, requirement=requirement.kind)
    return requirement


# --- membership ---------------------------------------------------------------------------------------------


def join_track(track: Track, employee: Employee, *, via: str = "self", by: User | None = None) -> TrackMembership:
    if via not in VIA:
        raise ValidationFailed([("via", _("Unknown way of joining."))])
    if not track.active:
        raise RuleBrokenError(_("The track %(name)s is closed.", name=track.name_zh))
    if queries.membership(track.id, employee.id) is not None:
        raise ConflictError(_("%(name)s already follows the track %(track)s.", name=employee.name_zh,
                              track=track.name_zh))
    member = TrackMembership(track=track, employee=employee, via=via, nominated_by_id=_user_id(by))
    db.session.add(member)
    db.session.flush()
    record_event("track.joined", employee=employee, obj=member, track=track.code, via=via)
    if via == "nomination":
        notify(employee, _("You were nominated for the track %(track)s", track=track.name_zh),
               _("Your training officer nominated you for the certification track %(track)s. Your progress "
                 "is on the tracks page.", track=track.name_zh), kind="track_nominated",
               link=f"/tracks/{track.code}")
    evaluate_employee(employee.id)
    return member


@dataclass
class NominationReport:
    added: list[Employee] = field(default_factory=list)
    skipped: list[tuple[Employee, str]] = field(default_factory=list)


def nominate(track: Track, employees: list[Employee], *, by: User, scope: Scope) -> NominationReport:
    """Officers nominate staff of their own agency tree; people already following the track are skipped."""
    if not employees:
        raise ValidationFailed([("staff_nos", _("Name at least one staff member."))])
    outside = [e.staff_no for e in employees if not scope.covers(e.agency)]
    if outside:
        raise ValidationFailed([("staff_nos", _("Outside your agencies: %(nos)s", nos=", ".join(outside)))])
    report = NominationReport()
    for employee in employees:
        if queries.membership(track.id, employee.id) is not None:
            report.skipped.append((employee, _("already follows the track")))
            continue
        join_track(track, employee, via="nomination", by=by)
        report.added.append(employee)
    return report


# --- awards, renewal, lapse ---------------------------------------------------------------------------------


def _award_payload(holding: TrackHolding) -> dict:
    level = holding.level
    track = level.track
    extensions = {EXT_QUALIFICATION: track.code, EXT_QUALIFICATION_LEVEL: level.code}
    if holding.valid_until is not None:
        extensions[EXT_VALID_UNTIL] = holding.valid_until.isoformat()
    return {"other": {"kind": "track", "code": level.code, "name_zh": f"{track.name_zh}：{level.name_zh}"},
            "extensions": extensions, "success": True, "completion": True, "track": track.code,
            "level": level.code, "certificate_no": holding.certificate_no,
            "valid_until": holding.valid_until.isoformat() if holding.valid_until else None}


def _certificate_no(level: TrackLevel, employee: Employee, today: date) -> str:
    return f"{today.year - 1911}-{level.code.upper()}-{employee.staff_no}"[:60]


def _award(level: TrackLevel, employee: Employee, progress: rules.LevelProgress, today: date) -> TrackHolding:
    holding = TrackHolding(level=level, employee=employee, awarded_on=today, status="active",
                           valid_until=rules.valid_until(level, progress, today),
                           certificate_no=_certificate_no(level, employee, today))
    db.session.add(holding)
    db.session.flush()
    record_event("track.awarded", employee=employee, obj=holding, **_award_payload(holding))
    until = holding.valid_until.isoformat() if holding.valid_until else _("no expiry")
    notify(employee, _("You were awarded %(level)s", level=f"{level.track.name_zh}：{level.name_zh}"),
           _("All requirements of %(level)s are met. Certificate %(no)s, valid until: %(until)s.",
             level=level.name_zh, no=holding.certificate_no, until=until),
           kind="track_awarded", link=f"/tracks/holdings/{holding.id}/certificate.pdf")
    return holding


def _renew(holding: TrackHolding, progress: rules.LevelProgress, today: date) -> bool:
    """Move the expiry forward when renewed evidence gives a later date (or revive a lapsed holding). Only
    levels whose evidence carries its own dates renew by themselves: a licence's expiry, a year's hours."""
    if holding.level.validity_kind not in ("licence", "annual"):
        return False
    new_until = rules.valid_until(holding.level, progress, today)
    if holding.status == "active" and (holding.valid_until is None or new_until is None
                                       or new_until <= holding.valid_until):
        return False
    before = {"status": holding.status, "valid_until": holding.valid_until.isoformat() if holding.valid_until
              else None}
    holding.valid_until, holding.status, holding.renewed_on, holding.lapsed_on = new_until, "active", today, None
    db.session.flush()
    # Again "track.awarded": the personnel record keeps the latest validity of the qualification.
    record_event("track.awarded", employee=holding.employee_id, obj=holding, renewal=True, before=before,
                 **_award_payload(holding))
    notify(holding.employee, _("%(level)s renewed", level=holding.level.name_zh),
           _("%(level)s stays valid until %(until)s.", level=holding.level.name_zh,
             until=new_until.isoformat() if new_until else _("no expiry")), kind="track_renewed")
    return True


def evaluate_employee(employee_id: int, today: date | None = None) -> list[TrackHolding]:
    """Award every level of the employee's tracks whose requirements are all met (lower levels first, so a
    basic level awarded now admits to the advanced one), and renew holdings whose evidence was renewed."""
    today = today or queries.local_today()
    memberships = queries.memberships_of(employee_id)
    if not memberships:
        return []
    evidence = queries.evidence_for([employee_id], today).get(employee_id, rules.Evidence())
    held = {h.level_id: h for h in queries.holdings_of(employee_id)}
    changed = []
    for member in memberships:
        for level in member.track.levels:
            progress = rules.level_progress(level, evidence, today)
            if not progress.complete:
                continue
            holding = held.get(level.id)
            if holding is None:
                holding = _award(level, member.employee, progress, today)
                changed.append(holding)
            elif _renew(holding, progress, today):
                changed.append(holding)
            if holding.status == "active":
                evidence.active_levels.add(level.id)
    return changed


def on_learning_event(event) -> None:
    if event.employee_id is not None:
        evaluate_employee(event.employee_id)


def register_subscribers() -> None:
    for kind in LEARNING_EVENTS:
        subscribe(kind, on_learning_event)


def send_expiry_reminders(today: date | None = None) -> int:
    """Remind holders 90 and 30 days before expiry: once per holding, threshold and expiry date (a renewal
    gives a new expiry, so its reminders come again). Past both thresholds at once, one message is sent."""
    today = today or queries.local_today()
    due = queries.holdings_expiring(today, max(rules.REMINDER_DAYS))
    sent_before = queries.reminded_thresholds([h.id for h in due])
    sent = 0
    for holding in due:
        days_left = (holding.valid_until - today).days
        reached = [t for t in rules.REMINDER_DAYS if days_left <= t]
        new = [t for t in reached if (holding.id, t, holding.valid_until) not in sent_before]
        if not new:
            continue
        for threshold in new:
            db.session.add(TrackReminder(holding_id=holding.id, threshold=threshold, valid_until=holding.valid_until))
        level = holding.level
        notify(holding.employee, _("%(level)s expires in %(days)s days", level=level.name_zh, days=days_left),
               _("%(level)s (certificate %(no)s) is valid until %(until)s. Renew it before then: %(how)s",
                 level=f"{level.track.name_zh}：{level.name_zh}", no=holding.certificate_no,
                 until=holding.valid_until.isoformat(), how=_renewal_hint(level)),
               kind="track_expiry", link=f"/tracks/{level.track.code}")
        record_event("track.expiry_reminded", employee=holding.employee_id, obj=holding, threshold=min(new),
                     valid_until=holding.valid_until.isoformat())
        sent += 1
    db.session.flush()
    return sent


def _renewal_hint(level: TrackLevel) -> str:
    if level.validity_kind == "licence":
        return _("record the renewed licence with its new expiry date.")
    if level.validity_kind == "annual":
        return _("complete this year's required hours.")
    return _("meet the level's requirements again.")


def lapse_expired(today: date | None = None) -> int:
    """Active holdings whose validity ended: renewed if the evidence allows it, otherwise lapsed."""
    today = today or queries.local_today()
    lapsed = 0
    for holding in queries.holdings_past_expiry(today):
        evaluate_employee(holding.employee_id, today)
        if holding.status != "active" or (holding.valid_until is not None and holding.valid_until >= today):
            continue
        holding.status, holding.lapsed_on = "lapsed", today
        db.session.flush()
        record_event("track.lapsed", employee=holding.employee_id, obj=holding, level=holding.level.code,
                     valid_until=holding.valid_until.isoformat())
        notify(holding.employee, _("%(level)s has lapsed", level=holding.level.name_zh),
               _("%(level)s was valid until %(until)s and was not renewed: %(how)s", level=holding.level.name_zh,
                 until=holding.valid_until.isoformat(), how=_renewal_hint(holding.level)), kind="track_lapsed",
               link=f"/tracks/{holding.level.track.code}")
        lapsed += 1
    return lapsed


# --- exams ---------------------------------------------------------------------------------------------------


def parse_scores(requirement: TrackRequirement, raw: dict) -> dict[str, float]:
    """Every subject of the exam needs a score from 0 to 100; all problems are reported at once."""
    errors, scores = [], {}
    for subject in requirement.subjects:
        value = raw.get(subject)
        try:
            score = float(value)
            if not 0 <= score <= 100:
                raise ValueError
            scores[subject] = score
        except (TypeError, ValueError):
            errors.append(("scores", _("Enter a score from 0 to 100 for %(subject)s.", subject=subject)))
    unknown = sorted(set(raw) - set(requirement.subjects))
    if unknown:
        errors.append(("scores", _("Not a subject of this exam: %(names)s", names=", ".join(unknown))))
    if errors:
        raise ValidationFailed(errors)
    return scores


def record_exam_result(requirement: TrackRequirement, employee: Employee, raw_scores: dict, *,
                       taken_on: date | None = None, by: User | None = None) -> TrackExamResult:
    """One sitting (resits are unlimited). Absence over the bar in the training course refuses it (422)."""
    if requirement.kind != "exam":
        raise ValidationFailed([("requirement", _("This requirement is not an exam."))])
    today = queries.local_today()
    taken_on = taken_on or today
    if taken_on > today:
        raise ValidationFailed([("taken_on", _("The exam date cannot be in the future."))])
    scores = parse_scores(requirement, raw_scores)
    if requirement.max_absence_share is not None:
        _check_attendance(requirement, employee)
    outcome = rules.exam_outcome(scores, requirement.pass_mark or 0, requirement.no_zero)
    result = TrackExamResult(requirement=requirement, employee=employee, taken_on=taken_on, scores=scores,
                             percent=outcome.percent, passed=outcome.passed, recorded_by_id=_user_id(by))
    db.session.add(result)
    db.session.flush()
    record_event("track.exam_recorded", employee=employee, obj=result, level=requirement.level.code,
                 scores=scores, percent=outcome.percent, passed=outcome.passed, zero_subjects=list(outcome.zero_subjects))
    if outcome.passed:
        evaluate_employee(employee.id, today)
    return result


def _check_attendance(requirement: TrackRequirement, employee: Employee) -> None:
    attendance = queries.training_attendance(employee.id, requirement.course_id)
    if attendance is None:
        raise RuleBrokenError(_("%(name)s has no seat in a run of %(course)s, so cannot sit the exam.",
                                name=employee.name_zh, course=requirement.course.title_zh))
    if rules.absence_bars(attendance.scheduled_minutes, attendance.attended_minutes, requirement.max_absence_share):
        absent = max(0, attendance.scheduled_minutes - attendance.attended_minutes) / 60
        raise RuleBrokenError(
            _("%(name)s was absent %(absent)s of %(total)s hours, more than %(share)s %% of the training: "
              "the exam is barred.", name=employee.name_zh, absent=f"{absent:g}",
              total=f"{attendance.scheduled_minutes / 60:g}", share=f"{requirement.max_absence_share * 100:g}"),
            [("employee", _("Absence over the limit bars the exam."))])


# --- licences ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenceData:
    kind: str
    number: str
    issued_on: date | None
    level: str = ""
    groups: tuple[str, ...] = ()
    structure: str = ""
    expires_on: date | None = None


def _licence_errors(data: LicenceData, licence: TrackLicence | None) -> list[tuple[str, str]]:
    errors = []
    if data.kind not in LICENCE_KINDS:
        errors.append(("kind", _("Choose the licence kind.")))
    if data.level not in LICENCE_LEVELS or (data.kind == "professional" and not data.level):
        errors.append(("level", _("Choose the licence level (a professional licence is basic or advanced).")))
    if any(g not in LICENCE_GROUPS for g in data.groups) or (data.groups and data.level != "advanced"):
        errors.append(("groups", _("Groups G1–G3 belong to an advanced licence.")))
    if data.structure not in LICENCE_STRUCTURES:
        errors.append(("structure", _("Choose the aircraft structure.")))
    number = (data.number or "").strip()
    if not number:
        errors.append(("number", _("Enter the licence number.")))
    else:
        other = queries.licence_by_number(number)
        if other is not None and other is not licence:
            errors.append(("number", _("Another licence has this number.")))
    if data.issued_on is None:
        errors.append(("issued_on", _("Enter the issue date.")))
    elif data.issued_on > queries.local_today():
        errors.append(("issued_on", _("The issue date cannot be in the future.")))
    elif data.expires_on is not None and data.expires_on <= data.issued_on:
        errors.append(("expires_on", _("The expiry date comes after the issue date.")))
    return errors


def _licence_values(licence: TrackLicence) -> dict:
    return {"kind": licence.kind, "level": licence.level, "groups": licence.groups, "number": licence.number,
            "issued_on": licence.issued_on.isoformat(), "expires_on": licence.expires_on.isoformat()}


def record_licence(employee: Employee, data: LicenceData, *, by: User | None = None) -> TrackLicence:
    """A licence as issued by the authority; without an expiry date it runs the default two years."""
    if errors := _licence_errors(data, None):
        raise ValidationFailed(errors)
    licence = TrackLicence(employee=employee, kind=data.kind, level=data.level, groups=",".join(data.groups),
                           structure=data.structure, number=data.number.strip(), issued_on=data.issued_on,
                           expires_on=data.expires_on or rules.licence_expiry(data.issued_on),
                           recorded_by_id=_user_id(by))
    db.session.add(licence)
    db.session.flush()
    record_event("track.licence_recorded", employee=employee, obj=licence, after=_licence_values(licence))
    evaluate_employee(employee.id)
    return licence


def renew_licence(licence: TrackLicence, issued_on: date | None, expires_on: date | None = None,
                  number: str = "", *, by: User | None = None) -> TrackLicence:
    """換證: the renewed licence's dates (and number, if it changed); holdings that follow it are renewed."""
    data = LicenceData(kind=licence.kind, level=licence.level, groups=tuple(g for g in licence.groups.split(",") if g),
                       structure=licence.structure, number=number or licence.number, issued_on=issued_on,
                       expires_on=expires_on)
    errors = _licence_errors(data, licence)
    new_expiry = expires_on or (rules.licence_expiry(issued_on) if issued_on else None)
    if not errors and new_expiry <= licence.expires_on:
        errors.append(("expires_on", _("A renewal must expire after %(date)s.", date=licence.expires_on.isoformat())))
    if errors:
        raise ValidationFailed(errors)
    before = _licence_values(licence)
    licence.number, licence.issued_on, licence.expires_on = data.number.strip(), issued_on, new_expiry
    db.session.flush()
    record_event("track.licence_renewed", employee=licence.employee_id, obj=licence, before=before,
                 after=_licence_values(licence))
    evaluate_employee(licence.employee_id)
    return licence
