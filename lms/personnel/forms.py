"""Forms of the personnel pages: external learning, requirement rules and rule sets, the HR export and
the HR system's tokens."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional

from lms.people.models import CYBER_ROLES, RANK_CLASSES
from lms.personnel import labels


def _choices(mapping):
    return [(str(k), v) for k, v in mapping.items()]


class ExternalLearningForm(FlaskForm):
    title = StringField(_l("Course title"))
    provider = StringField(_l("Provider"))
    started_on = DateField(_l("Started on"), validators=[Optional()])
    ended_on = DateField(_l("Ended on"), validators=[Optional()])
    hours = DecimalField(_l("Hours"), places=1, validators=[Optional()])
    learning_mode = SelectField(_l("Learning mode"), coerce=int)
    topics = SelectMultipleField(_l("Topics"))
    job_related = BooleanField(_l("Related to my work"), default=True)
    proof = FileField(_l("Proof (PDF, PNG or JPEG)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.learning_mode.choices = [(k, v) for k, v in labels.LEARNING_MODES.items()]
        self.topics.choices = _choices(labels.TOPICS)


class RuleForm(FlaskForm):
    code = StringField(_l("Code"))
    label_zh = StringField(_l("Name (Chinese)"))
    label_en = StringField(_l("Name (English)"))
    hours = DecimalField(_l("Hours required"), places=1, validators=[Optional()])
    period_years = IntegerField(_l("Period in years"), default=1, validators=[Optional()])
    position = IntegerField(_l("Order"), default=0, validators=[Optional()])
    topics = SelectMultipleField(_l("Counts hours of these topics (none = all)"))
    exclude_topics = SelectMultipleField(_l("Never counts hours of these topics"))
    job_related_only = BooleanField(_l("Only job-related hours"))
    rank_classes = SelectMultipleField(_l("Applies to rank classes (none = all)"))
    cyber_roles = SelectMultipleField(_l("Applies to cybersecurity roles (none = all)"))
    agency_code = StringField(_l("Applies to this agency and its units (code; empty = all)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = self.exclude_topics.choices = _choices(labels.TOPICS)
        self.rank_classes.choices = [(r, labels.RANK_CLASSES[r]) for r in RANK_CLASSES]
        self.cyber_roles.choices = [(r, labels.CYBER_ROLES[r]) for r in CYBER_ROLES]


class RuleSetForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[Optional()])
    name = StringField(_l("Name"))
    copy_from = SelectField(_l("Copy the rules of"), coerce=int)


class ExportForm(FlaskForm):
    class Meta:
        csrf = False  # a download link (GET): it changes nothing

    year = IntegerField(_l("Year"), validators=[Optional()])
    layout = SelectField(_l("Layout"), choices=[
        ("regist2", _l("Classes not opened on the portal (regist2)")),
        ("regist1", _l("Classes opened on the portal (regist1)"))])
    file_format = SelectField(_l("File"), choices=[
        ("csv-utf8", _l("CSV, UTF-8")), ("csv-big5", _l("CSV, Big5")), ("xlsx", _l("Excel (XLSX)"))])


class HrTokenForm(FlaskForm):
    name = StringField(_l("System that uses the token"))
