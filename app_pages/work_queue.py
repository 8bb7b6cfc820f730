"""My work queue: revisits due by cadence, follow-ups and open complaints, each a click from its form."""

import datetime as dt

import pandas as pd
import streamlit as st

import ui
from lib import cache
from lib.access import can_open
from lib.commands import utcnow
from lib.domain import OPEN_COMPLAINT_STATUSES
from lib.queries import complaints as complaint_queries
from lib.queries import work_queue

HORIZON_DAYS = 14

user = ui.current_user()
today = dt.date.today()

st.title(ui.tr("page.work_queue"))
st.caption(
    f"{ui.tr('queue.caption')} {ui.tr('queue.today', date=today.isoformat())} · "
    f"{ui.tr('overview.scope', scope=ui.scope_name(user.scope))}"
)

due = cache.read(work_queue.revisits_due, user.scope, today=today, horizon_days=HORIZON_DAYS)
follow = cache.read(work_queue.follow_ups, user.scope, today=today)
now = utcnow().replace(second=0)  # a minute's resolution keeps the cache useful
complaints, open_total = cache.read(complaint_queries.workbench, user.scope, now=now, statuses=OPEN_COMPLAINT_STATUSES)
overdue = due[due["days_overdue"] > 0]

with st.container(horizontal=True):
    ui.kpi(ui.tr("queue.overdue"), ui.number(len(overdue)), help_text=ui.metric_help("revisit_compliance"))
    ui.kpi(ui.tr("queue.due_soon", days=HORIZON_DAYS), ui.number(len(due) - len(overdue)))
    ui.kpi(ui.tr("queue.follow_up_title"), ui.number(follow["account_id"].nunique()))
    ui.kpi(ui.tr("queue.complaints_title"), ui.number(open_total), page="complaints")


def act_on(frame: pd.DataFrame, key: str) -> None:
    """A picker of the accounts in a list and links to the forms for the chosen one."""
    names = dict(zip(frame["code"], frame["name"], strict=False))
    code = st.selectbox(ui.tr("queue.pick"), list(names), format_func=lambda c: f"{names[c]} · {c}", key=key)
    with st.container(horizontal=True):
        for page, label, icon in (
            ("log_revisit", "queue.log_revisit", ":material/event_available:"),
            ("log_complaint", "queue.log_complaint", ":material/report:"),
            ("account", "queue.open_account", ":material/badge:"),
        ):
            if can_open(role=user.role, page=page):
                st.page_link(f"app_pages/{page}.py", label=ui.tr(label), icon=icon, query_params={"account": code})


st.subheader(ui.tr("queue.due_title"))
if due.empty:
    st.info(ui.tr("queue.nothing_due", days=HORIZON_DAYS), icon=":material/task_alt:")
else:
    table = due.assign(service_grade=due["service_grade"].map(lambda g: ui.label("grade", g)))[
        ["code", "name", "service_grade", "last_visit", "due", "days_overdue"]
    ]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "code": ui.tr("col.code"),
            "name": ui.tr("col.name"),
            "service_grade": ui.tr("col.grade"),
            "last_visit": st.column_config.DateColumn(ui.tr("col.last_visit")),
            "due": st.column_config.DateColumn(ui.tr("col.due")),
            "days_overdue": st.column_config.NumberColumn(ui.tr("col.days_overdue"), format="%d"),
        },
    )
    ui.download_csv(table, "revisits_due.csv", key="download_due")
    act_on(due, "act_due")

st.subheader(ui.tr("queue.follow_up_title"))
if follow.empty:
    st.info(ui.tr("queue.nothing_to_follow"), icon=":material/task_alt:")
else:
    table = follow.assign(reason=follow["reason"].map(lambda r: ui.tr(f"queue.reason.{r}")))[
        ["code", "name", "reason", "on", "score"]
    ]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "code": ui.tr("col.code"),
            "name": ui.tr("col.name"),
            "reason": ui.tr("col.reason"),
            "on": st.column_config.DateColumn(ui.tr("col.on")),
            "score": st.column_config.NumberColumn(ui.tr("col.score"), format="%.0f"),
        },
    )
    ui.download_csv(table, "follow_ups.csv", key="download_follow")
    act_on(follow, "act_follow")

st.subheader(ui.tr("queue.complaints_title"))
if complaints.empty:
    st.info(ui.tr("queue.no_complaints"), icon=":material/task_alt:")
else:
    table = complaints.assign(
        severity=complaints["severity"].map(lambda c: ui.label("severity", c)),
        status=complaints["status"].map(lambda c: ui.label("complaint_status", c)),
        resolution_left_hours=complaints["resolution_left_seconds"] / 3600,
    )[["code", "account_name", "severity", "status", "received_at", "resolution_left_hours", "overdue"]]
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "code": ui.tr("col.code"),
            "account_name": ui.tr("col.name"),
            "severity": ui.tr("queue.severity"),
            "status": ui.tr("queue.status"),
            "received_at": st.column_config.DatetimeColumn(ui.tr("queue.received")),
            "resolution_left_hours": st.column_config.NumberColumn(ui.tr("queue.hours_left"), format="%.1f"),
            "overdue": st.column_config.CheckboxColumn(ui.tr("queue.overdue")),
        },
    )
    ui.download_csv(table, "open_complaints.csv", key="download_complaints")
    if can_open(role=user.role, page="complaints"):
        codes = complaints["code"].tolist()
        code = st.selectbox(ui.tr("queue.pick_complaint"), codes, key="act_complaint")
        st.page_link(
            "app_pages/complaints.py",
            label=ui.tr("page.complaints"),
            icon=":material/support_agent:",
            query_params={"complaint": code},
        )
