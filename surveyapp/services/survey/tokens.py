"""One-time survey tokens for appointment slips. Only their SHA-256 is stored."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import Counter, Procedure, SurveyToken

TOKEN_BYTES = 16  # 128 bits: unguessable, and a 22-character URL segment that fits a small QR


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh token that starts with a letter or digit: one starting with `-` would be read as
    a formula by spreadsheets, so the CSV guard would quote it and the printed slip list would no
    longer show the token exactly (surveyapp/services/exports/cells.py)."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token[0].isalnum():
            return token


def mint_tokens(session: Session, counter: Counter, count: int, procedure: Procedure | None = None) -> list[str]:
    """Create `count` unused tokens for a counter and return them in clear (shown once)."""
    tokens = [new_token() for _ in range(count)]
    session.add_all(
        SurveyToken(token_hash=hash_token(t), counter_id=counter.id, procedure_id=procedure.id if procedure else None)
        for t in tokens
    )
    session.flush()
    return tokens


def find_token(session: Session, token: str) -> SurveyToken | None:
    if not token or len(token) > 64:
        return None
    return session.scalar(select(SurveyToken).where(SurveyToken.token_hash == hash_token(token)))
