"""Tiers & overlaps: the four categories, their 15 exclusive intersections, the threshold what-if
and the potential key accounts, all aggregated in SQL over the user's scope.

Membership rule: an account's categories on a day are the designations open on that day
(valid_from <= day < valid_to), the rule of lib.queries.overview.category_combinations; the
state "at the end of a period" is the state on its last day, "at its start" the state on the
day before it (the end of the previous period). Trailing spend on a day is the spend of that
day's month and the two months before it, divided by 3 (months without spend count as 0),
the window in which the high-value designations are derived.

On a month's last day all of this is in account_snapshots (lib/rollups.py): each account's categories
that day, its trailing spend, and running totals whose difference over whole months gives its spend,
surveys and stage intervals in them. Reads use it when it holds the months they need, and the raw rows
otherwise (a period that does not end on a month's last day, months outside the range it holds).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

import pandas as pd
from sqlalchemy import (
    CTE,
    ColumnElement,
    Connection,
    Date,
    Numeric,
    Select,
    and_,
    case,
    distinct,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import aliased

from lib import rollups
from lib.access import Scope, scope_condition
from lib.domain import (
    CATEGORIES,
    CATEGORY_BITS,
    DEFAULT_HIGH_VALUE_THRESHOLD,
    DESIGNATED_CATEGORIES,
    POTENTIAL_SHARE_OF_THRESHOLD,
    categories_of,
    is_premium,
)
from lib.models import (
    Account,
    AccountSnapshot,
    AccountStageMonth,
    Designation,
    HighValueThreshold,
    MonthlySpend,
    Order,
    OrderEvent,
    OrgUnit,
    Survey,
    User,
)
from lib.periods import Period, add_months, month_start, whole_months
from lib.queries import flow, reads
from lib.queries.accounts import category_count
from lib.queries.overview import category_bit

DES = Designation.__table__
SPEND = MonthlySpend.__table__
ACCOUNTS = Account.__table__
SURVEYS = Survey.__table__
ORDERS = Order.__table__
EVENTS = OrderEvent.__table__
USERS = User.__table__
ORG = OrgUnit.__table__
THRESHOLDS = HighValueThreshold.__table__
ACCOUNT_MONTHS = AccountStageMonth.__table__
SNAPSHOTS = AccountSnapshot.__table__

ALL_MASKS = tuple(range(1, 2 ** len(CATEGORIES)))  # the 15 non-empty sets of categories
GROUPINGS = ("province", "city", "manager", "industry")
LONG_PERIOD_DAYS = 92  # from here on, stage intervals are read in one pass rather than through an index
INTERSECTION_COLUMNS = [  # the first seven come from SQL
    "mask",
    "accounts",
    "revenue",
    "surveys",
    "satisfaction_index",
    "stages_ended",
    "stages_on_time",
    "on_time_rate",
    "degree",
    "premium",
]
DETAIL_COLUMNS = ["code", "name", "industry", "province_en", "province_zh", "city_en", "city_zh", "manager"]
ACCOUNT_COLUMNS = ["mask", "spend", *DETAIL_COLUMNS]
POTENTIAL_COLUMNS = ["avg_spend_3m", *DETAIL_COLUMNS]


# -- building blocks ------------------------------------------------------------------------------


def open_on(day) -> ColumnElement[bool]:
    """SQL: the designation is open on `day` (a date or a date column)."""
    return and_(DES.c.valid_from <= day, or_(DES.c.valid_to.is_(None), DES.c.valid_to > day))


def trailing_months(day: dt.date) -> tuple[dt.date, dt.date]:
    """[first, end) of the three months of trailing spend on `day`: its month and the two before."""
    return add_months(day, -2), add_months(day, 1)


def combo_condition(mask, combo: str) -> ColumnElement[bool]:
    """SQL on a mask column: "" any key account, "1".."15" exactly that set, a category code: in it."""
    if not combo:
        return mask > 0
    if combo in CATEGORY_BITS:
        return mask.op("&")(CATEGORY_BITS[combo]) != 0
    if combo.isdigit() and int(combo) in ALL_MASKS:
        return mask == int(combo)
    raise ValueError(f"unknown intersection {combo!r}")


def masks_on(scope: Scope, day: dt.date, categories: tuple[str, ...] = ()) -> CTE:
    """CTE (account_id, mask): each key account in scope with its exact set of categories on `day`,
    kept when it is in any of `categories` (all key accounts when none are given)."""
    mask = func.sum(distinct(category_bit(DES.c.category)))
    stmt = (
        select(DES.c.account_id, mask.label("mask"))
        .where(open_on(day), scope_condition(scope, DES))
        .group_by(DES.c.account_id)
        .having(mask > 0)
    )
    if categories:
        stmt = stmt.having(mask.op("&")(sum(CATEGORY_BITS[c] for c in set(categories))) != 0)
    return stmt.cte("masks")


def _whole_months(period: Period) -> bool:
    return period.start.day == 1 and period.end.day == 1


def _snapshot_masks(month: dt.date, scope: Scope, categories: tuple[str, ...] = ()):
    """masks_on from account_snapshots: (account_id, mask) of the key accounts in scope at the month's end."""
    s = SNAPSHOTS.c
    stmt = select(s.account_id, s.mask).where(
        s.month == month, flow.read_mask(s.mask) > 0, scope_condition(scope, SNAPSHOTS)
    )
    if categories:
        stmt = stmt.where(s.mask.op("&")(sum(CATEGORY_BITS[c] for c in set(categories))) != 0)
    return stmt.cte("masks")


def key_masks(conn: Connection, scope: Scope, day: dt.date, categories: tuple[str, ...] = ()) -> CTE:
    """masks_on(scope, day, categories), read from account_snapshots when it holds `day`."""
    month = flow.snapshot_month(conn, scope, day)
    return masks_on(scope, day, categories) if month is None else _snapshot_masks(month, scope, categories)


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


def trailing_spend(scope: Scope, day: dt.date):
    """Subquery (account_id, spend_3m): the sum of the trailing three months' spend on `day`."""
    first, end = trailing_months(day)
    return (
        select(SPEND.c.account_id, func.round(func.sum(SPEND.c.amount), 2).label("spend_3m"))
        .where(SPEND.c.month >= first, SPEND.c.month < end, scope_condition(scope, SPEND))
        .group_by(SPEND.c.account_id)
        .subquery("trailing")
    )


def threshold_on(conn: Connection, day: dt.date) -> float:
    """The high-value threshold in force on `day` (latest effective_from <= day), else the default."""
    amount = conn.scalar(
        select(THRESHOLDS.c.amount)
        .where(THRESHOLDS.c.effective_from <= day)
        .order_by(THRESHOLDS.c.effective_from.desc(), THRESHOLDS.c.id.desc())
        .limit(1)
    )
    return float(DEFAULT_HIGH_VALUE_THRESHOLD if amount is None else amount)


def potential_cut(threshold: float) -> Decimal:
    """The trailing 3-month spend (a sum, not an average) at which an account becomes potential."""
    return (Decimal(str(threshold)) * 3 * Decimal(str(POTENTIAL_SHARE_OF_THRESHOLD))).quantize(Decimal("0.01"))


def high_value_cut(threshold: float) -> Decimal:
    """The trailing 3-month spend (a sum) at which the average reaches `threshold`."""
    return (Decimal(str(threshold)) * 3).quantize(Decimal("0.01"))


def _dt(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _ratio(part, whole) -> Optional[float]:
    return None if not whole else float(part) / float(whole)


# -- category intersections ----------------------------------------------------------------------


@reads("high_value_thresholds")
def threshold_in_force(conn: Connection, scope: Scope, day: dt.date) -> float:
    """The high-value threshold in force on `day` (a setting: the same for every scope)."""
    return threshold_on(conn, day)


@reads("designations", "monthly_spend", "surveys", "orders", "order_events")
def intersections(conn: Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """The 15 exclusive intersections at the end of the period, all of them (0 when empty).

    Per intersection: accounts; revenue (their spend in the months starting in the period);
    the satisfaction index (mean survey score in the period) and surveys; the stage intervals of
    their orders that ended in the period and how many within target, and the on-time rate.
    """
    month = flow.snapshot_month(conn, scope, period.last_day, add_months(period.start, -1))
    if month is not None and _whole_months(period):
        stmt = _intersections_from_snapshots(scope, period, month)
    else:
        stmt = _intersections_from_raw(scope, period)
    found = _frame(conn.execute(stmt).all(), INTERSECTION_COLUMNS[:7]).astype({"mask": "int64"})
    whole = ["accounts", "surveys", "stages_ended", "stages_on_time"]
    frame = found.set_index("mask").reindex(ALL_MASKS).rename_axis("mask")  # the empty ones too
    frame = frame.fillna({c: 0 for c in [*whole, "revenue"]}).astype({c: "int64" for c in whole})
    frame = frame.astype({"revenue": "float64", "satisfaction_index": "float64"})
    frame["on_time_rate"] = frame["stages_on_time"] / frame["stages_ended"].where(frame["stages_ended"] > 0)
    frame["degree"] = [len(categories_of(m)) for m in ALL_MASKS]
    frame["premium"] = [is_premium(m) for m in ALL_MASKS]
    return frame.reset_index()[INTERSECTION_COLUMNS]


def _intersections_from_snapshots(scope: Scope, period: Period, month: dt.date) -> Select:
    """Per intersection at the month's end, the differences of its accounts' running totals between that
    month and the one before the period (the same columns as _intersections_from_raw)."""
    end, before = aliased(SNAPSHOTS, name="at_end"), aliased(SNAPSHOTS, name="before")

    def moved(column: str):
        return func.sum(end.c[column] - before.c[column])

    surveys = moved("surveys")
    return (
        select(
            flow.read_mask(end.c.mask).label("mask"),
            func.count().label("accounts"),
            (moved("spend_fen") / 100.0).label("revenue"),
            surveys.label("surveys"),
            (moved("score_centi") / (100.0 * func.nullif(surveys, 0))).label("mean_score"),
            moved("exited").label("ended"),
            moved("on_time").label("on_time"),
        )
        .select_from(
            end.join(
                before, and_(before.c.account_id == end.c.account_id, before.c.month == add_months(period.start, -1))
            )
        )
        .where(end.c.month == month, flow.read_mask(end.c.mask) > 0, scope_condition(scope, end))
        .group_by(flow.read_mask(end.c.mask))
    )


def _intersections_from_raw(scope: Scope, period: Period) -> Select:
    masks = masks_on(scope, period.last_day)
    counts = select(masks.c.mask, func.count().label("accounts")).group_by(masks.c.mask).subquery()
    revenue = (
        select(masks.c.mask, func.sum(SPEND.c.amount).label("revenue"))
        .select_from(masks.join(SPEND, SPEND.c.account_id == masks.c.account_id))
        .where(SPEND.c.month >= period.start, SPEND.c.month < period.end, scope_condition(scope, SPEND))
        .group_by(masks.c.mask)
        .subquery()
    )
    surveys = (
        select(masks.c.mask, func.count().label("surveys"), func.avg(SURVEYS.c.score).label("mean_score"))
        .select_from(masks.join(SURVEYS, SURVEYS.c.account_id == masks.c.account_id))
        .where(
            SURVEYS.c.surveyed_on >= period.start, SURVEYS.c.surveyed_on < period.end, scope_condition(scope, SURVEYS)
        )
        .group_by(masks.c.mask)
        .subquery()
    )
    stages = _stage_counts_per_mask(masks, scope, period)
    return select(
        counts.c.mask,
        counts.c.accounts,
        revenue.c.revenue,
        surveys.c.surveys,
        surveys.c.mean_score,
        stages.c.ended,
        stages.c.on_time,
    ).select_from(
        counts.outerjoin(revenue, revenue.c.mask == counts.c.mask)
        .outerjoin(surveys, surveys.c.mask == counts.c.mask)
        .outerjoin(stages, stages.c.mask == counts.c.mask)
    )


def _stage_counts_per_mask(masks: CTE, scope: Scope, period: Period):
    """Subquery (mask, ended, on_time): the stage intervals of each intersection's orders that ended in the
    period. Whole months come from the per-account rollup, the days around them from the raw intervals."""
    whole = whole_months(period) if flow.serves_accounts(scope) else None
    raw_parts = [period] if whole is None else [
        p for p in (Period(period.start, whole.start) if period.start < whole.start else None,
                    Period(whole.end, period.end) if whole.end < period.end else None) if p is not None
    ]  # fmt: skip
    parts = []
    if whole is not None:
        months = ACCOUNT_MONTHS
        parts.append(
            select(masks.c.mask, months.c.exited.label("ended"), months.c.on_time)
            .select_from(masks.join(months, months.c.account_id == masks.c.account_id))
            .where(months.c.month >= whole.start, months.c.month < whole.end, scope_condition(scope, months))
        )
    for part in raw_parts:
        per_order = _stage_counts_per_order(scope, part)
        parts.append(
            select(masks.c.mask, per_order.c.ended, per_order.c.on_time)
            .select_from(
                masks.join(ORDERS, ORDERS.c.account_id == masks.c.account_id).join(
                    per_order, per_order.c.order_id == ORDERS.c.id
                )
            )
            .where(scope_condition(scope, ORDERS))
        )
    if not parts:
        parts.append(select(masks.c.mask, literal(0).label("ended"), literal(0).label("on_time")).where(false()))
    rows = union_all(*parts).subquery("stage_rows")
    return (
        select(rows.c.mask, func.sum(rows.c.ended).label("ended"), func.sum(rows.c.on_time).label("on_time"))
        .group_by(rows.c.mask)
        .subquery()
    )


def _stage_counts_per_order(scope: Scope, period: Period):
    """Subquery (order_id, ended, on_time): each order's stage intervals that ended in the period, and
    how many of them within their target."""
    kind = EVENTS.c.kind
    if period.days > LONG_PERIOD_DAYS:
        # Over a long period about half of all intervals qualify. Through the exit-time index SQLite
        # would fetch each with a random lookup; one pass in order_id order (which the GROUP BY wants
        # anyway) is several times faster, so the kind column is wrapped to keep it off that index.
        kind = func.coalesce(kind, "")
    return (
        select(
            EVENTS.c.order_id,
            func.count().label("ended"),
            func.count(case((EVENTS.c.duration_seconds <= EVENTS.c.target_seconds, 1))).label("on_time"),
        )
        .where(
            kind == "enter",
            EVENTS.c.exited_at >= _dt(period.start),
            EVENTS.c.exited_at < _dt(period.end),
            scope_condition(scope, EVENTS),
        )
        .group_by(EVENTS.c.order_id)
        .subquery("per_order")
    )


@reads("designations", "accounts", "monthly_spend", "org_units", "users")
def intersection_accounts(
    conn: Connection,
    scope: Scope,
    period: Period,
    *,
    combo: str = "",
    categories: tuple[str, ...] = (),
    limit: int = 500,
) -> tuple[pd.DataFrame, int]:
    """Key accounts at the end of the period in one intersection (or category, or all), also in any
    of `categories`: up to `limit` rows, largest spend in the period first, and how many match."""
    month = flow.snapshot_month(conn, scope, period.last_day, add_months(period.start, -1))
    if month is not None and _whole_months(period):
        masks = _snapshot_masks(month, scope, categories)
        total = conn.scalar(select(func.count()).select_from(masks).where(combo_condition(masks.c.mask, combo)))
        spend = _snapshot_spend(scope, period, month, combo, categories)
        # The `limit` largest, and any tied with the last of them (the order among ties is by code).
        top = select(spend.c.fen).order_by(spend.c.fen.desc()).limit(limit).subquery()
        spend = select(spend).where(spend.c.fen >= select(func.min(top.c.fen)).scalar_subquery()).subquery()
    else:
        spend, total = _account_spend_from_raw(conn, scope, period, combo, categories)
    stmt = (
        _with_account_details(select(spend.c.mask, spend.c.spend), spend, spend.c.account_id, scope)
        .order_by(spend.c.spend.desc(), ACCOUNTS.c.code)
        .limit(limit)
    )
    frame = _frame(conn.execute(stmt).all(), ACCOUNT_COLUMNS)
    return frame.astype({"mask": "int64", "spend": "float64"}), int(total or 0)


def _snapshot_spend(scope: Scope, period: Period, month: dt.date, combo: str, categories: tuple[str, ...]):
    """Subquery (account_id, mask, spend, fen) from account_snapshots: the key accounts at the end of
    `month` in the intersection and any of `categories`, with their spend in the (whole-month) period."""
    end, before = aliased(SNAPSHOTS, name="at_end"), aliased(SNAPSHOTS, name="before")
    fen = end.c.spend_fen - before.c.spend_fen
    stmt = (
        select(end.c.account_id, end.c.mask, (fen / 100.0).label("spend"), fen.label("fen"))
        .select_from(
            end.join(
                before, and_(before.c.account_id == end.c.account_id, before.c.month == add_months(period.start, -1))
            )
        )
        .where(end.c.month == month, combo_condition(flow.read_mask(end.c.mask), combo), scope_condition(scope, end))
    )
    if categories:
        stmt = stmt.where(end.c.mask.op("&")(sum(CATEGORY_BITS[c] for c in set(categories))) != 0)
    # Worked out once: the caller keeps the largest few, and PostgreSQL would otherwise join every key
    # account to its details before cutting.
    return stmt.cte("spend").prefix_with("MATERIALIZED")


def _account_spend_from_raw(conn: Connection, scope: Scope, period: Period, combo: str, categories: tuple[str, ...]):
    """Subquery (account_id, mask, spend) of the key accounts at the period's end in the intersection and
    any of `categories`, with their spend in the period; and how many there are."""
    masks = masks_on(scope, period.last_day, categories)
    chosen = combo_condition(masks.c.mask, combo)
    total = conn.scalar(select(func.count()).select_from(masks).where(chosen))
    spend = (
        select(masks.c.account_id, masks.c.mask, func.coalesce(func.sum(SPEND.c.amount), 0).label("spend"))
        .select_from(
            masks.outerjoin(
                SPEND,
                and_(
                    SPEND.c.account_id == masks.c.account_id,
                    SPEND.c.month >= period.start,
                    SPEND.c.month < period.end,
                    scope_condition(scope, SPEND),
                ),
            )
        )
        .where(chosen)
        .group_by(masks.c.account_id, masks.c.mask)
        .subquery()
    )
    return spend, total


def _with_account_details(stmt: Select, source, account_id, scope: Scope) -> Select:
    """Add code, name, industry, province, city and manager name of the account `account_id` of `source`."""
    province, city = aliased(ORG), aliased(ORG)
    joined = (
        source.join(ACCOUNTS, ACCOUNTS.c.id == account_id)
        .join(province, province.c.id == ACCOUNTS.c.province_id)
        .join(city, city.c.id == ACCOUNTS.c.city_id)
        .outerjoin(USERS, USERS.c.id == ACCOUNTS.c.manager_id)
    )
    return (
        stmt.select_from(joined)
        .add_columns(
            ACCOUNTS.c.code,
            ACCOUNTS.c.name,
            ACCOUNTS.c.industry,
            province.c.name_en.label("province_en"),
            province.c.name_zh.label("province_zh"),
            city.c.name_en.label("city_en"),
            city.c.name_zh.label("city_zh"),
            USERS.c.name.label("manager"),
        )
        .where(scope_condition(scope, ACCOUNTS))
    )


@reads("designations", "accounts", "org_units", "users")
def key_account_distribution(
    conn: Connection, scope: Scope, day: dt.date, *, by: str, categories: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Key accounts on `day` per province, city, account manager or industry, split premium / not.

    Columns: key (org id, user id or industry code), name_en, name_zh, premium, accounts.
    """
    if by not in GROUPINGS:
        raise ValueError(f"unknown grouping {by!r}")
    month = flow.snapshot_month(conn, scope, day)
    if month is not None and by in ("province", "city"):
        return _distribution_by_region(conn, scope, month, by, categories)
    masks = key_masks(conn, scope, day, categories)
    premium = category_count(masks.c.mask) >= 2
    if by in ("province", "city"):
        key = ACCOUNTS.c.province_id if by == "province" else ACCOUNTS.c.city_id
        names, joins = (ORG.c.name_en, ORG.c.name_zh), [(ORG, ORG.c.id == key)]
    elif by == "manager":
        key = ACCOUNTS.c.manager_id
        names, joins = (USERS.c.name, USERS.c.name), [(USERS, USERS.c.id == key)]
    else:
        key = ACCOUNTS.c.industry
        names, joins = (key, key), []
    source = masks.join(ACCOUNTS, ACCOUNTS.c.id == masks.c.account_id)
    for table, on in joins:
        source = source.outerjoin(table, on)
    stmt = select(
        key.label("key"),
        names[0].label("name_en"),
        names[1].label("name_zh"),
        premium.label("premium"),
        func.count().label("accounts"),
    ).select_from(source)
    distinct_names = names[:1] if names[0] is names[1] else names
    grouping = (key, *distinct_names, premium)
    stmt = stmt.where(scope_condition(scope, ACCOUNTS)).group_by(*grouping).order_by(*grouping)
    frame = _frame(conn.execute(stmt).all(), ["key", "name_en", "name_zh", "premium", "accounts"])
    return frame.astype({"premium": "bool", "accounts": "int64"})


def _distribution_by_region(
    conn: Connection, scope: Scope, month: dt.date, by: str, categories: tuple[str, ...]
) -> pd.DataFrame:
    """key_account_distribution per province or city from account_snapshots, which has the region of
    each account: counted there, then named."""
    s = SNAPSHOTS.c
    region = s.province_id if by == "province" else s.city_id
    premium = category_count(flow.read_mask(s.mask)) >= 2
    where = [s.month == month, flow.read_mask(s.mask) > 0, scope_condition(scope, SNAPSHOTS)]
    if categories:
        where.append(s.mask.op("&")(sum(CATEGORY_BITS[c] for c in set(categories))) != 0)
    counts = (
        select(region.label("key"), premium.label("premium"), func.count().label("accounts"))
        .where(*where)
        .group_by(region, premium)
        .subquery()
    )
    stmt = (
        select(counts.c.key, ORG.c.name_en, ORG.c.name_zh, counts.c.premium, counts.c.accounts)
        .select_from(counts.outerjoin(ORG, ORG.c.id == counts.c.key))
        .order_by(counts.c.key, ORG.c.name_en, ORG.c.name_zh, counts.c.premium)
    )
    frame = _frame(conn.execute(stmt).all(), ["key", "name_en", "name_zh", "premium", "accounts"])
    return frame.astype({"premium": "bool", "accounts": "int64"})


# -- threshold what-if ---------------------------------------------------------------------------


def _what_if_base(scope: Scope, day: dt.date, now_cut: Decimal, new_cut: Decimal):
    """Subquery per account in scope: manager, designated categories on `day` (important, group,
    strategic), and whether it is high-value at the current and at the what-if threshold."""
    designated = (
        select(DES.c.account_id, func.count(distinct(DES.c.category)).label("n"))
        .where(open_on(day), DES.c.category.in_(DESIGNATED_CATEGORIES), scope_condition(scope, DES))
        .group_by(DES.c.account_id)
        .subquery()
    )
    spend = trailing_spend(scope, day)
    total = func.coalesce(spend.c.spend_3m, 0)
    return (
        select(
            ACCOUNTS.c.id.label("account_id"),
            ACCOUNTS.c.manager_id,
            func.coalesce(designated.c.n, 0).label("designated"),
            case((total >= literal(now_cut, Numeric(14, 2)), 1), else_=0).label("hv_now"),
            case((total >= literal(new_cut, Numeric(14, 2)), 1), else_=0).label("hv_new"),
        )
        .select_from(
            ACCOUNTS.outerjoin(designated, designated.c.account_id == ACCOUNTS.c.id).outerjoin(
                spend, spend.c.account_id == ACCOUNTS.c.id
            )
        )
        .where(scope_condition(scope, ACCOUNTS), or_(designated.c.n.is_not(None), spend.c.spend_3m.is_not(None)))
        .subquery("base")
    )


def _base(conn: Connection, scope: Scope, day: dt.date, now_cut: Decimal, new_cut: Decimal, *, manager: bool):
    """_what_if_base, from account_snapshots when it holds `day` (with the manager only when asked for;
    accounts that are key at neither threshold are left out, as they count nowhere)."""
    month = flow.snapshot_month(conn, scope, day)
    if month is None:
        return _what_if_base(scope, day, now_cut, new_cut)
    s = SNAPSHOTS.c
    designated = sum(case((s.mask.op("&")(CATEGORY_BITS[c]) != 0, 1), else_=0) for c in DESIGNATED_CATEGORIES)
    columns = [
        s.account_id,
        designated.label("designated"),
        case((s.trailing_fen >= _fen(now_cut), 1), else_=0).label("hv_now"),
        case((s.trailing_fen >= _fen(new_cut), 1), else_=0).label("hv_new"),
    ]
    where = [
        s.month == month,
        or_(s.mask.op("&")(sum(CATEGORY_BITS[c] for c in DESIGNATED_CATEGORIES)) != 0,
            s.trailing_fen >= _fen(min(now_cut, new_cut))),
        scope_condition(scope, SNAPSHOTS),
    ]  # fmt: skip
    stmt = select(*columns).where(*where)
    if manager:
        stmt = stmt.add_columns(ACCOUNTS.c.manager_id).join_from(SNAPSHOTS, ACCOUNTS, ACCOUNTS.c.id == s.account_id)
    return stmt.subquery("base")


def _flags(base):
    """(key now, key what-if, premium now, premium what-if) as 0/1 SQL expressions."""

    def flag(condition):
        return case((condition, 1), else_=0)

    return (
        flag(or_(base.c.designated > 0, base.c.hv_now == 1)),
        flag(or_(base.c.designated > 0, base.c.hv_new == 1)),
        flag(base.c.designated + base.c.hv_now >= 2),
        flag(base.c.designated + base.c.hv_new >= 2),
    )


@reads("designations", "monthly_spend", "accounts", "high_value_thresholds")
def threshold_what_if(conn: Connection, scope: Scope, period: Period, *, threshold: float) -> dict:
    """High-value, premium and key accounts at the end of the period at the threshold in force and
    at `threshold`, with how many would enter and leave each.

    Both sides apply the same rule: high-value when the trailing 3-month average spend on the
    period's last day reaches the threshold; the other categories as designated on that day.
    """
    day = period.last_day
    current = threshold_on(conn, day)
    base = _base(conn, scope, day, high_value_cut(current), high_value_cut(threshold), manager=False)
    key_now, key_new, premium_now, premium_new = _flags(base)
    pairs = {
        "high_value": (base.c.hv_now, base.c.hv_new),
        "premium": (premium_now, premium_new),
        "key_accounts": (key_now, key_new),
    }
    columns = []
    for name, (now, new) in pairs.items():
        columns += [
            func.coalesce(func.sum(now), 0).label(f"{name}_now"),
            func.coalesce(func.sum(new), 0).label(f"{name}_what_if"),
            func.coalesce(func.sum(case((and_(now == 0, new == 1), 1), else_=0)), 0).label(f"{name}_enter"),
            func.coalesce(func.sum(case((and_(now == 1, new == 0), 1), else_=0)), 0).label(f"{name}_leave"),
        ]
    row = conn.execute(select(*columns).select_from(base)).mappings().one()
    return {"threshold_now": current, "threshold": float(threshold), **{k: int(v) for k, v in row.items()}}


@reads("designations", "monthly_spend", "accounts", "users", "high_value_thresholds")
def manager_workload(
    conn: Connection, scope: Scope, period: Period, *, threshold: float, limit: int = 20
) -> tuple[pd.DataFrame, dict]:
    """Key accounts per account manager at the threshold in force and at `threshold`.

    Returns the `limit` managers with the most key accounts at `threshold` (columns manager,
    now, what_if, change) and a summary over every manager with a key account either way:
    managers, mean_now, mean_what_if, max_now, max_what_if. Accounts without a manager are left out.
    """
    day = period.last_day
    base = _base(conn, scope, day, high_value_cut(threshold_on(conn, day)), high_value_cut(threshold), manager=True)
    key_now, key_new, _, _ = _flags(base)
    per_manager = (
        select(base.c.manager_id, func.sum(key_now).label("now"), func.sum(key_new).label("what_if"))
        .where(base.c.manager_id.is_not(None))
        .group_by(base.c.manager_id)
        .having(func.sum(key_now) + func.sum(key_new) > 0)
        .subquery()
    )
    # The summary over all of them rides along on each of the top rows (window sums are taken before LIMIT),
    # so that the accounts are read once.
    everyone = {"partition_by": None}
    top = conn.execute(
        select(
            USERS.c.name,
            per_manager.c.now,
            per_manager.c.what_if,
            func.count().over(**everyone).label("managers"),
            func.avg(per_manager.c.now).over(**everyone).label("mean_now"),
            func.avg(per_manager.c.what_if).over(**everyone).label("mean_what_if"),
            func.max(per_manager.c.now).over(**everyone).label("max_now"),
            func.max(per_manager.c.what_if).over(**everyone).label("max_what_if"),
        )
        .select_from(per_manager.join(USERS, USERS.c.id == per_manager.c.manager_id))
        .order_by(per_manager.c.what_if.desc(), (per_manager.c.what_if - per_manager.c.now).desc(), USERS.c.name)
        .limit(max(limit, 1))  # a row even for limit 0: it carries the summary
    ).all()
    none = {"managers": 0, "mean_now": None, "mean_what_if": None, "max_now": 0, "max_what_if": 0}
    summary = top[0]._mapping if top else none
    top = [row[:3] for row in top[:limit]]
    frame = _frame(top, ["manager", "now", "what_if"]).astype({"now": "int64", "what_if": "int64"})
    frame["change"] = frame["what_if"] - frame["now"]
    stats = {
        "managers": int(summary["managers"]),
        "mean_now": None if summary["mean_now"] is None else float(summary["mean_now"]),
        "mean_what_if": None if summary["mean_what_if"] is None else float(summary["mean_what_if"]),
        "max_now": int(summary["max_now"] or 0),
        "max_what_if": int(summary["max_what_if"] or 0),
    }
    return frame, stats


# -- potential key accounts ----------------------------------------------------------------------


def _not_key_on(account_id, day) -> ColumnElement[bool]:
    return not_(exists().where(DES.c.account_id == account_id, open_on(day)))


@reads("designations", "monthly_spend", "accounts", "org_units", "users", "high_value_thresholds")
def potential_accounts(
    conn: Connection, scope: Scope, period: Period, *, limit: int = 500
) -> tuple[pd.DataFrame, int, float]:
    """Potential key accounts at the end of the period: in no category on its last day, with a
    trailing 3-month average spend of at least 70 % of the threshold in force that day.

    Returns up to `limit` of them (highest spend first), how many there are, and the threshold.
    """
    day = period.last_day
    threshold = threshold_on(conn, day)
    month = flow.snapshot_month(conn, scope, day)
    if month is None:
        spend = trailing_spend(scope, day)
        potential = (
            spend.c.spend_3m >= literal(potential_cut(threshold), Numeric(14, 2)),
            _not_key_on(spend.c.account_id, day),
        )
    else:
        s = SNAPSHOTS.c
        spend = (
            select(s.account_id, (s.trailing_fen / 100.0).label("spend_3m"))
            .where(
                s.month == month,
                s.mask == 0,
                s.trailing_fen >= _fen(potential_cut(threshold)),
                scope_condition(scope, SNAPSHOTS),
            )
            .subquery("trailing")
        )
        potential = ()
    total = conn.scalar(select(func.count()).select_from(spend).where(*potential))
    average = spend.c.spend_3m / 3
    stmt = (
        _with_account_details(select(average.label("avg_spend_3m")), spend, spend.c.account_id, scope)
        .where(*potential)
        .order_by(spend.c.spend_3m.desc(), ACCOUNTS.c.code)
        .limit(limit)
    )
    frame = _frame(conn.execute(stmt).all(), POTENTIAL_COLUMNS).astype({"avg_spend_3m": "float64"})
    frame["share_of_threshold"] = frame["avg_spend_3m"] / threshold
    return frame, int(total or 0), threshold


def month_windows(period: Period) -> list[Period]:
    """The calendar months that overlap the period, cut to it."""
    windows, start = [], period.start
    while start < period.end:
        end = min(add_months(start, 1), period.end)
        windows.append(Period(start, end))
        start = end
    return windows


def _candidate_spend(scope: Scope, windows: list[Period]) -> CTE:
    """CTE (account_id, month, amount): the spend rows the windows' trailing sums need, of the accounts
    in scope that could be potential at the start of some window.

    An account in a category on every one of those days never can; leaving those (most key accounts)
    out, and reading the rest account by account, is what keeps the conversion series fast.
    """
    days = [window.start - dt.timedelta(days=1) for window in windows]
    always_key = select(DES.c.account_id).where(
        DES.c.valid_from <= min(days), or_(DES.c.valid_to.is_(None), DES.c.valid_to > max(days))
    )
    candidates = select(ACCOUNTS.c.id).where(scope_condition(scope, ACCOUNTS), ACCOUNTS.c.id.not_in(always_key))
    return (
        select(SPEND.c.account_id, SPEND.c.month, SPEND.c.amount)
        .where(
            SPEND.c.account_id.in_(candidates),
            SPEND.c.month >= trailing_months(min(days))[0],
            SPEND.c.month < trailing_months(max(days))[1],
            scope_condition(scope, SPEND),
        )
        .cte("candidate_spend")
        .prefix_with("MATERIALIZED")  # read once, not once per window
    )


def _conversion(conn: Connection, scope: Scope, windows: list[Period]) -> pd.DataFrame:
    """Per window: accounts potential at its start (on the day before it) and how many of them got
    a category during it (a designation starting in the window)."""
    first = windows[0].start - dt.timedelta(days=1)
    whole = all(_whole_months(w) for w in windows)
    if whole and flow.snapshot_month(conn, scope, windows[-1].last_day, first) is not None:
        found = _conversion_from_snapshots(conn, scope, windows)
    else:
        found = _conversion_from_raw(conn, scope, windows)
    rows = [(window.start, window.end, *found.get(n, (0, 0))) for n, window in enumerate(windows)]
    frame = pd.DataFrame(rows, columns=["start", "end", "potential", "converted"])
    frame["rate"] = [_ratio(c, p) for p, c in zip(frame["potential"], frame["converted"], strict=True)]
    return frame


def _conversion_from_snapshots(conn: Connection, scope: Scope, windows: list[Period]) -> dict[int, tuple[int, int]]:
    """_conversion_from_raw for windows of whole months, from account_snapshots: the accounts without a
    category at the end of the month before each window, with trailing spend from the cut, and whether a
    designation of theirs starts in one of the window's months."""
    start, end = aliased(SNAPSHOTS, name="at_start"), aliased(SNAPSHOTS, name="at_end")
    parts = []
    for n, window in enumerate(windows):
        day = window.start - dt.timedelta(days=1)
        if window.end == add_months(window.start, 1):  # one month: all in the row of the month before
            became_key, source = start.c.designations_next > 0, start
        else:
            became_key = end.c.designations > start.c.designations
            on_end = and_(end.c.account_id == start.c.account_id, end.c.month == add_months(window.end, -1))
            source = start.join(end, on_end)
        parts.append(
            select(literal(n).label("n"), case((became_key, 1), else_=0).label("converted"))
            .select_from(source)
            .where(
                start.c.month == month_start(day),
                start.c.mask == 0,
                start.c.trailing_fen >= _fen(potential_cut(threshold_on(conn, day))),
                scope_condition(scope, start),
            )
        )
    rows = union_all(*parts).subquery()
    stmt = select(rows.c.n, func.count(), func.sum(rows.c.converted)).group_by(rows.c.n)
    return {int(n): (int(p), int(c or 0)) for n, p, c in conn.execute(stmt)}


def _conversion_from_raw(conn: Connection, scope: Scope, windows: list[Period]) -> dict[int, tuple[int, int]]:
    parts = []
    for n, window in enumerate(windows):
        day = window.start - dt.timedelta(days=1)
        first, end = trailing_months(day)
        parts.append(
            select(
                literal(n).label("n"),
                literal(day, Date).label("day"),
                literal(first, Date).label("first_month"),
                literal(end, Date).label("end_month"),
                literal(window.start, Date).label("w_start"),
                literal(window.end, Date).label("w_end"),
                literal(potential_cut(threshold_on(conn, day)), Numeric(14, 2)).label("cut"),
            )
        )
    w = union_all(*parts).subquery("windows")
    spend = _candidate_spend(scope, windows)
    became_key = exists().where(
        DES.c.account_id == spend.c.account_id, DES.c.valid_from >= w.c.w_start, DES.c.valid_from < w.c.w_end
    )
    per_account = (
        select(w.c.n, case((became_key, 1), else_=0).label("converted"))
        .select_from(w.join(spend, and_(spend.c.month >= w.c.first_month, spend.c.month < w.c.end_month)))
        .group_by(w.c.n, spend.c.account_id, w.c.cut, w.c.day, w.c.w_start, w.c.w_end)
        .having(func.round(func.sum(spend.c.amount), 2) >= w.c.cut, _not_key_on(spend.c.account_id, w.c.day))
        .subquery()
    )
    stmt = select(per_account.c.n, func.count(), func.sum(per_account.c.converted)).group_by(per_account.c.n)
    return {int(n): (int(p), int(c or 0)) for n, p, c in conn.execute(stmt)}


@reads("designations", "monthly_spend", "high_value_thresholds")
def potential_conversion(conn: Connection, scope: Scope, period: Period) -> dict:
    """Potential accounts at the start of the period, how many became key accounts during it, the rate."""
    row = _conversion(conn, scope, [period]).iloc[0]
    rate = None if pd.isna(row["rate"]) else float(row["rate"])
    return {"potential": int(row["potential"]), "converted": int(row["converted"]), "rate": rate}


@reads("designations", "monthly_spend", "high_value_thresholds")
def potential_conversion_by_month(conn: Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Per month of the period (cut to it): potential at its start, converted during it, the rate.

    Columns: start, end (exclusive), potential, converted, rate (None without potential accounts).
    """
    return _conversion(conn, scope, month_windows(period))


MONTHS_OVER_TIME = 24


@reads("designations", "high_value_thresholds", "accounts")
def membership_over_time(conn: Connection, scope: Scope, *, day: dt.date) -> dict[str, pd.DataFrame]:
    """How the portfolio moved: on the first day of each of the 24 months up to `day`, the key accounts,
    the premium ones and the high-value ones in scope (the designations open that day); and the threshold
    changes in force from a day in that range, so a chart can mark them.

    months: month (date), key_accounts, premium, high_value. thresholds: effective_from, amount."""
    last = day.replace(day=1)
    months = [add_months(last, -i) for i in range(MONTHS_OVER_TIME - 1, -1, -1)]
    found: dict[dt.date, tuple[int, int, int]] = {}
    if flow.serves(scope):  # the months the rollup holds; any others from the designations
        c = flow.CATEGORY_MONTHS.c
        stmt = (
            select(c.month, func.sum(c.key_accounts), func.sum(c.premium), func.sum(c.high_value))
            .where(*flow.conditions(scope, months[0], add_months(last, 1), table=flow.CATEGORY_MONTHS))
            .group_by(c.month)
        )
        found = {_as_day(m): (int(k), int(p), int(h)) for m, k, p, h in conn.execute(stmt)}
        held = {_as_day(m) for m in conn.scalars(select(c.month).where(c.month.in_(months)).distinct())}
        found.update(_membership_from_designations(conn, scope, [m for m in months if m not in held]))
    else:
        found = _membership_from_designations(conn, scope, months)
    frame = pd.DataFrame(
        [(m, *found.get(m, (0, 0, 0))) for m in months], columns=["month", "key_accounts", "premium", "high_value"]
    )
    changes = (
        select(THRESHOLDS.c.effective_from, THRESHOLDS.c.amount)
        .where(THRESHOLDS.c.effective_from > months[0], THRESHOLDS.c.effective_from <= day)
        .order_by(THRESHOLDS.c.effective_from, THRESHOLDS.c.id)
    )
    thresholds = _frame(conn.execute(changes).all(), ["effective_from", "amount"])
    thresholds["amount"] = pd.to_numeric(thresholds["amount"].astype(object)).astype("float64")
    return {"months": frame, "thresholds": thresholds}


def _as_day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _membership_from_designations(
    conn: Connection, scope: Scope, months: list[dt.date]
) -> dict[dt.date, tuple[int, int, int]]:
    """(key accounts, premium, high-value) in scope on the first day of each month, from the designations."""
    if not months:
        return {}
    by_city = rollups.membership_by_city(months, where=scope_condition(scope, DES)).subquery()
    stmt = select(
        by_city.c.month, func.sum(by_city.c.key_accounts), func.sum(by_city.c.premium), func.sum(by_city.c.high_value)
    ).group_by(by_city.c.month)
    return {_as_day(month): (int(k), int(p), int(h)) for month, k, p, h in conn.execute(stmt)}
