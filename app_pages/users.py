"""Users and roles (administrators): who may sign in, their role and organisation node."""

import streamlit as st

import ui
from lib import cache, charts
from lib.domain import ROLES
from lib.queries import users as user_queries

user = ui.current_user()

st.title(ui.tr("users.title"))
st.caption(ui.tr("users.caption"))

role = st.selectbox(
    ui.tr("users.role_filter"),
    [None, *ROLES],
    format_func=lambda r: ui.tr("filter.all") if r is None else ui.label("role", r),
    key="role",
    bind="query-params",
)
users = cache.read(user_queries.users_overview, user.scope, role=role)
by_role = cache.read(user_queries.users_by_role, user.scope)

if not by_role.empty:
    by_role = by_role.assign(role_label=by_role["role"].map(lambda r: ui.label("role", r)))
    chart = charts.count_bar_chart(
        by_role,
        label="role_label",
        value="users",
        title=ui.tr("users.by_role"),
        label_title=ui.tr("col.role"),
        value_title=ui.tr("col.users"),
    )
    st.altair_chart(chart, width="stretch")

if users.empty:
    st.info(ui.tr("users.empty"), icon=":material/info:")
    st.stop()

zh = ui.lang() == "zh"
table = users.assign(
    role=users["role"].map(lambda r: ui.label("role", r)),
    org=users["org_zh" if zh else "org_en"],
)[["username", "name", "role", "org", "active", "can_sign_in", "locked_until", "accounts"]]
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        "username": ui.tr("col.username"),
        "name": ui.tr("col.name"),
        "role": ui.tr("col.role"),
        "org": ui.tr("col.org"),
        "active": st.column_config.CheckboxColumn(ui.tr("col.active")),
        "can_sign_in": st.column_config.CheckboxColumn(ui.tr("col.can_sign_in")),
        "locked_until": st.column_config.DatetimeColumn(ui.tr("col.locked_until")),
        "accounts": st.column_config.NumberColumn(ui.tr("col.accounts"), format="%d"),
    },
)
ui.download_csv(table, "users.csv", key="download_users")
