"""Reads of the stage-flow rollup (stage_flow_days, see lib/rollups.py) in place of the raw intervals.

The rollup has the counts per day, region, stage and service grade, so it can answer for a
national, province or city scope without a category filter; anything finer (one manager's
accounts, accounts of some categories) reads the raw intervals. Reads that use it declare
order_events as their table: the rollup changes in exactly the transactions that change it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement

from lib.access import Scope
from lib.models import StageFlowDay
from lib.rollups import PROVINCE_TOTAL

FLOW = StageFlowDay.__table__


def serves(scope: Scope, categories: tuple[str, ...] = ()) -> bool:
    """Whether the rollup can answer for this scope and filter."""
    return not categories and scope.level in ("national", "province", "city")


def serves_durations(scope: Scope, categories: tuple[str, ...] = ()) -> bool:
    """Whether the duration rollup (kept per province, not per city) can answer."""
    return not categories and scope.level in ("national", "province")


def region_column(scope: Scope) -> ColumnElement:
    """Provinces for a national scope, cities within a province or city scope (as the raw reads group)."""
    return FLOW.c.province_id if scope.is_national else FLOW.c.city_id


def conditions(
    scope: Scope, start: dt.date | None, end: dt.date, *, by_city: bool = False, grade: str | None = None
) -> list[ColumnElement[bool]]:
    """Rows of the scope's days [start, end) (every day before `end` when start is None): the province
    totals for a national or province scope (the city rows when `by_city`), the city's rows for a city
    scope; of one service grade when given."""
    where = [FLOW.c.day < end] if start is None else [FLOW.c.day >= start, FLOW.c.day < end]
    if scope.level == "city":
        where.append(FLOW.c.city_id == scope.city_id)
    elif by_city:
        where.append(FLOW.c.city_id != PROVINCE_TOTAL)
    else:
        where.append(FLOW.c.city_id == PROVINCE_TOTAL)
    if scope.level in ("province", "city"):
        where.append(FLOW.c.province_id == scope.province_id)
    if grade:
        where.append(FLOW.c.service_grade == grade)
    return where
