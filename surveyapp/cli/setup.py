from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from surveyapp.db import get_engine, get_session
from surveyapp.definitions import DefinitionError
from surveyapp.services.operations.demo import is_empty, load_demo
from surveyapp.services.survey.definitions import sync_definitions


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database at DATABASE_URL and load the survey definitions."""
    from surveyapp import migrate  # Alembic (and Mako) load for this command only, not for every start

    engine = get_engine()
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    click.echo(_what_init_db_did(before, after))
    try:
        result = sync_definitions(get_session(), Path(current_app.config["DEFINITIONS_DIR"]))
    except DefinitionError as exc:
        click.echo(_("Survey definitions were not loaded:"), err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1) from exc
    for definition_id, version in result.added:
        click.echo(_("Loaded definition %(id)s version %(version)s.", id=definition_id, version=version))
    for definition_id, version in result.unchanged:
        click.echo(_("Definition %(id)s version %(version)s is already loaded.", id=definition_id, version=version))


def _what_init_db_did(before: str | None, after: str | None) -> str:
    if before is None:
        return _("Created the database (revision %(after)s).", after=after)
    if before != after:
        return _("Upgraded the database from revision %(before)s to %(after)s.", before=before, after=after)
    return _("The database is already at the latest revision (%(after)s); nothing to do.", after=after)


@click.command("load-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when units already exist.")
@click.option("--months", default=6, show_default=True, help="Months of responses to generate.")
def load_demo_command(if_empty: bool, months: int) -> None:
    """Load a demo province, its counters and procedures, and synthetic responses."""
    session = get_session()
    if if_empty and not is_empty(session):
        click.echo(_("Units already exist; demo data not loaded."))
        return
    with click.progressbar(length=1, label=_("Generating demo responses")) as bar:
        count = load_demo(session, months=months)
        bar.update(1)
    click.echo(_("Demo data loaded: %(count)d responses.", count=count))


COMMANDS = [init_db, load_demo_command]
