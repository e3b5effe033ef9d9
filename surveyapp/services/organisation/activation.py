"""Deactivating and reactivating units, counters and procedures.

Nothing is deleted: responses, tallies and reports keep pointing at the record. A deactivated
counter (or a counter under a deactivated unit: `Counter.takes_surveys`) takes no new survey,
its links show a polite page, and the pickers (slips, tablets, the survey's procedure list) leave
it out. Who may: managers for the units and counters of their subtree, administrators for
everything; the shared procedure catalogue only administrators. The caller audits and commits.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from surveyapp.models import Counter, Procedure, Unit, User
from surveyapp.services.accounts.accounts import can_manage_unit
from surveyapp.services.organisation.manage import ManageError

Record = Unit | Counter | Procedure


def set_active(session: Session, user: User, record: Record, active: bool) -> Record:
    if isinstance(record, Procedure):
        if user.role != "admin":
            raise ManageError(_l("Only an administrator changes the procedure catalogue."))
    else:
        unit = record if isinstance(record, Unit) else record.unit
        if not can_manage_unit(user, unit):
            raise ManageError(_l("Only administrators and managers change units and counters."))
        if isinstance(record, Unit) and record.parent is None and user.role != "admin" and not active:
            raise ManageError(_l("Only an administrator deactivates a top-level unit."))
    record.active = active
    session.flush()
    return record


def audit_action(record: Record, active: bool) -> str:
    """`unit_deactivated`, `counter_reactivated`, ... (their words: surveyapp/audit_labels.py)."""
    kind = {Unit: "unit", Counter: "counter", Procedure: "procedure"}[type(record)]
    return f"{kind}_{'reactivated' if active else 'deactivated'}"
