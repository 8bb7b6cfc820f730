"""Complaint workbench: complaints still to act on with their targets and time left, one complaint's history,
a form to move it through its statuses, and a form to raise an order from it."""

import pandas as pd
import streamlit as st

import ui
from lib import cache
from lib.access import can_open
from lib.commands import utcnow
from lib.commands.complaints import allowed_moves, change_complaint_status, raise_order_from_complaint
from lib.domain import COMPLAINT_SEVERITIES, COMPLAINT_STATUSES
from lib.queries import complaints as queries

NOTICE = "workbench_notice"

user = ui.current_user()
now = utcnow().replace(second=0)  # reads keyed by the minute, so repeated runs still hit the cache
status_label = {s: ui.label("complaint_status", s) for s in COMPLAINT_STATUSES}

st.title(ui.tr("page.complaints"))
st.caption(ui.tr("complaints.caption", scope=ui.scope_name(user.scope)))
if notice := st.session_state.pop(NOTICE, None):
    st.success(notice, icon=":material/check_circle:")


def clock(left, late) -> str:
    """Time left to a target, time past it, or whether it was met."""
    if pd.isna(left):
        return "–" if pd.isna(late) else ui.tr("complaints.late" if late else "complaints.met")
    hours = ui.number(abs(float(left)) / 3600, 1)
    return ui.tr("complaints.left" if left >= 0 else "complaints.overdue_by", hours=hours)


with st.container(horizontal=True, vertical_alignment="bottom"):
    statuses = ui.url_choice(
        st.multiselect,
        ui.tr("complaints.filter_status"),
        list(COMPLAINT_STATUSES),
        key="status",
        multi=True,
        format_func=status_label.get,
        placeholder=ui.tr("complaints.filter_status_all"),
    )
    severities = ui.url_choice(
        st.multiselect,
        ui.tr("complaints.filter_severity"),
        list(COMPLAINT_SEVERITIES),
        key="severity",
        multi=True,
        format_func=lambda s: ui.label("severity", s),
        placeholder=ui.tr("filter.all"),
    )
    overdue_only = st.toggle(ui.tr("complaints.filter_overdue"), key="overdue", bind="query-params")
frame, total = cache.read(
    queries.workbench,
    user.scope,
    now=now,
    statuses=tuple(statuses) or queries.WORKBENCH_STATUSES,
    severities=tuple(severities),
    overdue_only=overdue_only,
)
if frame.empty:
    st.info(ui.tr("complaints.empty"), icon=":material/info:")
else:
    st.caption(
        ui.tr("complaints.count", n=total)
        + (" " + ui.tr("complaints.truncated", shown=len(frame)) if total > len(frame) else "")
    )
    table = pd.DataFrame(
        {
            "code": frame["code"],
            "account": frame["account_name"] + " · " + frame["account_code"],
            "severity": frame["severity"].map(lambda s: ui.label("severity", s)),
            "green": frame["green_channel"],
            "status": frame["status"].map(status_label),
            "received_at": frame["received_at"],
            "response": [
                clock(a, b) for a, b in zip(frame["response_left_seconds"], frame["response_late"], strict=True)
            ],
            "resolution": [
                clock(a, b) for a, b in zip(frame["resolution_left_seconds"], frame["resolution_late"], strict=True)
            ],
            "overdue": frame["overdue"],
            "orders": frame["orders"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            name: ui.tr(f"complaints.col.{name}")
            for name in ("code", "account", "severity", "status", "response", "resolution", "orders")
        }
        | {
            "green": st.column_config.CheckboxColumn(ui.tr("complaints.col.green")),
            "overdue": st.column_config.CheckboxColumn(ui.tr("complaints.col.overdue")),
            "received_at": st.column_config.DatetimeColumn(
                ui.tr("complaints.col.received_at"), format="YYYY-MM-DD HH:mm"
            ),
        },
    )
    ui.download_csv(table, "complaints.csv", key="download_complaints")

codes = frame["code"].tolist()
linked = st.query_params.get("complaint")
options = [None, *codes, *([linked] if linked and linked not in codes else [])]
accounts = dict(zip(codes, frame["account_name"], strict=True))
code = ui.url_choice(
    st.selectbox,
    ui.tr("complaints.pick"),
    options,
    key="complaint",
    format_func=lambda c: (
        ui.tr("complaints.pick_none") if c is None else f"{c} · {accounts[c]}" if c in accounts else c
    ),
)
if code is None:
    st.stop()
detail = cache.read(queries.complaint_detail, user.scope, code=code, now=now)
if detail is None:
    st.warning(ui.tr("complaints.not_found", code=code), icon=":material/block:")
    st.stop()

st.subheader(f"{detail['code']} · {status_label[detail['status']]}")
st.text(f"{detail['account_name']} · {detail['account_code']}")  # names and descriptions are shown as text
st.caption(
    ui.tr(
        "complaints.facts",
        account=detail["account_code"],
        channel=ui.label("complaint_channel", detail["channel"]),
        category=ui.label("complaint_category", detail["category"]),
        severity=ui.label("severity", detail["severity"]),
        received=f"{detail['received_at']:%Y-%m-%d %H:%M}",
        by=detail["raised_by"] or "–",
    )
)
with st.container(horizontal=True):
    if detail["green_channel"]:
        st.badge(ui.tr("complaints.green"), icon=":material/bolt:", color="green")
    ui.kpi(
        ui.tr("complaints.response"),
        clock(detail["response_left_seconds"], detail["response_late"]),
        help_text=ui.tr("complaints.target_help", hours=ui.number(detail["response_hours"], 1)),
    )
    ui.kpi(
        ui.tr("complaints.resolution"),
        clock(detail["resolution_left_seconds"], detail["resolution_late"]),
        help_text=ui.tr("complaints.target_help", hours=ui.number(detail["resolution_hours"], 1)),
    )
st.text(detail["description"])

st.subheader(ui.tr("complaints.history"))
history = cache.read(queries.complaint_status_history, user.scope, code=code)
history = history.assign(
    from_status=history["from_status"].map(lambda s: status_label.get(s, "")),
    to_status=history["to_status"].map(status_label),
)
st.dataframe(
    history,
    hide_index=True,
    width="stretch",
    column_config={
        "at": st.column_config.DatetimeColumn(ui.tr("complaints.col.at"), format="YYYY-MM-DD HH:mm"),
        "from_status": ui.tr("complaints.col.from"),
        "to_status": ui.tr("complaints.col.to"),
        "actor": ui.tr("complaints.col.actor"),
        "note": ui.tr("complaints.col.note"),
    },
)
ui.download_csv(history, f"{code}_history.csv", key="download_history")

if detail["orders"]:
    st.subheader(ui.tr("complaints.orders"))
    orders = cache.read(queries.complaint_orders, user.scope, code=code)
    orders = orders.assign(
        current_stage=orders["current_stage"].map(lambda s: ui.label("stage", s)),
        status=orders["status"].map(lambda s: ui.label("order_status", s)),
    )
    st.dataframe(
        orders,
        hide_index=True,
        width="stretch",
        column_config={
            "code": ui.tr("complaints.col.order"),
            "product": ui.tr("complaints.col.product"),
            "received_at": st.column_config.DatetimeColumn(
                ui.tr("complaints.col.received_at"), format="YYYY-MM-DD HH:mm"
            ),
            "current_stage": ui.tr("complaints.col.stage"),
            "status": ui.tr("complaints.col.status"),
        },
    )
    ui.download_csv(orders, f"{code}_orders.csv", key="download_complaint_orders")
    if can_open(role=user.role, page="orders"):
        st.page_link(
            "app_pages/orders.py",
            label=ui.tr("complaints.open_orders"),
            icon=":material/assignment:",
            query_params={"order": orders["code"].iloc[0]},
        )

# The form's key names the status the user saw: after a move, a late second click finds no such form.
form = f"move_{detail['id']}_{detail['status']}_{detail['reopened_count']}"
moves = allowed_moves(detail["status"])
errors: dict[str, str] = st.session_state.get(f"errors:{form}", {})
st.subheader(ui.tr("complaints.move_title"))
ui.form_errors(errors)
with st.form(form, clear_on_submit=False, enter_to_submit=False):
    to_status = st.selectbox(
        ui.tr("complaints.to_status"),
        moves,
        index=None,
        format_func=status_label.get,
        placeholder=ui.tr("complaints.choose"),
        key=f"to_{form}",
    )
    ui.field_error(errors, "to_status")
    score = None
    if "closed" in moves:
        score = st.number_input(
            ui.tr("complaints.followup_score"),
            min_value=0.0,
            max_value=100.0,
            value=None,
            step=1.0,
            help=ui.tr("complaints.followup_help"),
            key=f"score_{form}",
        )
        ui.field_error(errors, "followup_score")
    note = st.text_area(
        ui.tr("complaints.note"), max_chars=4000, height=80, help=ui.tr("complaints.note_help"), key=f"note_{form}"
    )
    ui.field_error(errors, "note")
    moved = st.form_submit_button(ui.tr("complaints.move_submit"), type="primary", icon=":material/save:")
if moved:
    written = ("complaints", "complaint_events", *(("surveys",) if to_status == "closed" else ()))
    result, errors = ui.submit(
        change_complaint_status,
        tables=written,
        complaint_id=detail["id"],
        expected_status=detail["status"],
        to_status=to_status,
        note=note,
        followup_score=score,
    )
    st.session_state[f"errors:{form}"] = errors
    if result is not None:
        message = ui.tr(
            "complaints.moved",
            code=result.code,
            before=status_label[result.from_status],
            after=status_label[result.to_status],
        )
        st.session_state[NOTICE] = message + (" " + ui.tr("complaints.survey_saved") if result.survey_id else "")
        st.rerun()
    elif errors:
        st.rerun()

if detail["orders"] == 0 and detail["status"] != "closed":
    st.subheader(ui.tr("complaints.raise_title"))
    raise_form = f"raise_{detail['id']}"
    key = ui.form_key(raise_form)
    errors = st.session_state.get(f"errors:{key}", {})
    with st.form(f"raise_{key}", clear_on_submit=False, enter_to_submit=False):
        product = st.text_input(ui.tr("complaints.product"), max_chars=40, key=f"product_{key}")
        ui.field_error(errors, "product")
        raised = st.form_submit_button(ui.tr("complaints.raise_submit"), icon=":material/add_task:")
    if raised:
        result, errors = ui.submit(
            raise_order_from_complaint,
            tables=("orders", "order_events"),
            complaint_id=detail["id"],
            product=product,
            idempotency_key=key,
        )
        st.session_state[f"errors:{key}"] = errors
        if result is not None:
            st.session_state[NOTICE] = ui.tr("complaints.raised", code=result.code)
            ui.new_form(raise_form)
            st.rerun()
        elif errors:
            st.rerun()
