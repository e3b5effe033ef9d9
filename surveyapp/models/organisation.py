"""Units (a tree of any depth), counters and the procedure catalogue."""
from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, event, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from surveyapp.models.base import Base
from surveyapp.textfold import fold


class Unit(Base):
    """A node of the organisation: province, department, commune, one-stop point...

    `path` is the chain of unit ids from the root ("/1/4/9/"), kept so that a subtree is one
    indexed prefix match instead of a recursive query on every report.
    """

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    path: Mapped[str] = mapped_column(String(1024), index=True, default="/")
    # Overrides of the default report targets ({"overall": 0.9, ...}); None inherits the
    # nearest ancestor's (surveyapp.services.reporting.targets, docs/REPORT.md).
    targets: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # Deactivated: kept for history (its responses, its reports), hidden from new surveys and pickers.
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.code")
    counters: Mapped[list[Counter]] = relationship(back_populates="unit", order_by="Counter.code")

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Counter(Base):
    """A counter (quầy) of a one-stop point; its QR code leads to `/s/<code>`."""

    __tablename__ = "counter"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    unit: Mapped[Unit] = relationship(back_populates="counters")

    @property
    def takes_surveys(self) -> bool:
        """Active, and so is its unit and every unit above it."""
        unit: Unit | None = self.unit
        while unit is not None:
            if not unit.active:
                return False
            unit = unit.parent
        return self.active


class Procedure(Base):
    """An administrative procedure (TTHC) of the national catalogue, e.g. `1.001612`."""

    __tablename__ = "procedure"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(255), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # "code | name | field" folded (surveyapp/textfold.py): the picker's search reads this
    # instead of folding 2,000 names per keystroke. Kept by the ORM events below.
    search_key: Mapped[str] = mapped_column(String(1200), default="", server_default="")


def procedure_search_key(code: str, name: str, field: str) -> str:
    """What `Procedure.search_key` holds; `|` never occurs in folded text, so the parts stay apart."""
    return " | ".join((fold(code), fold(name), fold(field)))


@event.listens_for(Procedure, "before_insert")
@event.listens_for(Procedure, "before_update")
def _refresh_search_key(_mapper: object, _connection: object, procedure: Procedure) -> None:
    procedure.search_key = procedure_search_key(procedure.code, procedure.name, procedure.field)


class CounterProcedure(Base):
    """A procedure a manager set as usual at a counter: the form lists these first (and only
    these, when there are any), the rest of the catalogue is searched (docs/ARCHITECTURE.md)."""

    __tablename__ = "counter_procedure"

    counter_id: Mapped[int] = mapped_column(ForeignKey("counter.id", ondelete="CASCADE"), primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("procedure.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
