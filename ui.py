"""Small Streamlit widgets shared by the pages: language, filters kept in the URL, KPI cards."""

from __future__ import annotations

import datetime as dt
import functools
import re
import uuid
from typing import Optional

import pandas as pd
import streamlit as st
from sqlalchemy.exc import DBAPIError

from lib import cache, i18n
from lib.access import NATIONAL, CurrentUser, Scope, can_open, narrow
from lib.commands import CommandError, ValidationError
from lib.db import write_session
from lib.domain import CATEGORIES
from lib.periods import Period, default_period
from lib.queries import common

LANG_KEY = "lang"
ALL = ""  # the "all regions" choice of a region picker (None would show as an empty picker)
NOTICE = "form_notice"  # the confirmation of a save, shown once on the next run


def lang() -> str:
    """The session's language, as chosen with the switch in the sidebar (or in the URL)."""
    return i18n.normalise_language(st.session_state.get(LANG_KEY))


def tr(key: str, /, **values: object) -> str:
    """A message of the catalogue in the session's language."""
    return i18n.t(lang(), key, **values)


def label(kind: str, code: str) -> str:
    return i18n.label(lang(), kind, code)


def language_switch() -> str:
    """The sidebar's language switch, kept in the URL's `lang` parameter."""
    url_choice(
        st.sidebar.segmented_control,
        i18n.t(lang(), "app.language"),
        list(i18n.LANGUAGES),
        key=LANG_KEY,
        format_func=i18n.LANGUAGES.get,
        required=True,
        width="stretch",
    )
    return lang()


def url_choice(widget, label: str, options: list, *, key: str, format_func, multi: bool = False, **kwargs):
    """A choice widget whose value is kept in the URL as option codes, whatever the language.

    Streamlit's own binding stores the formatted labels, which differ between languages, so a
    copied link would not survive a language switch; this keeps codes instead.
    """
    raw = st.query_params.get_all(key) if multi else st.query_params.get(key)
    from_url = [c for c in options if c in {c for part in raw for c in part.split(",")}] if multi else raw
    default = [] if multi else options[0]
    current = st.session_state.get(key, default)
    if multi:
        current = [c for c in current if c in options]
    elif current not in options:
        current = default
    # The URL wins over a state that is still the default: a fresh session opened from a link, or a
    # widget whose state Streamlit reset between runs. A user's own choice is written to the URL
    # below in the same run (and the default removes the parameter), so the two never disagree.
    if current == default and from_url and from_url != default and (multi or from_url in options):
        current = from_url
    st.session_state[key] = current
    value = widget(label, options, key=key, format_func=format_func, **kwargs)
    if value in (None, []) or (not multi and value == options[0]):
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = ",".join(value) if multi else str(value)
    return value


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


def region_filter(scope: Scope) -> Scope:
    """Province and city pickers within the user's scope (choosing a province narrows the cities).

    Bound to the URL's `province` and `city` parameters (org codes); the returned scope is the
    user's scope narrowed by the choice, never wider (lib.access.narrow).
    """
    if scope.level in ("manager", "none"):
        return scope
    units = org_units()
    name = "name_zh" if lang() == "zh" else "name_en"
    provinces = units[units["level"] == "province"]
    if scope.level != "national":
        provinces = provinces[provinces["id"] == scope.province_id]
    province_codes = provinces["code"].tolist()
    names = dict(zip(units["code"], units[name], strict=True))
    everything = tr("filter.all")
    with st.container(horizontal=True):
        if scope.level == "national":
            province = url_choice(
                st.selectbox,
                tr("filter.province"),
                [ALL, *province_codes],
                key="province",
                format_func=lambda c: names.get(c, everything),
            )
        else:
            province = province_codes[0] if province_codes else ALL
        cities = units[units["level"] == "city"]
        if scope.level == "city":
            cities = cities[cities["id"] == scope.city_id]
        elif province:
            province_id = int(units.loc[units["code"] == province, "id"].iloc[0])
            cities = cities[cities["province_id"] == province_id]
        else:
            cities = cities.iloc[0:0]
        city_codes = cities["code"].tolist()
        if scope.level == "city":
            city = city_codes[0] if city_codes else ALL
        else:
            city = url_choice(
                st.selectbox,
                tr("filter.city"),
                [ALL, *city_codes],
                key="city",
                format_func=lambda c: names.get(c, everything),
                disabled=not city_codes,
            )
    by_code = units.set_index("code")
    province_id = int(by_code.at[province, "id"]) if province in by_code.index else None
    if city in by_code.index and city in city_codes:
        return narrow(
            scope,
            province_id=province_id,
            city_id=int(by_code.at[city, "id"]),
            city_province_id=int(by_code.at[city, "province_id"]),
        )
    return narrow(scope, province_id=province_id)


def category_filter(key: str = "category") -> tuple[str, ...]:
    """Categories to keep (any of them); empty means all accounts. Bound to the URL."""
    picked = url_choice(
        st.multiselect,
        tr("filter.category"),
        list(CATEGORIES),
        key=key,
        multi=True,
        format_func=lambda c: label("category", c),
        placeholder=tr("filter.all"),
    )
    return tuple(sorted(picked))


def metric_help(name: str) -> str:
    """The definition of a metric (lib/messages/metrics.py), for help tooltips."""
    return tr(f"metric.{name}.def")


def kpi(
    label_text: str,
    value: str,
    *,
    delta=None,
    help_text: Optional[str] = None,
    page: Optional[str] = None,
    delta_color: str = "normal",
    delta_description: Optional[str] = None,
) -> None:
    """A KPI card: the metric, and a link to the page that explains it when the user may open it."""
    with st.container(border=True, width="stretch"):
        st.metric(
            label_text, value, delta=delta, help=help_text, delta_color=delta_color, delta_description=delta_description
        )
        if page and can_open(role=current_user().role, page=page):
            st.page_link(f"app_pages/{page}.py", label=tr(f"page.{page}"), icon=":material/arrow_forward:")


def percent(value: Optional[float], digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}%}"


def points_delta(now: Optional[float], before: Optional[float], scale: float = 100, unit: str = "pp") -> Optional[str]:
    """The difference of two rates in percentage points (or of two indexes in points), as text."""
    if now is None or before is None:
        return None
    return f"{(now - before) * scale:+.1f} {unit}"


def plain(text: object) -> str:
    """Text from the data, shown literally inside markdown (no links, emphasis or directives)."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))


def number(value: Optional[float], digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


VALIDATE_CHARTS = False  # the test suite sets it, so that every chart its page runs draw is validated


def altair_chart(chart, **kwargs):
    """st.altair_chart, without validating the spec against the Vega-Lite schema on every run (a third of
    a warm page run) unless VALIDATE_CHARTS: the tests validate every chart the pages draw."""
    if not VALIDATE_CHARTS:
        # on the instance itself: a chart's own __setattr__ would take it for a property of the spec
        object.__setattr__(chart, "to_dict", functools.partial(type(chart).to_dict, chart, validate=False))
    return st.altair_chart(chart, **kwargs)


def csv_bytes(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode("utf-8-sig")  # BOM: Excel opens Chinese text correctly


def download_csv(frame: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(
        tr("common.download"),
        data=functools.partial(csv_bytes, frame),  # written when clicked, not at every run of the page
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
    )


def form_key(name: str) -> str:
    """The key of the form currently shown: its widgets' key suffix and its idempotency key.

    It changes only after a successful save, so a rejected form keeps what was typed and a
    double submit of the same rendered form carries the same key (and is stored once).
    """
    state_key = f"form_key:{name}"
    if state_key not in st.session_state:
        st.session_state[state_key] = uuid.uuid4().hex
    return st.session_state[state_key]


def new_form(name: str) -> None:
    st.session_state[f"form_key:{name}"] = uuid.uuid4().hex


def form_errors(errors: dict[str, str]) -> None:
    """The summary line above a rejected form."""
    if errors:
        st.error(tr("form.error.invalid"), icon=":material/error:")


def field_error(errors: dict[str, str], field: str) -> None:
    """The message for one field of a rejected form, right under the field."""
    if field in errors:
        st.markdown(f":red[{tr(errors[field])}]")


def submit(command, *, tables: tuple[str, ...], **arguments):
    """Run a write command in one transaction; return (result, field errors).

    Refusals and outages are shown here; on success the reads of `tables` are refreshed.
    """
    try:
        with write_session(cache.engine()) as session:
            result = command(session=session, user=current_user(), **arguments)
    except ValidationError as error:  # the form shows these next to its fields
        return None, error.errors
    except CommandError as error:
        st.error(tr(error.code, **error.values), icon=":material/block:")
        return None, {}
    except DBAPIError:
        st.error(tr("form.db_unavailable"), icon=":material/cloud_off:")
        return None, {}
    cache.tables_written(*tables, "audit_log")
    return result, {}


def form_state(form: str) -> tuple[str, dict[str, str]]:
    """The form's key (kept until a save succeeds, so typing survives a refusal) and its field errors,
    with the summary line above the form when there are any."""
    key = form_key(form)
    errors = st.session_state.get(f"errors:{key}", {})
    form_errors(errors)
    return key, errors


def save_form(form: str, command, *, tables: tuple[str, ...], notice, after=None, **arguments):
    """Run a form's command; on success run `after(result)`, remember the notice (a text, or a function of
    the result) for the next run, start the form fresh and rerun; on refusal rerun to show the messages."""
    result, errors = submit(command, tables=tables, **arguments)
    st.session_state[f"errors:{form_key(form)}"] = errors
    if result is not None:
        if after is not None:
            after(result)
        st.session_state[NOTICE] = notice(result) if callable(notice) else notice
        new_form(form)
        st.rerun()
    elif errors:
        st.rerun()
    return result


def show_notice() -> None:
    """The confirmation of the last save, once."""
    if message := st.session_state.pop(NOTICE, None):
        st.success(message, icon=":material/check_circle:")
