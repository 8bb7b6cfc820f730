"""The Streamlit boundary of the data layer: one engine per process, cached reads keyed by scope.

`read(fn, scope, **filters)` runs a read function of lib/queries through one shared cache.
The key holds the scope (the cache is shared by all users), the filters, and a generation
number for each table the function reads (declared with @reads). A write calls
`tables_written(...)`, which moves those generations on, so exactly the reads that depend on
the written tables run again. With several server processes, the TTL bounds how long another
process can show older figures.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any, Optional

import streamlit as st
from sqlalchemy import Engine

from lib.access import Scope
from lib.config import Settings, load_settings
from lib.db import make_engine
from lib.queries import users

TTL = load_settings().cache_ttl_seconds
ENTRIES = 1024

_functions: dict[str, Callable[..., Any]] = {}
_generations: dict[str, int] = {}
_lock = threading.Lock()


@st.cache_resource
def settings() -> Settings:
    """The settings, with Streamlit secrets (if any) over the environment."""
    try:
        secrets = {k: v for k, v in st.secrets.items() if isinstance(v, (str, int, float))}
    except FileNotFoundError:
        secrets = {}
    return load_settings(secrets)


@st.cache_resource
def engine() -> Engine:
    return make_engine(settings().database_url)


def read(fn: Callable[..., Any], scope: Scope, /, **filters: Any) -> Any:
    """The result of `fn(conn, scope, **filters)`, from the cache when it is still current."""
    tables = getattr(fn, "reads_tables", None)
    if tables is None:
        raise TypeError(f"{fn.__qualname__} does not declare the tables it reads (@reads)")
    name = f"{fn.__module__}.{fn.__qualname__}"
    _functions[name] = fn
    generation = tuple((table, _generations.get(table, 0)) for table in sorted(tables))
    return _cached_read(name, scope, tuple(sorted(filters.items())), generation)


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def _cached_read(name: str, scope: Scope, filters: tuple, generation: tuple) -> Any:
    with engine().connect() as conn:
        return _functions[name](conn, scope, **dict(filters))


def tables_written(*tables: str) -> None:
    """Forget the cached reads of these tables (call after committing a write)."""
    with _lock:
        for table in tables:
            _generations[table] = _generations.get(table, 0) + 1


@st.cache_data(ttl=10, max_entries=4, show_spinner=False)
def load_sign_in_users() -> list[dict]:
    """Who may sign in; a short TTL so that a deactivation elsewhere takes effect quickly."""
    with engine().connect() as conn:
        return users.sign_in_users(conn, dt.datetime.now(dt.UTC).replace(tzinfo=None))


@st.cache_data(ttl=10, max_entries=256, show_spinner=False)
def load_user(username: str) -> Optional[dict]:
    with engine().connect() as conn:
        return users.user_record(conn, username)
