"""Account 360: everything about one account, each read limited to the user's scope.

Every function takes the account's code and the scope, and selects the account only inside
the scope (and each fact table through its own scope condition), so an account outside the
scope yields no row and no value whatever code a URL names. Tables on screen show exactly
the rows read here, limited in SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Float,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from lib.access import Scope, scope_condition
from lib.domain import CLOSED_STAGE, is_premium
from lib.models import (
    Account,
    AccountPlan,
    Complaint,
    ComplaintEvent,
    Designation,
    HighValueThreshold,
    MonthlySpend,
    Order,
    OrderEvent,
    OrgUnit,
    PlanAction,
    Revisit,
    Survey,
    User,
)
from lib.periods import add_months
from lib.queries import reads

ACCOUNTS = Account.__table__
COMPLAINTS = Complaint.__table__
COMPLAINT_EVENTS = ComplaintEvent.__table__
DES = Designation.__table__
EVENTS = OrderEvent.__table__
ORDERS = Order.__table__
ORG = OrgUnit.__table__
PLANS = AccountPlan.__table__
ACTIONS = PlanAction.__table__
REVISITS = Revisit.__table__
SPEND = MonthlySpend.__table__
SURVEYS = Survey.__table__
THRESHOLDS = HighValueThreshold.__table__
USERS = User.__table__

HOUR = 3600.0


def in_scope(scope: Scope, code: str):
    """The condition that picks the account `code` on the accounts table, only inside the scope."""
    return and_(ACCOUNTS.c.code == code, scope_condition(scope, ACCOUNTS))


def _account_id(scope: Scope, code: str):
    """The id of the account inside the scope, as a scalar subquery (NULL, matching nothing, outside it)."""
    return select(ACCOUNTS.c.id).where(in_scope(scope, code)).scalar_subquery()


def _like(search: str) -> str:
    escaped = search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@reads("accounts", "org_units")
def find_accounts(conn: Connection, scope: Scope, *, search: str = "", limit: int = 50) -> pd.DataFrame:
    """Up to `limit` accounts in scope whose name or code contains `search`, key accounts first, by name."""
    city = aliased(ORG)
    conditions = [scope_condition(scope, ACCOUNTS)]
    if search.strip():
        pattern = _like(search)
        conditions.append(or_(ACCOUNTS.c.name.ilike(pattern, escape="\\"), ACCOUNTS.c.code.ilike(pattern, escape="\\")))
    stmt = (
        select(
            ACCOUNTS.c.code,
            ACCOUNTS.c.name,
            city.c.name_en.label("city_en"),
            city.c.name_zh.label("city_zh"),
            ACCOUNTS.c.category_mask,
        )
        .join(city, city.c.id == ACCOUNTS.c.city_id)
        .where(*conditions)
        .order_by(case((ACCOUNTS.c.category_mask > 0, 0), else_=1), ACCOUNTS.c.name, ACCOUNTS.c.code)
        .limit(limit)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=["code", "name", "city_en", "city_zh", "category_mask"])
    return frame.astype({"category_mask": "int64"})


@reads("accounts", "org_units", "users")
def account_header(conn: Connection, scope: Scope, *, code: str) -> Optional[dict[str, Any]]:
    """Who the account is: names, region, manager, grade, stage, categories now, group parent and members.

    None when the account does not exist or lies outside the scope. A parent outside the scope is
    not named (only `in_outside_group` says that there is one).
    """
    province, city, parent = aliased(ORG), aliased(ORG), aliased(ACCOUNTS)
    members = aliased(ACCOUNTS)
    member_count = (
        select(func.count())
        .where(members.c.parent_id == ACCOUNTS.c.id, scope_condition(scope, members))
        .scalar_subquery()
    )
    stmt = (
        select(
            ACCOUNTS.c.id,
            ACCOUNTS.c.code,
            ACCOUNTS.c.name,
            ACCOUNTS.c.industry,
            province.c.name_en.label("province_en"),
            province.c.name_zh.label("province_zh"),
            city.c.name_en.label("city_en"),
            city.c.name_zh.label("city_zh"),
            USERS.c.name.label("manager"),
            ACCOUNTS.c.service_grade,
            ACCOUNTS.c.lifecycle_stage,
            ACCOUNTS.c.category_mask,
            ACCOUNTS.c.created_on,
            ACCOUNTS.c.parent_id,
            parent.c.code.label("parent_code"),
            parent.c.name.label("parent_name"),
            member_count.label("members"),
        )
        .join(province, province.c.id == ACCOUNTS.c.province_id)
        .join(city, city.c.id == ACCOUNTS.c.city_id)
        .outerjoin(USERS, USERS.c.id == ACCOUNTS.c.manager_id)
        .outerjoin(parent, and_(parent.c.id == ACCOUNTS.c.parent_id, scope_condition(scope, parent)))
        .where(in_scope(scope, code))
    )
    row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    header = dict(row)
    header["category_mask"] = int(header["category_mask"] or 0)
    header["premium"] = is_premium(header["category_mask"])
    header["members"] = int(header["members"] or 0)
    header["in_outside_group"] = header.pop("parent_id") is not None and header["parent_code"] is None
    return header


@reads("accounts", "org_units")
def account_members(conn: Connection, scope: Scope, *, code: str, limit: int = 50) -> pd.DataFrame:
    """Member units of a group account (inside the scope), by name: code, name, city."""
    city = aliased(ORG)
    stmt = (
        select(
            ACCOUNTS.c.code,
            ACCOUNTS.c.name,
            city.c.name_en.label("city_en"),
            city.c.name_zh.label("city_zh"),
            ACCOUNTS.c.category_mask,
        )
        .join(city, city.c.id == ACCOUNTS.c.city_id)
        .where(ACCOUNTS.c.parent_id == _account_id(scope, code), scope_condition(scope, ACCOUNTS))
        .order_by(ACCOUNTS.c.name, ACCOUNTS.c.code)
        .limit(limit)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=["code", "name", "city_en", "city_zh", "category_mask"])
    return frame.astype({"category_mask": "int64"})


@reads("accounts", "designations", "users")
def account_designations(conn: Connection, scope: Scope, *, code: str) -> pd.DataFrame:
    """The account's category history: category, valid_from, valid_to (exclusive, None while current),
    source (designated | derived), set_by (a name, None for derived), set_at, reason; oldest first."""
    stmt = (
        select(
            DES.c.category,
            DES.c.valid_from,
            DES.c.valid_to,
            DES.c.source,
            USERS.c.name.label("set_by"),
            DES.c.set_at,
            DES.c.reason,
        )
        .outerjoin(USERS, USERS.c.id == DES.c.set_by)
        .where(DES.c.account_id == _account_id(scope, code), scope_condition(scope, DES))
        .order_by(DES.c.valid_from, DES.c.category, DES.c.id)
    )
    columns = ["category", "valid_from", "valid_to", "source", "set_by", "set_at", "reason"]
    return pd.DataFrame(conn.execute(stmt).all(), columns=columns)


@reads("accounts", "monthly_spend", "high_value_thresholds")
def account_spend(
    conn: Connection, scope: Scope, *, code: str, first_month: dt.date, last_month: dt.date
) -> pd.DataFrame:
    """Monthly spend from `first_month` to `last_month` (both included): month, amount (0 for a month without
    a row), avg_3m (the mean of the month and the two before it; None until the account has spend history
    for all three) and threshold (the high-value threshold in force on the month's first day; None before the
    first one). No rows outside the scope.
    """
    first, last = first_month.replace(day=1), last_month.replace(day=1)
    months, month = [], add_months(first, -2)  # two earlier months feed the first averages
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    if not months or last < first:
        return pd.DataFrame(columns=["month", "amount", "avg_3m", "threshold"])
    series = union_all(*(select(literal(m, Date).label("month")) for m in months)).subquery("months")
    spend = (
        select(SPEND.c.month, SPEND.c.amount)
        .where(
            SPEND.c.account_id == _account_id(scope, code),
            scope_condition(scope, SPEND),
            SPEND.c.month >= months[0],
            SPEND.c.month <= last,
        )
        .subquery("spend")
    )
    amount = cast(func.coalesce(spend.c.amount, 0), Float)
    threshold = (
        select(THRESHOLDS.c.amount)
        .where(THRESHOLDS.c.effective_from <= series.c.month)
        .order_by(THRESHOLDS.c.effective_from.desc(), THRESHOLDS.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # The series has every month, so "the two rows before" are the two months before. The mean needs three
    # months since the account's first month with spend; before that it would mix in months it had no history.
    first_spend = (
        select(func.min(SPEND.c.month))
        .where(SPEND.c.account_id == _account_id(scope, code), scope_condition(scope, SPEND))
        .scalar_subquery()
    )
    window = {"order_by": series.c.month, "rows": (-2, 0)}
    known = func.sum(case((series.c.month >= first_spend, 1), else_=0)).over(**window)
    mean = case((known == 3, func.sum(amount).over(**window) / 3.0))
    windowed = (
        select(series.c.month, amount.label("amount"), mean.label("avg_3m"), threshold.label("threshold"))
        .select_from(series.outerjoin(spend, spend.c.month == series.c.month))
        .subquery("windowed")
    )
    stmt = (
        select(windowed.c.month, windowed.c.amount, windowed.c.avg_3m, windowed.c.threshold)
        .where(windowed.c.month >= first, exists(select(ACCOUNTS.c.id).where(in_scope(scope, code))))
        .order_by(windowed.c.month)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=["month", "amount", "avg_3m", "threshold"])
    frame["month"] = pd.to_datetime(frame["month"])
    for column in ("amount", "avg_3m", "threshold"):
        frame[column] = pd.to_numeric(frame[column].astype(object), errors="coerce").astype("float64")
    return frame


@reads("accounts", "orders", "order_events")
def account_orders(conn: Connection, scope: Scope, *, code: str, limit: int = 100) -> pd.DataFrame:
    """The account's latest orders (newest first): code, product, grade, received, closed, current stage,
    status, stages ended late, holds, urges and transfers."""
    late = case((and_(EVENTS.c.kind == "enter", EVENTS.c.duration_seconds > EVENTS.c.target_seconds), 1))
    orders = (
        select(
            ORDERS.c.id,
            ORDERS.c.code,
            ORDERS.c.product,
            ORDERS.c.service_grade,
            ORDERS.c.received_at,
            ORDERS.c.closed_at,
            ORDERS.c.current_stage,
            ORDERS.c.status,
        )
        .where(ORDERS.c.account_id == _account_id(scope, code), scope_condition(scope, ORDERS))
        .order_by(ORDERS.c.received_at.desc(), ORDERS.c.id.desc())
        .limit(limit)
        .subquery("latest")
    )
    counts = (
        select(
            EVENTS.c.order_id,
            func.count(late).label("late_stages"),
            func.count(case((EVENTS.c.kind == "hold", 1))).label("holds"),
            func.count(case((EVENTS.c.kind == "urge", 1))).label("urges"),
            func.count(case((EVENTS.c.kind == "transfer", 1))).label("transfers"),
        )
        .where(EVENTS.c.order_id.in_(select(orders.c.id)), scope_condition(scope, EVENTS))
        .group_by(EVENTS.c.order_id)
        .subquery("counts")
    )
    stmt = (
        select(
            orders.c.code,
            orders.c.product,
            orders.c.service_grade,
            orders.c.received_at,
            orders.c.closed_at,
            orders.c.current_stage,
            orders.c.status,
            func.coalesce(counts.c.late_stages, 0),
            func.coalesce(counts.c.holds, 0),
            func.coalesce(counts.c.urges, 0),
            func.coalesce(counts.c.transfers, 0),
        )
        .select_from(orders.outerjoin(counts, counts.c.order_id == orders.c.id))
        .order_by(orders.c.received_at.desc(), orders.c.id.desc())
    )
    columns = [
        "code",
        "product",
        "service_grade",
        "received_at",
        "closed_at",
        "current_stage",
        "status",
        "late_stages",
        "holds",
        "urges",
        "transfers",
    ]
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=columns)
    return frame.astype({c: "int64" for c in ("late_stages", "holds", "urges", "transfers")})


@reads("accounts", "orders", "order_events", "org_units", "users")
def order_timeline(conn: Connection, scope: Scope, *, code: str, order: str, now: dt.datetime) -> pd.DataFrame:
    """The events of one of the account's orders, in time order.

    Columns: kind, stage, start, end, hours (hold-free time in the stage so far), target_hours, hold_hours,
    status, unit, actor, note. 'enter' rows are stage intervals: end is the exit, or `now` while the order
    is still in the stage; status is on_time / late for ended intervals, open / overdue for open ones
    (overdue once `now` is past the target), no_target without a target, and closed for the archive stage.
    Other kinds are points in time (end = start, status empty).
    """
    unit, actor = aliased(ORG), aliased(USERS)
    stmt = (
        select(
            EVENTS.c.kind,
            EVENTS.c.stage,
            EVENTS.c.at,
            EVENTS.c.exited_at,
            EVENTS.c.duration_seconds,
            EVENTS.c.target_seconds,
            EVENTS.c.hold_seconds,
            unit.c.name_en,
            unit.c.name_zh,
            actor.c.name.label("actor"),
            EVENTS.c.note,
        )
        .join(ORDERS, ORDERS.c.id == EVENTS.c.order_id)
        .outerjoin(unit, unit.c.id == EVENTS.c.unit_id)
        .outerjoin(actor, actor.c.id == EVENTS.c.actor_id)
        .where(
            ORDERS.c.code == order,
            ORDERS.c.account_id == _account_id(scope, code),
            scope_condition(scope, ORDERS),
            scope_condition(scope, EVENTS),
        )
        .order_by(EVENTS.c.at, case((EVENTS.c.kind == "enter", 0), else_=1), EVENTS.c.id)
    )
    rows = conn.execute(stmt).mappings().all()  # one order's events: a handful of rows, all shown
    return pd.DataFrame([_timeline_row(row, now) for row in rows], columns=TIMELINE_COLUMNS)


TIMELINE_COLUMNS = [
    "kind",
    "stage",
    "start",
    "end",
    "hours",
    "target_hours",
    "hold_hours",
    "status",
    "unit_en",
    "unit_zh",
    "actor",
    "note",
]


def _timeline_row(row, now: dt.datetime) -> dict[str, Any]:
    start, target = row["at"], row["target_seconds"]
    point = row["kind"] != "enter"
    end = start if point else row["exited_at"] or max(now, start)
    seconds = row["duration_seconds"]
    if not point and seconds is None and row["exited_at"] is None:
        seconds = (end - start).total_seconds() - (row["hold_seconds"] or 0)
    if point:
        status = ""
    elif row["stage"] == CLOSED_STAGE:
        status, end = "closed", start
    elif target is None:
        status = "no_target"
    elif row["exited_at"] is None:
        status = "overdue" if seconds > target else "open"
    else:
        status = "on_time" if seconds <= target else "late"
    return {
        "kind": row["kind"],
        "stage": row["stage"],
        "start": start,
        "end": end,
        "hours": None if point or status == "closed" else seconds / HOUR,
        "target_hours": None if target is None else target / HOUR,
        "hold_hours": None if point else (row["hold_seconds"] or 0) / HOUR,
        "status": status,
        "unit_en": row["name_en"],
        "unit_zh": row["name_zh"],
        "actor": row["actor"],
        "note": row["note"] or "",
    }


@reads("accounts", "complaints")
def account_complaints(conn: Connection, scope: Scope, *, code: str, limit: int = 100) -> pd.DataFrame:
    """The account's latest complaints (newest first) with their timestamps and description."""
    columns = [COMPLAINTS.c[name] for name in COMPLAINT_COLUMNS]
    stmt = (
        select(*columns)
        .where(COMPLAINTS.c.account_id == _account_id(scope, code), scope_condition(scope, COMPLAINTS))
        .order_by(COMPLAINTS.c.received_at.desc(), COMPLAINTS.c.id.desc())
        .limit(limit)
    )
    return pd.DataFrame(conn.execute(stmt).all(), columns=COMPLAINT_COLUMNS)


COMPLAINT_COLUMNS = [
    "code",
    "received_at",
    "channel",
    "category",
    "severity",
    "green_channel",
    "status",
    "first_response_at",
    "resolved_at",
    "closed_at",
    "reopened_count",
    "followup_score",
    "description",
]


@reads("accounts", "complaints", "complaint_events", "users")
def complaint_history(conn: Connection, scope: Scope, *, code: str, limit: int = 200) -> pd.DataFrame:
    """Status changes of the account's complaints, newest first: complaint, at, from, to, by whom, note."""
    stmt = (
        select(
            COMPLAINTS.c.code.label("complaint"),
            COMPLAINT_EVENTS.c.at,
            COMPLAINT_EVENTS.c.from_status,
            COMPLAINT_EVENTS.c.to_status,
            USERS.c.name.label("actor"),
            COMPLAINT_EVENTS.c.note,
        )
        .join(COMPLAINTS, COMPLAINTS.c.id == COMPLAINT_EVENTS.c.complaint_id)
        .outerjoin(USERS, USERS.c.id == COMPLAINT_EVENTS.c.actor_id)
        .where(COMPLAINTS.c.account_id == _account_id(scope, code), scope_condition(scope, COMPLAINTS))
        .order_by(COMPLAINT_EVENTS.c.at.desc(), COMPLAINT_EVENTS.c.id.desc())
        .limit(limit)
    )
    return pd.DataFrame(
        conn.execute(stmt).all(), columns=["complaint", "at", "from_status", "to_status", "actor", "note"]
    )


@reads("accounts", "revisits", "users")
def account_revisits(conn: Connection, scope: Scope, *, code: str, limit: int = 100) -> pd.DataFrame:
    """The account's latest revisits (newest first): day, channel, score, outcome, needs, products, notes,
    next due, manager."""
    stmt = (
        select(
            REVISITS.c.visited_on,
            REVISITS.c.channel,
            REVISITS.c.score,
            REVISITS.c.outcome,
            REVISITS.c.needs,
            REVISITS.c.products,
            REVISITS.c.notes,
            REVISITS.c.next_due,
            USERS.c.name.label("manager"),
        )
        .outerjoin(USERS, USERS.c.id == REVISITS.c.manager_id)
        .where(REVISITS.c.account_id == _account_id(scope, code), scope_condition(scope, REVISITS))
        .order_by(REVISITS.c.visited_on.desc(), REVISITS.c.id.desc())
        .limit(limit)
    )
    columns = ["visited_on", "channel", "score", "outcome", "needs", "products", "notes", "next_due", "manager"]
    return pd.DataFrame(conn.execute(stmt).all(), columns=columns)


SURVEY_COLUMNS = [
    "surveyed_on",
    "source",
    "score",
    "network",
    "service",
    "billing",
    "account_manager",
    "after_sales",
    "comment",
]


@reads("accounts", "surveys")
def account_surveys(conn: Connection, scope: Scope, *, code: str, limit: int = 100) -> pd.DataFrame:
    """The account's latest surveys (newest first): day, source, score, the five dimensions, comment."""
    stmt = (
        select(*(SURVEYS.c[name] for name in SURVEY_COLUMNS))
        .where(SURVEYS.c.account_id == _account_id(scope, code), scope_condition(scope, SURVEYS))
        .order_by(SURVEYS.c.surveyed_on.desc(), SURVEYS.c.id.desc())
        .limit(limit)
    )
    return pd.DataFrame(conn.execute(stmt).all(), columns=SURVEY_COLUMNS)


ACTION_COLUMNS = ["action", "owner", "due_on", "status"]


@reads("accounts", "account_plans", "plan_actions", "users")
def account_plan(conn: Connection, scope: Scope, *, code: str) -> Optional[dict[str, Any]]:
    """The account's plan (一户一案): objectives, needs, products, competitors, who updated it and when,
    and its actions (a DataFrame: action, owner, due_on, status; by due date, undated last). None when
    there is no plan or the account is outside the scope."""
    stmt = (
        select(
            PLANS.c.id,
            PLANS.c.objectives,
            PLANS.c.needs,
            PLANS.c.products,
            PLANS.c.competitors,
            PLANS.c.updated_at,
            USERS.c.name.label("updated_by"),
        )
        .outerjoin(USERS, USERS.c.id == PLANS.c.updated_by)
        .where(PLANS.c.account_id == _account_id(scope, code))
    )
    plan = conn.execute(stmt).mappings().first()
    if plan is None:
        return None
    actions = (
        select(*(ACTIONS.c[name] for name in ACTION_COLUMNS))
        .where(ACTIONS.c.plan_id == plan["id"])
        .order_by(case((ACTIONS.c.due_on.is_(None), 1), else_=0), ACTIONS.c.due_on, ACTIONS.c.id)
    )
    result = {k: v for k, v in plan.items() if k != "id"}
    result["actions"] = pd.DataFrame(conn.execute(actions).all(), columns=ACTION_COLUMNS)
    return result
