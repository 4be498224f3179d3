"""Track forms: defining tracks, levels and requirements; nominating staff; recording an exam sitting and a
licence; renewing a licence. Fields only parse; the services check the rules by these field names."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FloatField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import Optional

from courses.labels import choices
from courses.tracks.labels import (LICENCE_KIND_LABELS, LICENCE_LEVEL_LABELS, LICENCE_STRUCTURE_LABELS,
                                   REQUIREMENT_KIND_LABELS, VALIDITY_LABELS)
from courses.tracks.models import LICENCE_GROUPS, TrackLevel, TrackRequirement
from courses.tracks.services import LevelData, LicenceData, RequirementData, TrackData


def split_list(text: str | None) -> tuple[str, ...]:
    """Names separated by commas, 、 or new lines."""
    return tuple(part.strip() for part in re.split(r"[,\n、，]", text or "") if part.strip())


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class TrackForm(FlaskForm):
    code = StringField(_l("Track code"), validators=[Optional()])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional()])
    name_en = StringField(_l("Name (English)"), validators=[Optional()])
    description_zh = TextAreaField(_l("Description"), validators=[Optional()])
    sort_order = IntegerField(_l("Order in the list"), default=0, validators=[Optional()])
    active = BooleanField(_l("Open for joining"), default=True)

    def to_data(self) -> TrackData:
        return TrackData(code=self.code.data or "", name_zh=self.name_zh.data or "", name_en=self.name_en.data or "",
                         description_zh=self.description_zh.data or "", active=bool(self.active.data),
                         sort_order=self.sort_order.data or 0)


class LevelForm(FlaskForm):
    code = StringField(_l("Level code"), validators=[Optional()])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional()])
    name_en = StringField(_l("Name (English)"), validators=[Optional()])
    rank = IntegerField(_l("Order within the track"), validators=[Optional()])
    prerequisite_code = SelectField(_l("Level required first"), validators=[Optional()])
    validity_kind = SelectField(_l("Validity"), choices=choices(VALIDITY_LABELS), default="none")
    validity_months = IntegerField(_l("Validity in months (fixed period)"), validators=[Optional()])

    def fill_choices(self, levels: list[TrackLevel]) -> "LevelForm":
        self.prerequisite_code.choices = [("", "—")] + [(lv.code, lv.name_zh) for lv in levels]
        return self

    def to_data(self) -> LevelData:
        return LevelData(code=self.code.data or "", name_zh=self.name_zh.data or "", name_en=self.name_en.data or "",
                         rank=self.rank.data, prerequisite_code=self.prerequisite_code.data or "",
                         validity_kind=self.validity_kind.data, validity_months=self.validity_months.data)


class RequirementForm(FlaskForm):
    kind = SelectField(_l("Kind of requirement"), choices=choices(REQUIREMENT_KIND_LABELS))
    label_zh = StringField(_l("Description shown to learners"), validators=[Optional()])
    course_code = StringField(_l("Course code (course to complete, or the training before the exam)"),
                              validators=[Optional()])
    topic_codes = StringField(_l("Topic codes (comma-separated)"), validators=[Optional()])
    hours = FloatField(_l("Hours needed"), validators=[Optional()])
    subjects = StringField(_l("Exam subjects (comma-separated)"), validators=[Optional()])
    pass_mark = FloatField(_l("Pass mark (% of the total)"), validators=[Optional()])
    no_zero = BooleanField(_l("A zero in any subject fails"))
    max_absence_share = FloatField(_l("Absence that bars the exam (share of the hours, 0.1 = a tenth)"),
                                   validators=[Optional()])
    licence_kind = SelectField(_l("Licence kind"), choices=[("", "—")] + choices(LICENCE_KIND_LABELS),
                               validators=[Optional()])
    licence_level = SelectField(_l("Licence level"), choices=choices(LICENCE_LEVEL_LABELS), validators=[Optional()])

    def to_data(self) -> RequirementData:
        return RequirementData(kind=self.kind.data, label_zh=self.label_zh.data or "",
                               course_code=(self.course_code.data or "").strip(),
                               topic_codes=split_list(self.topic_codes.data), hours=self.hours.data,
                               subjects=split_list(self.subjects.data), pass_mark=self.pass_mark.data,
                               no_zero=bool(self.no_zero.data), max_absence_share=self.max_absence_share.data,
                               licence_kind=self.licence_kind.data or "", licence_level=self.licence_level.data or "")


class NominateForm(FlaskForm):
    staff_nos = TextAreaField(_l("Staff numbers (one per line or comma-separated)"), validators=[Optional()])


class ExamForm(FlaskForm):
    """The subjects' scores come as score-<n> fields, one per subject of the chosen exam."""

    staff_no = StringField(_l("Staff number"), validators=[Optional()])
    requirement_id = SelectField(_l("Exam"), coerce=int, validators=[Optional()])
    taken_on = DateField(_l("Exam date"), validators=[Optional()])

    def fill_choices(self, exams: list[TrackRequirement]) -> "ExamForm":
        self.requirement_id.choices = [(r.id, f"{r.level.track.name_zh}：{r.level.name_zh}") for r in exams]
        return self


class LicenceForm(FlaskForm):
    staff_no = StringField(_l("Staff number"), validators=[Optional()])
    kind = SelectField(_l("Licence kind"), choices=choices(LICENCE_KIND_LABELS), default="professional")
    level = SelectField(_l("Licence level"), choices=choices(LICENCE_LEVEL_LABELS), default="basic")
    groups = SelectMultipleField(_l("Advanced groups"), choices=[(g, g) for g in LICENCE_GROUPS],
                                 validators=[Optional()])
    structure = SelectField(_l("Aircraft structure"), choices=choices(LICENCE_STRUCTURE_LABELS), default="multirotor")
    number = StringField(_l("Licence number"), validators=[Optional()])
    issued_on = DateField(_l("Issue date"), validators=[Optional()])
    expires_on = DateField(_l("Expiry date (empty = two years after issue)"), validators=[Optional()])

    def to_data(self) -> LicenceData:
        return LicenceData(kind=self.kind.data, number=self.number.data or "", issued_on=self.issued_on.data,
                           level=self.level.data or "", groups=tuple(self.groups.data or ()),
                           structure=self.structure.data or "", expires_on=self.expires_on.data)


class RenewLicenceForm(FlaskForm):
    issued_on = DateField(_l("Renewal date"), validators=[Optional()])
    expires_on = DateField(_l("New expiry date (empty = two years after renewal)"), validators=[Optional()])
    number = StringField(_l("New licence number (if it changed)"), validators=[Optional()])
