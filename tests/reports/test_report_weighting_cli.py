"""`report --format json` carries `weighting` (issue 12, item 5): the headline rates post-stratified
by child unit when every child's dossier volume is known, and says why not otherwise."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.imports.helpers import full_row, write_csv

CHILDREN = ("DEMO-P-ANPHU", "DEMO-P-HOABINH", "DEMO-TTHCC", "DEMO-X-BINHMINH", "DEMO-X-DONGSON", "DEMO-X-TANLAP")


@pytest.fixture
def responses(runner, tmp_path: Path) -> None:
    rng = random.Random(5)
    rows = [full_row(rng, f"a{i}", "DEMO-P-ANPHU", f"2026-11-{1 + i % 20:02d}T10:00:00") for i in range(40)]
    rows += [full_row(rng, f"b{i}", "DEMO-X-DONGSON", "2026-11-05T10:00:00", good=False) for i in range(35)]
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "r.csv", rows))])
    assert result.exit_code == 0, result.output


def _volumes(runner, tmp_path: Path, volumes: dict[str, int]) -> None:
    path = tmp_path / "volumes.csv"
    path.write_text("unit,month,dossiers\n" + "".join(f"{u},2026-11,{n}\n" for u, n in volumes.items()), encoding="utf-8")
    result = runner.invoke(args=["import-volumes", str(path)])
    assert result.exit_code == 0, result.output


def _report(runner) -> dict:
    result = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_without_every_childs_volume_the_report_is_unweighted(runner, responses, tmp_path) -> None:
    _volumes(runner, tmp_path, {"DEMO-P-ANPHU": 400})
    weighting = _report(runner)["weighting"]
    assert weighting == {"applied": False, "reason": "volumes_missing", "overall": None, "service_index": None,
                         "elements": None, "strata": 6}


def test_with_every_childs_volume_the_headline_rates_are_post_stratified(runner, responses, tmp_path) -> None:
    _volumes(runner, tmp_path, {code: 0 for code in CHILDREN} | {"DEMO-P-ANPHU": 900, "DEMO-X-DONGSON": 100})
    report = _report(runner)
    weighting = report["weighting"]
    assert weighting["applied"] and weighting["reason"] == "dossier_volumes" and weighting["strata"] == 6
    anphu = next(c for c in report["children"] if c["code"] == "DEMO-P-ANPHU")["overall"]
    dongson = next(c for c in report["children"] if c["code"] == "DEMO-X-DONGSON")["overall"]
    expected = 0.9 * anphu["value"] + 0.1 * dongson["value"]
    assert weighting["overall"]["value"] == pytest.approx(expected)
    assert weighting["overall"]["n"] == report["overall"]["n"]  # the unweighted rate stays where it was
    assert weighting["overall"]["ci_low"] <= weighting["overall"]["value"] <= weighting["overall"]["ci_high"]
    assert set(weighting["elements"]) == {"E1", "E2", "E3", "E4", "E5"}
    assert weighting["service_index"]["n_eff"] > 0
