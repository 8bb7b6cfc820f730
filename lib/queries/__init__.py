"""Read functions: (conn, scope, **filters) -> DataFrame or small dict, aggregated in SQL.

Nothing here imports Streamlit. Each read declares the tables it reads with @reads, so that
lib/cache.py can cache it keyed by scope and filters and forget it when one of those tables
is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)


def reads(*tables: str) -> Callable[[F], F]:
    """Declare the tables a read function depends on."""

    def mark(fn: F) -> F:
        fn.reads_tables = frozenset(tables)  # type: ignore[attr-defined]
        return fn

    return mark
