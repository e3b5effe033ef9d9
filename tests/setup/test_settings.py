"""Settings (surveyapp/settings.py): one declaration per setting, parsed and checked at start-up,
a malformed value refused in Vietnamese or English, and the documentation generated from it."""
from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from surveyapp import create_app, settings
from surveyapp.settings import PROJECT_ROOT, SETTINGS, Rate, SettingsError

README = PROJECT_ROOT / "README.md"
DOCS_WITH_SETTINGS = [README, PROJECT_ROOT / "docs" / "DEPLOY.md", PROJECT_ROOT / "docs" / "KIOSK.md"]
ENVIRONMENT = [setting.name for setting in SETTINGS if setting.env]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets: the developer's own environment must not leak in."""
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


def refusal(monkeypatch: pytest.MonkeyPatch, lang: str, **environment: str) -> str:
    monkeypatch.setenv("SURVEYAPP_LANG", lang)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        create_app({"TESTING": True})
    return refused.value.message


MALFORMED = [
    # variable, value, what the English message expects, what the Vietnamese one expects
    ("RATE_LIMIT_SUBMISSIONS", "abc", "expected HITS/SECONDS", "cần SỐ_LẦN/SỐ_GIÂY"),
    ("RATE_LIMIT_SUBMISSIONS", "0/600", "expected HITS/SECONDS", "cần SỐ_LẦN/SỐ_GIÂY"),
    ("TRUSTED_PROXY_COUNT", "x", "expected a whole number of at least 0", "cần một số nguyên từ 0 trở lên"),
    ("KIOSK_MAX_BATCH", "-3", "expected a whole number of at least 1", "cần một số nguyên từ 1 trở lên"),
    ("COMMENT_MAX_LENGTH", "1e3", "expected a whole number of at least 1", "cần một số nguyên từ 1 trở lên"),
    ("REQUEST_LOG", "maybe", "expected 1 or 0", "cần 1 hoặc 0"),
    ("PUBLIC_BASE_URL", "khaosat.example.gov.vn", "expected an http:// or https:// address", "cần một địa chỉ http:// hoặc https://"),
    ("DEFINITIONS_DIR", "  ", "expected a path that is not empty", "cần một đường dẫn không rỗng"),
    ("SURVEYAPP_LANG", "fr", "expected one of: vi, en", "cần một trong các giá trị: vi, en"),
]


@pytest.mark.parametrize(("variable", "value", "english", "vietnamese"), MALFORMED)
def test_a_malformed_value_stops_start_up_naming_the_variable_in_vietnamese(monkeypatch, variable, value, english, vietnamese):
    lang = "vi" if variable != "SURVEYAPP_LANG" else value  # a malformed language falls back to Vietnamese
    message = refusal(monkeypatch, lang, **{variable: value})
    assert message.startswith("Ứng dụng không thể khởi động: hãy sửa các thiết lập sau.")
    assert f"{variable}={value!r} không hợp lệ: {vietnamese}" in message


# SURVEYAPP_LANG itself chooses the language: malformed, it cannot ask for English.
@pytest.mark.parametrize(("variable", "value", "english", "vietnamese"), [m for m in MALFORMED if m[0] != "SURVEYAPP_LANG"])
def test_a_malformed_value_stops_start_up_naming_the_variable_in_english(monkeypatch, variable, value, english, vietnamese):
    message = refusal(monkeypatch, "en", **{variable: value})
    assert message.startswith("The application cannot start: fix these settings.")
    assert f"{variable}={value!r} is not valid: {english}" in message


def test_every_malformed_value_is_listed_at_once(monkeypatch):
    message = refusal(monkeypatch, "en", RATE_LIMIT_SUBMISSIONS="abc", TRUSTED_PROXY_COUNT="x", KIOSK_MAX_BATCH="-3")
    assert [line.split("=")[0].strip() for line in message.splitlines()[1:]] == [
        "RATE_LIMIT_SUBMISSIONS", "TRUSTED_PROXY_COUNT", "KIOSK_MAX_BATCH",
    ]


def test_a_secret_is_named_but_never_quoted_back(monkeypatch):
    message = refusal(monkeypatch, "en", DATABASE_URL="hunter2 is not a url")
    assert "DATABASE_URL is not valid: expected a database URL" in message
    assert "hunter2" not in message


def test_the_flask_command_prints_the_refusal_and_exits_1(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key not in ENVIRONMENT}
    environment.update(RATE_LIMIT_SUBMISSIONS="abc", SURVEYAPP_LANG="en")
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "surveyapp", "init-db"],
        cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 1
    assert "RATE_LIMIT_SUBMISSIONS='abc' is not valid: expected HITS/SECONDS" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_valid_environment_is_parsed_into_the_declared_types(monkeypatch, tmp_path):
    environment = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
        "PUBLIC_BASE_URL": "https://khaosat.example.gov.vn/",
        "COMMENT_MAX_LENGTH": " 500 ",
        "RATE_LIMIT_SUBMISSIONS": "5/60",
        "TRUSTED_PROXY_COUNT": "1",
        "REQUEST_LOG": "false",
        "PG_BIN": "/usr/lib/postgresql/16/bin",
        "KIOSK_MAX_BATCH": "20",
        "KIOSK_CLOCK_SKEW_SECONDS": "0",
        "SURVEYAPP_LANG": "en",
    }
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    config = create_app({"TESTING": True}).config
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'x.sqlite'}"
    assert config["PUBLIC_BASE_URL"] == "https://khaosat.example.gov.vn"
    assert config["COMMENT_MAX_LENGTH"] == 500
    assert config["RATE_LIMIT_SUBMISSIONS"] == Rate(hits=5, seconds=60)
    assert config["TRUSTED_PROXY_COUNT"] == 1
    assert config["REQUEST_LOG"] is False
    assert config["PG_BIN"] == "/usr/lib/postgresql/16/bin"
    assert (config["KIOSK_MAX_BATCH"], config["KIOSK_CLOCK_SKEW_SECONDS"]) == (20, 0)
    assert config["SURVEYAPP_LANG"] == "en"


@pytest.mark.parametrize(
    ("text", "value"),
    [("1", True), ("0", False), ("TRUE", True), ("off", False), ("yes", True), ("No", False)],
)
def test_a_boolean_is_written_1_or_0_or_in_words(text, value):
    assert settings.BOOLEAN.coerce(text) is value


def test_a_bare_number_of_hits_is_still_a_rate_per_minute():
    assert settings.RATE.coerce("100") == Rate(hits=100, seconds=60)


def test_without_an_environment_every_setting_has_its_declared_default(tmp_path):
    config = settings.load(tmp_path)
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'surveyapp.sqlite'}"
    assert config["RATE_LIMIT_SUBMISSIONS"] == Rate(hits=60, seconds=600)
    assert config["PERMANENT_SESSION_LIFETIME"] == timedelta(hours=8)
    assert (config["SESSION_IDLE_MINUTES"], config["PG_BIN"], config["REQUEST_LOG"]) == (30, None, True)
    assert config["KIOSK_DIR"] == str(PROJECT_ROOT / "kiosk")


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda setting: setting.name)
def test_every_declared_default_is_a_valid_value_of_its_kind(setting, tmp_path):
    default = setting.default_for(tmp_path)
    assert setting.kind.coerce(default) == default


def test_overrides_are_parsed_like_the_environment_and_other_keys_pass_through(tmp_path):
    config = settings.load(tmp_path, {"RATE_LIMIT_SUBMISSIONS": "3/600", "KIOSK_RATE_BURST": 3, "TESTING": True})
    assert config["RATE_LIMIT_SUBMISSIONS"] == Rate(hits=3, seconds=600)
    assert config["KIOSK_RATE_BURST"] == 3 and config["TESTING"] is True


def test_a_malformed_override_is_refused_too(tmp_path):
    with pytest.raises(SettingsError) as refused:
        settings.load(tmp_path, {"KIOSK_MAX_BATCH": -3, "REQUEST_LOG": "sometimes", "COMMENT_MAX_LENGTH": True})
    assert [problem.setting.name for problem in refused.value.problems] == ["KIOSK_MAX_BATCH", "REQUEST_LOG", "COMMENT_MAX_LENGTH"]


def test_the_command_line_language_follows_the_environment_as_it_is_now(monkeypatch):
    monkeypatch.setenv("SURVEYAPP_LANG", "en")
    assert settings.cli_language() == "en"
    monkeypatch.setenv("SURVEYAPP_LANG", "fr")
    assert settings.cli_language() == "vi"


# The documentation cannot drift from the declarations.

def test_the_readme_configuration_table_is_generated_from_the_settings():
    readme = README.read_text(encoding="utf-8")
    table = readme.partition("<!-- settings:begin -->\n")[2].partition("<!-- settings:end -->\n")[0]
    assert table == settings.markdown_table(), "run: .venv/bin/python scripts/settings-table.py --write"


def gunicorn_variables() -> set[str]:
    """The GUNICORN_* names gunicorn.conf.py reads (it reads them itself, see its docstring)."""
    tree = ast.parse((PROJECT_ROOT / "gunicorn.conf.py").read_text(encoding="utf-8"))
    return {
        node.value for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"GUNICORN_[A-Z_]+", node.value)
    }


def table_rows(path: Path) -> list[tuple[list[str], dict[str, str]]]:
    """Rows of the markdown tables of `path` whose first cell names variables: (names, cells by header)."""
    rows: list[tuple[list[str], dict[str, str]]] = []
    header: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not header:
            header = cells
            continue
        names = re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0])
        if names and not set(cells) <= {"---"}:
            rows.append((names, dict(zip(header, cells, strict=True))))
    return rows


@pytest.mark.parametrize("path", DOCS_WITH_SETTINGS, ids=lambda path: path.name)
def test_every_variable_the_guides_list_exists(path):
    known = set(settings.BY_NAME) | gunicorn_variables()
    unknown = [name for names, _ in table_rows(path) for name in names if name not in known]
    assert not unknown


@pytest.mark.parametrize("path", DOCS_WITH_SETTINGS, ids=lambda path: path.name)
def test_the_defaults_the_guides_list_are_the_declared_ones(path):
    for names, row in table_rows(path):
        if "default" not in row or not all(name in settings.BY_NAME for name in names):
            continue
        cells = row["default"].split(", ") if len(names) > 1 else [row["default"]]  # `A`, `B` | 30, 5
        shown = [value.strip().strip("`") for value in cells]
        declared = [settings.BY_NAME[name].documented_default.strip("`") for name in names]
        assert shown == declared, f"{path.name}: {', '.join(names)}"


def test_every_gunicorn_variable_is_documented_in_the_deploy_guide():
    documented = {name for names, _ in table_rows(PROJECT_ROOT / "docs" / "DEPLOY.md") for name in names}
    assert gunicorn_variables() <= documented


def test_a_gunicorn_worker_freezes_the_application_it_has_loaded():
    """What a worker loads lives as long as it does: frozen, the garbage collector's full
    collections no longer walk it (a report page paid ~110 ms for one now and then)."""
    import gc
    import runpy

    hooks = runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))
    loaded = [{"object": n} for n in range(1000)]  # what the worker's application holds
    gc.unfreeze()
    try:
        hooks["post_worker_init"](None)
        assert gc.get_freeze_count() >= len(loaded)
        assert not any(gc.is_tracked(item) and item in gc.get_objects(generation=2) for item in loaded[:3])
    finally:
        gc.unfreeze()
