"""Alerts from the command line (docs/CLI.md, docs/ALERTS.md): subscriptions, webhooks, rules,
and `send-alerts`, which a timer runs every 5 minutes (docs/DEPLOY.md)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from surveyapp.db import get_reports_session, get_session
from surveyapp.services.accounts import audit
from surveyapp.services.alerts import deliveries, rules, subscriptions, webhooks
from surveyapp.services.alerts.subscriptions import AlertError
from surveyapp.services.alerts.transport import deliver
from surveyapp.services.mail import SmtpSettings
from surveyapp.timeutil import to_utc_naive, utc_now_naive

OPTION_OF_FIELD = {"unit": "--unit", "email": "--email", "kind": "--kind", "format": "--format",
                   "period_kind": "--period-kind", "url": "--url", "secret": "--secret", "events": "--events"}


def _refuse(error: AlertError) -> None:
    """The reason in the operator's language, exit 1; the command's transaction rolls back."""
    click.echo(_("Refused (%(option)s): %(reason)s", option=OPTION_OF_FIELD.get(error.field or "", "-"),
                 reason=str(error.message)), err=True)
    raise SystemExit(1)


F = TypeVar("F", bound=Callable[..., Any])


def _subscription_options(command: F) -> F:
    # Plain text options (not click.Choice): a wrong value gets the service's message in the
    # operator's language and exit status 1, like every other refusal.
    for option in reversed([
        click.option("--unit", "unit_code", required=True, help="Unit code (its whole subtree)."),
        click.option("--email", required=True, help="Email address."),
        click.option("--kind", required=True, help="alerts or reports."),
        click.option("--format", "formats", default="pdf", show_default=True,
                     help="Reports only: pdf, xlsx or pdf,xlsx."),
        click.option("--period-kind", default="month", show_default=True,
                     help="Reports only: month, quarter or year."),
    ]):
        command = option(command)
    return command


@click.command("subscribe")
@_subscription_options
def subscribe_command(unit_code: str, email: str, kind: str, formats: str, period_kind: str) -> None:
    """Send a unit's alerts (or its scheduled reports) to an email address."""
    try:
        subscription = subscriptions.subscribe(get_session(), unit_code, email, kind, formats, period_kind)
    except AlertError as error:
        _refuse(error)
        return
    audit.record(get_session(), "subscription_saved", username="cli",
                 target=f"{subscription.unit.code} {kind} {subscription.email}")
    click.echo(_("%(email)s subscribed to the %(kind)s of %(unit)s.", email=subscription.email, kind=kind,
                 unit=subscription.unit.code))


@click.command("unsubscribe")
@_subscription_options
def unsubscribe_command(unit_code: str, email: str, kind: str, formats: str, period_kind: str) -> None:
    """Stop sending a unit's alerts (or reports) to an email address."""
    session = get_session()
    try:
        subscriptions.checked_formats(formats)
        subscriptions.checked_period_kind(period_kind)
        removed = subscriptions.unsubscribe(session, unit_code, email, kind)
    except AlertError as error:
        _refuse(error)
        return
    if removed:
        audit.record(session, "subscription_removed", username="cli",
                     target=f"{unit_code} {kind} {email.strip().lower()}")
        click.echo(_("%(email)s no longer receives the %(kind)s of %(unit)s.", email=email.strip().lower(), kind=kind,
                     unit=unit_code))
    else:
        click.echo(_("%(email)s was not subscribed to the %(kind)s of %(unit)s.", email=email.strip().lower(),
                     kind=kind, unit=unit_code))


@click.group("webhook")
def webhook_group() -> None:
    """Webhook endpoints that receive a unit's alerts as signed JSON."""


@webhook_group.command("add")
@click.option("--unit", "unit_code", required=True, help="Unit code (its whole subtree).")
@click.option("--url", required=True, help="http:// or https:// address that receives the POSTs.")
@click.option("--secret", required=True, help="Shared secret for the X-Surveyapp-Signature header (16+ characters).")
@click.option("--events", default=None, help="Comma list of harassment, extra_payment, funnel, fall (default: all).")
def webhook_add(unit_code: str, url: str, secret: str, events: str | None) -> None:
    """Add a webhook; prints its id."""
    try:
        webhook = webhooks.add_webhook(get_session(), current_app.config["WEBHOOK_KEY"], unit_code, url, secret, events)
    except AlertError as error:
        _refuse(error)
        return
    audit.record(get_session(), "webhook_added", username="cli", target=f"{webhook.id} {webhook.unit.code}")
    click.echo(_("Webhook %(id)d added for %(unit)s (%(events)s).", id=webhook.id, unit=webhook.unit.code,
                 events=webhook.events))


@webhook_group.command("list")
def webhook_list() -> None:
    """List webhooks: id, unit, events, URL (never the secret)."""
    found = webhooks.all_webhooks(get_session())
    if not found:
        click.echo(_("No webhooks."))
        return
    for webhook in found:
        click.echo(f"{webhook.id}\t{webhook.unit.code}\t{webhook.events}\t{webhook.url}")


@webhook_group.command("remove")
@click.option("--id", "webhook_id", type=int, required=True, help="The webhook's id (see `webhook list`).")
def webhook_remove(webhook_id: int) -> None:
    """Remove a webhook; its deliveries still waiting are cancelled."""
    session = get_session()
    webhook = webhooks.webhook_by_id(session, webhook_id)
    if webhook is None:
        click.echo(_("Refused (%(option)s): %(reason)s", option="--id",
                     reason=_("there is no webhook %(id)d.", id=webhook_id)), err=True)
        raise SystemExit(1)
    audit.record(session, "webhook_removed", username="cli", target=f"{webhook.id} {webhook.unit.code}")
    webhooks.remove_webhook(session, webhook)
    click.echo(_("Webhook %(id)d removed.", id=webhook_id))


@click.command("alert-rule")
@click.option("--unit", "unit_code", required=True, help="Unit code (the rule holds for its subtree).")
@click.option("--events", default=None, help="Comma list of harassment, extra_payment, funnel, fall (default: all).")
@click.option("--off", "off", is_flag=True, help="No alerts at all for this subtree.")
@click.option("--reset", is_flag=True, help="Remove the unit's override (inherit again).")
def alert_rule(unit_code: str, events: str | None, off: bool, reset: bool) -> None:
    """Override which events a unit's subtree is alerted about."""
    session = get_session()
    try:
        if reset:
            if rules.clear_rule(session, unit_code):
                audit.record(session, "alert_rule_removed", username="cli", target=unit_code)
            click.echo(_("%(unit)s follows the inherited alert rule again.", unit=unit_code))
            return
        rule = rules.set_rule(session, unit_code, events, enabled=not off)
    except AlertError as error:
        _refuse(error)
        return
    audit.record(session, "alert_rule_saved", username="cli",
                 target=f"{rule.unit.code} {rule.events} {'on' if rule.enabled else 'off'}")
    if rule.enabled:
        click.echo(_("Alerts of %(unit)s: %(events)s.", unit=unit_code, events=rule.events))
    else:
        click.echo(_("Alerts of %(unit)s are off.", unit=unit_code))


@click.command("send-alerts")
@click.option("--at", "at_text", default=None, metavar="YYYY-MM-DDTHH:MM",
              help="Act as if it were this Vietnam time (to catch up, or in tests); default: now.")
def send_alerts(at_text: str | None) -> None:
    """Find new incidents (and, once a month, the digest of the month just ended), record an alert
    per event and recipient, and send every delivery that is due. Run it every 5 minutes."""
    session, config = get_session(), current_app.config
    try:
        now = to_utc_naive(datetime.fromisoformat(at_text)) if at_text else utc_now_naive()
    except ValueError:
        raise click.BadParameter(_("expected a time like 2026-11-27T20:00"), param_hint="--at") from None
    # Imported here: detecting reads reports (numpy, scipy), which no other command's start-up needs.
    from surveyapp.services.alerts import detect

    events = detect.new_incidents(session, now)
    month = detect.digest_month(now)
    if not detect.digest_done(session, month):
        digest, failed_units = detect.digest_events(get_reports_session(), month,
                                                    min_responses=config["MIN_RESPONSES"])
        for code in failed_units:
            click.echo(_("The report of %(unit)s for %(month)s could not be computed.", unit=code, month=month),
                       err=True)
        events += digest
        detect.mark_digest_done(session, month)
    directory = deliveries.Directory(session, accounts_in_scope=config["ALERTS_TO_ACCOUNTS_IN_SCOPE"])
    added = deliveries.plan(session, events, rules.RuleBook(session), directory, now)
    # A named exception to "a command commits once" (docs/ARCHITECTURE.md), as send-invitations:
    # the alerts are committed before anything is sent, and each delivery's outcome right after
    # it, so a message that went out is never sent again and a failure later loses nothing.
    session.commit()
    smtp = SmtpSettings.from_config(config)
    sent = failed = 0
    with force_locale("vi"):
        for delivery in deliveries.due_deliveries(session, now):
            error = deliver(delivery, smtp, config["WEBHOOK_KEY"])
            deliveries.record_attempt(delivery, error, now, config["ALERT_RETRY_SECONDS"])
            session.commit()
            if error is None:
                sent += 1
                continue
            failed += 1
            click.echo(_("Delivery %(id)d (%(channel)s) failed: %(reason)s; attempt %(attempts)d, next try after "
                         "%(next)s UTC.", id=delivery.id, channel=delivery.channel, reason=error,
                         attempts=delivery.attempts, next=delivery.next_attempt_at.strftime("%Y-%m-%d %H:%M")),
                       err=True)
    click.echo(_("%(added)d new alert(s); %(sent)d delivery(ies) sent, %(failed)d failed (tried again later).",
                 added=added, sent=sent, failed=failed))


COMMANDS: list[click.Command] = [subscribe_command, unsubscribe_command, webhook_group, alert_rule, send_alerts]
