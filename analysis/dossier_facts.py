"""Where the facts of dossier-linked responses came from (the report's `dossier_facts` block).

Each response answered from a dossier's link records `{"dossier": {item: value}, "citizen":
{item: value}}`: what the dossier told and what the citizen reported. This counts, per fact,
both sources and how often they disagree where both exist.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .model import DossierFactSources, FactSource

#: The questionnaire's facts a dossier can know (docs/INTEGRATION.md).
DOSSIER_FACTS = ("procedure", "submit_channel", "receive_channel", "ontime", "apology")


def fact_sources_of(records: Iterable[Mapping[str, Any]]) -> DossierFactSources:
    counts = {fact: [0, 0, 0, 0] for fact in DOSSIER_FACTS}
    responses = 0
    for record in records:
        responses += 1
        dossier = record.get("dossier") or {}
        citizen = record.get("citizen") or {}
        for fact, tally in counts.items():
            from_dossier, from_citizen = fact in dossier, fact in citizen
            tally[0] += from_dossier
            tally[1] += from_citizen
            if from_dossier and from_citizen:
                tally[2] += 1
                tally[3] += dossier[fact] != citizen[fact]
    return DossierFactSources(
        responses=responses, facts={fact: FactSource(*tally) for fact, tally in counts.items()}
    )
