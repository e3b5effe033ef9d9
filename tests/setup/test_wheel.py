"""The built wheel alone is a working application, in Vietnamese and in English (issue 10).

The wheel is built offline from an sdist of this checkout (`python -m build --no-isolation`): the
sdist proves MANIFEST.in carries what a build needs, and the wheel built from it proves setup.py
compiles the translation catalogues (the sdist has no .mo files) and ships the survey
definitions, the kiosk client and the API description. The wheel is installed into a fresh
virtual environment that borrows this environment's dependencies but never the checkout, and
is driven from an empty directory, against an empty database of the run (SQLite or PostgreSQL).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Iterator
from pathlib import Path

import pytest

from surveyapp.settings import PROJECT_ROOT
from tests import databases

pytestmark = pytest.mark.wheel

# Printed as JSON by the installed app: where it was imported from and what some pages answer.
READ_PAGES = """
import json, sys
import surveyapp
app = surveyapp.create_app()
client = app.test_client()
pages = {}
for path in sys.argv[1:]:
    response = client.get(path)
    pages[path] = {"status": response.status_code, "text": response.get_data(as_text=True)}
print(json.dumps({"package": surveyapp.__file__, "config": {key: app.config[key] for key in
    ("DEFINITIONS_DIR", "KIOSK_DIR", "OPENAPI_PATH")}, "pages": pages}))
"""


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of a fresh virtual environment holding only the wheel (plus a path to
    this environment's site-packages for its dependencies: installing them would need the network)."""
    work = tmp_path_factory.mktemp("wheel")
    dist = work / "dist"
    build = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(PROJECT_ROOT)],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    (wheel,) = dist.glob("surveyapp-*.whl")

    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    install = subprocess.run(
        [*pip, "install", "--quiet", "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True
    )
    assert install.returncode == 0, install.stdout + install.stderr
    # Added after the wheel's own site-packages on sys.path; the editable install of the checkout
    # living there is a .pth file of its own, which Python reads only in site directories.
    own_site = Path(subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip())
    dependencies = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (own_site / "surveyapp-test-dependencies.pth").write_text("\n".join(sorted(dependencies)) + "\n")
    return python


@pytest.fixture
def empty_database_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if databases.on_postgres():
        server = request.getfixturevalue("pg_server")
        name, url = databases.empty_database(server)
        yield url
        databases.drop_database(server, name)
        return
    yield f"sqlite:///{tmp_path / 'installed.sqlite'}"


def run_installed(python: Path, args: list[str], cwd: Path, database_url: str, **env: str) -> str:
    """Run the installed interpreter with a clean environment: no setting from this test run leaks in."""
    inherited = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("SURVEYAPP_", "PYTHON", "FLASK_", "VIRTUAL_ENV"))
        and key not in {"DATABASE_URL", "DEFINITIONS_DIR", "KIOSK_DIR", "SECRET_KEY"}
    }
    result = subprocess.run(
        [str(python), *args], cwd=cwd, capture_output=True, text=True,
        env={**inherited, "DATABASE_URL": database_url, "SECRET_KEY": "wheel-test", "REQUEST_LOG": "0", **env},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_the_installed_wheel_sets_up_a_database_and_serves_pages_in_vietnamese_and_english(
    installed_python: Path, empty_database_url: str, tmp_path: Path
):
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    flask = ["-m", "flask", "--app", "surveyapp"]

    created = run_installed(installed_python, [*flask, "init-db"], elsewhere, empty_database_url)
    assert "Đã nạp phiếu sipas-full phiên bản 1." in created
    again = run_installed(installed_python, [*flask, "init-db"], elsewhere, empty_database_url, SURVEYAPP_LANG="en")
    assert "Definition sipas-full version 1 is already loaded." in again
    demo = run_installed(installed_python, [*flask, "load-demo", "--months", "1"], elsewhere, empty_database_url)
    assert "Đã nạp dữ liệu mẫu" in demo

    paths = ["/s/TT-Q01", "/s/TT-Q01?lang=en", "/kiosk/", "/kiosk/app.js", "/api/openapi.yaml", "/static/css/app.css"]
    out = json.loads(run_installed(installed_python, ["-c", READ_PAGES, *paths], elsewhere, empty_database_url))

    venv = installed_python.parent.parent
    assert Path(out["package"]).is_relative_to(venv), "surveyapp was imported from outside the wheel's environment"
    for setting, path in out["config"].items():
        assert Path(path).is_relative_to(venv), f"{setting} points outside the installed package: {path}"
    pages = out["pages"]
    assert {path: page["status"] for path, page in pages.items()} == dict.fromkeys(paths, 200)
    vietnamese, english = pages["/s/TT-Q01"]["text"], pages["/s/TT-Q01?lang=en"]["text"]
    assert "Gửi ý kiến" in vietnamese and "Câu hỏi có dấu * là bắt buộc." in vietnamese
    assert "Send my answers" in english and "Questions marked * are required." in english
    assert "Send my answers" not in vietnamese and "Gửi ý kiến" not in english
    assert pages["/api/openapi.yaml"]["text"].startswith("openapi:")
