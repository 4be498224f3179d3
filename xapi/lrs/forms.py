"""The administrator's form for issuing LRS client credentials."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length


class ClientForm(FlaskForm):
    name = StringField(_l("Client name"), validators=[DataRequired(), Length(max=120)])
    read_only = BooleanField(_l("Read only (may not store statements or documents)"))
