"""Catalogue forms. Fields carry the service's field names, so service errors land next to them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from courses.catalogue.services import CourseData
from courses.labels import DELIVERY_MODE_LABELS, choices


def split_codes(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c.strip() for c in (raw or "").replace("，", ",").split(",") if c.strip()))


class CourseForm(FlaskForm):
    code = StringField(_l("Course code"), validators=[Length(max=32)])
    title_zh = StringField(_l("Title (Chinese)"), validators=[Length(max=200)])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=300)])
    category = SelectField(_l("Category"), choices=[])
    delivery_mode = SelectField(_l("Delivery mode"), choices=[])
    credited_hours = DecimalField(_l("Credited hours"), places=1, validators=[Optional()])
    agency = SelectField(_l("Organising agency"), choices=[])
    topics = SelectMultipleField(_l("Topics"), choices=[], validate_choice=False)
    prerequisites = StringField(_l("Prerequisites (course codes, comma-separated)"))
    target_audience = StringField(_l("Target audience"), validators=[Length(max=300)])
    portal_category_code = StringField(_l("Portal category code"), validators=[Length(max=16)])
    description_zh = TextAreaField(_l("Description (Chinese)"))
    description_en = TextAreaField(_l("Description (English)"))

    def fill_choices(self, categories, agencies, topics, locale: str) -> "CourseForm":
        self.category.choices = [("", "—")] + [(c.code, c.name(locale)) for c in categories]
        self.agency.choices = [("", "—")] + [(a.code, "　" * a.depth + a.name(locale)) for a in agencies]
        self.topics.choices = [(t.code, t.name(locale)) for t in topics]
        self.delivery_mode.choices = choices(DELIVERY_MODE_LABELS)
        return self

    def load(self, course) -> "CourseForm":
        for name in ("code", "title_zh", "title_en", "delivery_mode", "target_audience", "portal_category_code",
                     "description_zh", "description_en"):
            getattr(self, name).data = getattr(course, name)
        self.credited_hours.data = course.credited_hours
        self.category.data, self.agency.data = course.category.code, course.agency.code
        self.topics.data = [t.code for t in course.topics]
        self.prerequisites.data = ", ".join(c.code for c in course.prerequisites)
        return self

    def to_data(self) -> CourseData:
        hours = self.credited_hours.data
        return CourseData(
            code=(self.code.data or "").strip(), title_zh=self.title_zh.data or "", title_en=self.title_en.data or "",
            category_code=self.category.data or "", credited_hours=float(hours) if hours is not None else None,
            agency_code=self.agency.data or "", delivery_mode=self.delivery_mode.data or "",
            description_zh=self.description_zh.data or "", description_en=self.description_en.data or "",
            target_audience=(self.target_audience.data or "").strip(),
            portal_category_code=(self.portal_category_code.data or "").strip(),
            topic_codes=tuple(self.topics.data or ()), prerequisite_codes=split_codes(self.prerequisites.data))
