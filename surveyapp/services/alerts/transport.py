"""Sending one delivery: an email through surveyapp/services/mail.py, or a signed POST to a
webhook. Failures come back as a short reason (never an address or the body) for the delivery's
`last_error`; the caller schedules the retry."""
from __future__ import annotations

import http.client
import smtplib
import urllib.error
import urllib.request

from surveyapp.models import AlertDelivery
from surveyapp.services.alerts.messages import email_text, payload
from surveyapp.services.alerts.webhooks import secret_of, signature
from surveyapp.services.mail import SmtpSettings, send_email

TIMEOUT_SECONDS = 15


def post_webhook(url: str, body: bytes, secret: str, delivery_uid: str) -> str | None:
    """POST the body; None when the receiver answered 2xx, else the reason."""
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/json; charset=utf-8")
    request.add_header("User-Agent", "surveyapp-alerts")
    request.add_header("X-Surveyapp-Signature", signature(secret, body))
    request.add_header("X-Surveyapp-Delivery", delivery_uid)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (configured URL)
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as error:
        # Unreachable, refused, a broken answer or a URL the library cannot use: tried again later.
        return f"webhook unreachable: {type(error).__name__}"
    return None if 200 <= status < 300 else f"webhook answered {status}"


def deliver(delivery: AlertDelivery, smtp: SmtpSettings, webhook_key: str) -> str | None:
    """Send the delivery once; None when it went out, else why not."""
    if delivery.channel == "email":
        if not smtp.configured:
            return "SMTP_HOST is not set"
        subject, text = email_text(delivery)
        try:
            send_email(smtp, delivery.email or "", subject, text)
        except (smtplib.SMTPException, OSError, ValueError) as error:  # ValueError: an address SMTP cannot carry
            return f"mail server: {type(error).__name__}"
        return None
    webhook = delivery.webhook
    if webhook is None:
        return "webhook removed"
    secret = secret_of(webhook_key, webhook)
    if secret is None:
        return "WEBHOOK_KEY cannot read the webhook's secret"
    return post_webhook(webhook.url, payload(delivery), secret, delivery.uid)
