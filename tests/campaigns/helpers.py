"""A frame of registered dossiers posted through the dossier API, and campaign commands."""
from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.dossiers.helpers import api_client, bearer, dossier

#: Dossiers returned in October 2026 per counter (the strata are DEMO's child units).
FRAME = {"TT-Q01": 8, "TT-Q02": 4, "AP-Q01": 5, "BM-Q01": 2, "TL-Q01": 1, "HB-Q01": 0, "DS-Q01": 0}


def post_frame(app: Flask, client: FlaskClient, frame: dict[str, int] | None = None, *, contact: bool = True,
               extra: dict[str, Any] | None = None) -> int:
    """Post the dossiers of `frame` (returned on 2026-10-…), each with an email contact and
    consent; plus three outside the period. The number posted in the period."""
    secret = api_client(app)
    items = []
    number = 0
    for counter, count in (frame or FRAME).items():
        for _ in range(count):
            number += 1
            day = 1 + number % 28
            item = dossier(f"HS-{counter}-{number:04d}", counter=counter, received_on="2026-09-20",
                           due_on="2026-10-05", returned_on=f"2026-10-{day:02d}")
            if contact:
                item.update(contact={"email": f"cong.dan{number}@example.vn"}, consent=True)
            item.update(extra or {})
            items.append(item)
    for number_out in range(3):  # returned in November or not yet: outside the frame
        returned = "2026-11-02" if number_out else None
        items.append(dossier(f"HS-OUT-{number_out}", received_on="2026-10-20", due_on="2026-11-05",
                             returned_on=returned))
    answer = client.post("/api/v1/dossiers", json=items, headers=bearer(secret))
    assert all(result["status"] == 201 for result in answer.get_json()["results"]), answer.get_json()
    return number


def invoke(runner, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["campaign", *args])


def create(runner, *extra: str, sample: int = 10) -> int:  # type: ignore[no-untyped-def]
    result = invoke(runner, "create", "--name", "Khảo sát đột xuất quý IV", "--unit", "DEMO", "--period", "2026-10",
                    "--sample", str(sample), *extra)
    assert result.exit_code == 0, result.output
    return int(result.output.strip())
