"""Overview: the headline KPIs of the user's scope, with deltas against the previous period."""

import streamlit as st

import ui
from lib import cache
from lib.domain import CATEGORIES
from lib.queries import overview

user = ui.current_user()
as_of = ui.data_as_of()

st.title(ui.tr("overview.title"))
st.caption(f"{ui.tr('overview.scope', scope=ui.scope_name(user.scope))} · "
           f"{ui.tr('app.data_as_of', date=as_of.isoformat())}")
period = ui.period_filter(as_of)
previous = period.previous()
vs = ui.tr("overview.vs_previous")
st.caption(ui.tr("filter.comparison", start=previous.start.isoformat(), end=previous.last_day.isoformat()))

figures = cache.read(overview.overview_figures, user.scope, period=period)
now, before = figures["categories"], figures["categories_before"]
if not now["key_accounts"]:
    st.info(ui.tr("overview.empty"), icon=":material/info:")

satisfaction = figures["satisfaction"]
orders, orders_before = figures["orders"], figures["orders_before"]
complaints, complaints_before = figures["complaints"], figures["complaints_before"]

with st.container(horizontal=True):
    st.metric(ui.tr("overview.key_accounts"), ui.number(now["key_accounts"]),
              delta=now["key_accounts"] - before["key_accounts"], help=ui.tr("overview.key_accounts_help"),
              border=True, delta_description=vs)
    st.metric(ui.tr("overview.premium"), ui.number(now["premium"]), delta=now["premium"] - before["premium"],
              help=ui.tr("overview.premium_help"), border=True, delta_description=vs)
    change = satisfaction["change_points"]
    st.metric(
        ui.tr("overview.satisfaction"),
        ui.number(satisfaction["index"], 1) if satisfaction["index"] is not None else ui.tr("overview.no_surveys"),
        delta=None if change is None else ui.tr("overview.points_yoy", delta=change),
        help=ui.tr("overview.satisfaction_help") + " " + ui.tr("overview.surveys_n", n=satisfaction["surveys"]),
        border=True,
    )

st.subheader(ui.tr("overview.categories_title"))
st.caption(ui.tr("overview.categories_caption"))
with st.container(horizontal=True):
    for category in CATEGORIES:
        st.metric(ui.label("category", category), ui.number(now[category]),
                  delta=now[category] - before[category], help=ui.tr("overview.category_help"), border=True, delta_description=vs)

st.subheader(ui.tr("overview.flow_title"))
with st.container(horizontal=True):
    st.metric(ui.tr("overview.orders_opened"), ui.number(orders["opened"]),
              delta=orders["opened"] - orders_before["opened"], help=ui.tr("overview.orders_opened_help"),
              border=True, delta_description=vs)
    st.metric(ui.tr("overview.orders_closed"), ui.number(orders["closed"]),
              delta=orders["closed"] - orders_before["closed"], help=ui.tr("overview.orders_closed_help"),
              border=True, delta_description=vs)
    st.metric(ui.tr("overview.open_orders"), ui.number(orders["open_at_end"]),
              delta=orders["open_at_end"] - orders_before["open_at_end"], delta_color="inverse",
              help=ui.tr("overview.open_orders_help"), border=True, delta_description=vs)
    st.metric(ui.tr("overview.open_complaints"), ui.number(complaints["open_at_end"]),
              delta=complaints["open_at_end"] - complaints_before["open_at_end"], delta_color="inverse",
              help=ui.tr("overview.open_complaints_help"), border=True, delta_description=vs)
