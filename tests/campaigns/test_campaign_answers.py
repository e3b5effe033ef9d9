"""A drawn campaign's invitations go out through the dossier API's channels (a real SMTP
server), answers through the campaign links are the campaign's only (the regular survey does not
count them), and the campaign report's weighted estimate matches a hand computation."""
from __future__ import annotations

import json
import math
import re
from collections import defaultdict

from openpyxl import load_workbook
from sqlalchemy import func, select

from surveyapp.db import get_session
from surveyapp.models import CampaignResponse, CampaignSample, Response
from tests.campaigns.helpers import create, invoke, post_frame
from tests.survey.helpers import full_answers

CITIZEN_ONLY = {k: v for k, v in full_answers().items() if k not in ("submit_channel", "receive_channel", "ontime")}
LINK = re.compile(r"https?://[^\s/]+(/c/[A-Za-z0-9_-]{22})")


def _links_sent(smtp) -> list[str]:  # type: ignore[no-untyped-def]
    links = []
    for message in smtp.messages:
        found = LINK.search(message.get_content())
        if found:
            links.append(found.group(1))
    return links


def test_invitations_answers_and_the_weighted_report(app, client, runner, smtp, tmp_path):
    post_frame(app, client)
    campaign_id = create(runner, sample=10)
    assert invoke(runner, "draw", "--campaign", str(campaign_id), "--seed", "11").exit_code == 0
    sent = runner.invoke(args=["send-invitations", "--at", "2026-11-27T21:00"])
    assert sent.exit_code == 0, sent.output
    links = _links_sent(smtp)
    assert len(links) == 10, "one campaign invitation per sampled dossier (all have an email contact)"
    assert all("@example.vn" not in line for line in sent.output.splitlines())
    again = runner.invoke(args=["send-invitations", "--at", "2026-11-27T21:15"])
    assert again.exit_code == 0 and len(_links_sent(smtp)) == 10, "each campaign invitation goes once"

    # Seven answer: overall scores chosen so the strata differ.
    scores = ["5", "4", "2", "5", "3", "4", "1"]
    stratum_of_link = {}
    with app.app_context():
        session = get_session()
        from surveyapp.services.campaigns.campaigns import link_hash

        for link in links:
            sample = session.scalar(select(CampaignSample).where(CampaignSample.link_hash == link_hash(link[3:])))
            stratum_of_link[link] = sample.stratum.unit.code
    for link, score in zip(links, scores, strict=False):
        page = client.get(link)
        assert page.status_code == 200
        assert client.post(link, data={**CITIZEN_ONLY, "overall": score}).status_code == 303
    assert client.post(links[0], data={**CITIZEN_ONLY, "overall": "5"}).status_code == 409, "answered once"

    with app.app_context():
        session = get_session()
        assert session.scalar(select(func.count()).select_from(CampaignResponse)) == 7
        assert session.scalar(select(func.count()).select_from(Response)) == 0, "never a regular response"
    regular = runner.invoke(args=["report", "--unit", "DEMO", "--month", "2026-11", "--format", "json"])
    assert regular.exit_code == 0, regular.output
    assert json.loads(regular.output)["n_responses"] == 0, "the regular report does not count campaign answers"

    status = json.loads(invoke(runner, "status", "--campaign", str(campaign_id), "--format", "json").output)
    assert sum(row["invited"] for row in status["strata"]) == 10
    assert sum(row["answered"] for row in status["strata"]) == 7

    result = invoke(runner, "report", "--campaign", str(campaign_id), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["respondents"] == 7

    # The hand computation: strata N_h, respondents' 0/1 satisfaction, w_h = N_h / r_h.
    frames = {row["unit"]: row["frame"] for row in status["strata"]}
    answered: dict[str, list[int]] = defaultdict(list)
    for link, score in zip(links, scores, strict=False):
        answered[stratum_of_link[link]].append(1 if int(score) >= 4 else 0)
    weighted_yes = sum(frames[h] / len(ys) * sum(ys) for h, ys in answered.items())
    weighted_all = sum(frames[h] / len(ys) * len(ys) for h, ys in answered.items())
    estimate = weighted_yes / weighted_all
    variance = 0.0
    for h, ys in answered.items():
        r = len(ys)
        if r > 1:
            u = [(y - estimate) / weighted_all for y in ys]
            mean = sum(u) / r
            variance += frames[h] ** 2 * sum((v - mean) ** 2 for v in u) / (r - 1) / r
    overall = report["overall"]
    assert math.isclose(overall["value"], estimate, rel_tol=1e-9)
    assert math.isclose(overall["variance"], variance, rel_tol=1e-9, abs_tol=1e-15)
    half = 1.959963984540054 * math.sqrt(variance)
    assert math.isclose(overall["ci_low"], max(0.0, estimate - half), abs_tol=1e-9)
    assert math.isclose(overall["ci_high"], min(1.0, estimate + half), abs_tol=1e-9)
    assert overall["target"] == 0.85 and overall["status"] in ("below", "possibly_below", "meets", "above",
                                                                "possibly_above", "within")
    weights = {row["unit"]: row["weight"] for row in report["strata"]}
    for h, ys in answered.items():
        assert math.isclose(weights[h], frames[h] / len(ys))
    assert report["regular"]["overall"]["n"] == 0 and report["difference"]["overall"] is None

    csv_out = invoke(runner, "report", "--campaign", str(campaign_id), "--format", "csv").output
    assert csv_out.splitlines()[1].startswith("section,id,label,value")
    assert any(line.startswith("campaign,overall,") for line in csv_out.splitlines())
    path = tmp_path / "campaign.xlsx"
    assert invoke(runner, "report", "--campaign", str(campaign_id), "--format", "xlsx", "-o", str(path)).exit_code == 0
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "section" and rows[2][:2] == ("campaign", "overall")
    assert math.isclose(rows[2][3], estimate)
