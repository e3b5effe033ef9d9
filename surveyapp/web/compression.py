"""Compressed responses (Flask-Compress), so a phone on a weak connection downloads about a
fifth of the bytes: the survey page is ~65 KB as sent, ~13 KB compressed (docs/BENCHMARKS.md).

nginx can compress in front (docs/DEPLOY.md), but a single office machine may run without it,
so the app does it itself. Only GET and HEAD replies are compressed: a form re-shown after a
POST echoes the respondent's input beside the CSRF token, and leaving those uncompressed keeps
BREACH-style length probing off the table.
"""
from __future__ import annotations

from flask import Flask, Response, request
from flask_compress import Compress

compress = Compress()


def init_app(app: Flask) -> None:
    # COMPRESS_REGISTER is off (surveyapp/settings.py): we decide per request below.
    compress.init_app(app)

    @app.after_request
    def compress_reads(response: Response) -> Response:
        if request.method in ("GET", "HEAD"):
            return compress.after_request(response)
        return response
