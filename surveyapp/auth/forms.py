"""Forms of the sign-in page and of the administrators' account pages.

Field names are a contract (tests and scripts post them): `username`, `password` at sign-in;
`username`, `full_name`, `password`, `role`, `unit`, `active` on the account pages; `action` in
the audit filter. The rules behind them (a taken username, a unit for managers and viewers, the
administrators' own access) live in surveyapp.services.accounts.accounts.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from surveyapp.audit_labels import ACTION_LABELS
from surveyapp.models import ROLES
from surveyapp.services.accounts import audit
from surveyapp.services.accounts.accounts import (
    BAD_USERNAME,
    EMAIL_LIMIT,
    FULL_NAME_LIMIT,
    MIN_PASSWORD_LENGTH,
    SHORT_PASSWORD,
    USERNAME_PATTERN,
)
from surveyapp.web.forms import QueryForm, at_most, strip

#: The longest username there is: anything longer typed at sign-in is simply a wrong name.
USERNAME_LIMIT = 64
CHOOSE_ROLE = _l("Choose one of the roles.")


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), filters=[strip, at_most(USERNAME_LIMIT)],
                           validators=[DataRequired(message=_l("Enter your username."))])
    # Never stripped: spaces may be part of a password.
    password = PasswordField(_l("Password"), validators=[InputRequired(message=_l("Enter your password."))])


def _role_field() -> SelectField:
    # No default: a form posted without a role is refused, never quietly made a viewer.
    return SelectField(_l("Role"), choices=list(ROLES), default=None, invalid_choice_message=CHOOSE_ROLE)


def _unit_field() -> StringField:
    # A unit code from the list; whether it exists and suits the role is the service's rule.
    return StringField(_l("Unit"), filters=[strip])


def _full_name_field() -> StringField:
    return StringField(_l("Full name"), filters=[strip, at_most(FULL_NAME_LIMIT)],
                       render_kw={"maxlength": FULL_NAME_LIMIT})


class NewAccountForm(FlaskForm):
    username = StringField(
        _l("Username"), filters=[strip],
        validators=[DataRequired(message=BAD_USERNAME), Regexp(USERNAME_PATTERN, message=BAD_USERNAME)],
        render_kw={"maxlength": USERNAME_LIMIT, "autocomplete": "off"},
    )
    full_name = _full_name_field()
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(message=SHORT_PASSWORD), Length(min=MIN_PASSWORD_LENGTH, message=SHORT_PASSWORD)],
        render_kw={"autocomplete": "new-password"},
    )
    role = _role_field()
    unit = _unit_field()


class AccountForm(FlaskForm):
    """An existing account: everything but the username; an empty password keeps the old one."""

    full_name = _full_name_field()
    # Its shape is the service's rule (accounts.checked_email), shown beside this field.
    email = StringField(_l("Email for alerts (optional)"), filters=[strip, at_most(EMAIL_LIMIT)],
                        render_kw={"maxlength": EMAIL_LIMIT, "autocomplete": "off", "type": "email"})
    role = _role_field()
    unit = _unit_field()
    active = BooleanField(_l("Active (may sign in)"))
    password = PasswordField(
        _l("New password (leave empty to keep)"),
        validators=[Optional(strip_whitespace=False), Length(min=MIN_PASSWORD_LENGTH, message=SHORT_PASSWORD)],
        render_kw={"autocomplete": "new-password"},
    )


AUDIT_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]  # as Vietnamese write a date, or ISO from a link
#: Actions the filter offers: those recorded today, and older ones the log may still hold.
AUDIT_FILTER_ACTIONS = (*audit.ACTIONS, *(a for a in ACTION_LABELS if a not in audit.ACTIONS))


class AuditFilterForm(QueryForm):
    """`action`, `account` (a user name as the log shows it, `cli` for the command line) and the
    days `since` and `until` (Vietnam time, both included). A malformed value filters nothing."""

    action = SelectField(choices=["", *AUDIT_FILTER_ACTIONS], default="")
    account = StringField(default="", filters=[strip, at_most(USERNAME_LIMIT)])
    since = DateField(format=AUDIT_DATE_FORMATS, validators=[Optional()], default=None)
    until = DateField(format=AUDIT_DATE_FORMATS, validators=[Optional()], default=None)

    def chosen_action(self) -> str | None:
        return self.value("action") or None

    def chosen(self) -> audit.AuditFilter:
        return audit.AuditFilter(
            action=self.value("action") or None, username=self.value("account") or None,
            since=self.value("since"), until=self.value("until"),
        )
