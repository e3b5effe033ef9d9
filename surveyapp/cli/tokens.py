from __future__ import annotations

import csv
from pathlib import Path

import click
from flask import current_app
from flask_babel import gettext as _

from surveyapp.db import get_session
from surveyapp.services.exports.cells import safe_row
from surveyapp.services.organisation.lookups import counter_by_code, procedure_by_code
from surveyapp.services.survey.qr import qr_png, qr_svg
from surveyapp.services.survey.tokens import mint_tokens


@click.command("make-tokens")
@click.option("--counter", "counter_code", required=True, help="Counter code the slips belong to.")
@click.option("-n", "count", type=click.IntRange(1, 100_000), required=True, help="How many tokens.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder to write into.")
@click.option("--procedure", "procedure_code", default=None, help="Procedure code to pre-fill (optional).")
@click.option("--image", type=click.Choice(["svg", "png"]), default="svg", show_default=True, help="QR image format.")
def make_tokens(counter_code: str, count: int, output: Path, procedure_code: str | None, image: str) -> None:
    """Mint one-time survey tokens for appointment slips: tokens.csv plus one QR image each."""
    session = get_session()
    counter = counter_by_code(session, counter_code)
    if counter is None:
        raise click.BadParameter(_("unknown counter %(code)s", code=counter_code), param_hint="--counter")
    procedure = None
    if procedure_code:
        procedure = procedure_by_code(session, procedure_code)
        if procedure is None:
            raise click.BadParameter(_("unknown procedure %(code)s", code=procedure_code), param_hint="--procedure")
    output.mkdir(parents=True, exist_ok=True)
    tokens = mint_tokens(session, counter, count, procedure)
    base = current_app.config["PUBLIC_BASE_URL"]
    with (output / "tokens.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["token", "url", "counter", "procedure", "qr_file"])
        with click.progressbar(tokens, label=_("Writing QR codes")) as progress:
            for token in progress:
                url = f"{base}/t/{token}"
                filename = f"{token}.{image}"
                if image == "svg":
                    (output / filename).write_text(qr_svg(url), encoding="utf-8")
                else:
                    (output / filename).write_bytes(qr_png(url))
                writer.writerow(safe_row([token, url, counter.code, procedure.code if procedure else "", filename]))
    click.echo(_("%(count)d tokens written to %(path)s.", count=count, path=str(output / "tokens.csv")))


COMMANDS = [make_tokens]
