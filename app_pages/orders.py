"""Order desk (team leads): open and held orders of the scope, one order's stages and events, and one form to
advance, hold, resume, transfer or urge it."""

import pandas as pd
import streamlit as st

import ui
from lib import cache
from lib.commands import utcnow
from lib.commands.orders import advance_order, hold_order, resume_order, transfer_order, urge_order
from lib.domain import ORDER_STATUSES, STAGES
from lib.queries import complaints as queries

NOTICE = "order_desk_notice"
COMMANDS = {
    "advance": advance_order,
    "hold": hold_order,
    "resume": resume_order,
    "transfer": transfer_order,
    "urge": urge_order,
}
ACTIONS = {"open": ("advance", "hold", "transfer", "urge"), "on_hold": ("resume", "transfer", "urge")}

user = ui.current_user()
now = utcnow().replace(second=0)  # reads keyed by the minute, so repeated runs still hit the cache
stage_label = {s: ui.label("stage", s) for s in (*STAGES, "closed")}
status_label = {s: ui.label("order_status", s) for s in ORDER_STATUSES}
zh = ui.lang() == "zh"


def hours(seconds) -> float | None:
    return None if pd.isna(seconds) else float(seconds) / 3600


st.title(ui.tr("page.orders"))
st.caption(ui.tr("orders.caption", scope=ui.scope_name(user.scope)))
if notice := st.session_state.pop(NOTICE, None):
    st.success(notice, icon=":material/check_circle:")

everything = ui.tr("filter.all")
with st.container(horizontal=True, vertical_alignment="bottom"):
    stage = ui.url_choice(
        st.selectbox,
        ui.tr("orders.filter_stage"),
        [None, *STAGES],
        key="stage",
        format_func=lambda s: everything if s is None else stage_label[s],
    )
    status = ui.url_choice(
        st.selectbox,
        ui.tr("orders.filter_status"),
        [None, "open", "on_hold"],
        key="status",
        format_func=lambda s: everything if s is None else status_label[s],
    )
    search = st.text_input(ui.tr("orders.search"), key="q", bind="query-params", max_chars=40)
frame, total = cache.read(queries.order_desk, user.scope, now=now, stage=stage, status=status, search=search)
if frame.empty:
    st.info(ui.tr("orders.empty"), icon=":material/info:")
else:
    st.caption(
        ui.tr("orders.count", n=total)
        + (" " + ui.tr("orders.truncated", shown=len(frame)) if total > len(frame) else "")
    )
    table = pd.DataFrame(
        {
            "code": frame["code"],
            "account": frame["account_name"] + " · " + frame["account_code"],
            "product": frame["product"],
            "grade": frame["service_grade"].map(lambda g: ui.label("grade", g)),
            "status": frame["status"].map(status_label),
            "stage": frame["current_stage"].map(stage_label),
            "entered_at": frame["entered_at"],
            "hours": frame["elapsed_seconds"].map(hours),
            "target_hours": frame["target_seconds"].map(hours),
            "over_hours": (frame["elapsed_seconds"] - frame["target_seconds"]).map(hours),
            "complaint": frame["complaint_code"],
        }
    )
    number = {
        name: st.column_config.NumberColumn(ui.tr(f"orders.col.{name}"), format="%.1f")
        for name in ("hours", "target_hours", "over_hours")
    }
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            name: ui.tr(f"orders.col.{name}")
            for name in ("code", "account", "product", "grade", "status", "stage", "complaint")
        }
        | number
        | {"entered_at": st.column_config.DatetimeColumn(ui.tr("orders.col.entered_at"), format="YYYY-MM-DD HH:mm")},
    )
    ui.download_csv(table, "orders.csv", key="download_orders")

codes = frame["code"].tolist()
linked = st.query_params.get("order")
options = [None, *codes, *([linked] if linked and linked not in codes else [])]
accounts = dict(zip(codes, frame["account_name"], strict=True))
code = ui.url_choice(
    st.selectbox,
    ui.tr("orders.pick"),
    options,
    key="order",
    format_func=lambda c: ui.tr("orders.pick_none") if c is None else f"{c} · {accounts[c]}" if c in accounts else c,
)
if code is None:
    st.stop()
order = cache.read(queries.order_detail, user.scope, code=code, now=now)
if order is None:
    st.warning(ui.tr("orders.not_found", code=code), icon=":material/block:")
    st.stop()
events = cache.read(queries.order_event_list, user.scope, code=code)
handlers = events[events["kind"].isin(("enter", "transfer"))]
unit_id = int(handlers["unit_id"].iloc[-1]) if len(handlers) else order["raised_by_unit_id"]
units = ui.org_units()
unit_names = dict(zip(units["id"], units["name_zh" if zh else "name_en"], strict=True))

st.subheader(f"{order['code']} · {stage_label[order['current_stage']]} · {status_label[order['status']]}")
st.text(f"{order['account_name']} · {order['account_code']} · {order['product']}")  # shown as text, never markup
st.caption(
    ui.tr(
        "orders.facts",
        account=order["account_code"],
        grade=ui.label("grade", order["service_grade"]),
        received=f"{order['received_at']:%Y-%m-%d %H:%M}",
        unit=unit_names.get(unit_id, "–"),
    )
)
if order["complaint_code"]:
    st.caption(ui.tr("orders.from_complaint", code=order["complaint_code"]))
elapsed, target = hours(order["elapsed_seconds"]), hours(order["target_seconds"])
with st.container(horizontal=True):
    ui.kpi(ui.tr("orders.stage"), stage_label[order["current_stage"]])
    ui.kpi(ui.tr("orders.status"), status_label[order["status"]])
    if elapsed is not None:
        over = None if target is None else elapsed - target
        ui.kpi(
            ui.tr("orders.time_in_stage"),
            ui.tr("orders.hours", hours=ui.number(elapsed, 1)),
            delta=None
            if over is None
            else ui.tr("orders.over_by" if over > 0 else "orders.left", hours=ui.number(abs(over), 1)),
            delta_color="off" if over is None or over <= 0 else "inverse",
            help_text=ui.tr(
                "orders.time_help", target=ui.number(target, 1), hold=ui.number(hours(order["hold_seconds"]) or 0, 1)
            ),
        )

st.subheader(ui.tr("orders.history"))
shown = pd.DataFrame(
    {
        "kind": events["kind"].map(lambda k: ui.label("order_event", k)),
        "stage": events["stage"].map(stage_label),
        "at": events["at"],
        "exited_at": events["exited_at"],
        "hours": events["duration_seconds"].map(hours),
        "target_hours": events["target_seconds"].map(hours),
        "hold_hours": events["hold_seconds"].map(hours),
        "unit": events["unit_zh" if zh else "unit_en"],
        "actor": events["actor"],
        "note": events["note"],
    }
)
moments = {
    name: st.column_config.DatetimeColumn(ui.tr(f"orders.col.{name}"), format="YYYY-MM-DD HH:mm")
    for name in ("at", "exited_at")
}
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={name: ui.tr(f"orders.col.{name}") for name in ("kind", "stage", "unit", "actor", "note")}
    | moments
    | {
        name: st.column_config.NumberColumn(ui.tr(f"orders.col.{name}"), format="%.1f")
        for name in ("hours", "target_hours", "hold_hours")
    },
)
ui.download_csv(shown, f"{code}_events.csv", key="download_order_events")

# The form's key names the stage, status and event count the user saw: after any action a late second
# click finds no such form, and the commands refuse a stage or status that changed meanwhile.
form = f"act_{order['id']}_{order['current_stage']}_{order['status']}_{len(events)}"
actions = ACTIONS.get(order["status"], ())
last_stage = order["current_stage"] == STAGES[-1]
province_units = units[(units["id"] == order["province_id"]) | (units["province_id"] == order["province_id"])]
targets = [int(u) for u in province_units["id"] if int(u) != unit_id]
errors: dict[str, str] = st.session_state.get(f"errors:{form}", {})
st.subheader(ui.tr("orders.act_title"))
ui.form_errors(errors)
with st.form(form, clear_on_submit=False, enter_to_submit=False):
    action = st.radio(
        ui.tr("orders.action"),
        actions,
        index=None,
        key=f"action_{form}",
        horizontal=True,
        format_func=lambda a: ui.tr("orders.action.close" if a == "advance" and last_stage else f"orders.action.{a}"),
    )
    ui.field_error(errors, "action")
    to_unit = st.selectbox(
        ui.tr("orders.to_unit"),
        targets,
        index=None,
        format_func=unit_names.get,
        help=ui.tr("orders.to_unit_help"),
        placeholder=ui.tr("complaints.choose"),
        key=f"unit_{form}",
    )
    ui.field_error(errors, "to_unit")
    note = st.text_area(
        ui.tr("orders.note"), max_chars=4000, height=80, help=ui.tr("orders.note_help"), key=f"note_{form}"
    )
    ui.field_error(errors, "note")
    applied = st.form_submit_button(ui.tr("orders.submit"), type="primary", icon=":material/save:")
if applied:
    result, errors = None, {"action": "form.error.required"}
    if action is not None:
        extra = {"to_unit_id": to_unit} if action == "transfer" else {}
        result, errors = ui.submit(
            COMMANDS[action],
            tables=("orders", "order_events"),
            order_id=order["id"],
            expected_stage=order["current_stage"],
            expected_status=order["status"],
            note=note,
            **extra,
        )
    st.session_state[f"errors:{form}"] = errors
    if result is not None:
        done = "closed" if result.status == "closed" else result.action
        st.session_state[NOTICE] = ui.tr(f"orders.done.{done}", code=result.code, stage=stage_label[result.stage])
        if result.status == "closed":  # a closed order leaves the desk
            del st.session_state["order"]
            st.query_params.pop("order", None)
        st.rerun()
    elif errors:
        st.rerun()
