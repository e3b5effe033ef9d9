"""`flask --app surveyapp campaign create|draw|status|sample|report` (docs/CLI.md, docs/CAMPAIGNS.md)."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from surveyapp.db import get_session, transactional_command
from surveyapp.models import Campaign
from surveyapp.services.accounts import audit
from surveyapp.services.campaigns.campaigns import (
    CampaignError,
    CampaignSpec,
    InvitationKeys,
    campaign_by_id,
    create_campaign,
    draw_campaign,
    progress,
    sampled_dossiers,
)
from surveyapp.services.campaigns.invitations import (
    campaign_message_text,
    due_campaign_messages,
    record_campaign_attempt,
)
from surveyapp.services.exports.cells import safe_row
from surveyapp.services.integration.delivery import send_invitation
from surveyapp.services.integration.sms import SmsGateway
from surveyapp.services.mail import SmtpSettings
from surveyapp.timeutil import to_utc_naive


def _fail(message: str) -> None:
    """The reason on stderr, exit 1 (the command's transaction rolls back: nothing stored)."""
    click.echo(_("Error: %(reason)s", reason=message), err=True)
    raise SystemExit(1)


def _campaign(campaign_id: int) -> Campaign:
    found = campaign_by_id(get_session(), campaign_id)
    if found is None:
        _fail(_("unknown campaign %(id)d", id=campaign_id))
        raise AssertionError  # unreachable: _fail exits
    return found


def _command(function):  # type: ignore[no-untyped-def]
    """A subcommand run like every other command: app context, one transaction."""
    wrapped = with_appcontext(transactional_command(function))
    wrapped.__wrapped_appctx__ = True  # surveyapp/cli/__init__.py::_wrap: wrapped once
    return wrapped


@click.group("campaign")
def campaign() -> None:
    """Ad-hoc survey campaigns on a stratified random sample of dossiers (docs/CAMPAIGNS.md)."""


@campaign.command("create")
@click.option("--name", required=True, help="The campaign's name.")
@click.option("--unit", "unit_code", required=True, help="Unit code: the subtree whose dossiers form the frame.")
@click.option("--period", required=True,
              help="The period whose returned dossiers form the frame (2026-11, 2026-Q3...).")
@click.option("--sample", "sample_size", required=True, type=int, help="Sample size (dossiers).")
@click.option("--allocation", default="proportional", show_default=True,
              help="Across the child units: proportional (to their dossiers) or equal.")
@click.option("--target", default=0.85, show_default=True, type=float, help="The satisfaction target.")
@click.option("--definition", "definition_id", default=None, help="Questionnaire id (default: the full form).")
@click.option("--channels", default="email,sms", show_default=True, help="Invitation channels: email, sms or both.")
@_command
def create(name: str, unit_code: str, period: str, sample_size: int, allocation: str, target: float,
           definition_id: str | None, channels: str) -> None:
    """Create a campaign and print its id."""
    session = get_session()
    spec = CampaignSpec(name=name, unit_code=unit_code, period=period, sample_size=sample_size,
                        allocation=allocation, target=target, definition_id=definition_id, channels=channels)
    try:
        created = create_campaign(session, spec)
    except CampaignError as error:
        _fail(error.message)
        return
    audit.record(session, "campaign_created", username="cli", target=str(created.id))
    click.echo(str(created.id))


@campaign.command("draw")
@click.option("--campaign", "campaign_id", required=True, type=int, help="The campaign's id.")
@click.option("--seed", required=True, type=int, help="The random seed (recorded; the same seed, the same sample).")
@_command
def draw(campaign_id: int, seed: int) -> None:
    """Draw the stratified sample and queue its invitations."""
    session = get_session()
    chosen = _campaign(campaign_id)
    keys = InvitationKeys(current_app.config["DOSSIER_KEY"], current_app.config["CONTACT_KEY"])
    try:
        strata = draw_campaign(session, chosen, seed, keys)
    except CampaignError as error:
        _fail(error.message)
        return
    audit.record(session, "campaign_drawn", username="cli", target=str(chosen.id))
    total = sum(stratum.sample_size for stratum in strata)
    click.echo(_("Campaign %(id)d: %(sample)d dossier(s) drawn with seed %(seed)d.", id=chosen.id, sample=total,
                 seed=seed))
    for stratum in strata:
        line = f"  {stratum.unit.code}: {stratum.sample_size}/{stratum.frame_size}"
        if stratum.frame_size == 0:
            line += "  " + _("(empty stratum: no dossiers returned in the period)")
        click.echo(line)


@campaign.command("status")
@click.option("--campaign", "campaign_id", required=True, type=int, help="The campaign's id.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@_command
def status(campaign_id: int, fmt: str) -> None:
    """Progress per stratum: unit, frame, sample, invited, answered."""
    chosen = _campaign(campaign_id)
    rows = progress(get_session(), chosen)
    if fmt == "json":
        out = {"campaign": chosen.id, "name": chosen.name, "drawn": chosen.drawn_at is not None, "seed": chosen.seed,
               "strata": [row.to_json() for row in rows]}
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    click.echo(f"{chosen.id} {chosen.name} ({chosen.unit.code}, {chosen.period})")
    if not rows:
        click.echo(_("Not drawn yet."))
        return
    header = (_("Unit"), _("Frame"), _("Sample"), _("Invitations sent"), _("Answered"))
    table = [header] + [(r.unit.code, str(r.frame), str(r.sample), str(r.invited), str(r.answered)) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@campaign.command("sample")
@click.option("--campaign", "campaign_id", required=True, type=int, help="The campaign's id.")
@click.option("--format", "fmt", type=click.Choice(["csv"]), default="csv", show_default=True)
@_command
def sample(campaign_id: int, fmt: str) -> None:
    """The sampled dossiers as CSV: dossier (its keyed hash), stratum (unit code)."""
    rows = sampled_dossiers(get_session(), _campaign(campaign_id))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(safe_row(["dossier", "stratum"]))
    for row in rows:
        writer.writerow(safe_row(list(row)))
    click.echo(buffer.getvalue(), nl=False)


@campaign.command("report")
@click.option("--campaign", "campaign_id", required=True, type=int, help="The campaign's id.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="File to write (stdout when omitted; required for xlsx).")
@_command
def report(campaign_id: int, fmt: str, output: str | None) -> None:
    """The campaign report: design-weighted rates against the target, compared with the
    regular survey of the same units and period."""
    if fmt == "xlsx" and output is None:
        _fail(_("--output is required for the xlsx format."))
    chosen = _campaign(campaign_id)
    # Imported here: numpy loads only for the report, not for every command's start-up.
    from surveyapp.services.campaigns.report import campaign_report, campaign_report_csv, campaign_report_xlsx

    built = campaign_report(get_session(), chosen, min_responses=current_app.config["MIN_RESPONSES"])
    if fmt == "xlsx":
        assert output is not None
        with open(output, "wb") as handle:
            handle.write(campaign_report_xlsx(built))
        return
    text = json.dumps(built.to_json(), ensure_ascii=False, indent=2) + "\n" if fmt == "json" \
        else campaign_report_csv(built)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)


def send_campaign_invitations(session: Session, smtp: SmtpSettings, gateway: SmsGateway, channels: set[str],
                              now_local: datetime) -> tuple[int, int]:
    """The queued campaign invitations, sent by `send-invitations` like the dossiers' (each
    attempt committed at once); (sent, failed)."""
    config = current_app.config
    if not config["CONTACT_KEY"]:
        return 0, 0
    messages = due_campaign_messages(session, config["CONTACT_KEY"], channels)
    session.commit()
    sent = failed = 0
    base = config["PUBLIC_BASE_URL"]
    with force_locale("vi"):
        for message in messages:
            url = f"{base}/c/{message.link_token}"
            subject, body = campaign_message_text(message, url, f"{url}/opt-out")
            failure = send_invitation(smtp, gateway, message.channel, message.to, subject, body)
            if failure is not None:
                click.echo(_("Campaign sample %(id)s: %(channel)s not delivered (%(reason)s).", id=message.sample.id,
                             channel=message.channel, reason=failure), err=True)
            delivered = failure is None
            record_campaign_attempt(session, message, delivered, to_utc_naive(now_local))
            session.commit()
            sent, failed = sent + delivered, failed + (not delivered)
    return sent, failed


COMMANDS = [campaign]
