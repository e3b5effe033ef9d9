"""Targets default to DOMAIN.md section 2, and a unit may override them for its subtree."""
from __future__ import annotations

import json

import pytest

from analysis.sipas import DEFAULT_TARGETS
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.reports import monthly_report
from surveyapp.services.reporting.targets import effective_targets, set_targets


def test_without_overrides_every_unit_uses_the_defaults(db) -> None:
    assert effective_targets(unit_by_code(db, "DEMO-X-BINHMINH")) == dict(DEFAULT_TARGETS)


def test_a_child_inherits_its_parents_targets_key_by_key(db) -> None:
    province, commune = unit_by_code(db, "DEMO"), unit_by_code(db, "DEMO-X-BINHMINH")
    set_targets(db, province, {"overall": 0.9, "criteria": 0.85})
    set_targets(db, commune, {"TC01": 0.7, "harassment": None})
    targets = effective_targets(commune)
    assert targets["overall"] == 0.9  # from the province
    assert targets["TC02"] == 0.85 and targets["TC01"] == 0.7  # the commune's own key wins
    assert targets["harassment"] is None and targets["service_index"] == DEFAULT_TARGETS["service_index"]
    assert effective_targets(unit_by_code(db, "DEMO-P-ANPHU"))["TC01"] == 0.85


def test_a_deeper_group_key_beats_an_ancestors_specific_key(db) -> None:
    set_targets(db, unit_by_code(db, "DEMO"), {"TC05": 0.6})
    set_targets(db, unit_by_code(db, "DEMO-TTHCC"), {"criteria": 0.8})
    assert effective_targets(unit_by_code(db, "DEMO-TTHCC"))["TC05"] == 0.8


def test_report_targets_and_status_follow_the_units_overrides(db) -> None:
    set_targets(db, unit_by_code(db, "DEMO"), {"overall": 0.8})
    set_targets(db, unit_by_code(db, "DEMO-P-ANPHU"), {"overall": 0.75})
    report = monthly_report(db, unit_by_code(db, "DEMO"), "2026-11").to_json()
    assert report["overall"]["target"] == 0.8 and report["targets"]["overall"] == 0.8
    children = {c["code"]: c for c in report["children"]}
    assert children["DEMO-P-ANPHU"]["overall"]["target"] == 0.75
    assert children["DEMO-X-DONGSON"]["overall"]["target"] == 0.8


def test_bad_target_keys_or_values_are_refused(db) -> None:
    unit = unit_by_code(db, "DEMO")
    with pytest.raises(ValueError):
        set_targets(db, unit, {"overal": 0.9})
    with pytest.raises(ValueError):
        set_targets(db, unit, {"overall": 95})
    assert unit.targets is None


def test_the_set_targets_command_sets_shows_and_clears(runner, db) -> None:
    result = runner.invoke(args=["set-targets", "--unit", "DEMO-X-DONGSON", "overall=0.9", "no_slip=none"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["overall"] == 0.9 and shown["no_slip"] is None
    assert runner.invoke(args=["set-targets", "--unit", "DEMO-X-DONGSON", "overal=0.9"]).exit_code == 1
    cleared = runner.invoke(args=["set-targets", "--unit", "DEMO-X-DONGSON", "--clear"])
    assert json.loads(cleared.output)["overall"] == DEFAULT_TARGETS["overall"]
