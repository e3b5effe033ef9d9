"""The questionnaire's form object. Items come from the definition and are validated by
`surveyapp.definitions.validate_answers`; Flask-WTF contributes the CSRF token."""
from flask_wtf import FlaskForm


class SurveyForm(FlaskForm):
    """Carries only the CSRF token; each questionnaire item is a plain field named by its id."""

    class Meta:
        csrf_field_name = "csrf_token"
