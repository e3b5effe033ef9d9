"""Site-wide pages: home, health, language switch."""
from flask import Blueprint

bp = Blueprint("web", __name__)

from surveyapp.web import routes  # noqa: E402,F401
