"""Management pages: units (tree), counters, procedures, and CSV imports."""
from flask import Blueprint

bp = Blueprint("manage", __name__, url_prefix="/manage")

from surveyapp.manage import routes  # noqa: E402,F401
