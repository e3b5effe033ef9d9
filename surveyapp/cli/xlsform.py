"""`import-xlsform`: a province's own questions from an XLSForm (docs/CLI.md, docs/XLSFORM.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _

from surveyapp.db import discard_changes, get_session
from surveyapp.definitions.xlsform import XlsFormRejected
from surveyapp.services.survey.xlsform import import_xlsform

FileArg = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("import-xlsform")
@click.argument("file", type=FileArg)
@click.option("--into", "definition_id", default=None, metavar="DEFINITION_ID",
              help="The questionnaire the questions are added to (e.g. sipas-full).")
@click.option("--campaign", "campaign_id", default=None, metavar="ID",
              help="The campaign whose questionnaire the questions are added to.")
@click.option("--dry-run", is_flag=True, help="Check the form and report; store nothing.")
def import_xlsform_command(file: Path, definition_id: str | None, campaign_id: str | None, dry_run: bool) -> None:
    """Add the questions of an XLSForm (sheets survey, choices, settings) as a new version."""
    if (definition_id is None) == (campaign_id is None):
        raise click.UsageError(_("Give exactly one of --into and --campaign."))
    if campaign_id is not None:
        # Campaigns (issue 16, deliverables 1–2) are wired in by their own change.
        click.echo(_("Campaign %(id)s not found.", id=campaign_id), err=True)
        raise SystemExit(1)
    assert definition_id is not None
    try:
        result = import_xlsform(get_session(), file, definition_id)
    except XlsFormRejected as exc:
        click.echo(_("Nothing was stored: %(count)d problem(s) found.", count=len(exc.problems)), err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    if dry_run:
        discard_changes()
        click.echo(_("Dry run: the form is valid; %(count)d question(s) would make version %(version)d of %(id)s.",
                     count=result.questions, version=result.version, id=result.definition_id))
    else:
        click.echo(_("Stored version %(version)d of %(id)s with %(count)d added question(s).",
                     count=result.questions, version=result.version, id=result.definition_id))


COMMANDS = [import_xlsform_command]
