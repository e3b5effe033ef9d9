"""Every code field of the management forms says what a code looks like, tied to its field
(issue 18, item 5): the rules of surveyapp/services/organisation/codes.py, in both languages."""
from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize("path, example", [
    ("/manage/units/new", "DEMO-X-TANLAP"), ("/manage/counters/new", "DEMO-X-TANLAP"),
    ("/manage/procedures/new", "1.001612"), ("/manage/slips", "1.001612"),
])
def test_each_code_field_explains_its_format(as_admin: FlaskClient, path: str, example: str) -> None:
    html = as_admin.get(path).get_data(as_text=True)
    name = "procedure" if path == "/manage/slips" else "code"
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert field and 'aria-describedby="' + name + '-help"' in field.group(0)
    help_text = re.search(rf'<span class="small muted field-help" id="{name}-help">([^<]+)</span>', html)
    assert help_text and example in help_text.group(1)
    assert "chữ số" in help_text.group(1)
    english = as_admin.get(path + "?lang=en").get_data(as_text=True)
    assert "digits" in english


def test_a_refused_code_keeps_its_help_and_adds_its_error(as_admin: FlaskClient) -> None:
    html = as_admin.post("/manage/units/new", data={"code": "bad code!", "name": "X", "parent_code": ""}).get_data(as_text=True)
    field = re.search(r'<input[^>]*name="code"[^>]*>', html)
    assert field and 'aria-describedby="code-error"' in field.group(0) and 'aria-invalid="true"' in field.group(0)
    assert '<span class="small muted field-help" id="code-help">' in html
