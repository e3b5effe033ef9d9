"""Forms of the administrators' API client page. Field names `name` and `unit` are a contract."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from surveyapp.services.integration.clients import NAME_MAX
from surveyapp.web.forms import strip


class ApiClientForm(FlaskForm):
    name = StringField(_l("Name of the integrating system"), filters=[strip],
                       validators=[DataRequired(message=_l("Give the client a name.")), Length(max=NAME_MAX)])
    # A unit code from the list; an unknown one is refused by the service.
    unit = StringField(_l("Unit (the client may post dossiers of its subtree)"), filters=[strip],
                       validators=[DataRequired(message=_l("Choose a unit."))])


class ClientActionForm(FlaskForm):
    """Rotate and revoke carry nothing but the CSRF token."""
