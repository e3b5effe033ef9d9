"""What keeps the first question quick on a weak phone (timed in bench/weak_phone.py, never here):
nothing but one small stylesheet blocks the first paint, scripts wait for the page, a fresh form
lays out only the parts on screen, and the kiosk asks for its strings at once."""
from __future__ import annotations

from html.parser import HTMLParser


class Resources(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.stylesheets: list[str] = []
        self.preloads: list[dict[str, str | None]] = []
        self.form_class: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script":
            self.scripts.append(found)
        elif tag == "link" and found.get("rel") == "stylesheet":
            self.stylesheets.append(found.get("href") or "")
        elif tag == "link" and found.get("rel") == "preload":
            self.preloads.append(found)
        elif tag == "form" and found.get("id") == "survey":
            self.form_class = found.get("class")


def resources(html: str) -> Resources:
    parser = Resources()
    parser.feed(html)
    return parser


def test_the_form_page_has_no_render_blocking_script_and_one_stylesheet(client):
    page = resources(client.get("/s/TT-Q01").get_data(as_text=True))
    assert page.scripts and all(s.get("src") and ("defer" in s or "async" in s) for s in page.scripts)
    assert page.stylesheets == ["/static/css/app.css"]


def test_a_fresh_form_lays_out_lazily_and_a_form_shown_again_renders_whole(client):
    assert resources(client.get("/s/TT-Q01").get_data(as_text=True)).form_class == "steps-lazy"
    again = client.post("/s/TT-Q01", data={"TC01": "4"})
    assert again.status_code == 400 and resources(again.get_data(as_text=True)).form_class is None
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert ".steps-lazy .step { content-visibility: auto;" in css


def test_the_kiosk_start_page_defers_its_script_and_preloads_its_strings(client):
    page = resources(client.get("/kiosk/").get_data(as_text=True))
    assert all("defer" in s or "async" in s for s in page.scripts)
    assert {"href": "i18n.json", "as": "fetch", "rel": "preload", "crossorigin": None} in page.preloads
