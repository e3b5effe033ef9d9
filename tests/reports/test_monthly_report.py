"""The monthly report's numbers, checked against a plain recomputation from the imported file."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from scipy.stats import binom

from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.reports import breakdown, comments, expectations, monthly_report, trend
from tests.imports.helpers import full_row, kiosk_row, write_csv
from tests.reports import reference as ref

# unit -> (responses in October, in September, chance of a satisfied answer)
PLAN = {
    "DEMO-P-ANPHU": (64, 50, 0.85, "AP-Q01"),
    "DEMO-X-BINHMINH": (45, 40, 0.35, "BM-Q01"),
    "DEMO-X-TANLAP": (12, 3, 0.4, "TL-Q01"),
}
FLAGS = ["trips_3plus", "no_slip", "harassment", "extra_payment", "late", "late_without_apology"]


def make_rows(seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for unit, (october, september, good, counter) in PLAN.items():
        for month, count in (("2026-10", october), ("2026-09", september)):
            for i in range(count):
                maker = kiosk_row if i % 5 == 4 else full_row
                day, hour = 1 + i % 28, 8 + i % 9
                rows.append(maker(rng, f"{unit}-{month}-{i}", unit, f"{month}-{day:02d}T{hour:02d}:15:00", counter=counter, good=good))
    rng.shuffle(rows)
    return rows


@pytest.fixture
def rows(runner, tmp_path: Path) -> list[dict]:
    data = make_rows()
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "responses.csv", data))])
    assert result.exit_code == 0, result.output
    return data


def report_of(db, code: str, month: str) -> dict:  # type: ignore[no-untyped-def]
    """The report's JSON (docs/REPORT.md), as the CLI prints it."""
    return monthly_report(db, unit_by_code(db, code), month).to_json()


def of(rows: list[dict], month: str, units: tuple[str, ...] | None = None) -> list[dict]:
    return [r for r in rows if r["submitted_at"].startswith(month) and (units is None or r["unit"] in units)]


def assert_rate(actual: dict, expected: dict) -> None:
    for key, value in expected.items():
        if isinstance(value, float):
            assert actual[key] == pytest.approx(value, abs=1e-12), key
        else:
            assert actual[key] == value, key


def test_the_reference_reproduces_the_published_check_values() -> None:
    assert ref.wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert ref.wilson(1, 29) == pytest.approx((0.0061, 0.1718), abs=5e-5)
    assert ref.newcombe(56, 70, 48, 80)[1:] == pytest.approx((0.0524, 0.3339), abs=5e-5)
    assert ref.newcombe(9, 10, 3, 10)[1:] == pytest.approx((0.1705, 0.8090), abs=5e-5)


def test_a_units_report_matches_an_independent_count(db, rows) -> None:
    report = report_of(db, "DEMO-P-ANPHU", "2026-10")
    mine = of(rows, "2026-10", ("DEMO-P-ANPHU",))
    assert report["unit"]["code"] == "DEMO-P-ANPHU" and report["month"] == "2026-10"
    assert report["n_responses"] == len(mine) == 64
    assert_rate(report["overall"], ref.overall(mine))
    for criterion in ref.CRITERIA:
        assert_rate(report["criteria"][criterion], ref.criterion(mine, criterion))
    for flag in FLAGS:
        assert_rate(report["flags"][flag], ref.flag(mine, flag))
    for element in ref.ELEMENTS:
        assert_rate(report["elements"][element], ref.pooled(mine, element))
    assert_rate(report["service_index"], ref.pooled(mine, None))


def test_pooled_indices_have_honest_intervals_wider_than_a_naive_one(db, rows) -> None:
    report = report_of(db, "DEMO", "2026-10")
    for measure in [report["service_index"], *report["elements"].values()]:
        assert measure["ci_low"] < measure["value"] < measure["ci_high"]
        naive_low, naive_high = ref.wilson(measure["count"], measure["items"])
        assert measure["ci_high"] - measure["ci_low"] >= naive_high - naive_low - 1e-12


def test_the_subtree_report_pools_every_unit_below(db, rows) -> None:
    report = report_of(db, "DEMO", "2026-10")
    everyone = of(rows, "2026-10")
    assert report["n_responses"] == len(everyone) == 64 + 45 + 12
    assert_rate(report["overall"], ref.overall(everyone))
    assert_rate(report["service_index"], ref.pooled(everyone, None))
    for criterion in ("TC01", "TC13", "TC22"):
        assert_rate(report["criteria"][criterion], ref.criterion(everyone, criterion))
    for flag in FLAGS:
        assert_rate(report["flags"][flag], ref.flag(everyone, flag))


def test_children_are_reported_with_their_funnel_position(db, rows) -> None:
    report = report_of(db, "DEMO", "2026-10")
    children = {c["code"]: c for c in report["children"]}
    assert set(children) == {"DEMO-TTHCC", "DEMO-P-ANPHU", "DEMO-X-BINHMINH", "DEMO-X-TANLAP", "DEMO-P-HOABINH", "DEMO-X-DONGSON"}
    for code in PLAN:
        mine = of(rows, "2026-10", (code,))
        assert children[code]["n_responses"] == len(mine)
        assert_rate(children[code]["overall"], ref.overall(mine))
        assert_rate(children[code]["criteria"]["TC10"], ref.criterion(mine, "TC10"))
    # Funnel around the province's pooled overall satisfaction, by exact binomial tails.
    province = ref.overall(of(rows, "2026-10"))
    centre = province["count"] / province["n"]
    for code in ("DEMO-P-ANPHU", "DEMO-X-BINHMINH"):
        k, n = children[code]["overall"]["count"], children[code]["overall"]["n"]
        low_tail, high_tail = binom.cdf(k, n, centre), binom.sf(k - 1, n, centre)
        expected = (
            "below_998" if low_tail < 0.001 else "below_95" if low_tail < 0.025
            else "above_998" if high_tail < 0.001 else "above_95" if high_tail < 0.025 else "inside"
        )
        assert children[code]["funnel"]["position"] == expected
    assert children["DEMO-X-BINHMINH"]["funnel"]["position"] == "below_998"
    assert set(children["DEMO-P-ANPHU"]["funnel"]["limits"]) == {"95", "99.8"}
    assert children["DEMO-X-TANLAP"]["funnel"]["position"] == "insufficient"
    assert children["DEMO-TTHCC"]["n_responses"] == 0


def test_fewer_than_30_responses_show_as_insufficient_not_as_a_number(db, rows) -> None:
    report = report_of(db, "DEMO-X-TANLAP", "2026-10")
    assert report["n_responses"] == 12
    for measure in [report["overall"], report["service_index"], *report["criteria"].values(), *report["flags"].values()]:
        assert measure["value"] is None and measure["ci_low"] is None and measure["ci_high"] is None
    assert report["overall"]["n"] == 12


def test_the_change_against_the_previous_month_uses_newcombes_interval(db, rows) -> None:
    report = report_of(db, "DEMO-P-ANPHU", "2026-10")
    now, before = ref.overall(of(rows, "2026-10", ("DEMO-P-ANPHU",))), ref.overall(of(rows, "2026-09", ("DEMO-P-ANPHU",)))
    diff, low, high = ref.newcombe(now["count"], now["n"], before["count"], before["n"])
    change = report["change"]["overall"]
    assert (change["diff"], change["ci_low"], change["ci_high"]) == pytest.approx((diff, low, high), abs=1e-12)
    assert change["significant"] == (low > 0 or high < 0)
    assert report["previous_month"] == "2026-09"
    # Xã Tân Lập had 3 responses in September: no comparison is possible.
    tanlap = next(c for c in report_of(db, "DEMO", "2026-10")["children"] if c["code"] == "DEMO-X-TANLAP")
    assert tanlap["change"]["overall"]["diff"] is None


def test_response_rates_use_the_imported_dossier_volumes(db, rows, runner, tmp_path: Path) -> None:
    assert report_of(db, "DEMO", "2026-10")["response_rate"] is None
    volumes = tmp_path / "volumes.csv"
    volumes.write_text("unit,month,dossiers\nDEMO-P-ANPHU,2026-10,256\n", encoding="utf-8")
    assert runner.invoke(args=["import-volumes", str(volumes)]).exit_code == 0
    anphu = report_of(db, "DEMO-P-ANPHU", "2026-10")["response_rate"]
    assert (anphu["value"], anphu["count"], anphu["n"], anphu["complete"]) == (64 / 256, 64, 256, True)
    assert (anphu["ci_low"], anphu["ci_high"]) == pytest.approx(ref.wilson(64, 256), abs=1e-12)
    # Only An Phú's volume is known: the province's rate covers An Phú alone, and says so.
    province = report_of(db, "DEMO", "2026-10")
    assert (province["response_rate"]["value"], province["response_rate"]["complete"]) == (64 / 256, False)
    assert next(c for c in province["children"] if c["code"] == "DEMO-P-ANPHU")["response_rate"]["value"] == 64 / 256
    volumes.write_text("unit,month,dossiers\nDEMO,2026-10,1210\n", encoding="utf-8")
    assert runner.invoke(args=["import-volumes", str(volumes)]).exit_code == 0
    province = report_of(db, "DEMO", "2026-10")["response_rate"]
    assert (province["value"], province["complete"]) == (121 / 1210, True)


def test_the_report_is_valid_json_and_holds_the_contract_keys(db, rows) -> None:
    report = json.loads(json.dumps(report_of(db, "DEMO", "2026-10"), allow_nan=False))
    for key in ("unit", "month", "n_responses", "service_index", "overall", "elements", "criteria", "flags", "children", "change"):
        assert key in report
    assert list(report["elements"]) == ref.ELEMENTS and list(report["criteria"]) == ref.CRITERIA
    assert list(report["flags"]) == FLAGS
    for measure in [report["overall"], report["service_index"], *report["flags"].values()]:
        assert {"value", "ci_low", "ci_high", "n", "count"} <= set(measure)


def test_breakdowns_trend_expectations_and_comments_for_the_dashboard(db, rows) -> None:
    province = unit_by_code(db, "DEMO")
    by_counter = [row.to_json() for row in breakdown(db, province, "2026-10", by="counter")]
    assert {(r["key"], r["n_responses"]) for r in by_counter} == {("AP-Q01", 64), ("BM-Q01", 45), ("TL-Q01", 12)}
    by_channel = {r.key: r.n_responses for r in breakdown(db, province, "2026-10", by="channel")}
    october = of(rows, "2026-10")
    assert by_channel == {c: sum(r["channel"] == c for r in october) for c in {r["channel"] for r in october}}
    points = trend(db, province, "2026-10", months=3)
    assert [(p.month, p.n_responses) for p in points] == [("2026-08", 0), ("2026-09", 93), ("2026-10", 121)]
    shares = expectations(db, province, "2026-10")
    full = [r for r in october if r["survey"] == "sipas-full"]
    assert shares["time"].n == len(full)
    assert shares["time"].count == sum("time" in r["expect"].split(";") for r in full)
    texts = comments(db, province, "2026-10")
    assert sorted(c["comment"] for c in texts) == sorted(r["comment"] for r in october if r.get("comment"))
