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


def test_questionnaire_constants_load_without_scipy() -> None:
    # The app imports analysis.sipas at start-up; scipy waits until a report is built.
    code = "import sys, analysis.sipas; print('scipy' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_public_names_resolve_to_functions_not_submodules() -> None:
    import types

    import analysis
    import analysis.changes  # noqa: F401  (importing submodules must not shadow anything)
    import analysis.flags  # noqa: F401
    import analysis.tally  # noqa: F401

    for name in analysis.__all__:
        assert not isinstance(getattr(analysis, name), types.ModuleType), name
    assert callable(analysis.tally) and callable(analysis.change) and callable(analysis.build_report)
