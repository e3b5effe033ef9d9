from __future__ import annotations

import click
from flask_babel import gettext as _

from surveyapp.db import get_session
from surveyapp.models import ROLES
from surveyapp.services.accounts import accounts, audit
from surveyapp.services.accounts.accounts import AccountError


@click.command("create-user")
@click.option("--username", required=True, help="Sign-in name.")
@click.option("--password", required=True, help="Password (at least 12 characters, not a common one).")
@click.option("--role", type=click.Choice(ROLES), required=True, help="admin, manager or viewer.")
@click.option("--unit", "unit_code", default=None, help="Unit code (required for manager and viewer).")
@click.option("--name", "full_name", default="", help="Full name shown in the dashboard.")
@click.option("--email", default=None, help="Email address for alerts (optional).")
def create_user_command(
    username: str, password: str, role: str, unit_code: str | None, full_name: str, email: str | None
) -> None:
    """Create an official's account (the first administrator, typically)."""
    session = get_session()
    try:
        user = accounts.create_user(session, username, password, role, unit_code, full_name, email)
    except AccountError as exc:
        click.echo(str(exc.message), err=True)
        raise SystemExit(1) from exc
    audit.record(session, "user_created", username="cli", target=user.username,
                 detail={"role": role, "unit": unit_code, "via": "cli"})
    click.echo(_("Account %(name)s created (%(role)s).", name=user.username, role=role))


COMMANDS = [create_user_command]
