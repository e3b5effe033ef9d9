"""`import-feedback`: complaints and petitions from a CSV or XLSX file (docs/IMPORT.md)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from surveyapp.models import Feedback
from surveyapp.services.integration.feedback import (
    OPTIONAL,
    REASONS,
    REQUIRED,
    FeedbackFacts,
    all_clients,
    apply_feedback,
    feedback_hash,
    parse_feedback,
    stored_feedback,
)
from surveyapp.services.operations.tabular import ImportRejected, RowError, read_table
from surveyapp.timeutil import utc_now_naive


@dataclass(frozen=True)
class FeedbackImportSummary:
    created: int
    updated: int
    dossiers_linked: int  # rows whose dossier_code named a posted dossier
    dossiers_unknown: int  # rows whose dossier_code matched no posted dossier (yet)


def import_feedback(session: Session, path: Path, key: str) -> FeedbackImportSummary:
    """Every row is checked first; any problem and nothing is stored (ImportRejected)."""
    table = read_table(path, REQUIRED, OPTIONAL)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    parsed: list[FeedbackFacts] = []
    for number, row in table.rows:
        facts, problems = parse_feedback(session, {name: value or None for name, value in row.items()})
        errors.extend(RowError(number, p.field, REASONS[p.reason]) for p in problems)
        if facts is None:
            continue
        if facts.code in seen:
            errors.append(RowError(number, "code", _l("this code already appears in row %(row)s",
                                                      row=seen[facts.code])))
            continue
        seen[facts.code] = number
        parsed.append(facts)
    if errors:
        raise ImportRejected(errors)
    clients = all_clients(session)
    created = updated = linked = unknown = 0
    for facts in parsed:
        feedback = stored_feedback(session, key, facts.code)
        if feedback is None:
            feedback = Feedback(code_hash=feedback_hash(key, facts.code), created_at=utc_now_naive())
            apply_feedback(session, feedback, facts, key, clients)  # before add: its look-ups autoflush
            session.add(feedback)
            created += 1
        else:
            apply_feedback(session, feedback, facts, key, clients)
            feedback.updated_at = utc_now_naive()
            updated += 1
        if facts.dossier_code is not None:
            linked += feedback.dossier_id is not None
            unknown += feedback.dossier_id is None
    session.flush()
    return FeedbackImportSummary(created, updated, linked, unknown)

