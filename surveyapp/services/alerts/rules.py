"""Which events a unit is alerted about: the default rule (every event, enabled), or the override
of the unit or its nearest ancestor that has one (docs/ALERTS.md, "Rules")."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveyapp.models import AlertRule, Unit
from surveyapp.models.notifications import ALERT_EVENTS
from surveyapp.services.alerts.subscriptions import checked_unit
from surveyapp.services.alerts.webhooks import checked_events
from surveyapp.timeutil import utc_now_naive


@dataclass(frozen=True)
class EffectiveRule:
    events: tuple[str, ...]
    enabled: bool
    from_unit: str | None  # the code of the unit whose override applies; None: the default

    def wants(self, event: str) -> bool:
        return self.enabled and event in self.events


DEFAULT_RULE = EffectiveRule(events=ALERT_EVENTS, enabled=True, from_unit=None)


def _ancestor_ids(path: str) -> list[int]:
    """The unit's own id first, then its parent's, up to the root (from its path "/1/4/9/")."""
    return [int(part) for part in reversed(path.strip("/").split("/")) if part]


class RuleBook:
    """Every override, read once per run; `rule_for` walks a unit's ancestors."""

    def __init__(self, session: Session):
        self._rules = {rule.unit_id: rule for rule in session.scalars(select(AlertRule))}
        self._codes: dict[int, str] = {}
        if self._rules:
            self._codes = {unit_id: code for unit_id, code in session.execute(select(Unit.id, Unit.code))}

    def rule_for(self, unit: Unit) -> EffectiveRule:
        return self.rule_for_path(unit.path)

    def rule_for_path(self, path: str) -> EffectiveRule:
        for unit_id in _ancestor_ids(path):
            rule = self._rules.get(unit_id)
            if rule is not None:
                return EffectiveRule(tuple(rule.event_list), rule.enabled, self._codes.get(unit_id))
        return DEFAULT_RULE


def set_rule(session: Session, unit_code: str, events: str | None, enabled: bool) -> AlertRule:
    unit = checked_unit(session, unit_code)
    chosen = checked_events(events)
    rule = session.scalars(select(AlertRule).where(AlertRule.unit_id == unit.id)).first()
    if rule is None:
        rule = AlertRule(unit=unit)
        session.add(rule)
    rule.events, rule.enabled, rule.updated_at = chosen, enabled, utc_now_naive()
    session.flush()
    return rule


def clear_rule(session: Session, unit_code: str) -> bool:
    """Back to the inherited rule; False when the unit had no override."""
    unit = checked_unit(session, unit_code)
    rule = session.scalars(select(AlertRule).where(AlertRule.unit_id == unit.id)).first()
    if rule is None:
        return False
    session.delete(rule)
    session.flush()
    return True


def all_rules(session: Session) -> list[AlertRule]:
    return list(session.scalars(select(AlertRule).join(Unit, AlertRule.unit_id == Unit.id).order_by(Unit.path)))
