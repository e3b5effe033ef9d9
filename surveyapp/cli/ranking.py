"""`flask ranking`: the ranking of a unit's children or communes for a period (docs/CLI.md,
docs/REPORT.md "Ranking")."""
from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from analysis.sipas import DEFAULT_RANKING_MEASURE, MEASURES, RANKING_AGAINST
from surveyapp.db import get_reports_session
from surveyapp.labels import question_labels


@click.command("ranking")
@click.option("--unit", "unit_code", required=True, help="Unit code: its direct sub-units are ranked.")
@click.option("--period", required=True,
              help="Period (Vietnam time): 2026-11, 2026-Q3, 2026-H1, 2026, 2026-YTD or 2026-01..2026-05.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True)
@click.option("--measure", type=click.Choice(MEASURES), default=DEFAULT_RANKING_MEASURE, show_default=True,
              help="What the units are ordered by.")
@click.option("--all-communes", is_flag=True,
              help="Rank every unit of the subtree without sub-units of its own (all communes of a province) "
                   "instead of the direct sub-units.")
@click.option("--against", type=click.Choice(RANKING_AGAINST), default="parent", show_default=True,
              help="What the tiers compare with: the unit's own rate or its target.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (stdout when omitted; required for xlsx).")
def ranking_command(
    unit_code: str, period: str, fmt: str, measure: str, all_communes: bool, against: str, output: Path | None
) -> None:
    """Rank the sub-units of a unit for a period, with rank intervals and tiers."""
    # Imported here: numpy and scipy load for a ranking, not for every command's start-up.
    from surveyapp.services.exports.ranking import ranking_csv, write_ranking_xlsx
    from surveyapp.services.reporting.ranking import unit_ranking
    from surveyapp.services.reporting.reports import ReportError, resolve_period_scope

    if fmt == "xlsx" and output is None:
        click.echo(_("--output is required for the xlsx format."), err=True)
        raise SystemExit(1)
    session = get_reports_session()
    min_responses = int(current_app.config["MIN_RESPONSES"])
    try:
        scope = resolve_period_scope(session, unit_code, period)
        ranking = unit_ranking(
            session, scope.unit, scope.month, measure=measure, all_communes=all_communes, against=against,
            min_responses=min_responses,
        )
    except ReportError as exc:
        click.echo(_("No ranking: %(reason)s", reason=str(exc)), err=True)
        raise SystemExit(1) from None
    if fmt == "xlsx":
        assert output is not None
        write_ranking_xlsx(ranking, question_labels(session), output, min_responses=min_responses)
        click.echo(_("Ranking written to %(path)s.", path=str(output)), err=True)
        return
    if fmt == "json":
        data = (json.dumps(ranking.to_json(), ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")
    else:
        data = ranking_csv(ranking, question_labels(session))
    if output is None:
        click.echo(data, nl=False)
    else:
        output.write_bytes(data)
        click.echo(_("Ranking written to %(path)s.", path=str(output)), err=True)


COMMANDS = [ranking_command]
