"""The statements the LMS itself sends for online courses (cmi5 "launched" and "satisfied", progress of
plain packages), their activity IRIs and the cmi5 context template; stored in the platform's LRS."""
from __future__ import annotations

import uuid
from urllib.parse import quote

from lms.db import utcnow
from xapi.emitter.actors import employee_agent, platform_authority
from xapi.emitter.services import course_activity
from xapi.emitter.vocabulary import VERBS
from xapi.store.services import StoreRequest, store_statements
from xapi.validation.formats import format_timestamp

CMI5_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/cmi5"
MOVEON_CATEGORY = "https://w3id.org/xapi/cmi5/context/categories/moveon"
EXT = "https://w3id.org/xapi/cmi5/context/extensions/"
EXT_SESSION, EXT_LAUNCH_MODE, EXT_LAUNCH_URL = EXT + "sessionid", EXT + "launchmode", EXT + "launchurl"
EXT_MOVE_ON, EXT_LAUNCH_PARAMETERS, EXT_MASTERY = EXT + "moveon", EXT + "launchparameters", EXT + "masteryscore"
EXT_PROGRESS = "https://w3id.org/xapi/cmi5/result/extensions/progress"
PROGRESSED = "http://adlnet.gov/expapi/verbs/progressed"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"


def course_iri(course) -> str:
    return course_activity(course.code, course.title_zh, course.title_en, online=True).iri


def unit_iri(course, unit) -> str:
    """The LMS's own activity id of a unit: unique per course and position, whatever the publisher's id."""
    return f"{course_iri(course)}/au/{quote(str(unit.position))}"


def context_template(unit, session_id: str) -> dict:
    grouping = [{"objectType": "Activity", "id": unit.publisher_id}] if unit.publisher_id else []
    return {"contextActivities": {"grouping": grouping},
            "extensions": {EXT_SESSION: session_id}}


def _names(zh: str, en: str) -> dict:
    return {"zh-TW": zh, **({"en-US": en} if en else {})}


def _statement(employee, verb_key_or_iri: str, obj: dict, registration: str, context: dict,
               result: dict | None = None, categories=(CMI5_CATEGORY,)) -> dict:
    verb = VERBS.get(verb_key_or_iri)
    verb_part = {"id": verb[0], "display": verb[1]} if verb else {"id": verb_key_or_iri,
                                                                  "display": {"en-US": "progressed"}}
    activities = dict(context.get("contextActivities") or {})
    if categories:
        activities["category"] = [{"objectType": "Activity", "id": c} for c in categories]
    statement = {
        "id": str(uuid.uuid4()), "actor": employee_agent(employee), "verb": verb_part, "object": obj,
        "context": {**context, "registration": registration, "contextActivities": activities},
        "timestamp": format_timestamp(utcnow()),
    }
    if result:
        statement["result"] = result
    return statement


def _store(statement: dict) -> dict:
    store_statements(StoreRequest([statement], platform_authority()))
    return statement


def unit_object(course, unit) -> dict:
    return {"objectType": "Activity", "id": unit_iri(course, unit), "definition": {
        "name": _names(unit.title_zh or course.title_zh, unit.title_en)}}


def send_launched(employee, course, unit, registration: str, session_id: str, launch_url: str) -> dict:
    extensions = {EXT_SESSION: session_id, EXT_LAUNCH_MODE: "Normal", EXT_LAUNCH_URL: launch_url,
                  EXT_MOVE_ON: unit.move_on}
    if unit.launch_parameters:
        extensions[EXT_LAUNCH_PARAMETERS] = unit.launch_parameters
    context = context_template(unit, session_id)
    return _store(_statement(employee, "launched", unit_object(course, unit), registration,
                             {**context, "extensions": extensions}))


def send_satisfied(employee, course, registration: str, session_id: str) -> dict:
    obj = {"objectType": "Activity", "id": course_iri(course),
           "definition": {"name": _names(course.title_zh, course.title_en), "type": COURSE_TYPE}}
    return _store(_statement(employee, "satisfied", obj, registration, {"extensions": {EXT_SESSION: session_id}},
                             categories=(CMI5_CATEGORY, MOVEON_CATEGORY)))


def send_progressed(employee, course, unit, registration: str, percent: int, page: str) -> dict:
    result = {"extensions": {EXT_PROGRESS: percent}, **({"response": page[:500]} if page else {})}
    return _store(_statement(employee, PROGRESSED, unit_object(course, unit), registration, {}, result,
                             categories=()))


def send_abandoned(employee, course, unit, registration: str, session_id: str, seconds: float) -> dict:
    result = {"duration": f"PT{max(seconds, 0):.2f}S"}
    return _store(_statement(employee, "abandoned", unit_object(course, unit), registration,
                             {"extensions": {EXT_SESSION: session_id}}, result))
