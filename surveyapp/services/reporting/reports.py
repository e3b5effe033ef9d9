"""Monthly reports of a unit and its subtree (docs/REPORT.md).

The database side only counts: responses of the unit's subtree for the wanted months are
turned into tally vectors (analysis.tally) per group, and every number of the report comes
from the `analysis` package as the typed model of analysis/model.py (a `Report`, `TrendPoint`s,
`GroupReport`s); their `to_json()` is the JSON of docs/REPORT.md. `load_tallies` is the single
place that reads responses, so it can later be replaced by stored per-unit, per-month
aggregates without touching the rest.

Every function takes the `Unit` its caller has already looked up (and checked the official may
see): a page or a CLI command looks its unit up once.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis import ResponseArrays, empty_tally, tally
from analysis.forms import pooling_notes, service_by_form
from analysis.indices import criteria_of, expectations_of, response_rate_of
from analysis.model import ControlPoint, ExpectationShare, GroupReport, Report, ResponseRate, TrendPoint, YearOnYear
from analysis.report import compute_report, measures_of, trend_points
from analysis.sipas import MIN_RESPONSES
from analysis.targets import resolve_targets
from analysis.trends import control_points, year_on_year_of
from analysis.weights import Stratum, weighting_of
from surveyapp.models import Counter, Procedure, Response, SurveyDefinitionRecord, Unit
from surveyapp.periods import is_month, months_ending, previous_month, shift_month
from surveyapp.services.operations.volumes import volumes_in
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.aggregates import responses_per_unit, subtree_sums
from surveyapp.services.reporting.targets import effective_overrides

GROUPINGS: tuple[str, ...] = ("child", "counter", "procedure", "channel", "definition")
OWN = "own"  # group key of responses filed at the unit itself, not under a child

GroupKey = Any
Tallies = dict[tuple[str, GroupKey], np.ndarray]


class ReportError(ValueError):
    """A report that cannot be made (unknown unit, malformed month); message is translated."""


@dataclass(frozen=True)
class Scope:
    unit: Unit
    month: str


def resolve_scope(session: Session, unit_code: str, month: str) -> Scope:
    """For a command line naming a unit and a month: the month checked first, then the unit
    looked up (the one look-up of the command)."""
    check_month(month)
    unit = unit_by_code(session, unit_code)
    if unit is None:
        raise ReportError(str(_l("unknown unit %(code)s", code=unit_code)))
    return Scope(unit, month)


def check_month(month: str) -> None:
    if not is_month(month):
        raise ReportError(str(_l("a month looks like 2026-11 (YYYY-MM)")))


# ------------------------------------------------------------------ the one reader
def load_tallies(session: Session, unit: Unit, months: Sequence[str], group_by: str | None = None) -> Tallies:
    """Tally vectors of the responses in `unit`'s subtree for `months`, keyed (month, group).

    group_by: None (key None: the whole subtree), "child" (the direct child unit's id whose
    subtree holds the response, or OWN for responses filed at `unit` itself), "counter"
    (counter id or None), "procedure" (procedure id or None), "channel" (its code) or
    "definition" (the questionnaire id, e.g. sipas-full: a key of the stored aggregates).
    Only the given months are read (the month column is indexed with the unit).
    """
    if group_by is not None and group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    # Read from the monthly aggregates kept as responses arrive (surveyapp/services/reporting/aggregates.py);
    # load_tallies_from_responses below recomputes the same vectors from raw answers.
    column = {
        None: None, "child": "path", "counter": "counter_id", "procedure": "procedure_id", "channel": "channel",
        "definition": "definition_id",
    }[group_by]
    prefix_length = len(unit.path)
    out: Tallies = {}
    for month, value, vector in subtree_sums(session, unit.path, months, column):
        if group_by == "child":
            rest = value[prefix_length:]
            group: GroupKey = int(rest.split("/", 1)[0]) if rest else OWN
        elif group_by in ("counter", "procedure"):
            group = value or None
        else:
            group = value
        out[(month, group)] = out[(month, group)] + vector if (month, group) in out else vector
    return out


def load_tallies_from_responses(
    session: Session, unit: Unit, months: Sequence[str], group_by: str | None = None
) -> Tallies:
    """The same as load_tallies, recomputed from the raw responses (for checks and tests)."""
    if group_by is not None and group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    expect_forms = _forms_with_expect(session)
    query = (
        select(
            Response.month, Response.answers, Response.definition_pk, Unit.path, Response.counter_id,
            Response.procedure_id, Response.channel, Response.definition_id,
        )
        .join(Unit, Unit.id == Response.unit_id)
        .where(Unit.path.startswith(unit.path, autoescape=True), Response.month.in_(list(months)))
    )
    prefix_length = len(unit.path)
    keys: list[tuple[str, GroupKey]] = []
    records: list[dict[str, Any]] = []
    for month, answers, definition_pk, path, counter_id, procedure_id, channel, definition_id in session.execute(query):
        if group_by is None:
            group: GroupKey = None
        elif group_by == "child":
            rest = path[prefix_length:]
            group = int(rest.split("/", 1)[0]) if rest else OWN
        elif group_by == "counter":
            group = counter_id
        elif group_by == "procedure":
            group = procedure_id
        elif group_by == "definition":
            group = definition_id
        else:
            group = channel
        keys.append((month, group))
        # Expectations are shared among respondents whose form offered the question.
        records.append({**answers, "expect_asked": definition_pk in expect_forms})
    if not records:
        return {}
    index = {key: i for i, key in enumerate(dict.fromkeys(keys))}
    groups = np.fromiter((index[k] for k in keys), dtype=np.intp, count=len(keys))
    counts = tally(ResponseArrays.from_records(records), groups, len(index))
    return {key: counts[i] for key, i in index.items()}


def _forms_with_expect(session: Session) -> set[int]:
    bodies = session.execute(select(SurveyDefinitionRecord.id, SurveyDefinitionRecord.body))
    return {pk for pk, body in bodies if any(i["id"] == "expect" for s in body["sections"] for i in s["items"])}


def _sum(tallies: Tallies, month: str, groups: Iterable[GroupKey] | None = None) -> np.ndarray:
    wanted = None if groups is None else set(groups)
    total = empty_tally()
    for (m, group), t in tallies.items():
        if m == month and (wanted is None or group in wanted):
            total = total + t
    return total


# ------------------------------------------------------------------ the monthly report
def monthly_report(session: Session, unit: Unit, month: str, *, min_responses: int = MIN_RESPONSES) -> Report:
    """The monthly report of a unit's subtree with children, change and response rates;
    min_responses: the MIN_RESPONSES setting (suppression below it)."""
    check_month(month)
    prev = previous_month(month)
    tallies = load_tallies(session, unit, [month, prev], group_by="child")
    children = list(unit.children)
    report = compute_report(
        unit={"code": unit.code, "name": unit.name},
        month=month,
        tally_now=_sum(tallies, month),
        tally_prev=_sum(tallies, prev),
        children=[
            {
                "code": child.code,
                "name": child.name,
                "tally": _sum(tallies, month, [child.id]),
                "tally_prev": _sum(tallies, prev, [child.id]),
                "targets": effective_overrides(child),
            }
            for child in children
        ],
        targets=effective_overrides(unit),
        previous_month=prev,
        min_responses=min_responses,
    )
    rates = _response_rates(session, unit, month, [unit, *children])
    volumes = volumes_in(session, [child.id for child in children], month)
    weighting = weighting_of(
        [Stratum(_sum(tallies, month, [child.id]), volumes.get(child.id)) for child in children],
        _sum(tallies, month, [OWN]),
        resolve_targets(effective_overrides(unit)),
        min_responses=min_responses,
    )
    by_form = load_tallies(session, unit, [month], group_by="definition")
    form_tallies = {str(form): t for (_m, form), t in by_form.items()}
    return replace(
        report,
        weighting=weighting,
        service_index_by_form=service_by_form(
            form_tallies, resolve_targets(effective_overrides(unit)), min_responses=min_responses
        ),
        notes=pooling_notes(form_tallies, versions_in(session, unit, month)),
        year_on_year=year_on_year(session, unit, [month], min_responses=min_responses),
        trend_control=trend_control(session, unit, month, min_responses=min_responses),
        response_rate=rates[unit.id],
        children=tuple(
            # Children carry the criteria too, so a drill-down never needs a second report.
            replace(
                entry,
                response_rate=rates[child.id],
                with_response_rate=True,
                criteria=criteria_of(
                    _sum(tallies, month, [child.id]),
                    resolve_targets(effective_overrides(child)),
                    min_responses=min_responses,
                ),
            )
            for entry, child in zip(report.children, children, strict=True)
        ),
    )


def _response_rates(session: Session, root: Unit, month: str, wanted: list[Unit]) -> dict[int, ResponseRate | None]:
    """Responses / dossiers for each wanted unit of `root`'s subtree.

    A volume row of unit U counts the dossiers of U's whole subtree. For a unit, the covered
    part of its subtree is the set of highest units (the unit itself or descendants) that
    have a volume for the month; the rate is the responses filed in those subtrees over the
    sum of their volumes, so a partly known subtree never mixes unmatched counts. None
    (unknown) when no unit of the subtree has a volume.
    """
    in_subtree = select(Unit.id, Unit.path).where(Unit.path.startswith(root.path, autoescape=True))
    units = {pk: path for pk, path in session.execute(in_subtree)}
    volumes = {units[uid]: n for uid, n in volumes_in(session, list(units), month).items()}
    counts = responses_per_unit(session, root.path, month) if volumes else {}
    out: dict[int, ResponseRate | None] = {}
    for unit in wanted:
        covering = [p for p in volumes if p.startswith(unit.path)]
        covering = [p for p in covering if not any(p != q and p.startswith(q) for q in covering)]
        if not covering:
            out[unit.id] = None
            continue
        dossiers = sum(volumes[p] for p in covering)
        responses = sum(n for path, n in counts.items() if any(path.startswith(p) for p in covering))
        rate = response_rate_of(responses, dossiers)
        # complete: the unit's own volume covers it all
        out[unit.id] = None if rate is None else replace(rate, complete=covering == [unit.path])
    return out


# ------------------------------------------------------------------ dashboard helpers
def breakdown(
    session: Session, unit: Unit, month: str, by: str = "counter", *, min_responses: int = MIN_RESPONSES
) -> list[GroupReport]:
    """Per counter, procedure or channel of the subtree: the core measures and criteria."""
    if by not in ("counter", "procedure", "channel"):
        raise ValueError(f"unknown grouping {by!r}")
    check_month(month)
    tallies = load_tallies(session, unit, [month], group_by=by)
    goals = resolve_targets(effective_overrides(unit))
    labels = _labels(session, by, [group for (_m, group) in tallies])
    rows = []
    for (_m, group), t in tallies.items():
        code, name = labels.get(group, (None, None))
        rows.append(
            GroupReport(
                **measures_of(t, goals, min_responses=min_responses).core_fields(),
                key=group if by == "channel" else code,
                name=name,
                criteria=criteria_of(t, goals, min_responses=min_responses),
            )
        )
    rows.sort(key=lambda row: (row.key is None, str(row.key)))
    return rows


def _labels(session: Session, by: str, groups: list[GroupKey]) -> dict[GroupKey, tuple[str | None, str | None]]:
    ids = [g for g in groups if g is not None]
    if by == "counter" and ids:
        counters = select(Counter.id, Counter.code, Counter.name).where(Counter.id.in_(ids))
        return {i: (c, n) for i, c, n in session.execute(counters)}
    if by == "procedure" and ids:
        procedures = select(Procedure.id, Procedure.code, Procedure.name).where(Procedure.id.in_(ids))
        return {i: (c, n) for i, c, n in session.execute(procedures)}
    if by == "channel":
        return {g: (g, g) for g in groups}
    return {}


def trend(
    session: Session, unit: Unit, end_month: str, months: int = 12, *, min_responses: int = MIN_RESPONSES
) -> list[TrendPoint]:
    """One point per month (overall, service index, n) for the `months` ending at `end_month`."""
    check_month(end_month)
    wanted = months_ending(end_month, months)
    tallies = load_tallies(session, unit, wanted)
    return trend_points({m: _sum(tallies, m) for m in wanted}, effective_overrides(unit), min_responses=min_responses)


def versions_in(session: Session, unit: Unit, months: str | Sequence[str]) -> list[tuple[str, int, int]]:
    """(questionnaire id, version, responses) of the subtree's responses in the months. The
    aggregates are kept per questionnaire, not per version, so this one count reads the
    responses through their (unit, month) index: exact, and no wider than the report's months."""
    wanted = [months] if isinstance(months, str) else list(months)
    query = (
        select(SurveyDefinitionRecord.definition_id, SurveyDefinitionRecord.version, func.count())
        .select_from(Response)
        .join(Unit, Unit.id == Response.unit_id)
        .join(SurveyDefinitionRecord, SurveyDefinitionRecord.id == Response.definition_pk)
        .where(Unit.path.startswith(unit.path, autoescape=True), Response.month.in_(wanted))
        .group_by(SurveyDefinitionRecord.definition_id, SurveyDefinitionRecord.version)
    )
    return [(str(form), int(version), int(n)) for form, version, n in session.execute(query)]


def year_on_year(
    session: Session, unit: Unit, months_now: Sequence[str], *, min_responses: int = MIN_RESPONSES
) -> YearOnYear:
    """The period `months_now` (one month today; a quarter or a year later) against the same
    months a year earlier."""
    for month in months_now:
        check_month(month)
    months_then = [shift_month(month, -12) for month in months_now]
    tallies = load_tallies(session, unit, [*months_now, *months_then])
    now = sum((_sum(tallies, month) for month in months_now), empty_tally())
    then = sum((_sum(tallies, month) for month in months_then), empty_tally())
    return year_on_year_of(now, then, ",".join(months_then), min_responses=min_responses)


def trend_control(
    session: Session, unit: Unit, end_month: str, months: int = 12, *, min_responses: int = MIN_RESPONSES
) -> tuple[ControlPoint, ...]:
    """The p-chart of overall satisfaction over the `months` ending at `end_month`."""
    check_month(end_month)
    wanted = months_ending(end_month, months)
    tallies = load_tallies(session, unit, wanted)
    return control_points({m: _sum(tallies, m) for m in wanted}, min_responses=min_responses)


def expectations(
    session: Session, unit: Unit, month: str, *, min_responses: int = MIN_RESPONSES
) -> dict[str, ExpectationShare]:
    """Share of respondents naming each improvement area."""
    check_month(month)
    return expectations_of(_sum(load_tallies(session, unit, [month]), month), min_responses=min_responses)


def comments(session: Session, unit: Unit, month: str, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Free-text comments of the subtree for the month, newest first (no respondent data)."""
    check_month(month)
    query = (
        select(Response.comment, Response.submitted_at, Unit.code, Unit.name, Response.answers)
        .join(Unit, Unit.id == Response.unit_id)
        .where(
            Unit.path.startswith(unit.path, autoescape=True),
            Response.month == month,
            Response.comment.is_not(None),
            Response.comment != "",
        )
        .order_by(Response.submitted_at.desc(), Response.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        {
            "comment": text, "submitted_at": at, "unit": code, "unit_name": name,
            "overall": (answers or {}).get("overall"),
        }
        for text, at, code, name, answers in session.execute(query)
    ]
