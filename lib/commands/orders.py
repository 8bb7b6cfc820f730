"""The order desk: team leads move demand orders on, put them on hold, resume, transfer and urge them.

Every action names the stage and status the user saw; the order row is locked (SELECT ... FOR
UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite) and the action is refused with
"form.error.stale" when either changed, so a double click never applies a step twice.

Stage intervals ('enter' events) keep their arithmetic when they end: exited_at = now,
hold_seconds = the holds inside the interval (added up by each resume), duration_seconds =
exited_at - at - hold_seconds. Holds, resumes, transfers and urges are points in time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib import rollups
from lib.access import CurrentUser, scope_condition
from lib.commands import CommandError, OutOfScope, ValidationError, audit, clean_text, utcnow
from lib.commands.complaints import stage_target_seconds
from lib.domain import CLOSED_STAGE, STAGES
from lib.models import Order, OrderEvent, OrgUnit

ORDER_ROLES = frozenset({"team_lead"})
URGE_INTERVAL = dt.timedelta(hours=1)  # one urge per stage per hour is enough to chase it

ORDERS = Order.__table__


@dataclass(frozen=True)
class OrderMoved:
    id: int
    code: str
    action: str
    stage: str  # the stage after the action
    status: str  # the status after the action
    event_id: Optional[int]  # the event recorded (the new interval when advancing; None when closing)


def advance_order(
    *,
    session: Session,
    user: CurrentUser,
    order_id: Optional[int],
    expected_stage: str,
    expected_status: str,
    note: str = "",
    now: Optional[dt.datetime] = None,
) -> OrderMoved:
    """End the current stage interval and enter the next stage; after acceptance the order is closed."""
    order, now = _checked(session, user, order_id, expected_stage, expected_status, now)
    if order.status == "on_hold":
        raise CommandError("orders.error.on_hold")
    text = _note(note)
    interval = _open_interval(session, order)
    interval.exited_at = now
    interval.duration_seconds = max(0, _seconds(now - interval.at) - (interval.hold_seconds or 0))
    interval.note = _joined(interval.note, text)
    rollups.interval_left(session, interval)
    position = STAGES.index(order.current_stage)
    event_id = None
    if position + 1 < len(STAGES):
        stage = STAGES[position + 1]
        entered = _event(
            order,
            user,
            "enter",
            now,
            unit_id=_current_unit(session, order),
            stage=stage,
            target_seconds=stage_target_seconds(session, order.service_grade, stage, now.date()),
        )
        session.add(entered)
        order.current_stage = stage
        session.flush()
        rollups.interval_entered(session, entered)
        event_id = entered.id
    else:
        order.current_stage, order.status, order.closed_at = CLOSED_STAGE, "closed", now
        rollups.order_closed(session, order)
    session.flush()
    audit(
        session,
        user,
        "advance_order",
        "order",
        order.id,
        code=order.code,
        from_stage=expected_stage,
        to_stage=order.current_stage,
        duration_seconds=interval.duration_seconds,
        hold_seconds=interval.hold_seconds,
    )
    return OrderMoved(order.id, order.code, "advance", order.current_stage, order.status, event_id)


def hold_order(
    *,
    session: Session,
    user: CurrentUser,
    order_id: Optional[int],
    expected_stage: str,
    expected_status: str,
    note: str = "",
    now: Optional[dt.datetime] = None,
) -> OrderMoved:
    """Stop the stage clock: status on_hold and a 'hold' event; the reason is required."""
    order, now = _checked(session, user, order_id, expected_stage, expected_status, now)
    if order.status != "open":
        raise CommandError("form.error.transition")
    text = _note(note, required=True)
    moved = _point(session, user, order, "hold", now, text, status="on_hold")
    rollups.interval_paused(session, session.get(OrderEvent, moved.event_id))
    return moved


def resume_order(
    *,
    session: Session,
    user: CurrentUser,
    order_id: Optional[int],
    expected_stage: str,
    expected_status: str,
    note: str = "",
    now: Optional[dt.datetime] = None,
) -> OrderMoved:
    """Restart the stage clock: the time since the hold is added to the open interval's hold_seconds."""
    order, now = _checked(session, user, order_id, expected_stage, expected_status, now)
    if order.status != "on_hold":
        raise CommandError("form.error.transition")
    text = _note(note)
    interval = _open_interval(session, order)
    held_since = session.scalar(
        select(OrderEvent.at)
        .where(OrderEvent.order_id == order.id, OrderEvent.kind == "hold", OrderEvent.at >= interval.at)
        .order_by(OrderEvent.at.desc(), OrderEvent.id.desc())
        .limit(1)
    )
    held = max(0, _seconds(now - held_since)) if held_since is not None else 0
    interval.hold_seconds = (interval.hold_seconds or 0) + held
    moved = _point(session, user, order, "resume", now, text, status="open", held_seconds=held)
    rollups.interval_paused(session, session.get(OrderEvent, moved.event_id))
    return moved


def transfer_order(
    *,
    session: Session,
    user: CurrentUser,
    order_id: Optional[int],
    expected_stage: str,
    expected_status: str,
    to_unit_id: Optional[int],
    note: str = "",
    now: Optional[dt.datetime] = None,
) -> OrderMoved:
    """Hand the order to another unit of its province (the province itself or one of its cities)."""
    order, now = _checked(session, user, order_id, expected_stage, expected_status, now)
    errors: dict[str, str] = {}
    text = clean_text(note, "note", errors)
    unit = session.get(OrgUnit, to_unit_id) if to_unit_id is not None else None
    if to_unit_id is None:
        errors["to_unit"] = "form.error.required"
    elif unit is None or order.province_id not in (unit.id, unit.province_id) or unit.level == "national":
        errors["to_unit"] = "orders.error.unit_outside"
    elif unit.id == _current_unit(session, order):
        errors["to_unit"] = "orders.error.same_unit"
    if errors:
        raise ValidationError(errors)
    return _point(session, user, order, "transfer", now, text, unit_id=unit.id)


def urge_order(
    *,
    session: Session,
    user: CurrentUser,
    order_id: Optional[int],
    expected_stage: str,
    expected_status: str,
    note: str = "",
    now: Optional[dt.datetime] = None,
) -> OrderMoved:
    """Chase the unit handling the current stage; at most one urge per stage per hour."""
    order, now = _checked(session, user, order_id, expected_stage, expected_status, now)
    text = _note(note)
    interval = _open_interval(session, order)
    last = session.scalar(
        select(OrderEvent.at)
        .where(OrderEvent.order_id == order.id, OrderEvent.kind == "urge", OrderEvent.at >= interval.at)
        .order_by(OrderEvent.at.desc())
        .limit(1)
    )
    if last is not None and now - last < URGE_INTERVAL:
        raise CommandError("orders.error.urged_recently")
    return _point(session, user, order, "urge", now, text)


# -- helpers ---------------------------------------------------------------------------------------


def _checked(
    session: Session,
    user: CurrentUser,
    order_id: Optional[int],
    expected_stage: str,
    expected_status: str,
    now: Optional[dt.datetime],
) -> tuple[Order, dt.datetime]:
    """The order, locked, after the role, scope and optimistic checks every action shares."""
    if user.role not in ORDER_ROLES:
        raise CommandError("form.error.role")
    if order_id is None:
        raise ValidationError({"order": "form.error.required"})
    order = session.scalar(
        select(Order)
        .where(ORDERS.c.id == order_id, scope_condition(user.scope, ORDERS))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if order is None:
        raise OutOfScope()
    if (order.current_stage, order.status) != (expected_stage, expected_status):
        raise CommandError("form.error.stale")
    if order.status == "closed" or order.current_stage not in STAGES:
        raise CommandError("form.error.transition")
    return order, now or utcnow()


def _note(note: Optional[str], *, required: bool = False) -> str:
    errors: dict[str, str] = {}
    text = clean_text(note, "note", errors, required=required)
    if errors:
        raise ValidationError(errors)
    return text


def _open_interval(session: Session, order: Order) -> OrderEvent:
    interval = session.scalar(
        select(OrderEvent)
        .where(
            OrderEvent.order_id == order.id,
            OrderEvent.kind == "enter",
            OrderEvent.stage == order.current_stage,
            OrderEvent.exited_at.is_(None),
        )
        .order_by(OrderEvent.at.desc(), OrderEvent.id.desc())
        .limit(1)
    )
    if interval is None:  # an order whose stage history is incomplete cannot be timed
        raise CommandError("orders.error.no_open_stage")
    return interval


def _current_unit(session: Session, order: Order) -> int:
    """The unit handling the order now: the one of its latest event (a transfer changes it)."""
    unit = session.scalar(
        select(OrderEvent.unit_id)
        .where(OrderEvent.order_id == order.id, OrderEvent.kind.in_(("enter", "transfer")))
        .order_by(OrderEvent.at.desc(), OrderEvent.id.desc())
        .limit(1)
    )
    return unit if unit is not None else order.raised_by_unit_id


def _event(
    order: Order,
    user: CurrentUser,
    kind: str,
    at: dt.datetime,
    *,
    unit_id: int,
    stage: Optional[str] = None,
    note: str = "",
    target_seconds: Optional[int] = None,
) -> OrderEvent:
    return OrderEvent(
        order_id=order.id,
        kind=kind,
        stage=stage or order.current_stage,
        at=at,
        exited_at=None,
        hold_seconds=0,
        duration_seconds=None,
        target_seconds=target_seconds,
        unit_id=unit_id,
        actor_id=user.id,
        province_id=order.province_id,
        city_id=order.city_id,
        service_grade=order.service_grade,
        note=note,
    )


def _point(
    session: Session,
    user: CurrentUser,
    order: Order,
    kind: str,
    now: dt.datetime,
    note: str,
    *,
    status: Optional[str] = None,
    unit_id: Optional[int] = None,
    **detail,
) -> OrderMoved:
    """Record a point event in the current stage (and the new status, if any), with its audit row."""
    event = _event(order, user, kind, now, unit_id=unit_id or _current_unit(session, order), note=note)
    session.add(event)
    if status is not None:
        order.status = status
    session.flush()
    audit(
        session,
        user,
        f"{kind}_order",
        "order",
        order.id,
        code=order.code,
        stage=order.current_stage,
        unit_id=event.unit_id,
        event_id=event.id,
        **detail,
    )
    return OrderMoved(order.id, order.code, kind, order.current_stage, order.status, event.id)


def _seconds(delta: dt.timedelta) -> int:
    return int(delta.total_seconds())


def _joined(existing: Optional[str], addition: str) -> str:
    return "\n".join(part for part in (existing or "", addition) if part)
