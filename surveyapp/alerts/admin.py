"""Administrators' alerts page: who receives which unit's alerts and reports (subscriptions),
webhooks, rule overrides, and the log of deliveries (status, attempts, channel, time: never
what an alert said beyond its unit and event)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select

from surveyapp.alerts.forms import RemoveForm, RuleForm, SubscriptionForm, WebhookForm
from surveyapp.auth import address_hash, require_role, signed_in_user
from surveyapp.db import get_session
from surveyapp.labels import alert_event_label, delivery_status_label
from surveyapp.models import AlertDelivery, Unit
from surveyapp.services.accounts import audit
from surveyapp.services.alerts import deliveries, rules, scheduled_reports, subscriptions, webhooks
from surveyapp.services.alerts.subscriptions import AlertError
from surveyapp.web.forms import show_refusal, status_of

bp = Blueprint("alerts_admin", __name__)


def _page(subscription_form: SubscriptionForm | None = None, webhook_form: WebhookForm | None = None,
          rule_form: RuleForm | None = None) -> ResponseReturnValue:
    session = get_session()
    forms: dict[str, FlaskForm] = {
        "subscription_form": subscription_form or SubscriptionForm(formdata=None),
        "webhook_form": webhook_form or WebhookForm(formdata=None),
        "rule_form": rule_form or RuleForm(formdata=None),
    }
    failed = next((form for form in forms.values() if form.errors), None)
    page = render_template(
        "alerts/admin.html",
        subscriptions=subscriptions.all_subscriptions(session),
        webhooks=webhooks.all_webhooks(session),
        rules=rules.all_rules(session),
        units=list(session.scalars(select(Unit).order_by(Unit.path))),
        remove_form=RemoveForm(),
        alert_event_label=alert_event_label,
        **forms,
    )
    return page, status_of(failed) if failed is not None else 200


def _audit(action: str, target: str) -> None:
    audit.record(get_session(), action, user=signed_in_user(), target=target, address_hash=address_hash())


def _refused(form: FlaskForm, error: AlertError) -> None:
    # The services check everything before they add anything: there is nothing to roll back.
    show_refusal(form, error)


@bp.get("/admin/alerts")
@require_role("admin")
def page() -> ResponseReturnValue:
    return _page()


@bp.post("/admin/alerts/subscriptions")
@require_role("admin")
def add_subscription() -> ResponseReturnValue:
    form = SubscriptionForm()
    if not form.validate():
        return _page(subscription_form=form)
    try:
        subscription = subscriptions.subscribe(get_session(), form.unit.data or "", form.email.data or "",
                                               form.kind.data or "", form.format.data or "pdf",
                                               form.period_kind.data or "month")
    except AlertError as error:
        _refused(form, error)
        return _page(subscription_form=form)
    _audit("subscription_saved", f"{subscription.unit.code} {subscription.kind} {subscription.email}")
    flash(_("%(email)s subscribed to the %(kind)s of %(unit)s.", email=subscription.email, kind=subscription.kind,
            unit=subscription.unit.code), "success")
    return redirect(url_for("alerts_admin.page"))


@bp.post("/admin/alerts/subscriptions/<int:subscription_id>/remove")
@require_role("admin")
def remove_subscription(subscription_id: int) -> ResponseReturnValue:
    session = get_session()
    subscription = subscriptions.subscription_by_id(session, subscription_id)
    if subscription is None or not RemoveForm().validate():
        abort(404 if subscription is None else 400)
    _audit("subscription_removed", f"{subscription.unit.code} {subscription.kind} {subscription.email}")
    subscriptions.remove_subscription(session, subscription)
    flash(_("Subscription removed."), "success")
    return redirect(url_for("alerts_admin.page"))


@bp.post("/admin/alerts/webhooks")
@require_role("admin")
def add_webhook() -> ResponseReturnValue:
    form = WebhookForm()
    if not form.validate():
        return _page(webhook_form=form)
    try:
        webhook = webhooks.add_webhook(get_session(), current_app.config["WEBHOOK_KEY"], form.unit.data or "",
                                       form.url.data or "", form.secret.data or "", ",".join(form.events.data or []))
    except AlertError as error:
        _refused(form, error)
        return _page(webhook_form=form)
    _audit("webhook_added", f"{webhook.id} {webhook.unit.code}")
    flash(_("Webhook %(id)d added for %(unit)s (%(events)s).", id=webhook.id, unit=webhook.unit.code,
            events=webhook.events), "success")
    return redirect(url_for("alerts_admin.page"))


@bp.post("/admin/alerts/webhooks/<int:webhook_id>/remove")
@require_role("admin")
def remove_webhook(webhook_id: int) -> ResponseReturnValue:
    session = get_session()
    webhook = webhooks.webhook_by_id(session, webhook_id)
    if webhook is None or not RemoveForm().validate():
        abort(404 if webhook is None else 400)
    _audit("webhook_removed", f"{webhook.id} {webhook.unit.code}")
    webhooks.remove_webhook(session, webhook)
    flash(_("Webhook %(id)d removed.", id=webhook_id), "success")
    return redirect(url_for("alerts_admin.page"))


@bp.post("/admin/alerts/rules")
@require_role("admin")
def set_rule() -> ResponseReturnValue:
    form = RuleForm()
    if not form.validate():
        return _page(rule_form=form)
    try:
        rule = rules.set_rule(get_session(), form.unit.data or "", ",".join(form.events.data or []),
                              enabled=bool(form.enabled.data))
    except AlertError as error:
        _refused(form, error)
        return _page(rule_form=form)
    _audit("alert_rule_saved", f"{rule.unit.code} {rule.events} {'on' if rule.enabled else 'off'}")
    flash(_("Alert rule of %(unit)s saved.", unit=rule.unit.code), "success")
    return redirect(url_for("alerts_admin.page"))


@bp.post("/admin/alerts/rules/<unit_code>/remove")
@require_role("admin")
def remove_rule(unit_code: str) -> ResponseReturnValue:
    if not RemoveForm().validate():
        abort(400)
    try:
        removed = rules.clear_rule(get_session(), unit_code)
    except AlertError:
        abort(404)
    if not removed:
        abort(404)
    _audit("alert_rule_removed", unit_code)
    flash(_("%(unit)s follows the inherited alert rule again.", unit=unit_code), "success")
    return redirect(url_for("alerts_admin.page"))


@bp.get("/admin/alerts/deliveries")
@require_role("admin")
def delivery_log() -> ResponseReturnValue:
    session = get_session()
    return render_template("alerts/deliveries.html", deliveries=deliveries.recent_deliveries(session),
                           reports=scheduled_reports.recent(session),
                           summary_of=_summary, delivery_status_label=delivery_status_label)


def _summary(delivery: AlertDelivery) -> str:
    """Which units and events a delivery was about, and how many alerts: nothing more."""
    pairs = dict.fromkeys((alert.unit.code, alert.event) for alert in delivery.alerts)
    text = "; ".join(f"{code}: {alert_event_label(event)}" for code, event in pairs)
    return _("%(summary)s (%(count)d alert(s))", summary=text, count=len(delivery.alerts))
