"""Parsing catalogue input from query strings and JSON bodies into the services' dataclasses."""
from __future__ import annotations

from flask_babel import gettext as _

from courses.catalogue.models import DELIVERY_MODES
from courses.catalogue.queries import CatalogueFilters
from courses.catalogue.services import CourseData
from lms.core.args import plausible_year
from lms.errors import ValidationFailed

TRUE_WORDS = {"1", "true", "yes", "on", "y"}


def _number(raw, cast):
    try:
        return cast(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


def filters_from_args(args, include_archived: bool = False) -> CatalogueFilters:
    """Query-string filters; values that make no sense are ignored rather than failing a search page."""
    month = _number(args.get("month"), int)
    mode = args.get("mode", "")
    return CatalogueFilters(
        text=args.get("q", "")[:100].strip(), category=args.get("category", "")[:32],
        mode=mode if mode in DELIVERY_MODES else "", month=month if month and 1 <= month <= 12 else None,
        year=plausible_year(_number(args.get("year"), int)), min_hours=_number(args.get("min_hours"), float),
        max_hours=_number(args.get("max_hours"), float), topic=args.get("topic", "")[:32],
        open_only=args.get("open", "").lower() in TRUE_WORDS, include_archived=include_archived)


def course_from_json(body, current=None) -> CourseData:
    """A course from a JSON object; for PATCH, `current` supplies the fields left out."""
    if not isinstance(body, dict):
        raise ValidationFailed([("", _("Send a JSON object."))])
    base = {} if current is None else {
        "code": current.code, "title_zh": current.title_zh, "title_en": current.title_en,
        "category": current.category.code, "credited_hours": current.credited_hours, "agency": current.agency.code,
        "description_zh": current.description_zh, "description_en": current.description_en,
        "delivery_mode": current.delivery_mode, "target_audience": current.target_audience,
        "portal_category_code": current.portal_category_code, "topics": [t.code for t in current.topics],
        "prerequisites": [c.code for c in current.prerequisites]}
    values = {**base, **body}
    errors = []
    hours = values.get("credited_hours")
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, (int, float))):
        errors.append(("credited_hours", _("Send a number.")))
        hours = None
    for name in ("topics", "prerequisites"):
        if not isinstance(values.get(name, []), list) or not all(isinstance(v, str) for v in values.get(name, [])):
            errors.append((name, _("Send a list of codes.")))
    texts = ("code", "title_zh", "title_en", "category", "agency", "description_zh", "description_en",
             "delivery_mode", "target_audience", "portal_category_code")
    for name in texts:
        if name in values and not isinstance(values[name], str):
            errors.append((name, _("Send text.")))
    if errors:
        raise ValidationFailed(errors)
    text = lambda name, default="": (values.get(name) or default).strip()  # noqa: E731
    return CourseData(
        code=text("code"), title_zh=text("title_zh"), title_en=text("title_en"), category_code=text("category"),
        credited_hours=float(hours) if hours is not None else None, agency_code=text("agency"),
        description_zh=values.get("description_zh") or "", description_en=values.get("description_en") or "",
        delivery_mode=text("delivery_mode", "in_person"), target_audience=text("target_audience"),
        portal_category_code=text("portal_category_code"), topic_codes=tuple(values.get("topics") or ()),
        prerequisite_codes=tuple(values.get("prerequisites") or ()))


def course_json(course, runs=None) -> dict:
    data = {
        "code": course.code, "title_zh": course.title_zh, "title_en": course.title_en,
        "description_zh": course.description_zh, "description_en": course.description_en,
        "category": course.category.code, "credited_hours": course.credited_hours,
        "delivery_mode": course.delivery_mode, "target_audience": course.target_audience,
        "agency": course.agency.code, "portal_category_code": course.portal_category_code,
        "topics": [t.code for t in course.topics], "prerequisites": [c.code for c in course.prerequisites],
        "archived": course.archived,
    }
    if runs is not None:
        from courses.scheduling.schemas import run_json

        data["runs"] = [run_json(r) for r in runs]
    return data
