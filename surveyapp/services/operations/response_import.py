"""Importing responses collected on paper or by other systems (docs/IMPORT.md).

All or nothing: every row is checked first (through `validate_answers`, the one validation
path the web form uses too) and only a file without a single bad row is written, in one
transaction. Rows whose `response_id` is already stored with the same content are skipped,
so importing a file twice never duplicates; the same id with different content is an error,
because an imported response is never silently overwritten.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from surveyapp.definitions import Definition
from surveyapp.definitions.answers import (
    INVALID_CHOICE,
    MULTIPLE_VALUES,
    REQUIRED,
    TOO_LONG,
    UNKNOWN_ITEM,
    UNKNOWN_PROCEDURE,
    AnswerError,
    validate_answers,
)
from surveyapp.definitions.model import Item
from surveyapp.models import Counter, Procedure, Response, SurveyDefinitionRecord, Unit
from surveyapp.periods import month_of
from surveyapp.services.operations.tabular import ImportRejected, RowError, read_table
from surveyapp.services.reporting.aggregates import record_tallies
from surveyapp.services.survey.definitions import definition_of
from surveyapp.timeutil import to_utc_naive

REQUIRED_COLUMNS: tuple[str, ...] = ("submitted_at", "unit", "channel", "survey")
OPTIONAL_COLUMNS: tuple[str, ...] = ("response_id", "counter", "survey_version", "procedure")
META_COLUMNS: frozenset[str] = frozenset(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)
CHANNELS: tuple[str, ...] = ("qr", "kiosk", "paper", "web")
MULTI_SEPARATOR = ";"
UID_MAX = 64
INSERT_CHUNK = 1000
# Fields that make up a response's content, compared when an id comes back.
CONTENT_FIELDS: tuple[str, ...] = (
    "definition_id",
    "definition_version",
    "unit_id",
    "counter_id",
    "procedure_id",
    "channel",
    "submitted_at",
    "answers",
    "comment",
)

Progress = Callable[[int, int], None]  # (rows just checked, rows in the file)


@dataclass
class ResponseImportSummary:
    imported: int = 0
    already_imported: int = 0
    months: dict[str, int] = field(default_factory=dict)  # imported rows per month (YYYY-MM)


@dataclass(frozen=True)
class _Lookups:
    """Everything a row is checked against, loaded once per file (no query per row)."""

    units: dict[str, Unit]
    counters: dict[str, Counter]
    procedures: dict[str, int]
    definitions: dict[str, dict[int, tuple[SurveyDefinitionRecord, Definition]]]
    comment_limit: int | None
    types_by_definition: dict[int, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, comment_limit: int | None) -> _Lookups:
        definitions: dict[str, dict[int, tuple[SurveyDefinitionRecord, Definition]]] = {}
        for record in session.scalars(select(SurveyDefinitionRecord)):
            definitions.setdefault(record.definition_id, {})[record.version] = (record, definition_of(record))
        return cls(
            units={u.code: u for u in session.scalars(select(Unit))},
            counters={c.code: c for c in session.scalars(select(Counter))},
            procedures={code: pk for code, pk in session.execute(select(Procedure.code, Procedure.id))},
            definitions=definitions,
            comment_limit=comment_limit,
        )

    def item_types(self, pk: int, definition: Definition) -> dict[str, str]:
        if pk not in self.types_by_definition:
            self.types_by_definition[pk] = {item.id: item.type for item in definition.items}
        return self.types_by_definition[pk]

    @property
    def item_ids(self) -> set[str]:
        return {item for versions in self.definitions.values() for _r, d in versions.values() for item in d.item_ids}


def import_responses(
    session: Session,
    path: Path,
    *,
    dry_run: bool = False,
    comment_limit: int | None = None,
    progress: Progress | None = None,
) -> ResponseImportSummary:
    """Check every row of the file, then add them all to the session (unless `dry_run`); the
    command or request commits them together.

    Raises ImportRejected listing every bad row; nothing is then written.
    """
    table = read_table(path, REQUIRED_COLUMNS, OPTIONAL_COLUMNS, open_columns=True)
    lookups = _Lookups.load(session, comment_limit)
    known_items = lookups.item_ids
    errors = [
        RowError(1, c, _l("unknown column")) for c in table.header if c not in META_COLUMNS and c not in known_items
    ]
    if errors:
        raise ImportRejected(errors)

    item_columns = [c for c in table.header if c not in META_COLUMNS]
    rows: list[dict[str, Any]] = []
    first_row_of_id: dict[str, int] = {}
    row_number_of_id: dict[str, int] = {}
    for done, (number, values) in enumerate(table.rows, start=1):
        row = _check_row(number, values, item_columns, lookups, errors)
        uid = values.get("response_id", "")
        if uid:
            if uid in first_row_of_id:
                errors.append(
                    RowError(
                        number,
                        "response_id",
                        _l("response_id %(id)s already appears in row %(row)s", id=uid, row=first_row_of_id[uid]),
                    )
                )
                row = None
            else:
                first_row_of_id[uid] = number
        if row is not None:
            rows.append(row)
            if uid:
                row_number_of_id[row["uid"]] = number
        if progress is not None and done % 500 == 0:
            progress(500, len(table.rows))
    if progress is not None:
        progress(len(table.rows) % 500, len(table.rows))

    to_insert, skipped = _split_already_imported(session, rows, row_number_of_id, errors)
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))

    summary = ResponseImportSummary(imported=len(to_insert), already_imported=skipped)
    for row in to_insert:
        summary.months[row["month"]] = summary.months.get(row["month"], 0) + 1
    if dry_run:
        return summary
    try:
        # A savepoint, so a refused insert leaves the caller's transaction usable and unchanged.
        with session.begin_nested():
            for start in range(0, len(to_insert), INSERT_CHUNK):
                session.execute(insert(Response), to_insert[start : start + INSERT_CHUNK])
            record_tallies(session, to_insert)  # monthly aggregates, same transaction
    except IntegrityError:
        # Another import stored one of these ids between our check and our insert.
        raise ImportRejected(
            [
                RowError(
                    1,
                    "response_id",
                    _l("another import stored some of these responses meanwhile; run the import again"),
                )
            ]
        ) from None
    return summary


def _check_row(
    number: int,
    values: dict[str, str],
    item_columns: list[str],
    lookups: _Lookups,
    errors: list[RowError],
) -> dict[str, Any] | None:
    """One row as a `response` insert dict, or None after appending its errors."""
    before = len(errors)

    def bad(column: str, reason: str | LazyString) -> None:
        errors.append(RowError(number, column, reason))

    uid = values.get("response_id", "")
    if len(uid) > UID_MAX:
        bad("response_id", _l("longer than %(limit)s characters", limit=UID_MAX))

    submitted_at = _parse_moment(values["submitted_at"])
    if not values["submitted_at"]:
        bad("submitted_at", _l("a value is required"))
    elif submitted_at is None:
        bad("submitted_at", _l("not an ISO 8601 date and time (e.g. 2026-11-21T09:30:00+07:00)"))

    unit = lookups.units.get(values["unit"])
    if not values["unit"]:
        bad("unit", _l("a value is required"))
    elif unit is None:
        bad("unit", _l("unknown unit %(code)s", code=values["unit"]))

    counter = None
    counter_code = values.get("counter", "")
    if counter_code:
        counter = lookups.counters.get(counter_code)
        if counter is None:
            bad("counter", _l("unknown counter %(code)s", code=counter_code))
        elif unit is not None and counter.unit_id != unit.id:
            bad(
                "counter",
                _l("counter %(counter)s does not belong to unit %(unit)s", counter=counter_code, unit=unit.code),
            )

    channel = values["channel"]
    if channel not in CHANNELS:
        bad("channel", _l("must be one of: %(codes)s", codes=", ".join(CHANNELS)))

    found = _definition(values, lookups, bad)

    procedure_code = values.get("procedure", "")
    if procedure_code and procedure_code not in lookups.procedures:
        bad("procedure", _l("unknown procedure %(code)s", code=procedure_code))

    if found is None:
        return None
    record, definition = found
    # Definition.item_ids is rebuilt on every access: look item types up in a per-file dict.
    item_types = lookups.item_types(record.id, definition)
    submitted: dict[str, list[str]] = {}
    unknown: dict[str, AnswerError] = {}
    for column in item_columns:
        value = values[column]
        if not value:
            continue  # empty: not answered (for a criterion: not applicable)
        kind = item_types.get(column)
        if kind is None:
            unknown[column] = AnswerError(UNKNOWN_ITEM)  # as validate_answers(reject_unknown=True)
        elif kind == "multi":
            submitted[column] = [code.strip() for code in value.split(MULTI_SEPARATOR)]
        else:
            submitted[column] = [_normalised(value) if kind in ("rating", "choice") else value]
    if procedure_code and "procedure" in item_types:
        submitted["procedure"] = [procedure_code]
    validated = validate_answers(
        definition,
        submitted,
        lambda code: code in lookups.procedures,
        comment_limit=lookups.comment_limit,
    )
    for item_id, error in {**unknown, **validated.errors}.items():
        if item_id == "procedure" and error.code == UNKNOWN_PROCEDURE:
            continue  # already reported above
        bad(item_id, _answer_message(definition, item_id, error))
    if len(errors) > before or submitted_at is None or unit is None:
        return None
    return {
        "uid": uid or uuid.uuid4().hex,
        "definition_pk": record.id,
        "definition_id": record.definition_id,
        "definition_version": record.version,
        "unit_id": unit.id,
        "counter_id": counter.id if counter else None,
        "procedure_id": lookups.procedures[procedure_code] if procedure_code else None,
        "channel": channel,
        "language": "vi",
        "submitted_at": submitted_at,
        "month": month_of(submitted_at),
        "answers": validated.answers,
        "comment": validated.comment,
    }


def _normalised(value: str) -> str:
    """`NA` as `na`, and a whole number written by a spreadsheet as `4.0` as `4`."""
    if value.lower() == "na":
        return "na"
    whole, dot, zeros = value.partition(".")
    return whole if dot and whole.isdigit() and zeros and set(zeros) == {"0"} else value


def _definition(
    values: dict[str, str], lookups: _Lookups, bad: Callable[[str, Any], None]
) -> tuple[SurveyDefinitionRecord, Definition] | None:
    """The row's questionnaire: `survey` at `survey_version`, or its highest stored version."""
    survey = values["survey"]
    versions = lookups.definitions.get(survey)
    if not survey:
        bad("survey", _l("a value is required"))
        return None
    if versions is None:
        bad("survey", _l("unknown survey %(id)s", id=survey))
        return None
    wanted = values.get("survey_version", "")
    if not wanted:
        return versions[max(versions)]
    if not wanted.isdigit() or int(wanted) not in versions:
        bad("survey_version", _l("survey %(id)s has no version %(version)s", id=survey, version=wanted))
        return None
    return versions[int(wanted)]


def _parse_moment(text: str) -> datetime | None:
    """ISO 8601 date and time as naive UTC; no offset means Vietnam time (+07:00)."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.year < 2000:
        return None  # a typo, not a survey of this century
    return to_utc_naive(moment)


def _answer_message(definition: Definition, item_id: str, error: AnswerError) -> str | LazyString:
    """Messages for an operator fixing a file: say what the cell may hold."""
    if error.code == REQUIRED:
        return _l("a value is required")
    if error.code == TOO_LONG:
        return _l("longer than %(limit)s characters", limit=error.limit)
    if error.code == UNKNOWN_ITEM:
        return _l("not a question of survey %(id)s: leave this cell empty", id=definition.id)
    if error.code == MULTIPLE_VALUES:
        return _l("only one answer is allowed")
    if error.code == INVALID_CHOICE:
        item = definition.item(item_id)
        return _allowed_message(item)
    if error.code == UNKNOWN_PROCEDURE:
        return _l("unknown procedure code")
    return _l("not a valid answer")


def _allowed_message(item: Item) -> LazyString:
    if item.type == "rating":
        if item.not_applicable is not None:
            return _l("must be 1 to 5, or %(na)s (not applicable)", na=item.not_applicable.code)
        return _l("must be 1 to 5")
    if item.type == "multi":
        return _l("codes separated by ';', each one of: %(codes)s", codes=", ".join(item.codes))
    return _l("must be one of: %(codes)s", codes=", ".join(item.codes))


def _split_already_imported(
    session: Session, rows: list[dict[str, Any]], row_number_of_id: dict[str, int], errors: list[RowError]
) -> tuple[list[dict[str, Any]], int]:
    """Drop rows whose id is stored with the same content; flag ids stored with other content."""
    ids = list(row_number_of_id)
    stored: dict[str, Response] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        stored.update({r.uid: r for r in session.scalars(select(Response).where(Response.uid.in_(chunk)))})
    if not stored:
        return rows, 0
    fresh = []
    skipped = 0
    for row in rows:
        existing = stored.get(row["uid"])
        if existing is None:
            fresh.append(row)
        elif _same_content(existing, row):
            skipped += 1
        else:
            errors.append(
                RowError(
                    row_number_of_id[row["uid"]],
                    "response_id",
                    _l(
                        "response %(id)s was already imported with different content; "
                        "imported responses are never changed",
                        id=row["uid"],
                    ),
                )
            )
    return fresh, skipped


def _same_content(existing: Response, row: dict[str, Any]) -> bool:
    return all(getattr(existing, name) == row[name] for name in CONTENT_FIELDS)
