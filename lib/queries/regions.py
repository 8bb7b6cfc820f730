"""Regions: every KPI per region row, one SQL query per drill level.

Levels: province rows, city rows, account-manager rows, account rows. Each fact is
aggregated per row key in its own grouped subquery, and the subqueries are left-joined
onto the list of rows, so a region without activity still appears (with zeros or no value).
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandas as pd
from sqlalchemy import (
    Connection,
    FromClause,
    Select,
    Table,
    and_,
    case,
    distinct,
    false,
    func,
    literal_column,
    or_,
    select,
    true,
)

from lib.access import Scope, scope_condition
from lib.domain import PREMIUM_MIN_CATEGORIES
from lib.models import Account, Complaint, Designation, MonthlySpend, Order, OrderEvent, OrgUnit, Survey, User
from lib.periods import Period
from lib.queries import flow, reads

ACCOUNTS = Account.__table__
COMPLAINTS = Complaint.__table__
DES = Designation.__table__
EVENTS = OrderEvent.__table__
ORDERS = Order.__table__
ORG = OrgUnit.__table__
SPEND = MonthlySpend.__table__
SURVEYS = Survey.__table__
USERS = User.__table__

LEVELS = ("province", "city", "manager", "account")
KPIS = ("key_accounts", "premium", "satisfaction", "yoy_points", "on_time_rate", "open_complaints", "spend")
COLUMNS = [
    "key",
    "code",
    "name_en",
    "name_zh",
    "key_accounts",
    "premium",
    "satisfaction",
    "surveys",
    "satisfaction_year_earlier",
    "surveys_year_earlier",
    "ended_intervals",
    "on_time_intervals",
    "open_complaints",
    "spend",
]
UNASSIGNED = 0  # the manager key of accounts without a manager
FACT_TABLES = ("designations", "surveys", "order_events", "complaints", "monthly_spend")


@reads("org_units", *FACT_TABLES)
def province_kpis(conn: Connection, scope: Scope, *, period: Period) -> pd.DataFrame:
    """One row per province in scope with every KPI over the period (see `kpi_frame`)."""
    return _kpis(conn, scope, period, "province")


@reads("org_units", *FACT_TABLES)
def city_kpis(conn: Connection, scope: Scope, *, period: Period) -> pd.DataFrame:
    """One row per city in scope with every KPI over the period."""
    return _kpis(conn, scope, period, "city")


@reads("accounts", "users", "orders", *FACT_TABLES)
def manager_kpis(conn: Connection, scope: Scope, *, period: Period) -> pd.DataFrame:
    """One row per account manager of the accounts in scope (key 0: accounts without one)."""
    return _kpis(conn, scope, period, "manager")


@reads("accounts", "orders", *FACT_TABLES)
def account_kpis(conn: Connection, scope: Scope, *, period: Period, manager_id: Optional[int] = None) -> pd.DataFrame:
    """One row per account in scope (of one manager, when given) with every KPI over the period."""
    return _kpis(conn, scope, period, "account", manager_id)


def _kpis(conn: Connection, scope: Scope, period: Period, level: str, manager_id: Optional[int] = None) -> pd.DataFrame:
    """Columns: key, code, name_en, name_zh, then the KPIs (see KPIS) and the counts behind them.

    key_accounts / premium: accounts in one or more / two or more categories on the period's last day.
    satisfaction: mean survey score in the period; yoy_points: minus the same over the year before.
    on_time_rate: stage intervals ended in the period within their target / those ended (with a target).
    open_complaints: received before the period's end and not resolved by then.
    spend: monthly spend of the months whose first day lies in the period.
    """

    def limit(table: Table):
        own = scope_condition(Scope("manager", manager_id=manager_id), table) if manager_id is not None else true()
        return and_(scope_condition(scope, table), own)

    rows = _rows(scope, level, limit).subquery("rows")
    rolled = level in ("province", "city") and manager_id is None and flow.serves(scope)
    parts = [
        q.subquery(name)
        for name, q in (
            ("categories", _categories(level, limit, period.last_day)),
            (
                "satisfaction",
                _satisfaction_rolled_up(level, scope, period) if rolled else _satisfaction(level, limit, period),
            ),
            ("on_time", _on_time_rolled_up(level, scope, period) if rolled else _on_time(level, limit, period)),
            ("complaints", _open_complaints(level, limit, period)),
            ("spend", _spend_rolled_up(level, scope, period) if rolled else _spend(level, limit, period)),
        )
    ]
    joined: FromClause = rows
    for part in parts:
        joined = joined.outerjoin(part, part.c.key == rows.c.key)
    categories, satisfaction, on_time, complaints, spend = parts
    stmt = (
        select(
            rows.c.key,
            rows.c.code,
            rows.c.name_en,
            rows.c.name_zh,
            func.coalesce(categories.c.key_accounts, 0),
            func.coalesce(categories.c.premium, 0),
            satisfaction.c.satisfaction,
            func.coalesce(satisfaction.c.surveys, 0),
            satisfaction.c.satisfaction_year_earlier,
            func.coalesce(satisfaction.c.surveys_year_earlier, 0),
            func.coalesce(on_time.c.ended, 0),
            func.coalesce(on_time.c.on_time, 0),
            func.coalesce(complaints.c.open_complaints, 0),
            func.coalesce(spend.c.spend, 0),
        )
        .select_from(joined)
        .order_by(*((rows.c.key,) if level in ("province", "city") else (rows.c.name_en, rows.c.key)))
    )
    return kpi_frame(pd.DataFrame(conn.execute(stmt).all(), columns=COLUMNS))


def kpi_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Typed columns plus the two ratios derived from the counts (no value where the base is zero)."""
    ints = [
        "key_accounts",
        "premium",
        "surveys",
        "surveys_year_earlier",
        "ended_intervals",
        "on_time_intervals",
        "open_complaints",
    ]
    floats = ["satisfaction", "satisfaction_year_earlier", "spend"]
    frame = frame.astype({"key": "int64", **dict.fromkeys(ints, "int64")})
    for column in floats:
        frame[column] = pd.to_numeric(frame[column].astype(object), errors="coerce").astype("float64")
    frame["yoy_points"] = frame["satisfaction"] - frame["satisfaction_year_earlier"]
    ended = frame["ended_intervals"].where(frame["ended_intervals"] > 0)
    frame["on_time_rate"] = (frame["on_time_intervals"] / ended).astype("float64")
    return frame


def _rows(scope: Scope, level: str, limit) -> Select:
    """The row list of a level: regions of the org tree in scope, managers or accounts."""
    if level in ("province", "city"):
        conditions = [ORG.c.level == level]
        if scope.level == "none":
            conditions.append(false())
        if scope.province_id is not None:
            conditions.append(ORG.c.province_id == scope.province_id)
        if level == "city" and scope.city_id is not None:
            conditions.append(ORG.c.id == scope.city_id)
        return select(ORG.c.id.label("key"), ORG.c.code, ORG.c.name_en, ORG.c.name_zh).where(*conditions)
    if level == "manager":
        key = _manager_key()
        managers = select(key.label("key")).where(limit(ACCOUNTS)).group_by(key).subquery()
        return select(
            managers.c.key, USERS.c.username.label("code"), USERS.c.name.label("name_en"), USERS.c.name.label("name_zh")
        ).select_from(managers.outerjoin(USERS, USERS.c.id == managers.c.key))
    return select(
        ACCOUNTS.c.id.label("key"), ACCOUNTS.c.code, ACCOUNTS.c.name.label("name_en"), ACCOUNTS.c.name.label("name_zh")
    ).where(limit(ACCOUNTS))


def _manager_key():
    # A literal, not a bound parameter: PostgreSQL must see the same expression in SELECT and GROUP BY.
    return func.coalesce(ACCOUNTS.c.manager_id, literal_column(str(UNASSIGNED)))


def _keyed(level: str, table: Table):
    """The row key of each fact row at a level, and the FROM clause that provides it."""
    if level == "province":
        return table.c.province_id, table
    if level == "city":
        return table.c.city_id, table
    if table is EVENTS:  # order events reach their account through the order
        source = EVENTS.join(ORDERS, ORDERS.c.id == EVENTS.c.order_id)
        if level == "account":
            return ORDERS.c.account_id, source
        return _manager_key(), source.join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id)
    if level == "account":
        return table.c.account_id, table
    return _manager_key(), table.join(ACCOUNTS, ACCOUNTS.c.id == table.c.account_id)


def _categories(level: str, limit, day: dt.date) -> Select:
    key, source = _keyed(level, DES)
    per_account = (
        select(DES.c.account_id, key.label("key"), func.count(distinct(DES.c.category)).label("categories"))
        .select_from(source)
        .where(DES.c.valid_from <= day, or_(DES.c.valid_to.is_(None), DES.c.valid_to > day), limit(DES))
        .group_by(DES.c.account_id, key)
        .subquery()
    )
    premium = case((per_account.c.categories >= PREMIUM_MIN_CATEGORIES, 1))
    return select(per_account.c.key, func.count().label("key_accounts"), func.count(premium).label("premium")).group_by(
        per_account.c.key
    )


def _satisfaction(level: str, limit, period: Period) -> Select:
    key, source = _keyed(level, SURVEYS)
    earlier = period.year_earlier()
    day = SURVEYS.c.surveyed_on
    now = and_(day >= period.start, day < period.end)
    then = and_(day >= earlier.start, day < earlier.end)
    return (
        select(
            key.label("key"),
            func.avg(case((now, SURVEYS.c.score))).label("satisfaction"),
            func.count(case((now, 1))).label("surveys"),
            func.avg(case((then, SURVEYS.c.score))).label("satisfaction_year_earlier"),
            func.count(case((then, 1))).label("surveys_year_earlier"),
        )
        .select_from(source)
        .where(day >= min(earlier.start, period.start), day < period.end, limit(SURVEYS))
        .group_by(key)
    )


def _satisfaction_rolled_up(level: str, scope: Scope, period: Period) -> Select:
    """The same per province or city from the survey rollup."""
    key = flow.SURVEY_DAYS.c.province_id if level == "province" else flow.SURVEY_DAYS.c.city_id
    columns = flow.survey_year_on_year(period, "score_centi", "surveys", "satisfaction", "surveys")
    where = flow.survey_days_of_both_years(scope, period, by_city=level == "city")
    return select(key.label("key"), *columns).where(*where).group_by(key)


def _on_time(level: str, limit, period: Period) -> Select:
    key, source = _keyed(level, EVENTS)
    within = case((EVENTS.c.duration_seconds <= EVENTS.c.target_seconds, 1))
    return (
        select(key.label("key"), func.count().label("ended"), func.count(within).label("on_time"))
        .select_from(source)
        .where(
            EVENTS.c.kind == "enter",
            EVENTS.c.exited_at >= _at(period.start),
            EVENTS.c.exited_at < _at(period.end),
            EVENTS.c.target_seconds.is_not(None),
            limit(EVENTS),
        )
        .group_by(key)
    )


def _on_time_rolled_up(level: str, scope: Scope, period: Period) -> Select:
    """The same per province or city from the stage-flow rollup (every interval has a target: the one
    in force when it was entered, or the default)."""
    key = flow.FLOW.c.province_id if level == "province" else flow.FLOW.c.city_id
    return (
        select(
            key.label("key"),
            func.sum(flow.FLOW.c.exited).label("ended"),
            func.sum(flow.FLOW.c.on_time).label("on_time"),
        )
        .where(*flow.conditions(scope, period.start, period.end, by_city=level == "city", by_province=True))
        .group_by(key)
        .having(func.sum(flow.FLOW.c.exited) > 0)
    )


def _open_complaints(level: str, limit, period: Period) -> Select:
    key, source = _keyed(level, COMPLAINTS)
    end = _at(period.end)
    return (
        select(key.label("key"), func.count().label("open_complaints"))
        .select_from(source)
        .where(
            COMPLAINTS.c.received_at < end,
            or_(COMPLAINTS.c.resolved_at.is_(None), COMPLAINTS.c.resolved_at >= end),
            limit(COMPLAINTS),
        )
        .group_by(key)
    )


def _spend(level: str, limit, period: Period) -> Select:
    key, source = _keyed(level, SPEND)
    return (
        select(key.label("key"), func.sum(SPEND.c.amount).label("spend"))
        .select_from(source)
        .where(SPEND.c.month >= period.start, SPEND.c.month < period.end, limit(SPEND))
        .group_by(key)
    )


def _spend_rolled_up(level: str, scope: Scope, period: Period) -> Select:
    """The same per province or city from the spend rollup (kept in fen)."""
    months = flow.SPEND_MONTHS
    key = months.c.province_id if level == "province" else months.c.city_id
    return (
        select(key.label("key"), (func.sum(months.c.total_fen) / 100.0).label("spend"))
        .where(*flow.conditions(scope, period.start, period.end, by_city=level == "city", table=months))
        .group_by(key)
    )


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())
