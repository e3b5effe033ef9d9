"""What a delivery says: the email's subject and text, and the webhook's JSON body
(docs/ALERTS.md, "Payload"). Built only from the alerts' facts: codes, names, months, counts and
the report's figures; never a comment or an answer.

Incidents of one delivery are counted per event, unit, counter, procedure and month, so a
message says "2 reports" rather than listing responses.
"""
from __future__ import annotations

import json
from collections import Counter as Tally
from typing import Any

from flask_babel import format_decimal, format_percent
from flask_babel import gettext as _

from surveyapp.labels import alert_event_label, period_label, position_label
from surveyapp.models import Alert, AlertDelivery

PAYLOAD_VERSION = 1


def _ref_key(ref: dict[str, Any] | None) -> tuple[str | None, str | None]:
    return (None, None) if ref is None else (ref.get("code"), ref.get("name"))


def _ref_of(key: tuple[str | None, str | None]) -> dict[str, str | None] | None:
    return None if key[0] is None else {"code": key[0], "name": key[1]}


def alert_entries(alerts: list[Alert]) -> list[dict[str, Any]]:
    """The `alerts` array of the payload: incidents counted per place and month, digest events as
    recorded."""
    incidents: Tally[tuple[Any, ...]] = Tally()
    entries: list[dict[str, Any]] = []
    for alert in alerts:
        facts = alert.facts
        if alert.event in ("harassment", "extra_payment"):
            place = (alert.event, _ref_key(facts.get("unit")), _ref_key(facts.get("counter")),
                     _ref_key(facts.get("procedure")), alert.period)
            incidents[place] += 1
        else:
            entries.append({"event": alert.event, "period": alert.period, **facts})
    counted = [
        {"event": event, "period": period, "unit": _ref_of(unit), "counter": _ref_of(counter),
         "procedure": _ref_of(procedure), "count": count}
        for (event, unit, counter, procedure, period), count in incidents.items()
    ]
    return counted + entries


def payload(delivery: AlertDelivery) -> bytes:
    """The webhook's body: the same bytes on every retry of the delivery."""
    body = {
        "version": PAYLOAD_VERSION,
        "delivery": delivery.uid,
        "category": delivery.category,
        "created_at": delivery.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "alerts": alert_entries(delivery.alerts),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=False).encode("utf-8")


def _place(entry: dict[str, Any]) -> str:
    parts = []
    unit, counter, procedure = entry.get("unit"), entry.get("counter"), entry.get("procedure")
    if unit:
        parts.append(_("unit %(code)s (%(name)s)", code=unit["code"], name=unit["name"]))
    if counter:
        parts.append(_("counter %(code)s (%(name)s)", code=counter["code"], name=counter["name"]))
    if procedure:
        parts.append(_("procedure %(code)s (%(name)s)", code=procedure["code"], name=procedure["name"]))
    return ", ".join(parts)


def _percent(value: float | None) -> str:
    return "—" if value is None else format_percent(value, "#,##0.0%")


def _line(entry: dict[str, Any]) -> str:
    event, place, period = entry["event"], _place(entry), period_label(entry["period"])
    label = alert_event_label(event)
    if event in ("harassment", "extra_payment"):
        return _("%(label)s: %(count)d new report(s) – %(place)s – %(period)s.", label=label, count=entry["count"],
                 place=place, period=period)
    if event == "funnel":
        low, high = entry["limits"]
        return _("%(label)s: %(place)s – %(period)s: %(value)s satisfied of %(n)d answers, %(position)s "
                 "(limits %(low)s–%(high)s).", label=label, place=place, period=period,
                 value=_percent(entry["value"]), n=entry["n"], position=position_label(entry["position"]),
                 low=_percent(low), high=_percent(high))
    q_value = entry["q_value"]
    q_text = "< " + format_decimal(0.001, "0.000") if q_value < 0.001 else "= " + format_decimal(q_value, "0.000")
    return _("%(label)s: %(place)s – %(period)s: %(diff)s points since %(previous)s (q %(q)s, %(n)d answers).",
             label=label, place=place, period=period, diff=format_decimal(entry["diff"] * 100, "+#,##0.0;-#,##0.0"),
             previous=period_label(entry["previous_period"]), q=q_text, n=entry["n"])


def email_text(delivery: AlertDelivery) -> tuple[str, str]:
    """Subject and plain text of the delivery's email, in the current language."""
    entries = alert_entries(delivery.alerts)
    if delivery.category == "incident":
        subject = _("Satisfaction survey: incident reported (%(count)d)", count=sum(e["count"] for e in entries))
        intro = _("Citizens reported the following at the counters you follow. Counts only: the survey is "
                  "anonymous and no answer or comment is sent.")
    else:
        periods = sorted({e["period"] for e in entries})
        subject = _("Satisfaction survey: monthly alerts for %(period)s",
                    period=", ".join(period_label(p) for p in periods))
        intro = _("The monthly report found the following among the units and counters you follow.")
    lines = [intro, ""] + [f"- {_line(entry)}" for entry in entries]
    lines += ["", _("This message was sent by the satisfaction survey's send-alerts command.")]
    return subject, "\n".join(lines)
