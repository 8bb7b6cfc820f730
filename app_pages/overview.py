"""Overview: the headline KPIs of the user's scope, with deltas against the previous period."""

import streamlit as st

import ui
from lib import cache
from lib.domain import CATEGORIES
from lib.queries import overview

user = ui.current_user()
as_of = ui.data_as_of()

st.title(ui.tr("page.overview"))
st.caption(f"{ui.tr('overview.scope', scope=ui.scope_name(user.scope))} · {ui.tr('app.data_as_of', date=as_of)}")
period = ui.period_filter(as_of)
scope = ui.region_filter(user.scope)
previous = period.previous()
vs = ui.tr("overview.vs_previous")
st.caption(ui.tr("filter.comparison", start=previous.start.isoformat(), end=previous.last_day.isoformat()))

f = cache.read(overview.overview_figures, scope, period=period)
now, before = f["categories"], f["categories_before"]
if not now["key_accounts"]:
    st.info(ui.tr("overview.empty"), icon=":material/info:")


def count_kpi(label: str, value: int, earlier: int, help_key: str, page: str | None, inverse: bool = False) -> None:
    ui.kpi(
        label,
        ui.number(value),
        delta=value - earlier,
        help_text=ui.metric_help(help_key),
        page=page,
        delta_color="inverse" if inverse else "normal",
        delta_description=vs,
    )


def rate_kpi(label: str, now_rate, earlier_rate, help_key: str, page: str | None) -> None:
    ui.kpi(
        label,
        ui.percent(now_rate),
        delta=ui.points_delta(now_rate, earlier_rate),
        help_text=ui.metric_help(help_key),
        page=page,
        delta_description=vs,
    )


st.subheader(ui.tr("overview.portfolio_title"))
with st.container(horizontal=True):
    count_kpi(ui.tr("overview.key_accounts"), now["key_accounts"], before["key_accounts"], "key_accounts", "tiers")
    count_kpi(ui.tr("overview.premium"), now["premium"], before["premium"], "premium", "tiers")
    rate_kpi(
        ui.tr("overview.revenue_share"), f["revenue"]["share"], f["revenue_before"]["share"], "revenue_share", "regions"
    )
    satisfaction = f["satisfaction"]
    change = satisfaction["change_points"]
    ui.kpi(
        ui.tr("overview.satisfaction"),
        ui.number(satisfaction["index"], 1) if satisfaction["index"] is not None else ui.tr("overview.no_surveys"),
        delta=None if change is None else ui.tr("overview.points_yoy", delta=change),
        help_text=ui.metric_help("satisfaction_index")
        + " "
        + ui.metric_help("yoy_change")
        + " "
        + ui.tr("overview.surveys_n", n=satisfaction["surveys"]),
        page="satisfaction",
    )
st.caption(
    ui.tr("overview.revenue_caption", key=ui.number(f["revenue"]["key"]), total=ui.number(f["revenue"]["total"]))
)

st.subheader(ui.tr("overview.categories_title"))
st.caption(ui.tr("overview.categories_caption"))
with st.container(horizontal=True):
    for category in CATEGORIES:
        count_kpi(ui.label("category", category), now[category], before[category], "category_size", "tiers")

st.subheader(ui.tr("overview.flow_title"))
orders, orders_before = f["orders"], f["orders_before"]
complaints, complaints_before = f["complaints"], f["complaints_before"]
with st.container(horizontal=True):
    count_kpi(ui.tr("overview.orders_opened"), orders["opened"], orders_before["opened"], "orders_opened", "order_flow")
    count_kpi(ui.tr("overview.orders_closed"), orders["closed"], orders_before["closed"], "orders_closed", "order_flow")
    count_kpi(
        ui.tr("overview.open_orders"),
        orders["open_at_end"],
        orders_before["open_at_end"],
        "wip",
        "order_flow",
        inverse=True,
    )
    rate_kpi(ui.tr("overview.on_time"), f["on_time"]["rate"], f["on_time_before"]["rate"], "on_time_rate", "order_flow")
    count_kpi(
        ui.tr("overview.open_complaints"),
        complaints["open_at_end"],
        complaints_before["open_at_end"],
        "complaint_resolution",
        "complaints",
        inverse=True,
    )
    rate_kpi(
        ui.tr("overview.revisit_compliance"),
        f["revisits"]["rate"],
        f["revisits_before"]["rate"],
        "revisit_compliance",
        "work_queue",
    )
    count_kpi(
        ui.tr("overview.revisits_logged"),
        f["revisits_logged"],
        f["revisits_logged_before"],
        "revisit_compliance",
        "work_queue",
    )
    rate_kpi(
        ui.tr("overview.potential_conversion"),
        f["conversion"]["rate"],
        f["conversion_before"]["rate"],
        "potential_conversion",
        "tiers",
    )
