"""The kiosk's own words (the questionnaire's labels come from the definition instead).

`{name}` placeholders are filled in by the client, not by Babel.
"""
from __future__ import annotations

from flask_babel import gettext as _


def ui_strings() -> dict[str, str]:
    return {
        "attract_title": _("How satisfied are you with our service today?"),
        "start": _("Tap to start"),
        "anonymous": _("Anonymous: no name, no phone number is recorded."),
        "progress": _("Question {n} of {total}"),
        "thanks_title": _("Thank you!"),
        "thanks_body": _("Your answers help us serve citizens better."),
        "thanks_next": _("The screen will return to the start in a moment."),
        "pair_title": _("Pair this tablet"),
        "pair_help": _("Enter the pairing code an administrator created for this counter."),
        "pair_code": _("Pairing code"),
        "pair_button": _("Pair"),
        "pair_invalid": _("That code is not valid, was already used or has expired."),
        "pair_offline": _("No connection: pairing needs the network."),
        "revoked": _("This tablet was disconnected by an administrator. Please pair it again."),
        "loading": _("Loading…"),
        "not_ready": _("The survey is not available yet. Please ask the staff."),
        "staff_title": _("Staff information"),
        "staff_queue": _("Responses waiting to be sent"),
        "staff_rejected": _("Responses refused by the server"),
        "staff_device": _("Device"),
        "staff_counter": _("Counter"),
        "staff_version": _("App version"),
        "staff_last_sync": _("Last sent"),
        "staff_never": _("never"),
        "staff_network": _("Network"),
        "online": _("online"),
        "offline": _("offline"),
        "send_now": _("Send now"),
        "close": _("Close"),
    }
