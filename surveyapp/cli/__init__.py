"""`flask --app surveyapp <command>`: the contracts other tools rely on (docs/CLI.md)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from surveyapp.db import transactional_command


def add_commands(app: Flask, commands: list[click.Command]) -> None:
    """Register plain click commands so they always run inside the app context (the `flask`
    CLI pushes one, but the test CLI runner does not), each as one transaction: committed when
    the command succeeds, rolled back when it fails (docs/ARCHITECTURE.md, "Transactions")."""
    for command in commands:
        _wrap(command)
        app.cli.add_command(command)


def _wrap(command: click.Command) -> None:
    if command.callback is not None and not getattr(command.callback, "__wrapped_appctx__", False):
        command.callback = with_appcontext(transactional_command(command.callback))
        # A marker on the function object (so a command registered twice is wrapped once); not a typed attribute.
        command.callback.__wrapped_appctx__ = True  # type: ignore[attr-defined]
    if isinstance(command, click.Group):  # `webhook add`: each subcommand is a transaction of its own
        for subcommand in command.commands.values():
            _wrap(subcommand)


def register_commands(app: Flask) -> None:
    from surveyapp.cli import (
        accounts,
        alerts,
        campaigns,
        feedback,
        integration,
        kiosk,
        operations,
        organisation,
        publish,
        ranking,
        reports,
        scheduled_reports,
        setup,
        tokens,
        xlsform,
    )

    for module in (setup, organisation, tokens, accounts, operations, kiosk, reports, integration, campaigns,
                   ranking, publish, feedback, xlsform, alerts, scheduled_reports):
        add_commands(app, module.COMMANDS)
