"""Forms of the administrators' tablet page. The field name `counter` is a contract."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from surveyapp.web.forms import strip

CHOOSE_COUNTER = _l("Choose a counter.")


class PairingCodeForm(FlaskForm):
    # A counter code from the list; an unknown one gets the same message (checked by the route's look-up).
    counter = StringField(_l("Counter"), filters=[strip], validators=[DataRequired(message=CHOOSE_COUNTER)])
