"""Campaigns from the command line: create, draw (stratified, reproducible from the seed),
status and sample; bad input refused with a clear message in both languages, nothing stored."""
from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func, select

from surveyapp.db import get_session
from surveyapp.models import Campaign, CampaignSample, CampaignStratum
from tests.campaigns.helpers import create, invoke, post_frame


def test_create_prints_the_id_and_draw_allocates_proportionally_with_largest_remainders(app, client, runner):
    assert post_frame(app, client) == 20
    campaign_id = create(runner, sample=10)
    drawn = invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "20261127")
    assert drawn.exit_code == 0, drawn.output
    status = invoke(runner, "status", "--campaign", str(campaign_id), "--format", "json")
    assert status.exit_code == 0, status.output
    strata = {row["unit"]: row for row in json.loads(status.output)["strata"]}
    # Frames: TTHCC 12, AN PHU 5, BINH MINH 2, TAN LAP 1, HOA BINH 0, DONG SON 0 (N = 20, n = 10):
    # quotas 6, 2.5, 1, 0.5, 0, 0 -> 6, 2, 1, 0 and the two halves go to the larger frame first.
    assert {code: (row["frame"], row["sample"]) for code, row in strata.items()} == {
        "DEMO-TTHCC": (12, 6), "DEMO-P-ANPHU": (5, 3), "DEMO-X-BINHMINH": (2, 1), "DEMO-X-TANLAP": (1, 0),
        "DEMO-P-HOABINH": (0, 0), "DEMO-X-DONGSON": (0, 0),
    }
    assert "DEMO-P-HOABINH: 0/0" in drawn.output, "an empty stratum is reported"
    assert all(row["answered"] == 0 and row["invited"] == 0 for row in strata.values())
    text = invoke(runner, "status", "--campaign", str(campaign_id), "--format", "text")
    assert "DEMO-TTHCC" in text.output and "12" in text.output


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(app, client, runner):
    post_frame(app, client)
    first, second, third = create(runner), create(runner), create(runner)
    for campaign_id, seed in ((first, "7"), (second, "7"), (third, "8")):
        assert invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", seed).exit_code == 0
    samples = [invoke(runner, "sample", "--campaign", str(c), "--format", "csv").output for c in (first, second, third)]
    rows = list(csv.DictReader(io.StringIO(samples[0])))
    assert len(rows) == 10 and set(rows[0]) == {"dossier", "stratum"}
    assert all(len(row["dossier"]) == 64 for row in rows), "keyed hashes, never the dossier codes"
    assert samples[0] == samples[1]
    assert samples[0] != samples[2]
    with app.app_context():
        assert get_session().get(Campaign, first).seed == 7


def test_equal_allocation_needs_every_stratum_big_enough(app, client, runner, monkeypatch):
    post_frame(app, client, {"TT-Q01": 6, "AP-Q01": 6, "BM-Q01": 6, "TL-Q01": 6, "HB-Q01": 6, "DS-Q01": 6})
    campaign_id = create(runner, "--allocation", "equal", sample=13)
    assert invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "1").exit_code == 0
    strata = json.loads(invoke(runner, "status", "--campaign", str(campaign_id), "--format", "json").output)["strata"]
    assert sorted(row["sample"] for row in strata) == [2, 2, 2, 2, 2, 3]


def test_equal_allocation_with_an_empty_stratum_is_refused_and_nothing_is_stored(app, client, runner, monkeypatch):
    post_frame(app, client)
    campaign_id = create(runner, "--allocation", "equal", sample=6)
    monkeypatch.setenv("SURVEYAPP_LANG", "en")
    result = invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "1")
    assert result.exit_code == 1
    assert "Equal allocation needs 1 dossiers in stratum DEMO-P-HOABINH, which has only 0" in result.output
    monkeypatch.setenv("SURVEYAPP_LANG", "vi")
    result = invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "1")
    assert result.exit_code == 1 and "DEMO-P-HOABINH" in result.output and "Không" in result.output
    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(CampaignStratum)) == 0
        assert session.scalar(select(func.count()).select_from(CampaignSample)) == 0
        assert session.get(Campaign, campaign_id).seed is None


def test_a_sample_larger_than_its_frame_is_refused_in_both_languages(app, client, runner, monkeypatch):
    post_frame(app, client)
    campaign_id = create(runner, sample=21)
    monkeypatch.setenv("SURVEYAPP_LANG", "en")
    result = invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "1")
    assert result.exit_code == 1
    assert "The sample (21) is larger than its frame: only 20 dossiers" in result.output
    monkeypatch.setenv("SURVEYAPP_LANG", "vi")
    result = invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "1")
    assert result.exit_code == 1 and "(21)" in result.output and "20" in result.output and "mẫu" in result.output
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(CampaignSample)) == 0


def test_create_refuses_bad_fields_and_stores_nothing(app, runner, monkeypatch):
    monkeypatch.setenv("SURVEYAPP_LANG", "en")
    cases = [
        (["--unit", "NOPE", "--period", "2026-10", "--sample", "5"], "unknown unit NOPE"),
        (["--unit", "DEMO", "--period", "2026-13", "--sample", "5"], "2026-13"),
        (["--unit", "DEMO", "--period", "2026-10", "--sample", "0"], "at least 1"),
        (["--unit", "DEMO", "--period", "2026-10", "--sample", "5", "--allocation", "random"], "proportional or equal"),
        (["--unit", "DEMO", "--period", "2026-10", "--sample", "5", "--target", "85"], "between 0 and 1"),
        (["--unit", "DEMO", "--period", "2026-10", "--sample", "5", "--channels", "fax"], "email, sms"),
        (["--unit", "DEMO", "--period", "2026-10", "--sample", "5", "--definition", "nope"], "unknown questionnaire"),
    ]
    for args, reason in cases:
        result = invoke(runner, "create", "--name", "X", *args)
        assert result.exit_code == 1, (args, result.output)
        assert reason in result.output, (args, result.output)
    with app.app_context():
        assert get_session().scalar(select(func.count()).select_from(Campaign)) == 0


def test_a_campaign_is_drawn_once_and_an_unknown_one_is_an_error(app, client, runner):
    post_frame(app, client)
    campaign_id = create(runner)
    assert invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "3").exit_code == 0
    again = invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "3")
    assert again.exit_code == 1
    unknown = invoke(runner, "status", "--campaign", "999", "--format", "json")
    assert unknown.exit_code == 1
