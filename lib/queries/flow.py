"""Reads of the rollups (lib/rollups.py) in place of the raw rows.

stage_flow_days has the stage-interval counts per day, region, stage and service grade, and
survey_days the survey sums per day and region, so they answer for a national, province or city
scope without a category filter; anything finer (one manager's accounts, accounts of some
categories) reads the raw rows. Reads that use a rollup declare the raw table it follows
(order_events, surveys): the rollup changes in exactly the transactions that change that table.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import ColumnElement, Connection, Float, Table, case, cast, func, literal_column

from lib.access import Scope
from lib.models import CategoryMonth, OrderDay, SpendMonth, StageFlowDay, SurveyDay
from lib.periods import month_start
from lib.rollups import NATIONAL_TOTAL, PROVINCE_TOTAL, snapshots_held

FLOW = StageFlowDay.__table__
SURVEY_DAYS = SurveyDay.__table__
SPEND_MONTHS = SpendMonth.__table__
CATEGORY_MONTHS = CategoryMonth.__table__
ORDER_DAYS = OrderDay.__table__


def serves(scope: Scope, categories: tuple[str, ...] = ()) -> bool:
    """Whether the rollup can answer for this scope and filter."""
    return not categories and scope.level in ("national", "province", "city")


def serves_durations(scope: Scope, categories: tuple[str, ...] = ()) -> bool:
    """Whether the duration rollup (kept per province, not per city) can answer."""
    return not categories and scope.level in ("national", "province")


def serves_accounts(scope: Scope) -> bool:
    """Whether the per-account rollup can answer (any scope: it keeps the account and its region)."""
    return scope.level != "none"


def snapshot_month(conn: Connection, scope: Scope, day: dt.date, since: Optional[dt.date] = None) -> Optional[dt.date]:
    """The month of `day` when account_snapshots can answer for the scope on `day`: `day` is the month's
    last day and the rollup holds that month (and every month from the month of `since` on)."""
    if (day + dt.timedelta(days=1)).day != 1 or not serves_accounts(scope):
        return None
    held = snapshots_held(conn)
    month = month_start(day)
    first = month if since is None else min(month_start(since), month)
    return month if held is not None and held[0] <= first and month <= held[1] else None


def read_mask(mask: ColumnElement) -> ColumnElement:
    """An account_snapshots mask for a condition on all of a month's rows, written so that SQLite reads them
    in key order (one stretch of the table) rather than through the potential index and a lookup per row,
    which takes several times as long for the key accounts of a month."""
    return mask + literal_column("0")


def region_column(scope: Scope, table: Table = FLOW) -> ColumnElement:
    """Provinces for a national scope, cities within a province or city scope (as the raw reads group)."""
    return table.c.province_id if scope.is_national else table.c.city_id


def conditions(
    scope: Scope,
    start: dt.date | None,
    end: dt.date,
    *,
    by_city: bool = False,
    by_province: bool = False,
    grade: str | None = None,
    table: Table = FLOW,
) -> list[ColumnElement[bool]]:
    """Rows of the scope's days [start, end) (every day before `end` when start is None): the province
    totals for a national or province scope (the city rows when `by_city`), the city's rows for a city
    scope; of one service grade when given (stage_flow_days only).

    stage_flow_days also holds a national total: a national scope reads it, or the province totals when
    `by_province` (to group by province)."""
    day = table.c.day if "day" in table.c else table.c.month
    where = [day < end] if start is None else [day >= start, day < end]
    if scope.level == "city":
        where.append(table.c.city_id == scope.city_id)
    elif by_city:
        where.append(table.c.city_id != PROVINCE_TOTAL)
    else:
        where.append(table.c.city_id == PROVINCE_TOTAL)
        if scope.is_national and table is FLOW:
            national = table.c.province_id == NATIONAL_TOTAL
            where.append(~national if by_province else national)
    if scope.level in ("province", "city"):
        where.append(table.c.province_id == scope.province_id)
    if grade:
        where.append(table.c.service_grade == grade)
    return where


def mean(centi_sum: ColumnElement, count: ColumnElement) -> ColumnElement:
    """A mean score from a sum of hundredths and a count (NULL when there is nothing to average)."""
    return cast(centi_sum, Float) / (100.0 * func.nullif(count, 0))


def in_days(start: dt.date, end: dt.date, table: Table = SURVEY_DAYS) -> ColumnElement[bool]:
    return (table.c.day >= start) & (table.c.day < end)


def survey_year_on_year(period, centi: str, count: str, name: str, count_name: str) -> list[ColumnElement]:
    """survey_days columns: the mean and the count of one measure (its sum of hundredths and its count
    columns) in the period and in the same days a year earlier, labelled name, count_name, then both
    with the suffix _year_earlier."""
    days, columns = SURVEY_DAYS.c, []
    for suffix, part in (("", period), ("_year_earlier", period.year_earlier())):
        inside = in_days(part.start, part.end)
        n = func.sum(case((inside, days[count]), else_=0))
        columns += [
            mean(func.sum(case((inside, days[centi]), else_=0)), n).label(f"{name}{suffix}"),
            n.label(f"{count_name}{suffix}"),
        ]
    return columns


def survey_days_of_both_years(scope: Scope, period, *, by_city: bool = False) -> list[ColumnElement[bool]]:
    """The survey_days rows of the scope in the period and in the year before it."""
    earlier = period.year_earlier()
    return conditions(scope, min(earlier.start, period.start), period.end, by_city=by_city, table=SURVEY_DAYS)
