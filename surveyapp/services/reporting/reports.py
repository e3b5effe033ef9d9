"""Reports of a unit and its subtree for a month or any period of months (docs/REPORT.md).

The database side only counts: responses of the unit's subtree for the wanted months are
turned into tally vectors (analysis.tally) per group, and every number of the report comes
from the `analysis` package as the typed model of analysis/model.py (a `Report`, `TrendPoint`s,
`GroupReport`s); their `to_json()` is the JSON of docs/REPORT.md. `load_tallies` is the single
place that reads tallies: the whole subtree and its children from the per-unit monthly rollups
(one row per unit and month), counters, procedures and channels from the finer aggregates.

Every function takes the `Unit` its caller has already looked up (and checked the official may
see): a page or a CLI command looks its unit up once. A period (surveyapp.periods.Period: a
month, quarter, half-year, year, year to date or range) is a set of months whose tallies are
summed before `analysis` sees them, so a quarter's counts are the sum of its months' counts.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis import ResponseArrays, empty_tally, small_area, tally
from analysis.forms import pooling_notes, service_by_form
from analysis.indices import criteria_many, expectations_of, response_rate_of
from analysis.model import ControlPoint, ExpectationShare, GroupReport, Report, ResponseRate, TrendPoint, YearOnYear
from analysis.report import compute_report, measures_many, trend_points
from analysis.sipas import MIN_RESPONSES
from analysis.tally import POOL_STATS, TALLY_SLOTS, TALLY_WIDTH
from analysis.targets import resolve_targets
from analysis.trends import control_points, year_on_year_of
from analysis.weights import Stratum, weighting_of
from surveyapp.labels import period_error
from surveyapp.models import Counter, Procedure, Response, SurveyDefinitionRecord, Unit
from surveyapp.periods import Period, PeriodError, is_month, months_ending
from surveyapp.services.operations.volumes import volumes_in
from surveyapp.services.organisation.lookups import unit_by_code
from surveyapp.services.reporting.added_questions import added_questions
from surveyapp.services.reporting.aggregates import subtree_sums
from surveyapp.services.reporting.fact_sources import dossier_fact_sources
from surveyapp.services.reporting.qd766 import qd766_block
from surveyapp.services.reporting.rollups import read_rollups
from surveyapp.services.reporting.targets import effective_overrides

GROUPINGS: tuple[str, ...] = ("child", "counter", "procedure", "channel", "definition")
CHILD_DETAILS: tuple[str, ...] = ("full", "summary")  # period_report's child_detail
OWN = "own"  # group key of responses filed at the unit itself, not under a child

GroupKey = Any
Tallies = dict[tuple[str, GroupKey], np.ndarray]


class ReportError(ValueError):
    """A report that cannot be made (unknown unit, malformed month or period); message is translated."""


@dataclass(frozen=True)
class Scope:
    unit: Unit
    month: str  # the period's text (a month for `--month`)


def resolve_scope(session: Session, unit_code: str, month: str) -> Scope:
    """For a command line naming a unit and a month: the month checked first, then the unit
    looked up (the one look-up of the command)."""
    check_month(month)
    unit = unit_by_code(session, unit_code)
    if unit is None:
        raise ReportError(str(_l("unknown unit %(code)s", code=unit_code)))
    return Scope(unit, month)


def resolve_period_scope(session: Session, unit_code: str, period: str) -> Scope:
    """resolve_scope for a period (`--period`): the period checked first, then the unit."""
    check_period(period)
    unit = unit_by_code(session, unit_code)
    if unit is None:
        raise ReportError(str(_l("unknown unit %(code)s", code=unit_code)))
    return Scope(unit, period)


def check_month(month: str) -> None:
    if not is_month(month):
        raise ReportError(str(_l("a month looks like 2026-11 (YYYY-MM)")))


def check_period(period: str) -> Period:
    """The Period of a text; ReportError with the translated reason otherwise."""
    try:
        return Period.parse(period)
    except PeriodError as error:
        raise ReportError(period_error(error)) from None


# ------------------------------------------------------------------ the one reader
def load_tallies(
    session: Session, unit: Unit, months: Sequence[str], group_by: str | None = None, slots: Sequence[str] | None = None
) -> Tallies:
    """Tally vectors of the responses in `unit`'s subtree for `months`, keyed (month, group).

    group_by: None (key None: the whole subtree), "child" (the direct child unit's id whose
    subtree holds the response, or OWN for responses filed at `unit` itself), "counter"
    (counter id or None), "procedure" (procedure id or None), "channel" (its code) or
    "definition" (the questionnaire id, e.g. sipas-full: a key of the stored aggregates).
    Only the given months are read (the month column is indexed with the unit). slots: for the
    groupings read from the fine aggregates, only these slots are summed (the rest are 0).
    """
    if group_by is not None and group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    if group_by is None:
        # One rollup row per month: the unit's whole subtree (surveyapp/services/reporting/rollups.py).
        return {(month, None): vector for (month, _unit), vector in read_rollups(session, [unit.id], months).items()}
    if group_by == "child":
        return _child_tallies(session, unit, months)
    # Counters, procedures and channels cross the tree: read from the fine-grained monthly
    # aggregates kept as responses arrive (surveyapp/services/reporting/aggregates.py);
    # load_tallies_from_responses below recomputes the same vectors from raw answers.
    column = {
        "counter": "counter_id", "procedure": "procedure_id", "channel": "channel", "definition": "definition_id",
    }[group_by]
    out: Tallies = {}
    for month, value, vector in subtree_sums(session, unit.path, months, column, slots):
        group: GroupKey = (value or None) if group_by in ("counter", "procedure") else value
        out[(month, group)] = out[(month, group)] + vector if (month, group) in out else vector
    return out


def _child_tallies(session: Session, unit: Unit, months: Sequence[str]) -> Tallies:
    """Per direct child from the rollups: one row per (child, month), plus the unit's own; the
    responses filed at the unit itself (OWN) are its subtree minus its children's subtrees."""
    child_ids = list(session.scalars(select(Unit.id).where(Unit.parent_id == unit.id)))
    rows = read_rollups(session, [unit.id, *child_ids], months)
    out: Tallies = {}
    for month in months:
        whole = rows.get((month, unit.id))
        if whole is None:
            continue
        own = whole.copy()
        for child_id in child_ids:
            vector = rows.get((month, child_id))
            if vector is not None:
                out[(month, child_id)] = vector
                own -= vector
        if own.any():
            out[(month, OWN)] = own
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


def _sum(tallies: Tallies, months: str | Iterable[str], groups: Iterable[GroupKey] | None = None) -> np.ndarray:
    """The sum of the tallies of `months` (one month, or a period's months) for `groups`."""
    wanted_months = {months} if isinstance(months, str) else set(months)
    total = empty_tally()
    if groups is None:
        for (m, _group), t in tallies.items():
            if m in wanted_months:
                total = total + t
        return total
    # Look the few wanted keys up rather than scanning every (month, group) of a province.
    for m in wanted_months:
        for group in set(groups):
            found = tallies.get((m, group))
            if found is not None:
                total = total + found
    return total


# ------------------------------------------------------------------ the report of a period
#: What the split by questionnaire needs (the service index by form and the pooling note): the
#: split reads the fine aggregates, so it sums these seven slots only.
FORM_SPLIT_SLOTS: tuple[str, ...] = ("n", *(f"service.{stat}" for stat in POOL_STATS))
def monthly_report(
    session: Session, unit: Unit, month: str, funnel_center: str = "parent", *, min_responses: int = MIN_RESPONSES
) -> Report:
    """The monthly report of a unit's subtree: the report of the period `month`.

    funnel_center: the funnel's centre line, "parent" or "target" (analysis.comparison);
    min_responses: the MIN_RESPONSES setting (suppression below it)."""
    check_month(month)
    return period_report(session, unit, month, funnel_center, min_responses=min_responses)


def period_report(
    session: Session,
    unit: Unit,
    period: str,
    funnel_center: str = "parent",
    *,
    min_responses: int = MIN_RESPONSES,
    child_detail: str = "full",
    trend_tallies: Tallies | None = None,
) -> Report:
    """The report of a unit's subtree for a period (any text of surveyapp.periods), with its
    children, the change from the previous period of the same length, the change from the same
    period a year earlier (`year_on_year`) and response rates.

    child_detail: "full" (each child with its measures, its 22 criteria and their small-area
    estimates: the report of the JSON, CSV, XLSX, print and drill-down views) or "summary" (each
    child as a row of the overview's table of sub-units: n, overall satisfaction with its
    small-area estimate, service index, funnel and change; analysis.report.compute_report's
    child_summary). The overview shows nothing else of its children, and a province's summary
    rows cost a fifth of the full ones (about 500 of 3,500 rates and estimates).
    trend_tallies: `trend_tallies(session, unit, period)` when the caller has read them for the
    trend too (the control chart is drawn over the same months)."""
    if child_detail not in CHILD_DETAILS:
        raise ValueError(f"child_detail must be one of {CHILD_DETAILS}, got {child_detail!r}")
    chosen = check_period(period)
    before, year_before = chosen.previous(), chosen.year_earlier()
    now, prev, then = chosen.month_texts(), before.month_texts(), year_before.month_texts()
    tallies = load_tallies(session, unit, sorted({*now, *prev, *then}), group_by="child")
    single_month = chosen.kind == "month"
    children = list(unit.children)
    # Each child's sums once (the report and the weighting read them).
    child_now = {child.id: _sum(tallies, now, [child.id]) for child in children}
    report = compute_report(
        unit={"code": unit.code, "name": unit.name},
        month=now[-1],  # analysis checks a month; the period is set below
        tally_now=_sum(tallies, now),
        tally_prev=_sum(tallies, prev),
        children=[
            {
                "code": child.code,
                "name": child.name,
                "tally": child_now[child.id],
                "tally_prev": _sum(tallies, prev, [child.id]),
                "targets": effective_overrides(child),
            }
            for child in children
        ],
        targets=effective_overrides(unit),
        previous_month=prev[-1] if single_month else None,
        funnel_center=funnel_center,
        min_responses=min_responses,
        # Children carry their criteria (with small-area estimates), so a drill-down never needs
        # a second report.
        child_criteria=child_detail == "full",
        child_summary=child_detail == "summary",
    )
    rates = _response_rates(session, unit, now, [unit, *children])
    goals = resolve_targets(effective_overrides(unit))
    volumes = _period_volumes(session, [child.id for child in children], now)
    weighting = weighting_of(
        [Stratum(child_now[child.id], volumes.get(child.id)) for child in children],
        _sum(tallies, now, [OWN]),
        goals,
        min_responses=min_responses,
    )
    form_tallies: dict[str, np.ndarray] = {}
    for (_m, form), vector in load_tallies(session, unit, now, group_by="definition", slots=FORM_SPLIT_SLOTS).items():
        form_tallies[str(form)] = form_tallies[str(form)] + vector if str(form) in form_tallies else vector
    report = replace(
        report,
        month=now[-1] if single_month else None,
        period=str(chosen),
        previous_period=str(before),
        year_on_year=year_on_year_tallies(tallies, chosen, min_responses=min_responses),
        weighting=weighting,
        service_index_by_form=service_by_form(form_tallies, goals, min_responses=min_responses),
        notes=pooling_notes(form_tallies, versions_in(session, unit, now)),
        trend_control=_trend_control(session, unit, chosen, min_responses=min_responses, tallies=trend_tallies),
        response_rate=rates[unit.id],
        dossier_facts=dossier_fact_sources(session, unit, now),
        qd766=qd766_block(session, unit, now),
        added_questions=added_questions(session, unit, now, min_responses=min_responses),
        children=tuple(
            replace(entry, response_rate=rates[child.id], with_response_rate=True)
            for entry, child in zip(report.children, children, strict=True)
        ),
    )
    return report


def year_on_year_tallies(tallies: Tallies, period: Period, *, min_responses: int = MIN_RESPONSES) -> YearOnYear:
    """The period against the same period a year earlier: the tallies of the same months a year
    earlier are summed and passed as the "then" tally (tallies: keyed (month, group), holding
    both periods' months)."""
    then = period.year_earlier()
    now_tally, then_tally = _sum(tallies, period.month_texts()), _sum(tallies, then.month_texts())
    return year_on_year_of(now_tally, then_tally, str(then), min_responses=min_responses)


def _response_rates(
    session: Session, root: Unit, months: Sequence[str], wanted: list[Unit]
) -> dict[int, ResponseRate | None]:
    """Responses / dossiers for each wanted unit of `root`'s subtree over `months`.

    A volume row of unit U counts the dossiers of U's whole subtree. For a unit, the covered
    part of its subtree is the set of highest units (the unit itself or descendants) that
    have a volume for the month; the rate is the responses filed in those subtrees over the
    sum of their volumes, so a partly known subtree never mixes unmatched counts. Over several
    months, each month is matched so and the responses and dossiers are summed over the months
    with a volume; complete when the unit's own volume covers every month. None (unknown) when
    no unit of the subtree has a volume in any of the months.
    """
    in_subtree = select(Unit.id, Unit.path).where(Unit.path.startswith(root.path, autoescape=True))
    units = {pk: path for pk, path in session.execute(in_subtree)}
    path_ids = {path: pk for pk, path in units.items()}
    n_slot = TALLY_SLOTS.index("n")
    sums: dict[int, list[int]] = {}  # unit id -> [responses, dossiers, months its own volume covers]
    for month in months:
        volumes = {units[uid]: n for uid, n in volumes_in(session, list(units), month).items()}
        if not volumes:
            continue
        # Each covering unit's responses are its subtree's: one rollup row each, no fine groups read.
        read = read_rollups(session, [path_ids[p] for p in volumes], [month])
        subtree_n = {pk: int(vector[n_slot]) for (_m, pk), vector in read.items()}
        for unit in wanted:
            covering = [p for p in volumes if p.startswith(unit.path)]
            covering = [p for p in covering if not any(p != q and p.startswith(q) for q in covering)]
            if not covering:
                continue
            total = sums.setdefault(unit.id, [0, 0, 0])
            total[0] += sum(subtree_n.get(path_ids[p], 0) for p in covering)
            total[1] += sum(volumes[p] for p in covering)
            total[2] += covering == [unit.path]
    out: dict[int, ResponseRate | None] = {}
    for unit in wanted:
        if unit.id not in sums:
            out[unit.id] = None
            continue
        responses, dossiers, own_months = sums[unit.id]
        rate = response_rate_of(responses, dossiers)
        # complete: the unit's own volume covers it all, every month
        out[unit.id] = None if rate is None else replace(rate, complete=own_months == len(months))
    return out


# ------------------------------------------------------------------ dashboard helpers
def breakdown(
    session: Session, unit: Unit, month: str, by: str = "counter", *, min_responses: int = MIN_RESPONSES
) -> list[GroupReport]:
    """Per counter, procedure or channel of the subtree: the core measures and criteria, for a
    month or any period (`month` is the period's text; its months are pooled)."""
    if by not in ("counter", "procedure", "channel"):
        raise ValueError(f"unknown grouping {by!r}")
    months = check_period(month).month_texts()
    pooled: dict[GroupKey, np.ndarray] = {}
    for (_m, group), vector in load_tallies(session, unit, months, group_by=by).items():
        pooled[group] = pooled[group] + vector if group in pooled else vector
    goals = resolve_targets(effective_overrides(unit))
    labels = _labels(session, by, list(pooled))
    tallies = np.array(list(pooled.values()), dtype=np.int64).reshape(len(pooled), TALLY_WIDTH)
    goals_of_each = [goals] * len(pooled)
    measured = measures_many(tallies, goals_of_each, min_responses=min_responses)
    criteria = criteria_many(tallies, goals_of_each, min_responses=min_responses)
    rows = []
    for group, measures, group_criteria in zip(pooled, measured, criteria, strict=True):
        code, name = labels.get(group, (None, None))
        rows.append(
            GroupReport(
                **measures.core_fields(),
                key=group if by == "channel" else code,
                name=name,
                criteria=group_criteria,
            )
        )
    if by == "counter" and rows:
        # Counters are compared with one another: each gets its estimate shrunk towards the unit.
        group_tallies = list(pooled.values())  # in the order of `rows`
        rows = list(small_area.attach(rows, group_tallies, np.sum(group_tallies, axis=0)))
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
    return _trend_of(session, unit, months_ending(end_month, months), min_responses=min_responses)


def period_trend(
    session: Session, unit: Unit, period: str, *, min_responses: int = MIN_RESPONSES, tallies: Tallies | None = None
) -> list[TrendPoint]:
    """The trend shown with a period's report: for a month, the 12 months ending there; for any
    other period, its own months (a year: its 12 months). tallies: `trend_tallies(...)` of the
    period when the caller has read them already."""
    chosen = check_period(period)
    if tallies is not None:
        wanted = _trend_months(chosen)
        return trend_points(
            {m: _sum(tallies, m) for m in wanted}, effective_overrides(unit), min_responses=min_responses
        )
    if chosen.kind == "month":
        return trend(session, unit, str(chosen), months=12, min_responses=min_responses)
    return _trend_of(session, unit, chosen.month_texts(), min_responses=min_responses)


def trend_tallies(session: Session, unit: Unit, period: str) -> Tallies:
    """The unit's tallies of the months a period's trend shows, read once for the trend
    (period_trend) and the report's control chart (period_report's trend_control)."""
    return load_tallies(session, unit, _trend_months(check_period(period)))


def _trend_months(period: Period) -> list[str]:
    return months_ending(str(period), 12) if period.kind == "month" else period.month_texts()


def _trend_of(
    session: Session, unit: Unit, wanted: list[str], *, min_responses: int = MIN_RESPONSES
) -> list[TrendPoint]:
    tallies = load_tallies(session, unit, wanted)
    return trend_points({m: _sum(tallies, m) for m in wanted}, effective_overrides(unit), min_responses=min_responses)


def expectations(
    session: Session, unit: Unit, month: str, *, min_responses: int = MIN_RESPONSES
) -> dict[str, ExpectationShare]:
    """Share of respondents naming each improvement area (a month or any period)."""
    months = check_period(month).month_texts()
    return expectations_of(_sum(load_tallies(session, unit, months), months), min_responses=min_responses)


def versions_in(session: Session, unit: Unit, months: str | Sequence[str]) -> list[tuple[str, int, int]]:
    """(questionnaire id, version, responses) of the subtree's responses in the months. The
    aggregates are kept per questionnaire, not per version: when some questionnaire has more than
    one stored version, this one count reads the responses through their (unit, month) index;
    otherwise no version can have been pooled and each questionnaire's count comes from the
    aggregates' form split by the caller (`pooling_notes`), so nothing raw is read."""
    wanted = [months] if isinstance(months, str) else list(months)
    several = session.scalar(
        select(func.count()).select_from(
            select(SurveyDefinitionRecord.definition_id)
            .group_by(SurveyDefinitionRecord.definition_id)
            .having(func.count() > 1)
            .subquery()
        )
    )
    if not several:
        return []
    query = (
        select(SurveyDefinitionRecord.definition_id, SurveyDefinitionRecord.version, func.count())
        .select_from(Response)
        .join(Unit, Unit.id == Response.unit_id)
        .join(SurveyDefinitionRecord, SurveyDefinitionRecord.id == Response.definition_pk)
        .where(Unit.path.startswith(unit.path, autoescape=True), Response.month.in_(wanted))
        .group_by(SurveyDefinitionRecord.definition_id, SurveyDefinitionRecord.version)
    )
    return [(str(form), int(version), int(n)) for form, version, n in session.execute(query)]


def _period_volumes(session: Session, unit_ids: list[int], months: Sequence[str]) -> dict[int, int]:
    """Each unit's dossiers over the months: only units with a volume for every month (a unit
    missing a month is left out, so weighting reports `volumes_missing`)."""
    totals: dict[int, int] = {}
    seen: dict[int, int] = {}
    for month in months:
        for unit_id, n in volumes_in(session, unit_ids, month).items():
            totals[unit_id] = totals.get(unit_id, 0) + n
            seen[unit_id] = seen.get(unit_id, 0) + 1
    return {unit_id: n for unit_id, n in totals.items() if seen[unit_id] == len(months)}


def _trend_control(
    session: Session, unit: Unit, period: Period, *, min_responses: int, tallies: Tallies | None = None
) -> tuple[ControlPoint, ...]:
    """The p-chart of overall satisfaction over the months the period's trend shows."""
    wanted = _trend_months(period)
    if tallies is None:
        tallies = load_tallies(session, unit, wanted)
    return control_points({m: _sum(tallies, m) for m in wanted}, min_responses=min_responses)


def comments(session: Session, unit: Unit, month: str, *, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Free-text comments of the subtree for the month (or period), newest first (no respondent data)."""
    months = check_period(month).month_texts()
    query = (
        select(Response.comment, Response.submitted_at, Unit.code, Unit.name, Response.answers)
        .join(Unit, Unit.id == Response.unit_id)
        .where(
            Unit.path.startswith(unit.path, autoescape=True),
            Response.month.in_(months),
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
