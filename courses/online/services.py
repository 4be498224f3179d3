"""Every change to online courses: uploading a content package, launching a unit (cmi5 or Tin Can launch,
or the player of a plain package), the fetch of the cmi5 auth token, progress of plain packages, and
the moveOn evaluation that marks the course satisfied and credits its hours (event "online.completed")."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import BinaryIO
from urllib.parse import urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from courses.online import packages, statements
from courses.online.models import (
    COMPLETION_RULES, RULE_LAST_PAGE, RULE_WATCHED, OnlinePackage, OnlineRegistration, OnlineUnit, UnitProgress,
)
from lms.db import utcnow
from lms.errors import PermissionDeniedError, RuleBrokenError, ValidationFailed
from lms.events.services import record_event
from lms.extensions import db
from lms.storage import UploadRejectedError, check_upload, get_storage
from xapi.emitter import vocabulary as vocab
from xapi.emitter.actors import employee_agent
from xapi.store import documents, launch_tokens
from xapi.store.identity import activity_hash, agent_hash

LAUNCH_DATA = "LMS.LaunchData"
LEARNER_PREFERENCES = "cmi5LearnerPreferences"
ADL = "http://adlnet.gov/expapi/verbs/"
MODE_DIGITAL = 1  # 學習性質 1 = 數位 in the national portal's codes
OUTCOME_VERBS = {ADL + "completed": "completed", ADL + "passed": "passed", ADL + "failed": "failed"}


# --- packages --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageUpload:
    stream: BinaryIO
    filename: str
    kind: str = ""                 # "", cmi5, tincan or html ("" = detect)
    completion_rule: str = ""      # plain packages: last_page or watched
    last_page: str = ""
    watched_percent: int = 0


def _check_plain_rule(upload: PackageUpload, files: list[str]) -> list[tuple[str, str]]:
    errors = []
    if upload.completion_rule not in COMPLETION_RULES:
        errors.append(("completion_rule", _("Choose how a plain package is completed.")))
    elif upload.completion_rule == RULE_LAST_PAGE and upload.last_page not in files:
        errors.append(("last_page", _("The last page must be a file of the package, e.g. end.html.")))
    elif upload.completion_rule == RULE_WATCHED and not 1 <= (upload.watched_percent or 0) <= 100:
        errors.append(("watched_percent", _("The watched share is a percentage from 1 to 100.")))
    return errors


def upload_package(course, upload: PackageUpload, user=None, limits: packages.Limits | None = None) -> OnlinePackage:
    """Check the zip, unpack it into storage and make it the course's package (replacing any earlier one)."""
    # The request body is capped by UPLOAD_MAX_BYTES (MAX_CONTENT_LENGTH) anyway: say the same limit.
    limits = limits or packages.Limits(package_bytes=current_app.config["UPLOAD_MAX_BYTES"])
    if course.delivery_mode != "online":
        raise RuleBrokenError(_("Only self-paced online courses take a content package."))
    try:
        check_upload(upload.stream, upload.filename, ["zip"], limits.package_bytes)
    except UploadRejectedError as exc:
        raise ValidationFailed([("package", exc.reason)]) from None
    archive, files = packages.open_zip(upload.stream, limits)
    spec = packages.read_structure(archive, files, upload.kind)
    if spec.kind == packages.KIND_HTML and (errors := _check_plain_rule(upload, spec.files)):
        raise ValidationFailed(errors)
    prefix = f"online/{uuid.uuid4().hex}"
    packages.unpack(archive, files, get_storage(), prefix)
    package = db.session.execute(sa.select(OnlinePackage).where(OnlinePackage.course_id == course.id)
                                 ).scalar_one_or_none()
    if package is None:
        package = OnlinePackage(course=course, version=0)
        db.session.add(package)
    else:
        package.units.clear()
        db.session.flush()
    plain = spec.kind == packages.KIND_HTML
    package.kind, package.storage_prefix, package.publisher_id = spec.kind, prefix, spec.course_id[:500]
    package.title_zh, package.title_en = spec.title_zh[:300], spec.title_en[:300]
    package.file_count, package.total_bytes = len(spec.files), spec.total_bytes
    package.completion_rule = upload.completion_rule if plain else ""
    package.last_page = upload.last_page if plain and upload.completion_rule == RULE_LAST_PAGE else ""
    package.watched_percent = upload.watched_percent if plain and upload.completion_rule == RULE_WATCHED else 0
    package.version += 1
    package.uploaded_at, package.uploaded_by_id = utcnow(), getattr(user, "id", None)
    for position, au in enumerate(spec.aus, start=1):
        package.units.append(OnlineUnit(
            position=position, publisher_id=au.publisher_id[:500], title_zh=au.title_zh[:300] or course.title_zh,
            title_en=au.title_en[:300] or course.title_en, url=au.url[:1000], launch_method=au.launch_method,
            move_on=au.move_on, mastery_score=au.mastery_score, launch_parameters=au.launch_parameters))
    db.session.flush()
    record_event("online.package_uploaded", obj=package, course=course.code, package_kind=spec.kind,
                 files=package.file_count, bytes=package.total_bytes, version=package.version)
    return package


# --- registrations and launches ----------------------------------------------------------------------


def ensure_registration(employee, course) -> OnlineRegistration:
    """The learner's registration for the course (created on the first launch; the cmi5 registration)."""
    if employee is None:
        raise PermissionDeniedError(_("Only staff members take online courses."))
    row = db.session.execute(sa.select(OnlineRegistration).where(
        OnlineRegistration.course_id == course.id, OnlineRegistration.employee_id == employee.id)
    ).scalar_one_or_none()
    if row is None:
        row = OnlineRegistration(course=course, employee=employee, registration=str(uuid.uuid4()))
        db.session.add(row)
        db.session.flush()
        record_event("online.registered", employee=employee, obj=row, course=course.code)
    return row


def _progress(registration: OnlineRegistration, unit: OnlineUnit) -> UnitProgress:
    row = next((p for p in registration.progress if p.unit_id == unit.id), None)
    if row is None:
        row = UnitProgress(registration_row=registration, unit=unit)
        db.session.add(row)
        db.session.flush()
    return row


@dataclass(frozen=True)
class Launch:
    url: str
    registration: OnlineRegistration
    unit: OnlineUnit


def _with_query(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def content_url(base_url: str, package: OnlinePackage, path: str) -> str:
    return f"{base_url.rstrip('/')}/online/content/{package.id}/v{package.version}/{path}"


def _unit_url(base_url: str, package: OnlinePackage, unit: OnlineUnit) -> str:
    if urlsplit(unit.url).scheme:
        return unit.url
    return content_url(base_url, package, unit.url)


def _save_json(scope: documents.DocumentScope, doc_id: str, data: dict) -> None:
    documents.save_document(scope, doc_id, json.dumps(data, ensure_ascii=False).encode("utf-8"),
                            "application/json", documents.Preconditions(), merge=False)


def _write_launch_documents(actor: dict, registration: str, activity_id: str, data: dict, language: str) -> None:
    """LMS.LaunchData in the State, and cmi5LearnerPreferences (the learner's UI language) in the Agent Profile."""
    _save_json(documents.DocumentScope(documents.STATE, activity_hash(activity_id), agent_hash(actor), registration),
               LAUNCH_DATA, data)
    languages = [language] + [other for other in ("zh-TW", "en-US") if other != language]
    _save_json(documents.DocumentScope(documents.AGENT_PROFILE, agent_hash=agent_hash(actor)), LEARNER_PREFERENCES,
               {"languagePreference": ",".join(languages), "audioPreference": "on"})


def launch_unit(employee, course, unit: OnlineUnit, base_url: str, return_url: str, player_url: str,
                language: str = "zh-TW") -> Launch:
    """Start one launch: registration, LaunchData, "launched" statement and the URL to open.

    `base_url` is the platform's address as the browser sees it (the LRS endpoint and fetch URL are
    under it); plain packages open `player_url`, the LMS page that frames the content and tracks it."""
    package = unit.package
    registration = ensure_registration(employee, course)
    progress = _progress(registration, unit)
    now = utcnow()
    progress.launched_at = progress.launched_at or now
    registration.last_launched_at = now
    actor = employee_agent(employee)
    activity_id = statements.unit_iri(course, unit)
    record_event("online.launched", employee=employee, obj=registration, course=course.code, unit=unit.position)
    if package.kind == packages.KIND_HTML:
        return Launch(player_url, registration, unit)
    base = base_url.rstrip("/")
    endpoint = base + "/xapi/"
    if package.kind == packages.KIND_TINCAN:
        token = launch_tokens.issue_token(actor, registration.registration, activity_id)
        url = _with_query(_unit_url(base, package, unit), {
            "endpoint": endpoint, "auth": "Basic " + token, "actor": json.dumps(actor),
            "registration": registration.registration, "activity_id": activity_id})
        return Launch(url, registration, unit)
    for stale in launch_tokens.close_open_launches(registration.registration, activity_id):
        statements.send_abandoned(employee, course, unit, registration.registration, stale.session_id,
                                  (now - stale.fetched_at).total_seconds())
    session_id = str(uuid.uuid4())
    issued = launch_tokens.issue_launch(actor, registration.registration, activity_id, session_id=session_id)
    launch_data = {"contextTemplate": statements.context_template(unit, session_id), "launchMode": "Normal",
                   "returnURL": return_url, "moveOn": unit.move_on}
    if unit.mastery_score is not None:
        launch_data["masteryScore"] = unit.mastery_score
    if unit.launch_parameters:
        launch_data["launchParameters"] = unit.launch_parameters
    _write_launch_documents(actor, registration.registration, activity_id, launch_data, language)
    url = _with_query(_unit_url(base, package, unit), {
        "endpoint": endpoint, "fetch": f"{base}/online/fetch/{issued.fetch_code}", "actor": json.dumps(actor),
        "registration": registration.registration, "activityId": activity_id})
    # The launch URL in the statement leaves out its query: the fetch code is a one-time secret.
    statements.send_launched(employee, course, unit, registration.registration, session_id, url.split("?", 1)[0])
    if unit.move_on == "NotApplicable":
        _satisfy_unit(registration, progress)
    return Launch(url, registration, unit)


def fetch_auth_token(fetch_code: str) -> str:
    """The cmi5 fetch: the auth token once; raises launch_tokens.FetchRefusedError afterwards."""
    return launch_tokens.redeem_fetch_code(fetch_code)


# --- outcomes and moveOn -----------------------------------------------------------------------------


def move_on_met(move_on: str, progress: UnitProgress) -> bool:
    return {
        "Passed": progress.passed,
        "Completed": progress.completed,
        "CompletedAndPassed": progress.completed and progress.passed,
        "CompletedOrPassed": progress.completed or progress.passed,
        "NotApplicable": True,
    }.get(move_on, False)


def _satisfy_unit(registration: OnlineRegistration, progress: UnitProgress) -> None:
    if progress.satisfied_at is None:
        progress.satisfied_at = utcnow()
        db.session.flush()
    _check_course(registration)


def _check_course(registration: OnlineRegistration) -> None:
    """All units satisfied: the course is satisfied (cmi5 "satisfied" by the LMS) and its hours credited."""
    if registration.satisfied_at is not None:
        return
    package = db.session.execute(sa.select(OnlinePackage).where(OnlinePackage.course_id == registration.course_id)
                                 ).scalar_one()
    done = {p.unit_id for p in registration.progress if p.satisfied_at is not None}
    if not package.units or any(unit.id not in done for unit in package.units):
        return
    course, employee = registration.course, registration.employee
    registration.satisfied_at = utcnow()
    statements.send_satisfied(employee, course, registration.registration, str(uuid.uuid4()))
    passed = [p.passed for p in registration.progress]
    scores = [p.score for p in registration.progress if p.score is not None]
    payload = {"course": {"code": course.code, "name_zh": course.title_zh, "name_en": course.title_en,
                          "online": True},
               "hours": float(course.credited_hours), "completion": True,
               "extensions": _course_extensions(course)}
    if any(passed):
        payload["success"] = True
    if scores:
        payload["score"] = [round(sum(scores) / len(scores) * 100, 1), 0, 100]
    db.session.flush()
    record_event("online.completed", employee=employee, obj=registration, **payload)


def _course_extensions(course) -> dict:
    """The portal fields the ledger reads: digital learning, the mandated topics, the portal category."""
    extensions = {vocab.EXT_LEARNING_MODE: MODE_DIGITAL}
    if course.topics:
        extensions[vocab.EXT_TOPICS] = [topic.code for topic in course.topics]
    if course.portal_category_code:
        extensions[vocab.EXT_PORTAL_CATEGORY] = course.portal_category_code
    return extensions


def record_unit_outcomes(registration_id: str, activity_id: str, verbs: list[str], score: float | None = None) -> bool:
    """Outcome verbs sent by the content for one unit; returns True when the unit became satisfied."""
    registration = db.session.execute(sa.select(OnlineRegistration).where(
        OnlineRegistration.registration == registration_id)).scalar_one_or_none()
    if registration is None:
        return False
    package = db.session.execute(sa.select(OnlinePackage).where(OnlinePackage.course_id == registration.course_id)
                                 ).scalar_one_or_none()
    unit = next((u for u in (package.units if package else [])
                 if statements.unit_iri(registration.course, u) == activity_id), None)
    if unit is None:
        return False
    progress = _progress(registration, unit)
    outcomes = {OUTCOME_VERBS[v] for v in verbs if v in OUTCOME_VERBS}
    if not outcomes:
        return False
    progress.completed = progress.completed or "completed" in outcomes
    progress.passed = progress.passed or "passed" in outcomes
    progress.failed = (progress.failed or "failed" in outcomes) and not progress.passed
    if score is not None:
        progress.score = score
    db.session.flush()
    if progress.satisfied_at is None and move_on_met(unit.move_on, progress):
        _satisfy_unit(registration, progress)
        return True
    return False


def on_launch_statements(event) -> None:
    """Subscriber of xapi.launch_statements: the content stored statements through its launch token."""
    payload = event.payload or {}
    record_unit_outcomes(payload.get("registration", ""), payload.get("activity_id", ""), payload.get("verbs") or [],
                         payload.get("score"))


# --- plain packages ----------------------------------------------------------------------------------


def record_progress(employee, course, page: str = "", watched: float | None = None) -> UnitProgress:
    """A page seen or a share of the video watched in a plain package; applies its completion rule."""
    package = db.session.execute(sa.select(OnlinePackage).where(OnlinePackage.course_id == course.id)
                                 ).scalar_one_or_none()
    if package is None or package.kind != packages.KIND_HTML:
        raise RuleBrokenError(_("Only plain packages report progress this way."))
    registration = ensure_registration(employee, course)
    unit = package.units[0]
    progress = _progress(registration, unit)
    errors = []
    page = (page or "").strip()
    if page and (packages.check_member_name(page) or len(page) > 500):
        errors.append(("page", _("The page is not a file of the package.")))
    if watched is not None and not 0 <= watched <= 1:
        errors.append(("watched", _("The watched share is a number from 0 to 1.")))
    if errors:
        raise ValidationFailed(errors)
    seen = set(filter(None, progress.pages_seen.split("\n")))
    if page:
        seen.add(page)
        progress.pages_seen = "\n".join(sorted(seen))[:20000]
    if watched is not None:
        progress.watched_percent = max(progress.watched_percent, int(watched * 100))
    if package.completion_rule == RULE_LAST_PAGE:
        percent = 100 if package.last_page in seen else min(99, len(seen) * 100 // max(package.file_count, 1))
        progress.completed = progress.completed or package.last_page in seen
    else:
        percent = progress.watched_percent
        progress.completed = progress.completed or progress.watched_percent >= package.watched_percent
    db.session.flush()
    statements.send_progressed(employee, course, unit, registration.registration, percent, page)
    if progress.completed and progress.satisfied_at is None:
        _satisfy_unit(registration, progress)
    return progress


def register_subscribers() -> None:
    from lms.events.services import subscribe

    subscribe(launch_tokens.LAUNCH_EVENT, on_launch_statements)
