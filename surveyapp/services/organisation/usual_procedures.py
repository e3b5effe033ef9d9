"""The procedures a counter's form lists: the few a citizen there usually names.

A province's catalogue holds ~2,000 procedures; sending them all with every form made it 265 KB.
The form now lists at most `FORM_PROCEDURES` (the rest are found by the picker's search,
`procedure_search.py`):

1. the procedures a manager set for the counter on its page (`counter_procedure`), in that
   order, and only those when there are any;
2. otherwise the ones most answered at this counter in the months overlapping the last
   `USUAL_PROCEDURES_DAYS` days, read from the monthly tallies (`response_tally`, one row per
   month × procedure rather than one per response), then the catalogue's own order to fill up.
"""
from __future__ import annotations

import re
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from surveyapp.models import Counter, CounterProcedure, Procedure, User, response_tally
from surveyapp.models.operations import slot_column
from surveyapp.periods import month_of
from surveyapp.services.accounts.accounts import EDITOR_ROLES, scope_path
from surveyapp.services.organisation.manage import ManageError
from surveyapp.timeutil import utc_now_naive

FORM_PROCEDURES = 50  # the most a form names (issue 17: under 25 KB compressed with 1,800)
_CODE_SEPARATORS = re.compile(r"[\s,;]+")


def set_procedures(session: Session, counter: Counter) -> list[Procedure]:
    """The procedures a manager set for the counter, in their order (empty: none set)."""
    statement = (
        select(Procedure)
        .join(CounterProcedure, CounterProcedure.procedure_id == Procedure.id)
        .where(CounterProcedure.counter_id == counter.id)
        .order_by(CounterProcedure.position)
    )
    return list(session.scalars(statement))


def learned_procedures(session: Session, counter: Counter, days: int, limit: int = FORM_PROCEDURES) -> list[Procedure]:
    """The counter's most answered procedures in the months overlapping the last `days` days."""
    since = month_of(utc_now_naive() - timedelta(days=days))
    answered = func.sum(response_tally.c[slot_column("n")])
    counts = (
        select(response_tally.c.procedure_id, answered.label("answered"))
        .where(response_tally.c.counter_id == counter.id, response_tally.c.month >= since,
               response_tally.c.procedure_id != 0)
        .group_by(response_tally.c.procedure_id)
        .subquery()
    )
    statement = (
        select(Procedure)
        .join(counts, counts.c.procedure_id == Procedure.id)
        .order_by(counts.c.answered.desc(), Procedure.code)
        .limit(limit)
    )
    return list(session.scalars(statement))


def form_procedures(session: Session, counter: Counter, days: int, limit: int = FORM_PROCEDURES) -> list[Procedure]:
    """What the counter's form lists (module docstring): at most `limit` procedures."""
    chosen = set_procedures(session, counter)
    if chosen:
        return chosen[:limit]
    usual = learned_procedures(session, counter, days, limit)
    if len(usual) < limit:
        taken = [p.id for p in usual] or [0]
        usual += session.scalars(
            select(Procedure).where(Procedure.id.not_in(taken))
            .order_by(Procedure.field, Procedure.code).limit(limit - len(usual))
        )
    return usual


def save_set_procedures(session: Session, user: User, counter: Counter, codes_text: str) -> list[Procedure]:
    """Replace the counter's set procedures by the codes of `codes_text` (separated by spaces,
    commas, semicolons or lines; empty: none set, the form learns them again). The caller commits."""
    if user.role not in EDITOR_ROLES:
        raise ManageError(_l("Only administrators and managers change units and counters."))
    prefix = scope_path(user)
    if prefix is not None and not counter.unit.path.startswith(prefix):
        raise ManageError(_l("This counter is outside your units."))
    codes = list(dict.fromkeys(code for code in _CODE_SEPARATORS.split(codes_text) if code))
    if len(codes) > FORM_PROCEDURES:
        raise ManageError(_l("At most %(limit)d procedures.", limit=FORM_PROCEDURES), "codes")
    found = {p.code: p for p in session.scalars(select(Procedure).where(Procedure.code.in_(codes)))} if codes else {}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ManageError(_l("Unknown procedure codes: %(codes)s", codes=", ".join(unknown[:10])), "codes")
    session.execute(delete(CounterProcedure).where(CounterProcedure.counter_id == counter.id))
    session.add_all(
        CounterProcedure(counter_id=counter.id, procedure_id=found[code].id, position=position)
        for position, code in enumerate(codes)
    )
    session.flush()
    return [found[code] for code in codes]
