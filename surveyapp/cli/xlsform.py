"""`import-xlsform`: a province's own questions from an XLSForm (docs/CLI.md, docs/XLSFORM.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask_babel import gettext as _

from surveyapp.db import discard_changes, get_session
from surveyapp.definitions.xlsform import XlsFormRejected
from surveyapp.services.campaigns.campaigns import campaign_by_id, campaign_definition_id
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
    session = get_session()
    campaign = None
    if campaign_id is not None:
        campaign = campaign_by_id(session, int(campaign_id)) if campaign_id.isdigit() else None
        if campaign is None:
            click.echo(_("Campaign %(id)s not found.", id=campaign_id), err=True)
            raise SystemExit(1)
        # A campaign's questions go into a questionnaire of its own (`campaign-ID`, starting from
        # the one it uses), so the regular survey never asks them.
        definition_id, store_as = campaign.definition_id, campaign_definition_id(campaign.id)
    else:
        store_as = None
    assert definition_id is not None
    try:
        result = import_xlsform(session, file, definition_id, store_as=store_as)
    except XlsFormRejected as exc:
        click.echo(_("Nothing was stored: %(count)d problem(s) found.", count=len(exc.problems)), err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from None
    if campaign is not None:
        campaign.definition_id = result.definition_id
    if dry_run:
        discard_changes()
        click.echo(_("Dry run: the form is valid; %(count)d question(s) would make version %(version)d of %(id)s.",
                     count=result.questions, version=result.version, id=result.definition_id))
    else:
        click.echo(_("Stored version %(version)d of %(id)s with %(count)d added question(s).",
                     count=result.questions, version=result.version, id=result.definition_id))


COMMANDS = [import_xlsform_command]
