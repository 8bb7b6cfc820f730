"""Log a complaint for an account in the user's scope; a link can name the account (?account=<code>)."""

import datetime as dt

import streamlit as st

import ui
from lib import cache
from lib.access import can_open
from lib.commands import utcnow
from lib.commands.complaints import log_complaint
from lib.domain import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, COMPLAINT_SEVERITIES
from lib.queries import complaints as queries
from lib.queries import work_queue

FORM = "complaint"
NOTICE = "complaint_notice"

user = ui.current_user()
now = utcnow()
minute = now.replace(second=0)  # reads keyed by the minute, so repeated runs still hit the cache

st.title(ui.tr("page.log_complaint"))
st.caption(ui.tr("complaints.log_caption", scope=ui.scope_name(user.scope)))
if notice := st.session_state.pop(NOTICE, None):
    saved = cache.read(queries.complaint_detail, user.scope, code=notice["code"], now=minute)
    if notice["created"] and saved is not None:
        st.success(
            ui.tr(
                "complaints.logged",
                code=notice["code"],
                response=ui.number(saved["response_hours"], 1),
                resolution=ui.number(saved["resolution_hours"], 1),
            ),
            icon=":material/check_circle:",
        )
    else:
        st.info(ui.tr("form.already_saved"), icon=":material/info:")
    if can_open(role=user.role, page="complaints"):
        st.page_link(
            "app_pages/complaints.py",
            label=ui.tr("complaints.open_workbench"),
            icon=":material/support_agent:",
            query_params={"complaint": notice["code"]},
        )

search = st.text_input(
    ui.tr("complaints.search"), value=st.query_params.get("account", ""), max_chars=80, key="complaint_search"
)
choices = cache.read(work_queue.writable_accounts, user.scope, search=search)
if choices.empty:
    st.info(ui.tr("complaints.no_accounts"), icon=":material/info:")
    st.stop()
names = {row.id: f"{row.name} · {row.code}" for row in choices.itertuples()}
choose = ui.tr("complaints.choose")

key = ui.form_key(FORM)
errors: dict[str, str] = st.session_state.get(f"errors:{key}", {})
ui.form_errors(errors)
with st.form(f"complaint_form_{key}", clear_on_submit=False, enter_to_submit=False):
    account_id = st.selectbox(ui.tr("complaints.account"), list(names), format_func=names.get, key=f"account_{key}")
    ui.field_error(errors, "account")
    left, right = st.columns(2)
    with left:
        channel = st.selectbox(
            ui.tr("complaints.channel"),
            COMPLAINT_CHANNELS,
            index=None,
            placeholder=choose,
            format_func=lambda c: ui.label("complaint_channel", c),
            key=f"channel_{key}",
        )
        ui.field_error(errors, "channel")
        severity = st.selectbox(
            ui.tr("complaints.severity"),
            COMPLAINT_SEVERITIES,
            index=None,
            placeholder=choose,
            format_func=lambda c: ui.label("severity", c),
            key=f"severity_{key}",
        )
        ui.field_error(errors, "severity")
        received_on = st.date_input(
            ui.tr("complaints.received_on"), value=now.date(), max_value=now.date(), key=f"received_on_{key}"
        )
        ui.field_error(errors, "received_at")
    with right:
        category = st.selectbox(
            ui.tr("complaints.category"),
            COMPLAINT_CATEGORIES,
            index=None,
            placeholder=choose,
            format_func=lambda c: ui.label("complaint_category", c),
            key=f"category_{key}",
        )
        ui.field_error(errors, "category")
        green_channel = st.checkbox(
            ui.tr("complaints.green_channel"), help=ui.tr("complaints.green_channel_help"), key=f"green_{key}"
        )
        ui.field_error(errors, "green_channel")
        received_time = st.time_input(
            ui.tr("complaints.received_time"), value=now.time().replace(second=0), step=60, key=f"received_time_{key}"
        )
    description = st.text_area(ui.tr("complaints.description"), max_chars=4000, height=120, key=f"description_{key}")
    ui.field_error(errors, "description")
    submitted = st.form_submit_button(ui.tr("complaints.submit"), type="primary", icon=":material/save:")

if submitted:
    received_at = dt.datetime.combine(received_on, received_time) if received_on and received_time else None
    result, errors = ui.submit(
        log_complaint,
        tables=("complaints", "complaint_events"),
        account_id=account_id,
        channel=channel,
        category=category,
        severity=severity,
        green_channel=green_channel,
        description=description,
        received_at=received_at,
        idempotency_key=key,
    )
    st.session_state[f"errors:{key}"] = errors
    if result is not None:
        st.session_state[NOTICE] = {"code": result.code, "created": result.created}
        ui.new_form(FORM)
        st.rerun()
    elif errors:
        st.rerun()

with st.expander(ui.tr("complaints.targets_title")):
    targets = cache.read(queries.complaint_targets_in_force, user.scope, day=now.date())
    table = targets.assign(severity=targets["severity"].map(lambda s: ui.label("severity", s)))
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "severity": ui.tr("complaints.col.severity"),
            "response_hours": st.column_config.NumberColumn(ui.tr("complaints.col.response_hours"), format="%.1f"),
            "resolution_hours": st.column_config.NumberColumn(ui.tr("complaints.col.resolution_hours"), format="%.1f"),
        },
    )
    ui.download_csv(table, "complaint_targets.csv", key="download_complaint_targets")
