"""A province's own questions: an XLSForm added to a stored questionnaire as its next version
(docs/XLSFORM.md). The questions of an earlier upload are replaced, the standard ones are kept."""
from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.sipas import KIOSK_FORM_ID
from surveyapp.definitions.model import Definition
from surveyapp.definitions.xlsform import ORIGIN, XlsFormRejected, XlsProblem, added_sections, read_workbook
from surveyapp.models import SurveyDefinitionRecord
from surveyapp.services.survey.definitions import current_definition

DEFINITION_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class XlsFormResult:
    definition_id: str
    version: int
    questions: int  # questions and notes added


def _checksum(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _standard_part(body: dict[str, Any]) -> dict[str, Any]:
    """The stored body without what an earlier XLSForm added."""
    kept = copy.deepcopy(body)
    kept["sections"] = [
        {**section, "items": [item for item in section["items"] if item.get("origin") != ORIGIN]}
        for section in kept["sections"] if section.get("origin") != ORIGIN
    ]
    return kept


def import_xlsform(
    session: Session, source: Path | BinaryIO, definition_id: str, *, store_as: str | None = None
) -> XlsFormResult:
    """Store the questionnaire `definition_id` with the form's questions as its next version.
    store_as: store it as the next version of this questionnaire id instead (a campaign's own
    questionnaire: the regular one is left as it is). Raises XlsFormRejected with every problem
    (nothing is added then)."""
    if definition_id == KIOSK_FORM_ID:
        # The tablet shows its fixed short form one question a screen: it cannot ask added ones.
        raise XlsFormRejected([XlsProblem("-", None, "--into", _l(
            "the kiosk's short form %(id)s cannot take added questions", id=definition_id))])
    found = current_definition(session, definition_id) if DEFINITION_ID.match(definition_id) else None
    if found is None:
        raise XlsFormRejected([XlsProblem("-", None, "--into", _l("unknown questionnaire %(id)s", id=definition_id))])
    record, _definition = found
    body = _standard_part(record.body)
    sections = added_sections(read_workbook(source), body)
    stored_id = store_as or definition_id
    latest = session.scalar(select(func.max(SurveyDefinitionRecord.version))
                            .where(SurveyDefinitionRecord.definition_id == stored_id)) or 0
    body["id"] = stored_id
    body["version"] = latest + 1
    body["sections"] = body["sections"] + sections
    Definition.from_dict(body)  # the stored body must read back (every expression parses)
    session.add(SurveyDefinitionRecord(definition_id=stored_id, version=body["version"],
                                       checksum=_checksum(body), body=body))
    session.flush()
    return XlsFormResult(stored_id, body["version"], sum(len(s["items"]) for s in sections))
