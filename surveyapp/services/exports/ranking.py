"""The ranking as CSV and XLSX (docs/REPORT.md "Ranking"): what a reward council reads.

Every cell passes through cells.py (safe_row / append_safe): unit names are typed by managers.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from analysis.ranking import DRAWS, RankedUnit, Ranking
from surveyapp.labels import measure_label, period_label, tier_label
from surveyapp.services.exports.cells import append_safe, safe_row

#: The CSV's column ids (row 2), a contract like the report's COLUMNS.
COLUMNS: tuple[str, ...] = (
    "rank", "rank_ci_low", "rank_ci_high", "code", "name", "n", "value",
    "small_area_value", "small_area_ci_low", "small_area_ci_high", "tier",
)


def headers() -> list[str]:
    return [
        _("Rank"), _("Rank interval: from"), _("Rank interval: to"), _("Code"), _("Unit"), _("Responses"),
        _("Raw rate"),
        _("Small-area estimate"), _("Estimate: lower bound"), _("Estimate: upper bound"), _("Tier"),
    ]


def cells_of(child: RankedUnit) -> list[Any]:
    low, high = child.rank_ci if child.rank_ci is not None else (None, None)
    return [
        child.rank, low, high, child.code, child.name, child.n, child.value,
        child.small_area.value, child.small_area.ci_low, child.small_area.ci_high, child.tier,
    ]


def method_note(ranking: Ranking, min_responses: int) -> str:
    """How the ranks, their intervals and the tiers were made, in the reader's language."""
    if ranking.against == "target":
        reference = _("the target")
    else:
        reference = _("the rate of %(unit)s", unit=ranking.unit_name)
    value = "—" if ranking.reference is None else f"{ranking.reference * 100:.1f}%"
    return _(
        "Units are ordered by their small-area estimate (each unit's rate shrunk towards the parent's). "
        "The rank interval is a 95%% interval from %(draws)d draws of the estimates' posterior (fixed seed: "
        "the same data give the same intervals). Tier: clearly above or below when the unit's 95%% interval "
        "lies wholly above or below %(reference)s (%(value)s), otherwise indistinguishable. Units with fewer "
        "than %(min)d responses are listed but not ranked.",
        draws=DRAWS, reference=reference, value=value, min=min_responses,
    )


def ranking_title(ranking: Ranking, questions: dict[str, str]) -> str:
    return _("Ranking of the units under %(unit)s by %(measure)s",
             unit=ranking.unit_name, measure=measure_label(ranking.measure, questions))


def ranking_csv(ranking: Ranking, questions: dict[str, str]) -> bytes:
    """UTF-8 with a BOM. Row 1: unit, period, measure. Row 2: COLUMNS. Row 3: the columns named
    in the reader's language (plus the tier in words). Then one row per unit, ranked first."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(safe_row([
        "unit", ranking.unit, ranking.unit_name, "period", ranking.period,
        "measure", ranking.measure, measure_label(ranking.measure, questions),
    ]))
    writer.writerow([*COLUMNS, "tier_label"])
    writer.writerow(safe_row([*headers(), _("Tier (in words)")]))
    for child in ranking.children:
        cells = ["" if v is None else v for v in cells_of(child)]
        writer.writerow(safe_row([*cells, tier_label(child.tier)]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


WIDTHS = {"A": 8, "B": 10, "C": 10, "D": 18, "E": 36, "F": 10, "G": 11, "H": 14, "I": 12, "J": 12, "K": 28}


def write_ranking_xlsx(ranking: Ranking, questions: dict[str, str], path: Path, *, min_responses: int) -> None:
    """One sheet: title, unit, period, measure, method note, then a bold frozen header and one row
    per unit; rates are numbers with a percent format, the tier in words."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(_("Ranking"))[:31]
    append_safe(sheet, [ranking_title(ranking, questions)])
    sheet["A1"].font = Font(bold=True, size=14)
    append_safe(sheet, [_("Unit"), ranking.unit, ranking.unit_name])
    append_safe(sheet, [_("Period"), period_label(ranking.period), ranking.period])
    append_safe(sheet, [_("Measure"), measure_label(ranking.measure, questions), ranking.measure])
    append_safe(sheet, [_("Method"), method_note(ranking, min_responses)])
    sheet.merge_cells(start_row=5, start_column=2, end_row=5, end_column=len(COLUMNS))
    sheet["B5"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[5].height = 90
    append_safe(sheet, [])
    header_row = append_safe(sheet, headers())
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"
    for child in ranking.children:
        cells = cells_of(child)
        cells[-1] = tier_label(child.tier)
        written = append_safe(sheet, cells)
        for column in ("G", "H", "I", "J"):
            sheet[f"{column}{written}"].number_format = "0.0%"
    for letter, width in WIDTHS.items():
        sheet.column_dimensions[letter].width = width
    workbook.save(path)
