"""Every change to the catalogue: categories, topics, courses (create, edit, archive, delete)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from courses.catalogue.models import DELIVERY_MODES, MANDATED_TOPICS, Category, Course, Topic
from lms.agencies.models import Agency
from lms.errors import ConflictError, ValidationFailed
from lms.extensions import db

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")


@dataclass(frozen=True)
class CourseData:
    code: str
    title_zh: str
    category_code: str
    credited_hours: float | None
    agency_code: str
    title_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    delivery_mode: str = "in_person"
    target_audience: str = ""
    portal_category_code: str = ""
    topic_codes: tuple[str, ...] = field(default_factory=tuple)
    prerequisite_codes: tuple[str, ...] = field(default_factory=tuple)


def ensure_mandated_topics() -> dict[str, Topic]:
    """The topics the yearly-hours rules name; the migration inserts them, this repairs a bare database."""
    existing = {t.code: t for t in db.session.execute(db.select(Topic)).scalars()}
    for code, name_zh, name_en, group, portal_code in MANDATED_TOPICS:
        if code not in existing:
            existing[code] = Topic(code=code, name_zh=name_zh, name_en=name_en, group=group,
                                   portal_code=portal_code)
            db.session.add(existing[code])
    db.session.flush()
    return existing


def upsert_category(code: str, name_zh: str, name_en: str = "", sort_order: int = 0) -> Category:
    errors = []
    if not CODE_PATTERN.match(code or ""):
        errors.append(("code", _("A code has letters, digits, dots, dashes or underscores (at most 32).")))
    if not (name_zh or "").strip():
        errors.append(("name_zh", _("The Chinese name is required.")))
    if errors:
        raise ValidationFailed(errors)
    category = db.session.execute(db.select(Category).filter_by(code=code)).scalar_one_or_none()
    if category is None:
        category = Category(code=code)
        db.session.add(category)
    category.name_zh, category.name_en, category.sort_order = name_zh.strip(), name_en.strip(), sort_order
    db.session.flush()
    return category


def _by_codes(model, codes) -> dict[str, object]:
    codes = {c for c in codes if c}
    if not codes:
        return {}
    rows = db.session.execute(db.select(model).where(model.code.in_(codes))).scalars()
    return {row.code: row for row in rows}


def _requires(course: Course, target: Course) -> bool:
    """Does `course` (transitively) require `target`? Guards against prerequisite cycles."""
    seen, stack = set(), list(course.prerequisites)
    while stack:
        current = stack.pop()
        if current.id == target.id:
            return True
        if current.id not in seen:
            seen.add(current.id)
            stack.extend(current.prerequisites)
    return False


def _check(data: CourseData, course: Course | None):
    errors: list[tuple[str, str]] = []
    if not CODE_PATTERN.match(data.code or ""):
        errors.append(("code", _("A code has letters, digits, dots, dashes or underscores (at most 32).")))
    if not data.title_zh.strip():
        errors.append(("title_zh", _("The Chinese title is required.")))
    elif len(data.title_zh) > 200:
        errors.append(("title_zh", _("At most %(n)s characters.", n=200)))
    if len(data.title_en) > 300:
        errors.append(("title_en", _("At most %(n)s characters.", n=300)))
    if data.credited_hours is None or not 0 < data.credited_hours <= 1000:
        errors.append(("credited_hours", _("Credited hours must be more than 0 and at most 1000.")))
    if data.delivery_mode not in DELIVERY_MODES:
        errors.append(("delivery_mode", _("Choose a delivery mode.")))
    category = db.session.execute(db.select(Category).filter_by(code=data.category_code)).scalar_one_or_none()
    if category is None:
        errors.append(("category", _("Choose a category.")))
    agency = db.session.execute(db.select(Agency).filter_by(code=data.agency_code)).scalar_one_or_none()
    if agency is None:
        errors.append(("agency", _("Choose the organising agency.")))
    topics = _by_codes(Topic, data.topic_codes)
    unknown = sorted(set(data.topic_codes) - set(topics))
    if unknown:
        errors.append(("topics", _("Unknown topics: %(codes)s", codes=", ".join(unknown))))
    prerequisites = _by_codes(Course, data.prerequisite_codes)
    unknown = sorted(set(data.prerequisite_codes) - set(prerequisites))
    if unknown:
        errors.append(("prerequisites", _("Unknown courses: %(codes)s", codes=", ".join(unknown))))
    if course is not None and course.id is not None:
        if data.code in prerequisites or any(_requires(p, course) for p in prerequisites.values()):
            errors.append(("prerequisites", _("A course cannot require itself, directly or through others.")))
    elif data.code in data.prerequisite_codes:
        errors.append(("prerequisites", _("A course cannot require itself, directly or through others.")))
    if errors:
        raise ValidationFailed(errors)
    duplicate = db.session.execute(db.select(Course.id).filter_by(code=data.code)).scalar()
    if duplicate is not None and (course is None or duplicate != course.id):
        raise ConflictError(_("Course code %(code)s is already used.", code=data.code),
                            [("code", _("Course code %(code)s is already used.", code=data.code))])
    return category, agency, list(topics.values()), sorted(prerequisites.values(), key=lambda c: c.code)


def _apply(course: Course, data: CourseData) -> Course:
    category, agency, topics, prerequisites = _check(data, course)
    course.code, course.title_zh, course.title_en = data.code, data.title_zh.strip(), data.title_en.strip()
    course.description_zh, course.description_en = data.description_zh, data.description_en
    course.category, course.agency = category, agency
    course.credited_hours, course.delivery_mode = data.credited_hours, data.delivery_mode
    course.target_audience, course.portal_category_code = data.target_audience, data.portal_category_code
    course.topics = sorted(topics, key=lambda t: t.id)
    course.prerequisites = prerequisites
    db.session.flush()
    return course


def create_course(data: CourseData) -> Course:
    course = Course()
    course = _apply(course, data)
    db.session.add(course)
    db.session.flush()
    return course


def update_course(course: Course, data: CourseData) -> Course:
    return _apply(course, data)


def archive_course(course: Course, archived: bool = True) -> Course:
    """Archived courses leave the learners' catalogue but keep their runs and history."""
    course.archived = archived
    db.session.flush()
    return course


def delete_course(course: Course) -> None:
    """Only a course that never had a run may go; one with history is archived instead."""
    from courses.scheduling.queries import run_count_for_course

    if run_count_for_course(course.id):
        raise ConflictError(_("This course has class runs: archive it instead of deleting it."))
    db.session.delete(course)
    db.session.flush()
