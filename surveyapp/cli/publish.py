"""`flask publish`: opt a unit in to (or out of) the public results pages (docs/CLI.md)."""
from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
