"""A generic HTTP SMS gateway adapter (SMS_GATEWAY_*): one request per message.

Providers differ only in the URL, the method, one authentication header and the body; the body
is a template in which `{phone}` and `{message}` are replaced, escaped for its content type (JSON
string escaping, or URL encoding for a form body). Success is decided by the status code.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TIMEOUT_SECONDS = 20


class SmsError(Exception):
    """The gateway did not take the message (its status, or why it could not be reached)."""


@dataclass(frozen=True)
class SmsGateway:
    url: str
    method: str
    auth_header: str
    body: str
    content_type: str
    success: tuple[str, ...]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmsGateway:
        return cls(
            url=config["SMS_GATEWAY_URL"], method=config["SMS_GATEWAY_METHOD"],
            auth_header=config["SMS_GATEWAY_AUTH_HEADER"], body=config["SMS_GATEWAY_BODY"],
            content_type=config["SMS_GATEWAY_CONTENT_TYPE"], success=tuple(config["SMS_GATEWAY_SUCCESS"]),
        )

    @property
    def configured(self) -> bool:
        return bool(self.url)


def _escaped(value: str, content_type: str) -> str:
    if "json" in content_type:
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if "x-www-form-urlencoded" in content_type:
        return urllib.parse.quote_plus(value)
    return value


def render_body(template: str, content_type: str, phone: str, message: str) -> str:
    # str.replace, not str.format: a JSON template is full of braces.
    with_phone = template.replace("{phone}", _escaped(phone, content_type))
    return with_phone.replace("{message}", _escaped(message, content_type))


def send_sms(gateway: SmsGateway, phone: str, message: str) -> None:
    body = render_body(gateway.body, gateway.content_type, phone, message).encode("utf-8")
    url = gateway.url
    data: bytes | None = body
    if gateway.method == "GET":  # a GET gateway takes the rendered body as its query string
        url = f"{url}{'&' if '?' in url else '?'}{body.decode('utf-8')}"
        data = None
    request = urllib.request.Request(url, data=data, method=gateway.method)
    if data is not None:
        request.add_header("Content-Type", f"{gateway.content_type}; charset=utf-8")
    if gateway.auth_header:
        name, _, value = gateway.auth_header.partition(":")
        request.add_header(name.strip(), value.strip())
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 (configured URL)
            status = answer.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:
        raise SmsError(f"gateway unreachable: {type(error).__name__}") from None
    if str(status) not in gateway.success:
        raise SmsError(f"gateway answered {status}")
