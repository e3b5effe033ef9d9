"""A batch of appointment slips made from the web: one-time tokens for a counter (and optionally
a procedure), their links, and the batch as CSV. The same tokens as `make-tokens` mints
(`tokens.mint_tokens`); the caller (the request) commits and audits."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from surveyapp.models import Counter, Procedure, User
from surveyapp.services.accounts.accounts import can_manage_unit
from surveyapp.services.exports.cells import safe_row
from surveyapp.services.organisation.lookups import procedure_by_code
from surveyapp.services.organisation.manage import ManageError
from surveyapp.services.survey.tokens import mint_tokens

MAX_SLIPS = 400  # 50 A4 sheets of 8: a month of appointments at a busy counter
SLIPS_PER_SHEET = 8
CSV_COLUMNS = ["token", "url", "counter", "procedure"]  # the CLI's tokens.csv without its image files


@dataclass(frozen=True)
class Slip:
    token: str
    url: str


@dataclass(frozen=True)
class SlipBatch:
    counter: Counter
    procedure: Procedure | None
    slips: tuple[Slip, ...]

    def csv_text(self) -> str:
        """The batch as CSV (UTF-8 with a BOM for spreadsheets); every cell through safe_row."""
        out = io.StringIO()
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for slip in self.slips:
            writer.writerow(safe_row([slip.token, slip.url, self.counter.code,
                                      self.procedure.code if self.procedure else ""]))
        return out.getvalue()


def make_slips(
    session: Session, user: User, counter: Counter, count: int, procedure_code: str, base_url: str
) -> SlipBatch:
    """Mint `count` tokens for a counter the official may manage; ManageError names the field."""
    if not can_manage_unit(user, counter.unit):
        raise ManageError(_l("You may not make slips for this counter."), "counter")
    if not counter.takes_surveys:
        raise ManageError(_l("This counter is deactivated."), "counter")
    if not 1 <= count <= MAX_SLIPS:
        raise ManageError(_l("Between 1 and %(limit)d slips at a time.", limit=MAX_SLIPS), "count")
    procedure = None
    if procedure_code:
        procedure = procedure_by_code(session, procedure_code)
        if procedure is None:
            raise ManageError(_l("unknown procedure %(code)s", code=procedure_code), "procedure")
        if not procedure.active:
            raise ManageError(_l("This procedure is deactivated."), "procedure")
    tokens = mint_tokens(session, counter, count, procedure)
    return SlipBatch(counter, procedure, tuple(Slip(t, f"{base_url}/t/{t}") for t in tokens))
