"""The citizen's questionnaire, reached by a counter's QR code or a slip's one-time token."""
from flask import Blueprint

bp = Blueprint("survey", __name__)

from surveyapp.survey import routes  # noqa: E402,F401
