"""Filters that pages combine with the scope: categories of the account behind each row."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Table, or_, select, true

from lib.domain import CATEGORY_BITS
from lib.models import Account, Order

ACCOUNTS = Account.__table__
ORDERS = Order.__table__


def category_condition(table: Table, categories: tuple[str, ...] | list[str]) -> ColumnElement[bool]:
    """Rows whose account is currently in any of `categories`; no condition when none are given.

    Works for the accounts table, any table with account_id, and order events (via order_id).
    """
    if not categories:
        return true()
    wanted = sum(CATEGORY_BITS[c] for c in set(categories))
    in_categories = ACCOUNTS.c.category_mask.op("&")(wanted) != 0
    if table is ACCOUNTS:
        return in_categories
    accounts = select(ACCOUNTS.c.id).where(in_categories)
    if "account_id" in table.c:
        return table.c.account_id.in_(accounts)
    return table.c.order_id.in_(select(ORDERS.c.id).where(ORDERS.c.account_id.in_(accounts)))


def text_search(search: str, *columns) -> ColumnElement[bool]:
    """Any of `columns` contains `search` (case-insensitive), with LIKE wildcards in it taken literally."""
    text = search.strip()
    if not text:
        return true()
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))
