"""The content-package upload form of an online course."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import Optional


class PackageForm(FlaskForm):
    package = FileField(_l("Content package (zip)"), validators=[FileRequired(_l("Choose the zip file."))])
    kind = SelectField(_l("Package type"), choices=[
        ("", _l("Detect (cmi5.xml, tincan.xml, else plain)")), ("cmi5", _l("cmi5")), ("tincan", _l("Tin Can (xAPI)")),
        ("html", _l("Plain HTML or video"))], default="")
    completion_rule = SelectField(_l("Completion rule (plain packages)"), choices=[
        ("", _l("Not a plain package")), ("last_page", _l("Reached the last page")),
        ("watched", _l("Watched a share of the video"))], default="")
    last_page = StringField(_l("Last page (path in the zip)"), validators=[Optional()])
    watched_percent = IntegerField(_l("Share to watch (%)"), validators=[Optional()])
