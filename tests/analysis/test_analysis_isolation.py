"""The statistics package stays free of the web stack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_analysis_pulls_in_neither_flask_nor_sqlalchemy() -> None:
    code = (
        "import sys, analysis, analysis.report, analysis.tally, analysis.funnel;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'flask_sqlalchemy'));"
        "print(','.join(bad))"
    )
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_source_never_mentions_the_web_stack() -> None:
    # Catches lazy imports inside functions that the subprocess check would miss.
    for path in (ROOT / "analysis").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("import flask", "from flask", "import sqlalchemy", "from sqlalchemy"):
            assert name not in text.lower(), f"{path.name} mentions {name!r}"
