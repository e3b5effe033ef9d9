"""The audit log in plain words: a label for every action code and detail key, and each detail
value written for a reader (a role by its name, a unit's absence as "none", a flag as yes/no),
so the page never shows a code or a Python literal. Codes stay what the database stores and
what the filter's query string names (`?action=login_failed`)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ACTION_LABELS: dict[str, LazyString] = {
    "login": _l("Signed in"),
    "login_failed": _l("Sign-in failed (wrong user name or password)"),
    "login_throttled": _l("Sign-in refused: too many failed attempts"),
    "logout": _l("Signed out"),
    "export": _l("Report or data exported"),
    "user_created": _l("Account created"),
    "user_updated": _l("Account changed"),
    "password_changed": _l("Password changed"),
    "unit_saved": _l("Unit saved"),
    "counter_saved": _l("Counter saved"),
    "procedure_saved": _l("Procedure saved"),
    "import": _l("File imported"),
    "api_client_created": _l("API client created"),
    "api_client_rotated": _l("API client key replaced"),
    "api_client_revoked": _l("API client revoked"),
    "api_call": _l("Call from an integrated system"),
    "kiosk_pairing_code_created": _l("Tablet pairing code made"),
    "kiosk_device_revoked": _l("Tablet revoked"),
    "tokens_made": _l("Survey slips made"),
    "unit_deactivated": _l("Unit deactivated"),
    "unit_reactivated": _l("Unit reactivated"),
    "counter_deactivated": _l("Counter deactivated"),
    "counter_reactivated": _l("Counter reactivated"),
    "procedure_deactivated": _l("Procedure deactivated"),
    "procedure_reactivated": _l("Procedure reactivated"),
}

DETAIL_LABELS: dict[str, LazyString] = {
    "role": _l("role"),
    "unit": _l("unit"),
    "via": _l("made with"),
    "active": _l("active"),
    "format": _l("file"),
    "created": _l("created"),
    "updated": _l("updated"),
    "status": _l("HTTP status"),
    "items": _l("items"),
    "statuses": _l("results"),
    "count": _l("number"),
    "counter": _l("counter"),
    "procedure": _l("procedure"),
}

FORMAT_LABELS: dict[str, LazyString] = {
    "csv": _l("report (CSV)"),
    "xlsx": _l("report (XLSX)"),
    "print": _l("printable report"),
    "pdf": _l("report (PDF)"),
    "responses.csv": _l("responses (CSV)"),
    "responses.xlsx": _l("responses (XLSX)"),
    "codebook.csv": _l("codebook (CSV)"),
    "slips.csv": _l("survey slips (CSV)"),
}

VIA_LABELS: dict[str, LazyString] = {"cli": _l("the command line"), "web": _l("the web pages")}

ROLE_LABELS: dict[str, LazyString] = {
    "admin": _l("Administrator"), "manager": _l("Manager"), "viewer": _l("Viewer"),
}


def action_label(action: str) -> str:
    """An action's words; an action this version does not know is shown as its code."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def action_choices(actions: tuple[str, ...]) -> list[tuple[str, str]]:
    """The filter's options: (code, words), in the words' order."""
    return sorted(((a, action_label(a)) for a in actions), key=lambda choice: choice[1].lower())


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "role":
        return str(ROLE_LABELS.get(str(value), value))
    if key == "format":
        return str(FORMAT_LABELS.get(str(value), value))
    if key == "via":
        return str(VIA_LABELS.get(str(value), value))
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {_value(str(k), v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_value(key, v) for v in value)
    return str(value)


def detail_lines(detail: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Each detail as (label, value) in words, in the order it was recorded."""
    if not detail:
        return []
    return [(str(DETAIL_LABELS.get(key, key)), _value(key, value)) for key, value in detail.items()]
