"""API clients of integrating systems from the command line (docs/INTEGRATION.md)."""
from __future__ import annotations

from datetime import datetime

import click
from flask import current_app
from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _

from surveyapp.cli.campaigns import send_campaign_invitations
from surveyapp.db import get_session
from surveyapp.models import ApiClient
from surveyapp.services.accounts import audit
from surveyapp.services.integration.clients import (
    ClientError,
    client_by_name,
    create_client,
    list_clients,
    revoke_client,
    rotate_secret,
)
from surveyapp.services.integration.delivery import send_invitation
from surveyapp.services.integration.invitations import Schedule, due_messages, message_text, record_attempt, tidy
from surveyapp.services.integration.sms import SmsGateway
from surveyapp.services.mail import SmtpSettings
from surveyapp.timeutil import VIETNAM, to_utc_naive


def _client_named(name: str) -> ApiClient:
    client = client_by_name(get_session(), name)
    if client is None:
        raise click.BadParameter(_("unknown API client %(name)s", name=name), param_hint="--name")
    return client


@click.command("create-api-client")
@click.option("--name", required=True, help="A name for the integrating system.")
@click.option("--unit", "unit_code", required=True,
              help="Unit code: the client may post dossiers of this unit's subtree.")
def create_api_client(name: str, unit_code: str) -> None:
    """Create an API client and print its secret once, on a line of its own."""
    session = get_session()
    try:
        issued = create_client(session, name, unit_code)
    except ClientError as error:
        hint = "--unit" if error.field == "unit" else "--name"
        raise click.BadParameter(str(error.message), param_hint=hint) from None
    audit.record(session, "api_client_created", username="cli", target=issued.client.name)
    click.echo(issued.secret)
    click.echo(_("The secret of %(name)s is shown only once: keep it now.", name=issued.client.name), err=True)


@click.command("api-clients")
def api_clients() -> None:
    """List API clients: name, unit, created, last used, state (never a secret)."""
    clients = list_clients(get_session())
    if not clients:
        click.echo(_("No API clients."))
        return
    header = (_("Name"), _("Unit"), _("Created"), _("Last used"), _("State"))
    rows = [header]
    for client in clients:
        used = format_datetime(client.last_used_at, "dd/MM/yyyy HH:mm") if client.last_used_at else "-"
        state = _("revoked") if client.revoked else _("active")
        created = format_datetime(client.created_at, "dd/MM/yyyy HH:mm")
        rows.append((client.name, client.unit.code, created, used, state))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@click.command("rotate-api-client")
@click.option("--name", required=True, help="Name of the client.")
def rotate_api_client(name: str) -> None:
    """Print a new secret for the client; the old one stops working at once."""
    session = get_session()
    client = _client_named(name)
    try:
        issued = rotate_secret(session, client)
    except ClientError as error:
        raise click.BadParameter(str(error.message), param_hint="--name") from None
    audit.record(session, "api_client_rotated", username="cli", target=client.name)
    click.echo(issued.secret)
    click.echo(_("The secret of %(name)s is shown only once: keep it now.", name=client.name), err=True)


@click.command("revoke-api-client")
@click.option("--name", required=True, help="Name of the client.")
def revoke_api_client(name: str) -> None:
    """Refuse the client from now on (its secret gets 401)."""
    session = get_session()
    client = _client_named(name)
    revoke_client(session, client)
    audit.record(session, "api_client_revoked", username="cli", target=client.name)
    click.echo(_("API client %(name)s is revoked.", name=client.name))




@click.command("send-invitations")
@click.option("--at", "at_text", default=None, metavar="YYYY-MM-DDTHH:MM",
              help="Act as if it were this Vietnam time (to catch up, or in tests); default: now.")
def send_invitations(at_text: str | None) -> None:
    """Send the invitations and reminders that are due, then erase contacts no longer needed.
    Run it every 15 minutes (cron or a systemd timer, docs/DEPLOY.md)."""
    session = get_session()
    config = current_app.config
    try:
        now_local = datetime.fromisoformat(at_text) if at_text else datetime.now(VIETNAM).replace(tzinfo=None)
    except ValueError:
        raise click.BadParameter(_("expected a time like 2026-11-27T20:00"), param_hint="--at") from None
    smtp, gateway = SmtpSettings.from_config(config), SmsGateway.from_config(config)
    channels = {kind for kind, ready in (("email", smtp.configured), ("sms", gateway.configured)) if ready}
    tidy(session, now_local.date())
    messages = due_messages(session, now_local, Schedule(config["INVITATION_HOUR"], config["INVITATION_REMINDER_DAYS"]),
                            config["CONTACT_KEY"], channels) if config["CONTACT_KEY"] else []
    # The second named exception to "a command commits once" (docs/ARCHITECTURE.md): a message
    # that went out cannot be rolled back, so its record is committed at once; a failure later
    # in the run never sends it twice.
    session.commit()
    sent = failed = 0
    base = config["PUBLIC_BASE_URL"]
    with force_locale("vi"):
        for message in messages:
            url = f"{base}/d/{message.link_token}"
            subject, body = message_text(message, url, f"{url}/opt-out")
            failure = send_invitation(smtp, gateway, message.channel, message.to, subject, body)
            if failure is not None:
                # The reason only: a contact never reaches a log line or the terminal.
                click.echo(_("Dossier %(id)s: %(channel)s not delivered (%(reason)s).", id=message.dossier.id,
                             channel=message.channel, reason=failure), err=True)
            delivered = failure is None
            record_attempt(session, message, delivered, to_utc_naive(now_local))
            session.commit()
            sent, failed = sent + delivered, failed + (not delivered)
    # Campaign invitations (issue 16) go out through the same channels, in the same run.
    campaign_sent, campaign_failed = send_campaign_invitations(session, smtp, gateway, channels, now_local)
    sent, failed = sent + campaign_sent, failed + campaign_failed
    click.echo(_("%(sent)d message(s) sent, %(failed)d failed.", sent=sent, failed=failed))
    if not channels:
        click.echo(_("Neither SMTP_HOST nor SMS_GATEWAY_URL is set: no message can be sent."), err=True)


COMMANDS = [create_api_client, api_clients, rotate_api_client, revoke_api_client, send_invitations]
