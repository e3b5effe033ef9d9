"""The monthly digest: a unit or counter beyond its 99.8 % funnel limit and a significant fall
(q < 0.05), read from the typed report, sent once after the month ends."""
from __future__ import annotations

import json
import random
from pathlib import Path

from analysis.model import Report
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.reports import monthly_report
from tests.imports.helpers import full_row, write_csv

# unit -> counter, {month: (responses, chance of a satisfied answer)}
PLAN = {
    "DEMO-P-ANPHU": ("AP-Q01", {"2026-09": (80, 0.9), "2026-10": (80, 0.95)}),
    "DEMO-X-BINHMINH": ("BM-Q01", {"2026-09": (80, 0.9), "2026-10": (80, 0.15)}),
    "DEMO-X-TANLAP": ("TL-Q01", {"2026-09": (80, 0.9), "2026-10": (80, 0.85)}),
}
AFTER_OCTOBER = "2026-11-01T08:00"  # Vietnam time


def import_plan(runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(14)
    rows = []
    for unit, (counter, months) in PLAN.items():
        for month, (count, good) in months.items():
            for i in range(count):
                row = full_row(rng, f"{unit}-{month}-{i}", unit, f"{month}-{1 + i % 27:02d}T09:00:00",
                               counter=counter, good=good)
                row["comment"] = "Tôi là Trần Thị Mai, 0987654321"
                rows.append(row)
    result = runner.invoke(args=["import-responses", str(write_csv(tmp_path / "responses.csv", rows))])
    assert result.exit_code == 0, result.output


def the_report(app) -> Report:  # type: ignore[no-untyped-def]
    with app.app_context():
        from surveyapp.db import get_session

        session = get_session()
        return monthly_report(session, unit_by_code(session, "DEMO"), "2026-10")


def test_the_digest_names_the_units_the_report_places_beyond_99_8_and_the_significant_falls(
    app, runner, tmp_path, smtp, receiver
):
    import_plan(runner, tmp_path)
    report = the_report(app)
    beyond = {c.code: c.funnel.position for c in report.children if c.funnel.position in ("above_998", "below_998")}
    falls = {c.code for c in report.children
             if c.change.overall.q_value is not None and c.change.overall.q_value < 0.05 and c.change.overall.diff < 0}
    assert "DEMO-X-BINHMINH" in beyond and falls == {"DEMO-X-BINHMINH"}  # the plan did what it meant to

    assert runner.invoke(args=["webhook", "add", "--unit", "DEMO", "--url", receiver.url, "--secret", receiver.secret,
                               "--events", "funnel,fall"]).exit_code == 0
    assert runner.invoke(args=["subscribe", "--unit", "DEMO-X-BINHMINH", "--email", "binhminh@anphu.gov.vn",
                               "--kind", "alerts"]).exit_code == 0
    first = runner.invoke(args=["send-alerts", "--at", AFTER_OCTOBER])
    assert first.exit_code == 0, first.output
    again = runner.invoke(args=["send-alerts", "--at", "2026-11-01T08:05"])
    assert again.exit_code == 0, again.output

    digests = [body for body in receiver.accepted.values() if body["category"] == "digest"]
    assert len(digests) == 1 and receiver.posts == 1  # the incidents are not this webhook's events
    alerts = digests[0]["alerts"]
    units_beyond = {a["unit"]["code"]: a["position"] for a in alerts if a["event"] == "funnel" and a["counter"] is None}
    assert units_beyond == beyond
    fallen = {a["unit"]["code"]: a for a in alerts if a["event"] == "fall"}
    # The province fell too: a root has no siblings, its own test's p is its q.
    assert set(fallen) <= {"DEMO-X-BINHMINH", "DEMO"} and "DEMO-X-BINHMINH" in fallen
    fall = fallen["DEMO-X-BINHMINH"]
    assert fall["period"] == "2026-10" and fall["compared_with"]["code"] == "DEMO"
    assert fall["previous_period"] == "2026-09" and fall["q_value"] < 0.05 and fall["diff"] < 0
    binh_minh = next(c for c in report.children if c.code == "DEMO-X-BINHMINH")
    assert fall["q_value"] == binh_minh.change.overall.q_value  # taken from the report, not recomputed
    assert "Trần Thị Mai" not in json.dumps(digests, ensure_ascii=False)
    assert "0987654321" not in receiver.raw_bodies[0].decode()
    digest_mail = [m for m in smtp.messages if "hằng tháng" in m["Subject"]]
    assert len(digest_mail) == 1 and digest_mail[0]["To"] == "binhminh@anphu.gov.vn"
    text = digest_mail[0].get_content()
    fall_line = next(line for line in text.splitlines() if line.startswith("- Mức độ hài lòng giảm"))
    assert "DEMO-X-BINHMINH" in fall_line and "so với Tháng 09/2026" in fall_line and "q < 0,001" in fall_line
    assert "Trần Thị Mai" not in text and "0987654321" not in text


def test_a_counter_beyond_its_units_funnel_is_in_the_digest(app, runner, tmp_path, smtp):
    rng = random.Random(3)
    rows = []
    for counter, good in (("TT-Q01", 0.95), ("TT-Q02", 0.95), ("TT-Q03", 0.1)):
        for i in range(60):
            rows.append(full_row(rng, f"{counter}-{i}", "DEMO-TTHCC", f"2026-10-{1 + i % 27:02d}T09:00:00",
                                 counter=counter, good=good))
    assert runner.invoke(args=["import-responses", str(write_csv(tmp_path / "r.csv", rows))]).exit_code == 0
    assert runner.invoke(args=["subscribe", "--unit", "DEMO-TTHCC", "--email", "tthcc@anphu.gov.vn",
                               "--kind", "alerts"]).exit_code == 0
    assert runner.invoke(args=["alert-rule", "--unit", "DEMO", "--events", "funnel"]).exit_code == 0
    result = runner.invoke(args=["send-alerts", "--at", AFTER_OCTOBER])
    assert result.exit_code == 0, result.output
    (message,) = smtp.messages
    text = message.get_content()
    q03 = next(line for line in text.splitlines() if "TT-Q03" in line)
    assert "dưới giới hạn 99,8%" in q03 and "15,0%" in q03  # 9 of 60 satisfied, in Vietnamese figures
