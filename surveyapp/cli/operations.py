"""Operating the service: aggregates, backup and restore (docs/DEPLOY.md)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from surveyapp.db import get_engine, get_session
from surveyapp.periods import is_month
from surveyapp.services.operations import backup as backups
from surveyapp.services.reporting.aggregates import RebuildSummary, all_months, compare_with_raw, rebuild_month


def _month(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not is_month(value):
        raise click.BadParameter(_("expected a month as YYYY-MM"))
    return value


@click.command("rebuild-aggregates")
@click.option("--month", default=None, callback=_month, help="Only this month (YYYY-MM); default: every month.")
@click.option(
    "--check", is_flag=True, help="Only compare the aggregates with the raw responses; exit 1 on a difference."
)
def rebuild_aggregates(month: str | None, check: bool) -> None:
    """Recompute the monthly report aggregates from the raw responses."""
    session = get_session()
    if check:
        problems = compare_with_raw(session, month)
        for problem in problems:
            where = "" if problem.table == "response_tally" else f"{problem.table} "
            click.echo(f"  {where}{problem.key}: {', '.join(problem.slots[:8])}", err=True)
        if problems:
            click.echo(_("%(count)d aggregate group(s) differ from the responses.", count=len(problems)), err=True)
            raise SystemExit(1)
        click.echo(_("The aggregates match the responses."))
        return
    summary = RebuildSummary(responses=0, groups=0)
    for one in [month] if month is not None else all_months(session):
        summary += rebuild_month(session, one)
        # The one named exception to "a command commits once, at its end" (docs/ARCHITECTURE.md):
        # each month is committed as soon as it is rebuilt, so rebuilding years of responses
        # never holds every month's lock (or SQLite's write lock) for the whole run. A failure
        # keeps the months already rebuilt and rolls back only the month it stopped in.
        session.commit()
    message = _(
        "Aggregates rebuilt from %(responses)d responses in %(groups)d groups.",
        responses=summary.responses,
        groups=summary.groups,
    )
    click.echo(message)


@click.command("backup")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Backup file to write.")
def backup_command(output: Path) -> None:
    """Back up the database while it runs (SQLite online backup, or pg_dump custom format)."""
    try:
        backups.backup(get_engine(), output, pg_bin=current_app.config["PG_BIN"])
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_("Backup written to %(path)s.", path=str(output)))


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already has tables.")
def restore_command(file: Path, force: bool) -> None:
    """Restore a backup made by `backup` into DATABASE_URL."""
    try:
        backups.restore(get_engine(), file, force=force, pg_bin=current_app.config["PG_BIN"])
    except backups.DatabaseNotEmpty as exc:
        raise click.ClickException(
            _("The database %(name)s is not empty; nothing was restored. Use --force to replace it.", name=str(exc))
        ) from exc
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(_("Restored %(path)s.", path=str(file)))


COMMANDS = [rebuild_aggregates, backup_command, restore_command]
