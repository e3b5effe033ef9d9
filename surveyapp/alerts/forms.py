"""Forms of the alerts page. Field names are a contract: `unit`, `email`, `kind`, `format`,
`period_kind` (a subscription); `unit`, `url`, `secret`, `events` (a webhook); `unit`, `events`,
`enabled` (a rule). Shapes are the services' rules (surveyapp/services/alerts/), shown beside the
field they are about."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired

from surveyapp.models.notifications import ALERT_EVENTS, PERIOD_KINDS, SUBSCRIPTION_KINDS
from surveyapp.services.alerts.subscriptions import EMAIL_MAX
from surveyapp.services.alerts.webhooks import URL_MAX
from surveyapp.web.forms import at_most, strip

CHOOSE_UNIT = _l("Choose a unit.")


def _unit_field() -> StringField:
    return StringField(_l("Unit (and its subtree)"), filters=[strip], validators=[DataRequired(message=CHOOSE_UNIT)])


class SubscriptionForm(FlaskForm):
    unit = _unit_field()
    email = StringField(_l("Email"), filters=[strip, at_most(EMAIL_MAX)],
                        validators=[DataRequired(message=_l("Enter an email address."))],
                        render_kw={"maxlength": EMAIL_MAX, "type": "email", "autocomplete": "off"})
    kind = SelectField(_l("Sends"), choices=list(SUBSCRIPTION_KINDS), default="alerts")
    format = StringField(_l("Report formats (pdf, xlsx or pdf,xlsx)"), filters=[strip], default="pdf")
    period_kind = SelectField(_l("Report period"), choices=list(PERIOD_KINDS), default="month")


class WebhookForm(FlaskForm):
    unit = _unit_field()
    url = StringField(_l("Address (https://…)"), filters=[strip, at_most(URL_MAX)],
                      validators=[DataRequired(message=_l("Enter the address that receives the alerts."))],
                      render_kw={"maxlength": URL_MAX, "inputmode": "url"})
    # Never stripped or shown again: the signing secret is kept encrypted.
    secret = PasswordField(_l("Signing secret (16 characters or more)"),
                           validators=[DataRequired(message=_l("Enter the signing secret."))],
                           render_kw={"autocomplete": "new-password"})
    events = SelectMultipleField(_l("Events"), choices=list(ALERT_EVENTS), default=list(ALERT_EVENTS))


class RuleForm(FlaskForm):
    unit = _unit_field()
    events = SelectMultipleField(_l("Events"), choices=list(ALERT_EVENTS), default=list(ALERT_EVENTS))
    enabled = BooleanField(_l("Alerts on"), default=True)


class RemoveForm(FlaskForm):
    """Remove buttons carry nothing but the CSRF token."""
