"""Forms and versions (issue 12, item 6; docs/ANALYSIS.md, "Forms and versions").

The service index pools every answered item of every respondent (Σy/Σm). A kiosk respondent
gives one item per element (5), a full-form respondent up to 22 criteria, so pooling weighs
full-form respondents more. The report therefore also gives the index of each questionnaire on
its own, and notes whenever it pools more than one questionnaire or more than one version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .indices import service_of
from .model import Note, PooledRate
from .rates import check_tally, count_of
from .sipas import FULL_FORM_ID, KIOSK_FORM_ID, MIN_RESPONSES
from .tally import empty_tally

#: Note codes (labels in surveyapp/labels.py).
FORMS_POOLED = "forms_pooled"
VERSIONS_POOLED = "versions_pooled"


def service_by_form(
    tallies_by_form: Mapping[str, np.ndarray],
    targets: Mapping[str, float | None] | None = None,
    *,
    min_responses: int = MIN_RESPONSES,
) -> dict[str, PooledRate]:
    """The service index of each questionnaire's respondents: the full form and the kiosk form
    always (an insufficient rate when it has no respondents), then any other form by id."""
    forms = [FULL_FORM_ID, KIOSK_FORM_ID, *sorted(set(tallies_by_form) - {FULL_FORM_ID, KIOSK_FORM_ID})]
    return {
        form: service_of(check_tally(tallies_by_form.get(form, empty_tally())), targets, min_responses=min_responses)
        for form in forms
    }


def pooling_notes(
    tallies_by_form: Mapping[str, np.ndarray], versions: Sequence[tuple[str, int, int]]
) -> tuple[Note, ...]:
    """Notes for the reader: `forms_pooled` when respondents of more than one questionnaire are
    pooled (with each form's respondents and answered items of the service index), and
    `versions_pooled` when a questionnaire's responses of the period come from more than one of
    its versions (`versions`: (form, version, responses))."""
    notes: list[Note] = []
    answered = {
        form: (count_of(check_tally(t), "service.k"), count_of(check_tally(t), "service.m"))
        for form, t in sorted(tallies_by_form.items())
        if count_of(check_tally(t), "n") > 0
    }
    if len(answered) > 1:
        notes.append(Note(code=FORMS_POOLED, details={
            "forms": {form: {"respondents": k, "items": m} for form, (k, m) in answered.items()},
        }))
    per_form: dict[str, list[tuple[int, int]]] = {}
    for form, version, responses in versions:
        if responses > 0:
            per_form.setdefault(form, []).append((version, responses))
    pooled = {form: sorted(found) for form, found in sorted(per_form.items()) if len(found) > 1}
    if pooled:
        notes.append(Note(code=VERSIONS_POOLED, details={
            "versions": {form: [{"version": v, "responses": n} for v, n in found] for form, found in pooled.items()},
        }))
    return tuple(notes)
