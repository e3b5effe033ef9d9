"""A phone on a weak connection downloads the questionnaire compressed."""
from __future__ import annotations

import gzip

from tests.survey.helpers import full_answers


def test_the_survey_page_is_sent_gzipped_to_a_browser_that_accepts_it(client):
    plain = client.get("/s/TT-Q01")
    packed = client.get("/s/TT-Q01", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    html = gzip.decompress(packed.get_data()).decode("utf-8")
    assert 'name="TC01"' in html
    assert len(packed.get_data()) < len(plain.get_data()) / 3


def test_static_files_are_compressed_too(client):
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "br"})
    assert css.headers["Content-Encoding"] == "br"


def test_a_form_re_shown_after_a_post_is_not_compressed(client):
    reply = client.post("/s/TT-Q01", data=full_answers(overall=None), headers={"Accept-Encoding": "gzip"})
    assert reply.status_code == 400
    assert "Content-Encoding" not in reply.headers
