"""Monthly dossier volumes from the one-stop software, the denominators of response rates."""
from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base
from surveyapp.models.organisation import Unit


class DossierVolume(Base):
    """Dossiers returned by a unit (its whole subtree) in one month (YYYY-MM, Vietnam time)."""

    __tablename__ = "dossier_volume"
    __table_args__ = (UniqueConstraint("unit_id", "month", name="uq_dossier_volume_unit_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    month: Mapped[str] = mapped_column(String(7), index=True)
    dossiers: Mapped[int] = mapped_column(Integer)

    unit: Mapped[Unit] = relationship()
