from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from surveyapp.cli.common import fail_with_rows
from surveyapp.db import get_session
from surveyapp.services.operations.tabular import ImportRejected
from surveyapp.services.organisation.imports import ImportSummary, import_counters, import_procedures, import_units

FileArg = click.Path(exists=True, dir_okay=False, path_type=Path)


def _run(importer: Callable[[Session, Path], ImportSummary], path: Path) -> None:
    try:
        summary = importer(get_session(), path)
    except ImportRejected as exc:
        fail_with_rows(exc)
        return
    click.echo(_("Imported: %(created)d new, %(updated)d updated.", created=summary.created, updated=summary.updated))


@click.command("import-units")
@click.argument("file", type=FileArg)
def import_units_command(file: Path) -> None:
    """Import units from CSV with columns code, name, parent_code."""
    _run(import_units, file)


@click.command("import-counters")
@click.argument("file", type=FileArg)
def import_counters_command(file: Path) -> None:
    """Import counters from CSV with columns code, name, unit_code."""
    _run(import_counters, file)


@click.command("import-procedures")
@click.argument("file", type=FileArg)
def import_procedures_command(file: Path) -> None:
    """Import the procedure catalogue from CSV with columns code, name, field."""
    _run(import_procedures, file)


COMMANDS = [import_units_command, import_counters_command, import_procedures_command]
