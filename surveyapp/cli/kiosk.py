"""Kiosk tablets from the command line: pairing codes, the device list, revocation."""
from __future__ import annotations

from datetime import timedelta

import click
from flask_babel import format_datetime
from flask_babel import gettext as _

from surveyapp.db import get_session
from surveyapp.services.kiosk.devices import create_pairing_code, list_devices, revoke_device
from surveyapp.services.organisation.lookups import counter_by_code


@click.command("pair-kiosk")
@click.option("--counter", "counter_code", required=True, help="Counter code the tablet will serve.")
@click.option(
    "--hours", type=click.IntRange(1, 24 * 7), default=24, show_default=True, help="Hours the code stays valid."
)
def pair_kiosk(counter_code: str, hours: int) -> None:
    """Print a one-time pairing code for a counter's tablet (typed once at /kiosk/)."""
    session = get_session()
    counter = counter_by_code(session, counter_code)
    if counter is None:
        raise click.BadParameter(_("unknown counter %(code)s", code=counter_code), param_hint="--counter")
    pairing = create_pairing_code(session, counter, timedelta(hours=hours))
    click.echo(pairing.code)
    # flask_babel reads naive datetimes as UTC and shows them in Vietnam's time.
    expires = format_datetime(pairing.record.expires_at, "dd/MM/yyyy HH:mm")
    click.echo(
        _("One-time code for counter %(code)s, valid until %(when)s.", code=counter.code, when=expires), err=True
    )


@click.command("kiosk-devices")
@click.option("--active", is_flag=True, help="Leave out revoked devices.")
def kiosk_devices(active: bool) -> None:
    """List paired tablets: counter, last seen, reported backlog, version, state."""
    devices = list_devices(get_session(), include_revoked=not active)
    if not devices:
        click.echo(_("No kiosk devices are paired."))
        return
    header = (_("ID"), _("Counter"), _("Last seen"), _("Backlog"), _("Version"), _("State"))
    rows = [header]
    for device in devices:
        seen = format_datetime(device.last_seen_at, "dd/MM/yyyy HH:mm") if device.last_seen_at else "-"
        state = _("revoked") if device.revoked else _("active")
        rows.append(
            (
                str(device.id),
                device.counter.code,
                seen,
                str(device.backlog if device.backlog is not None else "-"),
                device.app_version or "-",
                state,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


@click.command("revoke-kiosk")
@click.option("--device", "device_id", type=int, required=True, help="Device id from `kiosk-devices`.")
def revoke_kiosk(device_id: int) -> None:
    """Refuse a tablet from now on (lost, stolen or replaced); its credential stops working."""
    device = revoke_device(get_session(), device_id)
    if device is None:
        raise click.BadParameter(_("unknown device %(id)s", id=device_id), param_hint="--device")
    click.echo(_("Device %(id)s (counter %(code)s) is revoked.", id=device.id, code=device.counter.code))


COMMANDS = [pair_kiosk, kiosk_devices, revoke_kiosk]
