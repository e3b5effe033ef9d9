"""Shared CLI plumbing: the import error report, printed in the operator's language."""
from __future__ import annotations

import click
from flask_babel import gettext as _

from surveyapp.services.operations.tabular import ImportRejected


def fail_with_rows(error: ImportRejected) -> None:
    click.echo(_("Nothing was imported: %(count)d problem(s) found.", count=len(error.errors)), err=True)
    for row_error in error.errors:
        click.echo(f"  {row_error}", err=True)
    raise SystemExit(1)
