"""The questionnaire's form object. Items come from the definition and are validated by
`surveyapp.definitions.validate_answers`; Flask-WTF contributes the CSRF token."""
from flask import current_app, request
from flask_wtf import FlaskForm
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError


class SurveyForm(FlaskForm):
    """Carries only the CSRF token; each questionnaire item is a plain field named by its id."""

    class Meta:
        csrf_field_name = "csrf_token"


def posted_csrf_token_is_valid() -> bool:
    """What `SurveyForm().validate()` checks, without building a form on every submission:
    Flask-WTF's own `validate_csrf` with the same settings (WTF_CSRF_ENABLED, the secret, the
    time limit, the token kept in the session)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get(SurveyForm.Meta.csrf_field_name))
    except ValidationError:
        return False
    return True
