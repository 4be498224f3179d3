"""Enrolment forms: cancelling, the supervisor's decision, nomination, the run's policy, results."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DecimalField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from courses.enrollment.services import PolicyData
from lms.errors import ValidationFailed
from lms.storage import UploadRejectedError, check_upload

RANK_CLASS_LABELS = {"special": _l("Special appointment"), "senior": _l("Senior rank"),
                     "junior": _l("Junior rank"), "elementary": _l("Elementary rank"), "other": _l("Other staff")}


class ConfirmForm(FlaskForm):
    """A button that posts: enrol, approve, generate."""


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Length(max=400)])


class DecisionForm(FlaskForm):
    reason = StringField(_l("Reason (needed to decline)"), validators=[Length(max=400)])


class NominationForm(FlaskForm):
    employee_ids = SelectMultipleField(_l("Staff of your agency"), coerce=int, validate_choice=False)
    staff_numbers = TextAreaField(_l("Or paste staff numbers (one per line, or separated by commas)"))


class PolicyForm(FlaskForm):
    approval_required = BooleanField(_l("Supervisor approval required"))
    approval_days = IntegerField(_l("Days a supervisor has to answer"), validators=[Optional()])
    cancel_days_before = IntegerField(_l("Learners may cancel until this many days before the start"),
                                      validators=[Optional()])
    agency_quota = IntegerField(_l("Seats per agency (blank: no quota)"), validators=[Optional()])
    supervisors_only = BooleanField(_l("Supervisors only"))
    rank_classes = SelectMultipleField(_l("Open to rank classes (none chosen: all)"),
                                       choices=[(k, v) for k, v in RANK_CLASS_LABELS.items()])
    min_attendance_share = DecimalField(_l("Minimum attendance share (0 to 1)"), places=2, validators=[Optional()])
    online_required = BooleanField(_l("Online pre-work must be finished"))
    prework_days_before = IntegerField(_l("Pre-work due this many days before the first classroom session"),
                                       validators=[Optional()])
    pass_mark = DecimalField(_l("Exam pass mark (blank: no exam)"), places=1, validators=[Optional()])

    def load(self, policy) -> "PolicyForm":
        for name in PolicyData.__dataclass_fields__:
            value = getattr(policy, name)
            getattr(self, name).data = [c for c in value.split(",") if c] if name == "rank_classes" else value
        return self

    def to_data(self) -> PolicyData:
        def num(field, cast):
            return None if field.data is None else cast(field.data)
        return PolicyData(
            approval_required=self.approval_required.data, approval_days=num(self.approval_days, int),
            cancel_days_before=num(self.cancel_days_before, int), agency_quota=num(self.agency_quota, int),
            supervisors_only=self.supervisors_only.data, rank_classes=tuple(self.rank_classes.data or ()),
            min_attendance_share=num(self.min_attendance_share, float), online_required=self.online_required.data,
            pass_mark=num(self.pass_mark, float), prework_days_before=num(self.prework_days_before, int))


class UploadForm(FlaskForm):
    file = FileField(_l("CSV file"))

    def read_csv(self) -> bytes:
        """The uploaded CSV's bytes once it passes lms.storage.check_upload; ValidationFailed otherwise."""
        upload = self.file.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationFailed([("file", _("Choose a CSV file."))])
        try:
            check_upload(upload.stream, upload.filename, {"csv"}, current_app.config["UPLOAD_MAX_BYTES"])
        except UploadRejectedError as exc:
            raise ValidationFailed([("file", exc.reason)]) from None
        return upload.stream.read()
