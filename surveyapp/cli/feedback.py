"""`import-feedback`: complaints and petitions for the QĐ 766 satisfaction group (docs/CLI.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from surveyapp.cli.common import fail_with_rows
from surveyapp.db import get_session
from surveyapp.services.operations.feedback_import import import_feedback
from surveyapp.services.operations.tabular import ImportRejected

FileArg = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("import-feedback")
@click.argument("file", type=FileArg)
def import_feedback_command(file: Path) -> None:
    """Import complaints and petitions: columns unit, code, received_on, due_on, handled_on,
    dissatisfied (yes/no), dossier_code (optional)."""
    try:
        summary = import_feedback(get_session(), file, current_app.config["DOSSIER_KEY"])
    except ImportRejected as exc:
        fail_with_rows(exc)
        return
    click.echo(_("Imported: %(created)d new, %(updated)d updated.", created=summary.created, updated=summary.updated))
    if summary.dossiers_linked or summary.dossiers_unknown:
        click.echo(_("Dossier codes: %(linked)d matched a posted dossier, %(unknown)d not (yet) known; "
                     "import the file again after those dossiers are posted.",
                     linked=summary.dossiers_linked, unknown=summary.dossiers_unknown))


COMMANDS = [import_feedback_command]
