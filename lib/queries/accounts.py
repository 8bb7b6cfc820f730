"""The key-account list: one row per account on screen, so it is filtered and limited in SQL."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandas as pd
from sqlalchemy import Connection, and_, case, func, select
from sqlalchemy.orm import aliased

from lib.access import Scope, scope_condition
from lib.domain import CATEGORY_BITS, PREMIUM_MIN_CATEGORIES
from lib.models import Account, MonthlySpend, OrgUnit, User
from lib.periods import add_months
from lib.queries import reads
from lib.queries.filters import text_search

ACCOUNTS = Account.__table__
SPEND = MonthlySpend.__table__
USERS = User.__table__

ACCOUNT_COLUMNS = [
    "id",
    "code",
    "name",
    "industry",
    "province_en",
    "province_zh",
    "city_en",
    "city_zh",
    "manager",
    "category_mask",
    "service_grade",
    "lifecycle_stage",
    "avg_spend_3m",
]


def category_count(mask_column):
    """How many categories a mask column holds, as SQL."""
    return sum(case((mask_column.op("&")(bit) != 0, 1), else_=0) for bit in CATEGORY_BITS.values())


def key_account_filter(*, categories: tuple[str, ...] = (), premium_only: bool = False, search: str = ""):
    """Conditions on the accounts table: in any of `categories` (any key account when empty)."""
    mask = ACCOUNTS.c.category_mask
    wanted = sum(CATEGORY_BITS[c] for c in categories) or sum(CATEGORY_BITS.values())
    conditions = [mask.op("&")(wanted) > 0]
    if premium_only:
        conditions.append(category_count(mask) >= PREMIUM_MIN_CATEGORIES)
    conditions.append(text_search(search, ACCOUNTS.c.name, ACCOUNTS.c.code))
    return and_(*conditions)


@reads("accounts", "monthly_spend", "users")
def key_accounts(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    *,
    categories: tuple[str, ...] = (),
    premium_only: bool = False,
    search: str = "",
    limit: Optional[int] = None,
) -> pd.DataFrame:
    """Current key accounts in scope with their categories and trailing 3-month average spend."""
    province, city = aliased(OrgUnit.__table__), aliased(OrgUnit.__table__)
    first_month = add_months(as_of, -2)  # the month of as_of and the two before, as for high-value
    spend = (
        select(SPEND.c.account_id, (func.sum(SPEND.c.amount) * 1.0 / 3).label("avg_spend_3m"))
        .where(SPEND.c.month >= first_month, SPEND.c.month < add_months(as_of, 1))
        .group_by(SPEND.c.account_id)
        .subquery()
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
            ACCOUNTS.c.category_mask,
            ACCOUNTS.c.service_grade,
            ACCOUNTS.c.lifecycle_stage,
            func.coalesce(spend.c.avg_spend_3m, 0).label("avg_spend_3m"),
        )
        .join(province, province.c.id == ACCOUNTS.c.province_id)
        .join(city, city.c.id == ACCOUNTS.c.city_id)
        .outerjoin(USERS, USERS.c.id == ACCOUNTS.c.manager_id)
        .outerjoin(spend, spend.c.account_id == ACCOUNTS.c.id)
        .where(
            scope_condition(scope, ACCOUNTS),
            key_account_filter(categories=categories, premium_only=premium_only, search=search),
        )
        .order_by(ACCOUNTS.c.name, ACCOUNTS.c.id)
        .limit(limit)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=ACCOUNT_COLUMNS)
    return frame.astype({"avg_spend_3m": "float64", "category_mask": "int64"})


@reads("accounts")
def count_key_accounts(
    conn: Connection, scope: Scope, *, categories: tuple[str, ...] = (), premium_only: bool = False, search: str = ""
) -> int:
    stmt = (
        select(func.count())
        .select_from(ACCOUNTS)
        .where(
            scope_condition(scope, ACCOUNTS),
            key_account_filter(categories=categories, premium_only=premium_only, search=search),
        )
    )
    return int(conn.scalar(stmt) or 0)


@reads("accounts", "monthly_spend", "users")
def key_account_page(
    conn: Connection,
    scope: Scope,
    as_of: dt.date,
    *,
    categories: tuple[str, ...] = (),
    premium_only: bool = False,
    search: str = "",
    limit: Optional[int] = None,
) -> tuple[pd.DataFrame, int]:
    """Up to `limit` key accounts matching the filters, and how many match in all."""
    filters = {"categories": categories, "premium_only": premium_only, "search": search}
    return key_accounts(conn, scope, as_of, limit=limit, **filters), count_key_accounts(conn, scope, **filters)
