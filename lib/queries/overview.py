"""The Overview's KPIs, each one aggregate query over the user's scope."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, case, distinct, func, or_, select

from lib.access import Scope, scope_condition
from lib.domain import CATEGORIES, CATEGORY_BITS, categories_of, is_premium
from lib.models import AccountSnapshot, Complaint, Designation, MonthlySpend, Order, OrderEvent, Revisit, Survey
from lib.periods import Period
from lib.queries import flow, reads
from lib.queries.filters import category_condition

DES = Designation.__table__
ORDERS = Order.__table__
COMPLAINTS = Complaint.__table__
SURVEYS = Survey.__table__
EVENTS = OrderEvent.__table__
SPEND = MonthlySpend.__table__
REVISITS = Revisit.__table__
SNAPSHOTS = AccountSnapshot.__table__


def category_bit(column):
    """The category bit of a category code column, as SQL."""
    return case(CATEGORY_BITS, value=column, else_=0)


@reads("designations")
def category_combinations(conn: Connection, scope: Scope, day: dt.date) -> pd.DataFrame:
    """Accounts per exact set of categories (as a bit mask) on `day`: columns mask, accounts."""
    month = flow.snapshot_month(conn, scope, day)
    if month is not None:  # each account's categories at the month's end are in account_snapshots
        mask = flow.read_mask(SNAPSHOTS.c.mask)
        stmt = (
            select(mask.label("mask"), func.count().label("accounts"))
            .where(SNAPSHOTS.c.month == month, mask > 0, scope_condition(scope, SNAPSHOTS))
            .group_by(mask)
            .order_by(mask)
        )
        rows = conn.execute(stmt).all()
        return pd.DataFrame(rows, columns=["mask", "accounts"]).astype({"mask": "int64", "accounts": "int64"})
    per_account = (
        select(DES.c.account_id, func.sum(distinct(category_bit(DES.c.category))).label("mask"))
        .where(
            DES.c.valid_from <= day,
            or_(DES.c.valid_to.is_(None), DES.c.valid_to > day),
            scope_condition(scope, DES),
        )
        .group_by(DES.c.account_id)
        .subquery()
    )
    stmt = (
        select(per_account.c.mask, func.count().label("accounts"))
        .group_by(per_account.c.mask)
        .order_by(per_account.c.mask)
    )
    rows = conn.execute(stmt).all()
    return pd.DataFrame(rows, columns=["mask", "accounts"]).astype({"mask": "int64", "accounts": "int64"})


def summarise_categories(combinations: pd.DataFrame) -> dict[str, int]:
    """Key accounts, premium and each category's size from the per-combination counts."""
    summary = {"key_accounts": 0, "premium": 0, **{c: 0 for c in CATEGORIES}}
    for mask, accounts in combinations.itertuples(index=False):  # at most 15 rows
        if not mask:
            continue
        summary["key_accounts"] += accounts
        summary["premium"] += accounts if is_premium(mask) else 0
        for category in categories_of(mask):
            summary[category] += accounts
    return summary


@reads("surveys")
def satisfaction_year_on_year(
    conn: Connection, scope: Scope, period: Period, categories: tuple[str, ...] = ()
) -> dict[str, float | int | None]:
    """The satisfaction index (mean score) in the period and a year earlier, with the change in points.

    `categories` keeps the surveys of accounts currently in any of them (all accounts when empty).
    """
    earlier = period.year_earlier()
    if flow.serves(scope, categories):
        row = _rolled_up_satisfaction(scope, period, earlier, conn)
    else:
        row = _raw_satisfaction(scope, period, earlier, categories, conn)
    index = _float(row["index"])
    before = _float(row["index_year_earlier"])
    return {
        "index": index,
        "surveys": int(row["surveys"] or 0),
        "index_year_earlier": before,
        "surveys_year_earlier": int(row["surveys_year_earlier"] or 0),
        "change_points": None if index is None or before is None else index - before,
    }


def _rolled_up_satisfaction(scope: Scope, period: Period, earlier: Period, conn: Connection):
    columns = flow.survey_year_on_year(period, "score_centi", "surveys", "index", "surveys")
    return conn.execute(select(*columns).where(*flow.survey_days_of_both_years(scope, period))).mappings().one()


def _raw_satisfaction(scope: Scope, period: Period, earlier: Period, categories: tuple[str, ...], conn: Connection):
    in_now = and_(SURVEYS.c.surveyed_on >= period.start, SURVEYS.c.surveyed_on < period.end)
    in_then = and_(SURVEYS.c.surveyed_on >= earlier.start, SURVEYS.c.surveyed_on < earlier.end)
    stmt = select(
        func.avg(case((in_now, SURVEYS.c.score))).label("index"),
        func.count(case((in_now, 1))).label("surveys"),
        func.avg(case((in_then, SURVEYS.c.score))).label("index_year_earlier"),
        func.count(case((in_then, 1))).label("surveys_year_earlier"),
    ).where(
        SURVEYS.c.surveyed_on >= min(earlier.start, period.start),
        SURVEYS.c.surveyed_on < period.end,
        scope_condition(scope, SURVEYS),
        category_condition(SURVEYS, categories),
    )
    return conn.execute(stmt).mappings().one()


@reads("orders")
def order_counts(conn: Connection, scope: Scope, period: Period) -> dict[str, int]:
    """Orders opened and closed in the period, and open at its end."""
    if flow.serves(scope):
        days = flow.ORDER_DAYS.c
        inside = flow.in_days(period.start, period.end, flow.ORDER_DAYS)
        stmt = select(
            func.coalesce(func.sum(case((inside, days.received), else_=0)), 0).label("opened"),
            func.coalesce(func.sum(case((inside, days.closed), else_=0)), 0).label("closed"),
            func.coalesce(func.sum(days.received - days.closed), 0).label("open_at_end"),
        ).where(*flow.conditions(scope, None, period.end, table=flow.ORDER_DAYS))
        return {k: int(v) for k, v in conn.execute(stmt).mappings().one().items()}
    start, end = _dt(period.start), _dt(period.end)
    received, closed = ORDERS.c.received_at, ORDERS.c.closed_at

    def count(*conditions):  # each one index range (received_at or closed_at, within the province)
        return select(func.count()).where(scope_condition(scope, ORDERS), *conditions).scalar_subquery()

    stmt = select(
        count(received >= start, received < end).label("opened"),
        count(closed >= start, closed < end).label("closed"),
        (count(received < end) - count(closed < end)).label("open_at_end"),  # a closed order was received
    )
    return {k: int(v) for k, v in conn.execute(stmt).mappings().one().items()}


@reads("complaints")
def complaint_counts(conn: Connection, scope: Scope, period: Period) -> dict[str, int]:
    """Complaints received in the period, resolved in it, and unresolved at its end.

    A reopened complaint has no resolved_at until it is resolved again, so it counts as open.
    """
    start, end = _dt(period.start), _dt(period.end)
    received, resolved = COMPLAINTS.c.received_at, COMPLAINTS.c.resolved_at
    stmt = select(
        func.count(case((received >= start, 1))).label("received"),
        func.count(case((and_(resolved >= start, resolved < end), 1))).label("resolved"),
        func.count(case((or_(resolved.is_(None), resolved >= end), 1))).label("open_at_end"),
    ).where(received < end, or_(resolved.is_(None), resolved >= start), scope_condition(scope, COMPLAINTS))
    return {k: int(v) for k, v in conn.execute(stmt).mappings().one().items()}


@reads("order_events")
def on_time_rate(conn: Connection, scope: Scope, period: Period) -> dict[str, float | int | None]:
    """Stage intervals that ended in the period, how many within their target, and the rate."""
    if flow.serves(scope):
        stmt = select(
            func.coalesce(func.sum(flow.FLOW.c.exited), 0).label("ended"),
            func.coalesce(func.sum(flow.FLOW.c.on_time), 0).label("on_time"),
        ).where(*flow.conditions(scope, period.start, period.end))
        row = {k: int(v) for k, v in conn.execute(stmt).mappings().one().items()}
        return {**row, "rate": _ratio(row["on_time"], row["ended"])}
    exited = EVENTS.c.exited_at
    stmt = select(
        func.count().label("ended"),
        func.count(case((EVENTS.c.duration_seconds <= EVENTS.c.target_seconds, 1))).label("on_time"),
    ).where(
        EVENTS.c.kind == "enter", exited >= _dt(period.start), exited < _dt(period.end), scope_condition(scope, EVENTS)
    )
    row = conn.execute(stmt).mappings().one()
    return {**row, "rate": _ratio(row["on_time"], row["ended"])}


def _is_key_on(account_id, day) -> ColumnElement[bool]:
    """SQL: the account is in at least one category on `day` (a column or a value)."""
    return (  # only indexed columns, so that the lookup stays in ix_designations_span
        select(DES.c.account_id)
        .where(
            DES.c.account_id == account_id, DES.c.valid_from <= day, or_(DES.c.valid_to.is_(None), DES.c.valid_to > day)
        )
        .exists()
    )


@reads("monthly_spend", "designations")
def revenue_share(conn: Connection, scope: Scope, period: Period) -> dict[str, float | None]:
    """Spend of all accounts and of key accounts (key in that month) in the months of the period."""
    if flow.serves(scope):
        months = flow.SPEND_MONTHS.c
        stmt = select(
            func.coalesce(func.sum(months.total_fen), 0).label("total"), func.coalesce(func.sum(months.key_fen), 0)
        ).where(*flow.conditions(scope, period.start, period.end, table=flow.SPEND_MONTHS))
        total, key = (int(v) / 100 for v in conn.execute(stmt).one())
        return {"total": total, "key": key, "share": _ratio(key, total)}
    month = SPEND.c.month
    stmt = select(
        func.coalesce(func.sum(SPEND.c.amount), 0).label("total"),
        func.coalesce(func.sum(case((_is_key_on(SPEND.c.account_id, month), SPEND.c.amount))), 0).label("key"),
    ).where(month >= period.start, month < period.end, scope_condition(scope, SPEND))
    row = conn.execute(stmt).mappings().one()
    total, key = float(row["total"]), float(row["key"])
    return {"total": total, "key": key, "share": _ratio(key, total)}


@reads("revisits", "designations")
def revisit_compliance(conn: Connection, scope: Scope, period: Period) -> dict[str, float | int | None]:
    """Key accounts with a revisit due in the period, and those revisited by every such due date.

    A due date is the next_due of a revisit; it is met when a later revisit of the account
    happened on or before it (the revisit's next_visit_on). Due dates after today cannot have been
    missed yet and are left out.
    """
    met = REVISITS.c.next_visit_on <= REVISITS.c.next_due
    until = min(period.end, dt.date.today() + dt.timedelta(days=1))
    per_account = (
        select(REVISITS.c.account_id, func.min(case((met, 1), else_=0)).label("all_met"))
        .where(
            REVISITS.c.next_due >= period.start,
            REVISITS.c.next_due < until,
            _is_key_on(REVISITS.c.account_id, REVISITS.c.next_due),
            scope_condition(scope, REVISITS),
        )
        .group_by(REVISITS.c.account_id)
        .subquery()
    )
    row = (
        conn.execute(select(func.count().label("due"), func.coalesce(func.sum(per_account.c.all_met), 0).label("met")))
        .mappings()
        .one()
    )
    return {"due": int(row["due"]), "met": int(row["met"]), "rate": _ratio(row["met"], row["due"])}


@reads("revisits")
def revisits_logged(conn: Connection, scope: Scope, period: Period) -> int:
    """Revisits done in the period."""
    stmt = select(func.count()).where(
        REVISITS.c.visited_on >= period.start, REVISITS.c.visited_on < period.end, scope_condition(scope, REVISITS)
    )
    return int(conn.scalar(stmt) or 0)


@reads(
    "designations",
    "surveys",
    "orders",
    "complaints",
    "order_events",
    "monthly_spend",
    "revisits",
    "high_value_thresholds",
)
def overview_figures(conn: Connection, scope: Scope, period: Period) -> dict:
    """Every Overview figure for the period and for the period just before it."""
    previous = period.previous()
    return {
        "categories": summarise_categories(category_combinations(conn, scope, period.last_day)),
        "categories_before": summarise_categories(category_combinations(conn, scope, previous.last_day)),
        "satisfaction": satisfaction_year_on_year(conn, scope, period),
        "orders": order_counts(conn, scope, period),
        "orders_before": order_counts(conn, scope, previous),
        "complaints": complaint_counts(conn, scope, period),
        "complaints_before": complaint_counts(conn, scope, previous),
        "on_time": on_time_rate(conn, scope, period),
        "on_time_before": on_time_rate(conn, scope, previous),
        "revenue": revenue_share(conn, scope, period),
        "revenue_before": revenue_share(conn, scope, previous),
        "revisits": revisit_compliance(conn, scope, period),
        "revisits_before": revisit_compliance(conn, scope, previous),
        "revisits_logged": revisits_logged(conn, scope, period),
        "revisits_logged_before": revisits_logged(conn, scope, previous),
        "conversion": potential_conversion(conn, scope, period),
        "conversion_before": potential_conversion(conn, scope, previous),
    }


def potential_conversion(conn: Connection, scope: Scope, period: Period) -> dict:
    from lib.queries import tiers  # tiers builds on this module's category reads

    return tiers.potential_conversion(conn, scope, period)


def _dt(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _ratio(part: float, whole: float) -> float | None:
    return None if not whole else float(part) / float(whole)


def _float(value: object) -> float | None:
    return None if value is None else float(value)
