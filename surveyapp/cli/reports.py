"""Imports of responses and dossier volumes, per-unit targets, and the monthly report
(docs/IMPORT.md, docs/REPORT.md)."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask_babel import gettext as _

from surveyapp.cli.common import fail_with_rows
from surveyapp.db import discard_changes, get_reports_session, get_session
from surveyapp.services.exports.report import report_csv, write_report_xlsx
from surveyapp.services.operations.response_import import import_responses
from surveyapp.services.operations.tabular import ImportRejected
from surveyapp.services.operations.volumes import import_volumes
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.targets import effective_targets, set_targets

FileArg = click.Path(exists=True, dir_okay=False, path_type=Path)


class _Progress:
    """A progress bar on stderr, opened once the service knows how many rows the file has."""

    def __init__(self) -> None:
        self._bar: Any = None

    def __call__(self, step: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=_("Checking rows"), file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(step)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


@click.command("import-responses")
@click.argument("file", type=FileArg)
@click.option("--dry-run", is_flag=True, help="Check the file and report problems; store nothing.")
def import_responses_command(file: Path, dry_run: bool) -> None:
    """Import responses from CSV or XLSX (all or nothing; see docs/IMPORT.md)."""
    progress = _Progress()
    try:
        summary = import_responses(
            get_session(),
            file,
            dry_run=dry_run,
            comment_limit=current_app.config["COMMENT_MAX_LENGTH"],
            progress=progress,
        )
    except ImportRejected as exc:
        progress.close()
        fail_with_rows(exc)
        return
    progress.close()
    if dry_run:
        discard_changes()  # a dry run stores nothing, whatever the service did
        click.echo(_("Dry run: the file is valid; %(new)d response(s) would be imported, %(old)d already imported.",
                     new=summary.imported, old=summary.already_imported))
    else:
        click.echo(_("Imported %(new)d response(s); %(old)d already imported (skipped).",
                     new=summary.imported, old=summary.already_imported))
    for month, count in sorted(summary.months.items()):
        click.echo(f"  {month}: {count}")


@click.command("import-volumes")
@click.argument("file", type=FileArg)
def import_volumes_command(file: Path) -> None:
    """Import monthly dossier volumes: columns unit, month (YYYY-MM), dossiers."""
    try:
        summary = import_volumes(get_session(), file)
    except ImportRejected as exc:
        fail_with_rows(exc)
        return
    click.echo(_("Imported: %(created)d new, %(updated)d updated.", created=summary.created, updated=summary.updated))


@click.command("report")
@click.option("--unit", "unit_code", required=True, help="Unit code; the report covers its whole subtree.")
@click.option("--month", default=None, help="Month as YYYY-MM (Vietnam time); the same as --period for a month.")
@click.option("--period", default=None,
              help="Period (Vietnam time): 2026-11, 2026-Q3, 2026-H1, 2026, 2026-YTD or 2026-01..2026-05 "
                   "(at most 36 months).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write (stdout when omitted; required for xlsx).",
)
@click.option(
    "--funnel-center",
    type=click.Choice(["parent", "target"]),
    default="parent",
    show_default=True,
    help="Centre line of the sub-units' funnel: the parent's rate (each sub-unit left out) or the target.",
)
def report_command(
    unit_code: str, month: str | None, period: str | None, fmt: str, output: Path | None, funnel_center: str
) -> None:
    """The report of a unit for a month or a period (docs/REPORT.md)."""
    # Imported here: the statistics (numpy, scipy) load when a report is made, not with every command.
    from surveyapp.services.reporting.reports import ReportError, period_report, resolve_period_scope, resolve_scope

    if (month is None) == (period is None):
        click.echo(_("Give either --month or --period."), err=True)
        raise SystemExit(1)
    if fmt == "xlsx" and output is None:
        click.echo(_("--output is required for the xlsx format."), err=True)
        raise SystemExit(1)
    session = get_reports_session()  # a read: the reporting replica when one is configured
    try:
        if month is not None:
            scope = resolve_scope(session, unit_code, month)
        else:
            scope = resolve_period_scope(session, unit_code, str(period))
        report = period_report(
            session, scope.unit, scope.month, funnel_center, min_responses=current_app.config["MIN_RESPONSES"]
        )
    except ReportError as exc:
        click.echo(_("No report: %(reason)s", reason=str(exc)), err=True)
        raise SystemExit(1) from None
    if fmt == "xlsx":
        assert output is not None
        write_report_xlsx(session, report, output)
        click.echo(_("Report written to %(path)s.", path=str(output)), err=True)
        return
    if fmt == "json":
        data = (json.dumps(report.to_json(), ensure_ascii=False, indent=2, allow_nan=False) + "\n").encode("utf-8")
    else:
        data = report_csv(session, report)
    if output is None:
        click.echo(data, nl=False)  # bytes: written as is (the CSV keeps its BOM)
    else:
        output.write_bytes(data)
        click.echo(_("Report written to %(path)s.", path=str(output)), err=True)


@click.command("set-targets")
@click.option("--unit", "unit_code", required=True, help="Unit code.")
@click.option("--clear", is_flag=True, help="Remove the unit's own overrides (it inherits again).")
@click.argument("pairs", nargs=-1)
def set_targets_command(unit_code: str, clear: bool, pairs: tuple[str, ...]) -> None:
    """Override report targets of a unit: KEY=VALUE (a fraction 0–1, or `none` for no target).
    Without pairs, print the unit's effective targets."""
    session = get_session()
    unit = unit_by_code(session, unit_code)
    if unit is None:
        click.echo(_("unknown unit %(code)s", code=unit_code), err=True)
        raise SystemExit(1)
    if clear or pairs:
        overrides: dict[str, float | None] = {} if clear else dict(unit.targets or {})
        try:
            for pair in pairs:
                key, sep, value = pair.partition("=")
                if not sep:
                    raise ValueError(pair)
                overrides[key.strip()] = None if value.strip().lower() == "none" else float(value)
            set_targets(session, unit, overrides)
        except ValueError as exc:
            click.echo(_("Targets not changed: %(reason)s", reason=str(exc)), err=True)
            raise SystemExit(1) from None
    click.echo(json.dumps(effective_targets(unit), indent=2, sort_keys=True))


COMMANDS = [import_responses_command, import_volumes_command, report_command, set_targets_command]
