"""How long a questionnaire takes, said honestly on the poster and the form's introduction.

Either the file states it (`duration_minutes`, checked by the loader against this estimate) or
it is estimated from its items: the seconds a respondent on a phone needs per item type, plus
reading the introduction and sending, rounded up to whole minutes. Items shown only after some
answer (`show_if`) are counted too: the estimate is for someone who sees them all.
"""
from __future__ import annotations

import math

from surveyapp.definitions.model import Definition

#: Seconds per item by type, measured against the 5-point scale read on a phone: a rating is a
#: short statement and one tap, a choice a few options, several choices or a procedure search
#: take longer, and a comment box is a sentence typed.
SECONDS_PER_ITEM = {"rating": 8, "choice": 10, "multi": 15, "procedure": 20, "text": 30}
SECONDS_OTHER_ITEM = 10
SECONDS_START_AND_SEND = 20


def estimated_seconds(definition: Definition) -> int:
    per_item = (SECONDS_PER_ITEM.get(item.type, SECONDS_OTHER_ITEM) for item in definition.items)
    return SECONDS_START_AND_SEND + sum(per_item)


def estimated_minutes(definition: Definition) -> int:
    """The estimate from the items, in whole minutes, rounded up."""
    return max(1, math.ceil(estimated_seconds(definition) / 60))


def duration_minutes(definition: Definition) -> int:
    """What to promise: the file's `duration_minutes` if it states one, else the estimate."""
    stated = definition.raw.get("duration_minutes")
    return int(stated) if stated else estimated_minutes(definition)
