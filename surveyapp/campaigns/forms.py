"""Forms of the campaign pages. Field names are those of the command's options (a contract)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FloatField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from surveyapp.services.campaigns.campaigns import DEFAULT_TARGET, NAME_MAX
from surveyapp.web.forms import strip


class CampaignForm(FlaskForm):
    name = StringField(_l("Name of the campaign"), filters=[strip],
                       validators=[DataRequired(message=_l("Give the campaign a name.")), Length(max=NAME_MAX)])
    # A unit code from the list; an unknown one is refused by the service.
    unit = StringField(_l("Unit (strata: its direct sub-units)"), filters=[strip],
                       validators=[DataRequired(message=_l("Choose a unit."))])
    period = StringField(_l("Period whose returned dossiers form the frame (2026-11, 2026-Q3…)"), filters=[strip],
                         validators=[DataRequired(message=_l("Give a period.")), Length(max=32)])
    sample = IntegerField(_l("Sample size (dossiers)"),
                          validators=[InputRequired(message=_l("Give the sample size.")),
                                      NumberRange(min=1, message=_l("At least 1."))])
    allocation = SelectField(_l("Allocation across sub-units"), default="proportional",
                             choices=[("proportional", _l("Proportional to their dossiers")),
                                      ("equal", _l("Equal"))])
    target = FloatField(_l("Target (share satisfied)"), default=DEFAULT_TARGET,
                        validators=[InputRequired(message=_l("Give the target.")),
                                    NumberRange(min=0.01, max=1, message=_l("A share between 0 and 1, such as 0.85."))])
    definition = StringField(_l("Questionnaire (empty: the full form)"), filters=[strip],
                             validators=[Optional(), Length(max=64)])
    channels = SelectField(_l("Invitation channels"), default="email,sms",
                           choices=[("email,sms", _l("Email and SMS")), ("email", _l("Email")), ("sms", _l("SMS"))])


class DrawForm(FlaskForm):
    seed = IntegerField(_l("Random seed (recorded: the same seed draws the same sample)"),
                        validators=[InputRequired(message=_l("Give a seed.")),
                                    NumberRange(min=0, message=_l("A whole number of at least 0."))])
