"""Scheduling forms. Fields carry the service's field names, so service errors land next to them."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (DateField, DecimalField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TimeField)
from wtforms.validators import Length, Optional

from courses.forms import blank_to_none
from courses.labels import (RUN_ROUTE_LABELS, RUN_STATUS_LABELS, RUN_TYPE_LABELS, SESSION_MODE_LABELS,
                            choices)
from courses.scheduling.services import RunData, SessionData


def _opt(kind, label, **kw):
    return kind(label, validators=[Optional()], **kw)


class RunForm(FlaskForm):
    year = _opt(IntegerField, _l("Plan year"))
    term = _opt(IntegerField, _l("Run number (blank: next free)"))
    code = StringField(_l("Class code (blank: generated)"), validators=[Length(max=40)])
    starts_on = _opt(DateField, _l("First day"))
    ends_on = _opt(DateField, _l("Last day"))
    enrol_opens_on = _opt(DateField, _l("Enrolment opens"))
    enrol_closes_on = _opt(DateField, _l("Enrolment closes"))
    capacity = _opt(IntegerField, _l("Capacity"))
    min_size = _opt(IntegerField, _l("Minimum size"))
    status = SelectField(_l("Status"), choices=choices(RUN_STATUS_LABELS))
    route = SelectField(_l("Route"), choices=choices(RUN_ROUTE_LABELS))
    run_type = SelectField(_l("Run by"), choices=choices(RUN_TYPE_LABELS))
    days = _opt(IntegerField, _l("Training days (blank: weekdays between the dates)"))
    hours_per_day = _opt(DecimalField, _l("Hours per day"), places=1)
    partner = StringField(_l("Partner (e.g. a university)"), validators=[Length(max=200)])

    def load(self, data: RunData) -> "RunForm":
        for name in RunData.__dataclass_fields__:
            getattr(self, name).data = getattr(data, name)
        return self

    def to_data(self) -> RunData:
        hours = self.hours_per_day.data
        return RunData(year=self.year.data, term=self.term.data, code=(self.code.data or "").strip(),
                       starts_on=self.starts_on.data, ends_on=self.ends_on.data,
                       enrol_opens_on=self.enrol_opens_on.data, enrol_closes_on=self.enrol_closes_on.data,
                       capacity=self.capacity.data, min_size=self.min_size.data or 0, status=self.status.data,
                       route=self.route.data, run_type=self.run_type.data, days=self.days.data,
                       hours_per_day=float(hours) if hours is not None else 6.0, partner=self.partner.data or "")


class SessionForm(FlaskForm):
    day = _opt(DateField, _l("Date"))
    start = _opt(TimeField, _l("Starts"))
    end = _opt(TimeField, _l("Ends"))
    mode = SelectField(_l("Attended"), choices=choices(SESSION_MODE_LABELS))
    room_id = SelectField(_l("Room"), choices=[], coerce=lambda v: blank_to_none(v) and int(v),
                          validate_choice=False)
    meeting_url = StringField(_l("Meeting link (remote sessions)"), validators=[Length(max=500)])
    instructor_ids = SelectMultipleField(_l("Instructors"), choices=[], coerce=int, validate_choice=False)
    title = StringField(_l("Topic of the session"), validators=[Length(max=200)])

    def fill_choices(self, rooms, instructors, locale: str) -> "SessionForm":
        self.room_id.choices = [("", "—")] + [(r.id, f"{r.label(locale)} ({r.seats})") for r in rooms]
        self.instructor_ids.choices = [(i.id, i.name(locale) + (f" ({i.affiliation})" if i.affiliation else ""))
                                       for i in instructors]
        return self

    def load(self, data: SessionData) -> "SessionForm":
        for name in SessionData.__dataclass_fields__:
            getattr(self, name).data = getattr(data, name)
        self.instructor_ids.data = list(data.instructor_ids)
        return self

    def to_data(self) -> SessionData:
        return SessionData(day=self.day.data, start=self.start.data, end=self.end.data, mode=self.mode.data,
                           room_id=self.room_id.data or None, meeting_url=(self.meeting_url.data or "").strip(),
                           instructor_ids=tuple(self.instructor_ids.data or ()), title=self.title.data or "")


class CopyRunForm(FlaskForm):
    starts_on = _opt(DateField, _l("New first day"))
    term = _opt(IntegerField, _l("Run number (blank: next free)"))


class CancelRunForm(FlaskForm):
    reason = StringField(_l("Reason (told to the people concerned)"), validators=[Length(max=400)])


class VenueForm(FlaskForm):
    name_zh = StringField(_l("Name (Chinese)"), validators=[Length(max=120)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=200)])
    address = StringField(_l("Address"), validators=[Length(max=300)])


class RoomForm(FlaskForm):
    name = StringField(_l("Room"), validators=[Length(max=80)])
    seats = _opt(IntegerField, _l("Seats"))


class InstructorForm(FlaskForm):
    staff_no = StringField(_l("Staff number (staff instructors)"), validators=[Length(max=20)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Length(max=60)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=120)])
    affiliation = StringField(_l("Affiliation (external lecturers)"), validators=[Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Length(max=254)])


class PlanImportForm(FlaskForm):
    file = FileField(_l("Plan file (XLSX or CSV)"))
