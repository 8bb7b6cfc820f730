"""Reads of the complaint workbench, the complaint form and the order desk, each limited to the scope.

Targets: a complaint's response and resolution targets are the complaint_targets row of its
severity in force when it was received (latest effective_from on or before that day), or the
default of lib.domain when there is none. Time left is target deadline - now, in seconds,
computed in SQL through `epoch_seconds` (the one dialect-specific piece); negative means overdue.
Lists are limited in SQL and carry the total count of matching rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import pandas as pd
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from lib.access import Scope, scope_condition
from lib.domain import DEFAULT_COMPLAINT_TARGET_HOURS, OPEN_COMPLAINT_STATUSES
from lib.models import Account, Complaint, ComplaintEvent, ComplaintTarget, Order, OrderEvent, OrgUnit, User
from lib.queries import reads

ACCOUNTS = Account.__table__
COMPLAINTS = Complaint.__table__
COMPLAINT_EVENTS = ComplaintEvent.__table__
TARGETS = ComplaintTarget.__table__
ORDERS = Order.__table__
EVENTS = OrderEvent.__table__
ORG = OrgUnit.__table__
USERS = User.__table__

WORKBENCH_STATUSES = (*OPEN_COMPLAINT_STATUSES, "resolved")  # everything a workbench user still acts on
LIST_LIMIT = 300
ACCOUNT_LIMIT = 200
HOUR = 3600


def epoch_seconds(conn: Connection, column: Any) -> ColumnElement:
    """Whole seconds since 1970-01-01 of a naive UTC datetime column, on SQLite or PostgreSQL."""
    if conn.dialect.name == "postgresql":
        return cast(func.floor(extract("epoch", column)), BigInteger)
    return cast(func.strftime("%s", func.substr(column, 1, 19)), BigInteger)


def _epoch(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1)).total_seconds() // 1)


def _target_hours(which: str) -> ColumnElement:
    """The response or resolution target (hours) in force for each complaint row."""
    in_force = (
        select(TARGETS.c[f"{which}_hours"])
        .where(TARGETS.c.severity == COMPLAINTS.c.severity, TARGETS.c.effective_from <= COMPLAINTS.c.received_at)
        .order_by(TARGETS.c.effective_from.desc(), TARGETS.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    position = 0 if which == "response" else 1
    default = case(
        {s: float(h[position]) for s, h in DEFAULT_COMPLAINT_TARGET_HOURS.items()},
        value=COMPLAINTS.c.severity,
        else_=None,
    )
    return func.coalesce(in_force, default)


def _clock_columns(conn: Connection, now: dt.datetime) -> list[ColumnElement]:
    """Targets, seconds left (NULL once met) and lateness of the response and the resolution."""
    received = epoch_seconds(conn, COMPLAINTS.c.received_at)
    out = []
    for which, done in (("response", COMPLAINTS.c.first_response_at), ("resolution", COMPLAINTS.c.resolved_at)):
        hours = _target_hours(which)
        deadline = received + hours * HOUR
        out += [
            hours.label(f"{which}_hours"),
            case((_running(which), deadline - _epoch(now))).label(f"{which}_left_seconds"),
            case((done.is_(None), None), else_=epoch_seconds(conn, done) > deadline).label(f"{which}_late"),
        ]
    return out


def _running(which: str) -> ColumnElement[bool]:
    """Whether a clock still runs: resolution until resolved; response until the first response or a resolution."""
    unresolved = COMPLAINTS.c.resolved_at.is_(None)
    return and_(COMPLAINTS.c.first_response_at.is_(None), unresolved) if which == "response" else unresolved


def _overdue(conn: Connection, now: dt.datetime) -> ColumnElement[bool]:
    """Past the response target without a response, or past the resolution target unresolved."""
    received, now_s = epoch_seconds(conn, COMPLAINTS.c.received_at), _epoch(now)
    return or_(
        and_(_running("response"), received + _target_hours("response") * HOUR < now_s),
        and_(_running("resolution"), received + _target_hours("resolution") * HOUR < now_s),
    )


WORKBENCH_COLUMNS = [
    "id",
    "code",
    "account_code",
    "account_name",
    "channel",
    "category",
    "severity",
    "green_channel",
    "status",
    "received_at",
    "first_response_at",
    "resolved_at",
    "reopened_count",
    "response_hours",
    "response_left_seconds",
    "response_late",
    "resolution_hours",
    "resolution_left_seconds",
    "resolution_late",
    "overdue",
    "orders",
]


def _complaint_columns(conn: Connection, now: dt.datetime) -> list[ColumnElement]:
    """The columns the workbench list and the detail share: the complaint, its account, its clocks,
    whether it is overdue, and how many orders it raised (WORKBENCH_COLUMNS, in that order)."""
    spawned = select(func.count()).select_from(ORDERS).where(ORDERS.c.complaint_id == COMPLAINTS.c.id).scalar_subquery()
    return [
        COMPLAINTS.c.id,
        COMPLAINTS.c.code,
        ACCOUNTS.c.code.label("account_code"),
        ACCOUNTS.c.name.label("account_name"),
        COMPLAINTS.c.channel,
        COMPLAINTS.c.category,
        COMPLAINTS.c.severity,
        COMPLAINTS.c.green_channel,
        COMPLAINTS.c.status,
        COMPLAINTS.c.received_at,
        COMPLAINTS.c.first_response_at,
        COMPLAINTS.c.resolved_at,
        COMPLAINTS.c.reopened_count,
        *_clock_columns(conn, now),
        _overdue(conn, now).label("overdue"),
        spawned.label("orders"),
    ]


@reads("complaints", "accounts", "complaint_targets", "orders")
def workbench(
    conn: Connection,
    scope: Scope,
    *,
    now: dt.datetime,
    statuses: tuple[str, ...] = WORKBENCH_STATUSES,
    severities: tuple[str, ...] = (),
    overdue_only: bool = False,
    limit: int = LIST_LIMIT,
) -> tuple[pd.DataFrame, int]:
    """Complaints in scope with the given statuses (and severities), most urgent first, and their total.

    Urgency: unresolved before resolved, green channel first, then the earliest resolution deadline.
    `orders` counts the orders raised from each complaint.
    """
    overdue = _overdue(conn, now)
    conditions = [scope_condition(scope, COMPLAINTS), COMPLAINTS.c.status.in_(statuses or WORKBENCH_STATUSES)]
    if severities:
        conditions.append(COMPLAINTS.c.severity.in_(severities))
    if overdue_only:
        conditions.append(overdue)
    deadline = epoch_seconds(conn, COMPLAINTS.c.received_at) + _target_hours("resolution") * HOUR
    stmt = (
        select(
            *_complaint_columns(conn, now),
            func.count().over().label("total"),
        )
        .join(ACCOUNTS, ACCOUNTS.c.id == COMPLAINTS.c.account_id)
        .where(*conditions)
        .order_by(
            case((COMPLAINTS.c.resolved_at.is_(None), 0), else_=1),
            COMPLAINTS.c.green_channel.desc(),
            deadline,
            COMPLAINTS.c.id,
        )
        .limit(limit)
    )
    rows = conn.execute(stmt).all()
    total = int(rows[0].total) if rows else 0
    frame = pd.DataFrame([row[:-1] for row in rows], columns=WORKBENCH_COLUMNS)
    return _typed_complaints(frame), total


def _typed_complaints(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(
        {
            "id": "int64",
            "green_channel": "bool",
            "overdue": "bool",
            "orders": "int64",
            "reopened_count": "int64",
            "response_hours": "float64",
            "resolution_hours": "float64",
            "response_left_seconds": "Float64",
            "resolution_left_seconds": "Float64",
            "response_late": "boolean",
            "resolution_late": "boolean",
        }
    )
    for column in ("received_at", "first_response_at", "resolved_at"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


DETAIL_COLUMNS = [*WORKBENCH_COLUMNS, "description", "closed_at", "followup_score", "raised_by"]


@reads("complaints", "accounts", "complaint_targets", "orders", "users")
def complaint_detail(conn: Connection, scope: Scope, *, code: str, now: dt.datetime) -> Optional[dict[str, Any]]:
    """One complaint with its targets and clocks; None when it does not exist or lies outside the scope."""
    stmt = (
        select(
            *_complaint_columns(conn, now),
            COMPLAINTS.c.description,
            COMPLAINTS.c.closed_at,
            COMPLAINTS.c.followup_score,
            USERS.c.name.label("raised_by"),
        )
        .join(ACCOUNTS, ACCOUNTS.c.id == COMPLAINTS.c.account_id)
        .outerjoin(USERS, USERS.c.id == COMPLAINTS.c.raised_by)
        .where(COMPLAINTS.c.code == code, scope_condition(scope, COMPLAINTS))
    )
    row = conn.execute(stmt).first()
    if row is None:
        return None
    frame = pd.DataFrame([tuple(row)], columns=DETAIL_COLUMNS)
    detail = _typed_complaints(frame).iloc[0].to_dict()
    return {k: (None if _missing(v) else v) for k, v in detail.items()}


def _missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


@reads("complaints", "complaint_events", "users")
def complaint_status_history(conn: Connection, scope: Scope, *, code: str, limit: int = 200) -> pd.DataFrame:
    """The status changes of one complaint in time order: at, from_status, to_status, actor, note."""
    stmt = (
        select(
            COMPLAINT_EVENTS.c.at,
            COMPLAINT_EVENTS.c.from_status,
            COMPLAINT_EVENTS.c.to_status,
            USERS.c.name.label("actor"),
            COMPLAINT_EVENTS.c.note,
        )
        .join(COMPLAINTS, COMPLAINTS.c.id == COMPLAINT_EVENTS.c.complaint_id)
        .outerjoin(USERS, USERS.c.id == COMPLAINT_EVENTS.c.actor_id)
        .where(COMPLAINTS.c.code == code, scope_condition(scope, COMPLAINTS))
        .order_by(COMPLAINT_EVENTS.c.at, COMPLAINT_EVENTS.c.id)
        .limit(limit)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=["at", "from_status", "to_status", "actor", "note"])
    frame["at"] = pd.to_datetime(frame["at"])
    return frame


@reads("complaints", "orders")
def complaint_orders(conn: Connection, scope: Scope, *, code: str) -> pd.DataFrame:
    """Orders raised from one complaint: code, product, received_at, current_stage, status."""
    stmt = (
        select(ORDERS.c.code, ORDERS.c.product, ORDERS.c.received_at, ORDERS.c.current_stage, ORDERS.c.status)
        .join(COMPLAINTS, COMPLAINTS.c.id == ORDERS.c.complaint_id)
        .where(COMPLAINTS.c.code == code, scope_condition(scope, COMPLAINTS), scope_condition(scope, ORDERS))
        .order_by(ORDERS.c.received_at, ORDERS.c.id)
        .limit(20)
    )
    return pd.DataFrame(conn.execute(stmt).all(), columns=["code", "product", "received_at", "current_stage", "status"])


@reads("complaint_targets")
def complaint_targets_in_force(conn: Connection, scope: Scope, *, day: dt.date) -> pd.DataFrame:
    """Response and resolution hours per severity in force on `day` (defaults where no row is set)."""
    ranked = (
        select(
            TARGETS.c.severity,
            TARGETS.c.response_hours,
            TARGETS.c.resolution_hours,
            func.row_number()
            .over(partition_by=TARGETS.c.severity, order_by=(TARGETS.c.effective_from.desc(), TARGETS.c.id.desc()))
            .label("rank"),
        )
        .where(TARGETS.c.effective_from <= day)
        .subquery()
    )
    stored = {
        row.severity: (float(row.response_hours), float(row.resolution_hours))
        for row in conn.execute(select(ranked).where(ranked.c.rank == 1))
    }
    rows = [(s, *stored.get(s, tuple(float(h) for h in hours))) for s, hours in DEFAULT_COMPLAINT_TARGET_HOURS.items()]
    return pd.DataFrame(rows, columns=["severity", "response_hours", "resolution_hours"])


# -- the order desk ----------------------------------------------------------------------------------

DESK_COLUMNS = [
    "id",
    "code",
    "account_code",
    "account_name",
    "product",
    "service_grade",
    "status",
    "current_stage",
    "received_at",
    "entered_at",
    "target_seconds",
    "hold_seconds",
    "elapsed_seconds",
    "complaint_code",
    "province_id",
    "raised_by_unit_id",
]


def _desk_select(conn: Connection, scope: Scope, now: dt.datetime):
    """Orders not yet closed, with their open stage interval and the hold-free time spent in it so far.

    Returns the statement and the time over target (negative: time left) to sort by.
    """
    interval = aliased(EVENTS, name="interval")
    holds = aliased(EVENTS, name="holds")
    now_s = _epoch(now)
    last_hold = (
        select(func.max(holds.c.at))
        .where(holds.c.order_id == ORDERS.c.id, holds.c.kind == "hold", holds.c.at >= interval.c.at)
        .scalar_subquery()
    )
    on_hold_now = case((ORDERS.c.status == "on_hold", now_s - epoch_seconds(conn, last_hold)), else_=0)
    elapsed = (
        now_s
        - epoch_seconds(conn, interval.c.at)
        - func.coalesce(interval.c.hold_seconds, 0)
        - func.coalesce(on_hold_now, 0)
    )
    complaint = aliased(COMPLAINTS)
    return (
        select(
            ORDERS.c.id,
            ORDERS.c.code,
            ACCOUNTS.c.code.label("account_code"),
            ACCOUNTS.c.name.label("account_name"),
            ORDERS.c.product,
            ORDERS.c.service_grade,
            ORDERS.c.status,
            ORDERS.c.current_stage,
            ORDERS.c.received_at,
            interval.c.at.label("entered_at"),
            interval.c.target_seconds,
            interval.c.hold_seconds,
            elapsed.label("elapsed_seconds"),
            complaint.c.code.label("complaint_code"),
            ORDERS.c.province_id,
            ORDERS.c.raised_by_unit_id,
        )
        .join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id)
        .outerjoin(
            interval,
            and_(
                interval.c.order_id == ORDERS.c.id,
                interval.c.kind == "enter",
                interval.c.stage == ORDERS.c.current_stage,
                interval.c.exited_at.is_(None),
            ),
        )
        .outerjoin(complaint, complaint.c.id == ORDERS.c.complaint_id)
        .where(ORDERS.c.status != "closed", scope_condition(scope, ORDERS)),
        elapsed - interval.c.target_seconds,
    )


def _typed_orders(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype(
        {
            "id": "int64",
            "target_seconds": "Int64",
            "hold_seconds": "Int64",
            "elapsed_seconds": "Int64",
            "province_id": "int64",
            "raised_by_unit_id": "int64",
        }
    )
    for column in ("received_at", "entered_at"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


@reads("orders", "order_events", "accounts", "complaints")
def order_desk(
    conn: Connection,
    scope: Scope,
    *,
    now: dt.datetime,
    stage: Optional[str] = None,
    status: Optional[str] = None,
    search: str = "",
    limit: int = LIST_LIMIT,
) -> tuple[pd.DataFrame, int]:
    """Open and held orders in scope with their current stage, most over target first, and their total.

    `search` matches an order or account code exactly or the start of it (case-insensitive).
    """
    stmt, over_target = _desk_select(conn, scope, now)
    stmt = stmt.add_columns(func.count().over().label("total"))
    if stage:
        stmt = stmt.where(ORDERS.c.current_stage == stage)
    if status:
        stmt = stmt.where(ORDERS.c.status == status)
    if search.strip():
        text = search.strip().upper()
        prefix = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                func.upper(ORDERS.c.code).like(prefix, escape="\\"),
                func.upper(ACCOUNTS.c.code).like(prefix, escape="\\"),
            )
        )
    overrun = func.coalesce(over_target, literal(-(10**12)))  # orders without a timed stage come last
    rows = conn.execute(stmt.order_by(overrun.desc(), ORDERS.c.id).limit(limit)).all()
    total = int(rows[0].total) if rows else 0
    return _typed_orders(pd.DataFrame([row[:-1] for row in rows], columns=DESK_COLUMNS)), total


@reads("orders", "order_events", "accounts", "complaints")
def order_detail(conn: Connection, scope: Scope, *, code: str, now: dt.datetime) -> Optional[dict[str, Any]]:
    """One order not yet closed, as on the desk; None when it is closed, unknown or outside the scope."""
    stmt, _ = _desk_select(conn, scope, now)
    row = conn.execute(stmt.where(ORDERS.c.code == code)).first()
    if row is None:
        return None
    detail = _typed_orders(pd.DataFrame([tuple(row)], columns=DESK_COLUMNS)).iloc[0].to_dict()
    return {k: (None if _missing(v) else v) for k, v in detail.items()}


@reads("orders", "order_events", "org_units", "users")
def order_event_list(conn: Connection, scope: Scope, *, code: str, limit: int = 200) -> pd.DataFrame:
    """The events of one order in time order: kind, stage, at, exited_at, hold, duration and target seconds,
    unit (id and names), actor, note."""
    unit, actor = aliased(ORG), aliased(USERS)
    stmt = (
        select(
            EVENTS.c.kind,
            EVENTS.c.stage,
            EVENTS.c.at,
            EVENTS.c.exited_at,
            EVENTS.c.hold_seconds,
            EVENTS.c.duration_seconds,
            EVENTS.c.target_seconds,
            EVENTS.c.unit_id,
            unit.c.name_en.label("unit_en"),
            unit.c.name_zh.label("unit_zh"),
            actor.c.name.label("actor"),
            EVENTS.c.note,
        )
        .join(ORDERS, ORDERS.c.id == EVENTS.c.order_id)
        .outerjoin(unit, unit.c.id == EVENTS.c.unit_id)
        .outerjoin(actor, actor.c.id == EVENTS.c.actor_id)
        .where(ORDERS.c.code == code, scope_condition(scope, ORDERS), scope_condition(scope, EVENTS))
        .order_by(EVENTS.c.at, case((EVENTS.c.kind == "enter", 0), else_=1), EVENTS.c.id)
        .limit(limit)
    )
    columns = [
        "kind",
        "stage",
        "at",
        "exited_at",
        "hold_seconds",
        "duration_seconds",
        "target_seconds",
        "unit_id",
        "unit_en",
        "unit_zh",
        "actor",
        "note",
    ]
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=columns)
    frame = frame.astype(
        {"hold_seconds": "Int64", "duration_seconds": "Int64", "target_seconds": "Int64", "unit_id": "Int64"}
    )
    for column in ("at", "exited_at"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
