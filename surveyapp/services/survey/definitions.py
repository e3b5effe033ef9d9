"""Stored questionnaire versions: loading files into the database and fetching the current one."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from analysis.sipas import FULL_FORM_ID
from surveyapp.definitions import Definition, DefinitionError, load_definitions_dir
from surveyapp.definitions.loader import Problem
from surveyapp.models import SurveyDefinitionRecord


@dataclass(frozen=True)
class SyncResult:
    added: list[tuple[str, int]]
    unchanged: list[tuple[str, int]]


def _checksum(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sync_definitions(session: Session, directory: Path) -> SyncResult:
    """Store every definition file's version that is not stored yet; safe to run twice.

    A file whose content changed without a new version number is refused: old responses
    would otherwise point at wording they never saw.
    """
    definitions = load_definitions_dir(directory)
    added, unchanged, problems = [], [], []
    new_records: list[SurveyDefinitionRecord] = []
    for definition in definitions:
        checksum = _checksum(definition.raw)
        existing = session.scalar(
            select(SurveyDefinitionRecord).where(
                SurveyDefinitionRecord.definition_id == definition.id,
                SurveyDefinitionRecord.version == definition.version,
            )
        )
        if existing is None:
            new_records.append(
                SurveyDefinitionRecord(
                    definition_id=definition.id,
                    version=definition.version,
                    checksum=checksum,
                    body=definition.raw,
                )
            )
            added.append((definition.id, definition.version))
        elif existing.checksum != checksum:
            problems.append(
                Problem(
                    f"{definition.id}.toml",
                    None,
                    f"content differs from stored version {definition.version}; increase `version`",
                )
            )
        else:
            unchanged.append((definition.id, definition.version))
    if problems:
        raise DefinitionError(problems)  # nothing added: all files or none
    session.add_all(new_records)
    session.flush()
    return SyncResult(added=added, unchanged=unchanged)


_parsed: dict[str, Definition] = {}


def definition_of(record: SurveyDefinitionRecord) -> Definition:
    """Stored versions never change, so their parsed form is cached by content checksum."""
    parsed = _parsed.get(record.checksum)
    if parsed is None:
        parsed = Definition.from_dict(record.body)
        _parsed[record.checksum] = parsed
    return parsed


def current_definition(session: Session, definition_id: str) -> tuple[SurveyDefinitionRecord, Definition] | None:
    """The highest stored version of a definition id."""
    # The body (~20 KB of JSON) is loaded only when this process has not parsed that version yet.
    record = session.scalar(
        select(SurveyDefinitionRecord)
        .options(defer(SurveyDefinitionRecord.body))
        .where(SurveyDefinitionRecord.definition_id == definition_id)
        .order_by(SurveyDefinitionRecord.version.desc())
        .limit(1)
    )
    if record is None:
        return None
    return record, definition_of(record)


def definition_version(
    session: Session, definition_id: str, version: int
) -> tuple[SurveyDefinitionRecord, Definition] | None:
    record = session.scalar(
        select(SurveyDefinitionRecord).where(
            SurveyDefinitionRecord.definition_id == definition_id,
            SurveyDefinitionRecord.version == version,
        )
    )
    return (record, definition_of(record)) if record else None


def question_labels(session: Session, lang: str, definition_id: str = FULL_FORM_ID) -> dict[str, str]:
    """Element titles, item labels and `expect.<code>` option labels of a questionnaire, for
    reports and exports that show ids as words."""
    labels: dict[str, str] = {}
    found = current_definition(session, definition_id)
    if found is None:
        return labels
    definition = found[1]
    for section in definition.sections:
        if section.element:
            labels[section.element] = section.title(lang)
    for item in definition.items:
        labels[item.id] = item.label(lang)
    if "expect" in definition.item_ids:
        for option in definition.item("expect").options:
            labels[f"expect.{option.code}"] = option.label(lang)
    return labels
