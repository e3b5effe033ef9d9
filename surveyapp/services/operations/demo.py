"""A demo province with six months of plausible responses, so reports have something to show.

The responses come from a latent-satisfaction model: each counter has a quality level, each
respondent a mood around it, and the 22 criteria move together within a person (as real
answers do). One commune (Xã Tân Lập) is deliberately weak, so drill-downs find something.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from analysis import sipas
from surveyapp.models import Counter, Procedure, Response, Unit
from surveyapp.periods import Month, month_of
from surveyapp.services.organisation.imports import import_counters, import_procedures, import_units
from surveyapp.services.reporting.aggregates import record_tallies
from surveyapp.services.survey.definitions import current_definition
from surveyapp.timeutil import utc_now_naive

if TYPE_CHECKING:
    import numpy as np  # imported by `load_demo` itself: no command but load-demo needs it

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo_data"
WEAK_COUNTERS = {"TL-Q01": -1.4, "AP-Q02": -0.5}
KIOSK_COUNTERS = {"TT-Q01", "TT-Q02", "TT-Q03", "TT-Q04"}
ELEMENT_SHIFT = {"E1": 0.1, "E2": -0.15, "E3": 0.2, "E4": 0.15, "E5": -0.35}
COMMENTS = [
    "Cán bộ hướng dẫn nhiệt tình, chu đáo.",
    "Thời gian chờ hơi lâu, nên bố trí thêm ghế ngồi.",
    "Phải bổ sung hồ sơ nhiều lần vì hướng dẫn chưa rõ.",
    "Nên có thêm máy lấy số thứ tự tự động.",
    "Trả kết quả trễ hẹn nhưng không có phiếu xin lỗi.",
    "Rất hài lòng, thủ tục nhanh gọn.",
    "Đề nghị niêm yết phí, lệ phí rõ ràng hơn.",
    "Phòng chờ nóng, cần thêm quạt.",
]


def is_empty(session: Session) -> bool:
    return (session.scalar(select(func.count()).select_from(Unit)) or 0) == 0


def load_demo(session: Session, *, today: datetime | None = None, months: int = 6, seed: int = 2026) -> int:
    """Import the demo organisation and generate responses; returns the number of responses."""
    import numpy as np

    import_units(session, DEMO_DIR / "units.csv")
    import_counters(session, DEMO_DIR / "counters.csv")
    import_procedures(session, DEMO_DIR / "procedures.csv")
    full = current_definition(session, sipas.FULL_FORM_ID)
    kiosk = current_definition(session, sipas.KIOSK_FORM_ID)
    if full is None or kiosk is None:
        raise RuntimeError("definitions are not loaded: run init-db first")
    rng = np.random.default_rng(seed)
    counters = list(session.scalars(select(Counter).order_by(Counter.code)))
    procedures = list(session.scalars(select(Procedure).order_by(Procedure.code)))
    now = today or utc_now_naive()
    rows: list[dict] = []
    current = Month(now.year, now.month)
    for index, period in enumerate(current.last_months(months)):
        trend = 0.06 * index  # a province that slowly improves
        start = datetime(period.year, period.number, 1, 1, 0)
        following = period.shift(1)
        end = datetime(following.year, following.number, 1) if period != current else now
        for counter in counters:
            quality = 0.45 + WEAK_COUNTERS.get(counter.code, 0.0) + rng.normal(0, 0.15) + trend
            volume = int(rng.integers(35, 75) * (end - start).total_seconds() / (30 * 86400)) + 1
            for _ in range(volume):
                moment = start + timedelta(seconds=float(rng.uniform(0, (end - start).total_seconds())))
                use_kiosk = counter.code in KIOSK_COUNTERS and rng.random() < 0.35
                record = kiosk[0] if use_kiosk else full[0]
                answers, comment = _kiosk_answers(rng, quality) if use_kiosk else _full_answers(rng, quality)
                rows.append(
                    {
                        "uid": uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | len(rows)).hex,
                        "definition_pk": record.id,
                        "definition_id": record.definition_id,
                        "definition_version": record.version,
                        "unit_id": counter.unit_id,
                        "counter_id": counter.id,
                        "procedure_id": None if use_kiosk else procedures[int(rng.integers(len(procedures)))].id,
                        "channel": "kiosk" if use_kiosk else ("paper" if rng.random() < 0.15 else "qr"),
                        "language": "en" if rng.random() < 0.02 else "vi",
                        "submitted_at": moment,
                        "month": month_of(moment),
                        "answers": answers,
                        "comment": comment,
                    }
                )
    for start_at in range(0, len(rows), 2000):
        session.execute(insert(Response), rows[start_at : start_at + 2000])
    record_tallies(session, rows)
    return len(rows)


def _rating(rng: np.random.Generator, level: float) -> int:
    import numpy as np

    return int(np.clip(np.rint(3.7 + 0.9 * level + rng.normal(0, 0.55)), 1, 5))


def _facts(rng: np.random.Generator, mood: float) -> dict:
    bad = mood < -0.4
    trips = rng.choice(["1", "2", "3"], p=[0.55, 0.33, 0.12] if bad else [0.82, 0.16, 0.02])
    return {
        "trips": str(trips),
        "slip": "no" if rng.random() < (0.06 if bad else 0.01) else "yes",
        "harassment": str(rng.choice(["none", "some", "many"], p=[0.9, 0.08, 0.02] if bad else [0.995, 0.004, 0.001])),
    }


def _full_answers(rng: np.random.Generator, quality: float) -> tuple[dict, str | None]:
    mood = quality + rng.normal(0, 0.7)
    answers: dict = {}
    answers["submit_channel"] = str(rng.choice(["direct", "online", "postal"], p=[0.68, 0.27, 0.05]))
    answers["receive_channel"] = str(rng.choice(["direct", "online", "postal"], p=[0.75, 0.15, 0.10]))
    answers.update(_facts(rng, mood))
    ontime = str(
        rng.choice(
            ["early", "ontime", "late", "pending"], p=[0.25, 0.6, 0.1, 0.05] if mood < -0.4 else [0.35, 0.6, 0.03, 0.02]
        )
    )
    answers["ontime"] = ontime
    if ontime == "late":
        answers["apology"] = "yes" if rng.random() < 0.6 else "no"
    answers["extra_payment"] = "yes" if rng.random() < (0.03 if mood < -0.4 else 0.003) else "no"
    for criterion in sipas.CRITERIA:
        element = sipas.ELEMENT_OF_CRITERION[criterion]
        na_chance = 0.22 if element == "E5" else 0.04
        answers[criterion] = "na" if rng.random() < na_chance else _rating(rng, mood + ELEMENT_SHIFT[element])
    answers["overall"] = _rating(rng, mood + 0.1)
    wanted = [code for code in sipas.EXPECT_CODES if rng.random() < 0.12]
    if wanted:
        answers["expect"] = wanted
    if rng.random() < 0.3:
        answers["respondent_type"] = "organisation" if rng.random() < 0.15 else "individual"
        answers["gender"] = str(rng.choice(["female", "male"]))
        answers["age_group"] = str(rng.choice(["under25", "25-39", "40-59", "60plus"], p=[0.15, 0.4, 0.33, 0.12]))
    comment = COMMENTS[int(rng.integers(len(COMMENTS)))] if rng.random() < 0.08 else None
    return answers, comment


def _kiosk_answers(rng: np.random.Generator, quality: float) -> tuple[dict, None]:
    mood = quality + rng.normal(0, 0.7)
    answers: dict = {"overall": _rating(rng, mood + 0.1)}
    for element in sipas.ELEMENTS:
        if rng.random() > 0.05:
            answers[element] = _rating(rng, mood + ELEMENT_SHIFT[element])
    answers.update(_facts(rng, mood))
    return answers, None
