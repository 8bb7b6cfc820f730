"""Small Streamlit widgets shared by the pages: language, filters kept in the URL, KPI cards."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandas as pd
import streamlit as st

from lib import cache, i18n
from lib.access import NATIONAL, Scope
from lib.auth import CurrentUser
from lib.periods import Period, default_period
from lib.queries import common

LANG_KEY = "lang"


def lang() -> str:
    """The session's language, as chosen with the switch in the sidebar (or in the URL)."""
    return i18n.normalise_language(st.session_state.get(LANG_KEY))


def tr(key: str, **values: object) -> str:
    """A message of the catalogue in the session's language."""
    return i18n.t(lang(), key, **values)


def label(kind: str, code: str) -> str:
    return i18n.label(lang(), kind, code)


def language_switch() -> str:
    """The sidebar's language switch, bound to the URL's `lang` parameter."""
    st.sidebar.segmented_control(
        i18n.t(lang(), "app.language"),
        options=list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        default=i18n.DEFAULT_LANGUAGE,
        required=True,
        key=LANG_KEY,
        bind="query-params",
        width="stretch",
    )
    return lang()


def period_filter(as_of: dt.date) -> Period:
    """A date range (both days included), by default the 12 months up to the data's latest month.

    Bound to the URL's `period` parameter, so a copied link reproduces the view.
    """
    default = default_period(as_of)
    picked = st.date_input(
        tr("filter.period"),
        value=(default.start, default.last_day),
        key="period",
        bind="query-params",
        help=tr("filter.period_help"),
        format="YYYY-MM-DD",
    )
    if not isinstance(picked, (tuple, list)) or len(picked) != 2:
        st.info(tr("filter.pick_both_dates"))
        st.stop()
    return Period(picked[0], picked[1] + dt.timedelta(days=1))


def current_user() -> CurrentUser:
    """The signed-in user, set by the entrypoint before the page runs."""
    return st.session_state["current_user"]


def scope_name(scope: Scope) -> str:
    """A scope in words: National, a province, a city, or My accounts."""
    if scope.level in ("national", "manager", "none"):
        return tr(f"scope.{scope.level}")
    node_id = scope.city_id if scope.level == "city" else scope.province_id
    units = org_units()
    node = units.loc[units["id"] == node_id]
    if node.empty:
        return tr("scope.none")
    return node.iloc[0]["name_zh" if lang() == "zh" else "name_en"]


def org_units() -> pd.DataFrame:
    return cache.read(common.org_units, NATIONAL)


def data_as_of() -> dt.date:
    return cache.read(common.data_as_of, NATIONAL)


def number(value: Optional[float], digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def download_csv(frame: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(
        tr("common.download"),
        data=frame.to_csv(index=False).encode("utf-8-sig"),  # BOM: Excel opens Chinese text correctly
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )
