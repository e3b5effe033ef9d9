"""`flask publish --unit CODE [--off]`: opt a unit in to (or out of) the public results pages
`/public/<unit>` (docs/CLI.md, docs/REPORT.md "Public results")."""
from __future__ import annotations

import click
from flask_babel import gettext as _

from surveyapp.db import get_session
from surveyapp.services.accounts import audit
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.public.publication import set_published


@click.command("publish")
@click.option("--unit", "unit_code", required=True, help="Unit code.")
@click.option("--off", is_flag=True, help="Withdraw the unit's public results.")
def publish_command(unit_code: str, off: bool) -> None:
    """Publish a unit's results at /public/<unit> (or withdraw them with --off)."""
    session = get_session()
    unit = unit_by_code(session, unit_code)
    if unit is None:
        click.echo(_("unknown unit %(code)s", code=unit_code), err=True)
        raise SystemExit(1)
    changed = set_published(session, unit, not off, by="cli")
    if changed:
        audit.record(session, "unit_unpublished" if off else "unit_published", username="cli", target=unit.code)
    if off:
        click.echo(_("The results of %(code)s are not public.", code=unit.code))
    else:
        click.echo(_("The results of %(code)s are public at /public/%(code)s.", code=unit.code))


COMMANDS = [publish_command]
