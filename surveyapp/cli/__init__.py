"""`flask --app surveyapp <command>`: the contracts other tools rely on (docs/CLI.md)."""
from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from surveyapp.cli import organisation, setup, tokens

    for module in (setup, organisation, tokens):
        for command in module.COMMANDS:
            app.cli.add_command(command)
