"""The Streamlit boundary of the data layer: one engine per process, cached reads keyed by scope.

Reads are cached for a short TTL (shared by all users, so the scope is part of every key)
and cleared by the writes that affect them; with several server processes the TTL bounds
how long another process can show older figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from lib.access import Scope
from lib.config import Settings, load_settings
from lib.db import make_engine
from lib.periods import Period
from lib.queries import accounts, common, overview, users

TTL = load_settings().cache_ttl_seconds
ENTRIES = 512


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


@st.cache_data(ttl=TTL, max_entries=4, show_spinner=False)
def load_org_units() -> pd.DataFrame:
    with engine().connect() as conn:
        return common.org_units(conn)


@st.cache_data(ttl=TTL, max_entries=4, show_spinner=False)
def load_data_as_of() -> dt.date:
    with engine().connect() as conn:
        return common.data_as_of(conn)


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def load_overview(scope: Scope, period: Period) -> dict:
    """Every Overview figure for the period and its comparison period."""
    previous = period.previous()
    with engine().connect() as conn:
        return {
            "categories": overview.summarise_categories(overview.category_combinations(conn, scope, period.last_day)),
            "categories_before": overview.summarise_categories(
                overview.category_combinations(conn, scope, previous.last_day)
            ),
            "satisfaction": overview.satisfaction_year_on_year(conn, scope, period),
            "orders": overview.order_counts(conn, scope, period),
            "orders_before": overview.order_counts(conn, scope, previous),
            "complaints": overview.complaint_counts(conn, scope, period),
            "complaints_before": overview.complaint_counts(conn, scope, previous),
        }


@st.cache_data(ttl=TTL, max_entries=ENTRIES, show_spinner=False)
def load_key_accounts(scope: Scope, as_of: dt.date, categories: tuple[str, ...], premium_only: bool, search: str,
                      limit: Optional[int]) -> tuple[pd.DataFrame, int]:
    """The filtered key-account list (up to `limit` rows) and how many there are in all."""
    with engine().connect() as conn:
        rows = accounts.key_accounts(conn, scope, as_of, categories=categories, premium_only=premium_only,
                                     search=search, limit=limit)
        total = accounts.count_key_accounts(conn, scope, categories=categories, premium_only=premium_only,
                                            search=search)
    return rows, total


@st.cache_data(ttl=TTL, max_entries=16, show_spinner=False)
def load_users(scope: Scope, role: Optional[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    with engine().connect() as conn:
        return users.users_overview(conn, scope, role=role), users.users_by_role(conn, scope)


@st.cache_data(ttl=10, max_entries=4, show_spinner=False)
def load_sign_in_users() -> list[dict]:
    """Who may sign in; a short TTL so that a deactivation elsewhere takes effect quickly."""
    with engine().connect() as conn:
        return users.sign_in_users(conn, dt.datetime.now(dt.UTC).replace(tzinfo=None))


@st.cache_data(ttl=10, max_entries=256, show_spinner=False)
def load_user(username: str) -> Optional[dict]:
    with engine().connect() as conn:
        return users.user_record(conn, username)
