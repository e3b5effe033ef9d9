"""Starting the app, any `flask` command's start and the citizen's form load no heavy library
(issue 17): numpy and scipy wait for a report, openpyxl for a spreadsheet, qrcode for a QR
code, Alembic for `init-db`. Checked in a fresh interpreter, by what is in sys.modules (not by
timing: docs/BENCHMARKS.md measures the start-up time)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("numpy", "scipy", "openpyxl", "qrcode", "PIL", "alembic")

CHECK = """
import json, sys
from surveyapp import create_app
from tests.survey.helpers import full_answers

HEAVY = json.loads(sys.argv[2])
app = create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False, "REQUEST_LOG": False})
loaded = {"create_app": sorted(m for m in HEAVY if m in sys.modules)}
client = app.test_client()
assert client.get("/s/TT-Q01").status_code == 200
assert client.post("/s/TT-Q01", data=full_answers(procedure="1.001193")).status_code == 303
loaded["form"] = sorted(m for m in HEAVY if m in sys.modules)
runner = app.test_cli_runner()
for command in (["--help"], ["report", "--help"], ["rebuild-aggregates", "--help"]):
    assert runner.invoke(args=command).exit_code == 0
loaded["cli_help"] = sorted(m for m in HEAVY if m in sys.modules)
print(json.dumps(loaded))
"""


def test_the_app_the_cli_and_the_citizens_form_start_without_heavy_libraries(database_url):
    done = subprocess.run(
        [sys.executable, "-c", CHECK, database_url, json.dumps(HEAVY)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert loaded == {"create_app": [], "form": [], "cli_help": []}

