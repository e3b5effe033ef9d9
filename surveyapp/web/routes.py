from __future__ import annotations

from flask import render_template

from surveyapp.web import bp


@bp.get("/")
def home() -> str:
    return render_template("home.html")
