"""A report page printed to PDF by Debian's Chromium, driven through Playwright.

The page is the print view (`dashboard/print.html`), already rendered by Flask. Chromium loads it
from a made-up origin that never reaches the network: the page itself and the application's
static files (stylesheets, Chart.js, the dashboard script) are answered from memory and disk, and
every other request is refused, so a PDF is made the same way on a machine without any network.
The print stylesheet names DejaVu, whose fonts carry every Vietnamese glyph (installed by
scripts/install-system-deps.sh).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Route

#: Never resolved: Chromium's requests to it are answered by `_answer` below.
ORIGIN = "http://surveyapp.invalid"
STATIC_TYPES = {
    ".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf",
}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]


class PdfError(RuntimeError):
    """Chromium could not print the page (missing, crashed, or took too long)."""


def html_to_pdf(html: str, static_folder: Path, chromium_path: str, *, timeout_s: float = 60.0) -> bytes:
    """The A4 PDF of an HTML page whose assets are under /static/ (the app's static folder)."""
    # Playwright is imported here: only printing needs it, and it is heavy to import.
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    static_root = static_folder.resolve()

    def _answer(route: Route) -> None:
        url = route.request.url
        if url == f"{ORIGIN}/report":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)
            return
        prefix = f"{ORIGIN}/static/"
        if url.startswith(prefix):
            wanted = (static_root / url[len(prefix):].split("?", 1)[0]).resolve()
            if wanted.is_relative_to(static_root) and wanted.is_file():
                kind = STATIC_TYPES.get(wanted.suffix, "application/octet-stream")
                route.fulfill(status=200, content_type=kind, body=wanted.read_bytes())
                return
        route.abort()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.set_default_timeout(timeout_s * 1000)
                page.route("**/*", _answer)
                page.emulate_media(media="print")
                page.goto(f"{ORIGIN}/report", wait_until="networkidle")
                page.evaluate("document.fonts.ready.then(() => true)")
                return page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PdfError(str(error).splitlines()[0] if str(error) else "Chromium failed") from None
