"""Counter tablets (kiosks): paired devices and the one-time codes that pair them.

Only SHA-256 hashes of credentials and pairing codes are stored, so a copy of the database
cannot be used to impersonate a tablet or to pair a new one.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base, utcnow
from surveyapp.models.organisation import Counter


class KioskDevice(Base):
    """A tablet paired to one counter; its responses carry channel `kiosk` and that counter."""

    __tablename__ = "kiosk_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    paired_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    # What the tablet last reported: responses still queued on it, and its app version.
    backlog: Mapped[int | None] = mapped_column(Integer)
    app_version: Mapped[str | None] = mapped_column(String(32))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    counter: Mapped[Counter] = relationship()

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


class KioskPairingCode(Base):
    """A short one-time code an administrator reads out or types into a new tablet."""

    __tablename__ = "kiosk_pairing_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("kiosk_device.id"))

    counter: Mapped[Counter] = relationship()
