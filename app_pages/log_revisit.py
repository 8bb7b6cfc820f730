"""Log a revisit: an account manager for their own accounts, a team lead within their scope."""

import datetime as dt

import streamlit as st

import ui
from lib import cache
from lib.commands.revisits import log_revisit
from lib.domain import REVISIT_CHANNELS, REVISIT_OUTCOMES
from lib.queries import work_queue

user = ui.current_user()
today = dt.date.today()
FORM = "revisit"

st.title(ui.tr("page.log_revisit"))
st.caption(ui.tr("revisit.caption"))
if notice := st.session_state.pop("revisit_notice", None):
    st.success(notice, icon=":material/check_circle:")

search = st.text_input(ui.tr("revisit.search"), value=st.query_params.get("account", ""), max_chars=80)
choices = cache.read(work_queue.writable_accounts, user.scope, search=search)
if choices.empty:
    st.info(ui.tr("revisit.no_accounts"), icon=":material/info:")
    st.stop()
names = {row.id: f"{row.name} · {row.code}" for row in choices.itertuples()}
grades = dict(zip(choices["id"], choices["service_grade"], strict=True))

key = ui.form_key(FORM)
errors: dict[str, str] = st.session_state.get(f"errors:{key}", {})
ui.form_errors(errors)
with st.form(f"revisit_form_{key}", clear_on_submit=False, enter_to_submit=False):
    account_id = st.selectbox(ui.tr("revisit.account"), list(names), format_func=names.get, key=f"account_{key}")
    ui.field_error(errors, "account")
    left, right = st.columns(2)
    with left:
        visited_on = st.date_input(ui.tr("revisit.visited_on"), value=today, max_value=today, key=f"visited_{key}")
        ui.field_error(errors, "visited_on")
        channel = st.selectbox(
            ui.tr("revisit.channel"),
            REVISIT_CHANNELS,
            index=None,
            key=f"channel_{key}",
            format_func=lambda c: ui.label("revisit_channel", c),
            placeholder=ui.tr("revisit.choose"),
        )
        ui.field_error(errors, "channel")
        score = st.number_input(
            ui.tr("revisit.score"), min_value=0.0, max_value=100.0, value=None, step=1.0, key=f"score_{key}"
        )
        ui.field_error(errors, "score")
    with right:
        outcome = st.selectbox(
            ui.tr("revisit.outcome"),
            REVISIT_OUTCOMES,
            index=None,
            key=f"outcome_{key}",
            format_func=lambda c: ui.label("outcome", c),
            placeholder=ui.tr("revisit.choose"),
        )
        ui.field_error(errors, "outcome")
        cadence = cache.read(work_queue.cadence_days, user.scope, on=today).get(grades.get(account_id), 90)
        next_due = st.date_input(
            ui.tr("revisit.next_due"),
            value=None,
            min_value=today,
            key=f"due_{key}",
            help=ui.tr("revisit.next_due_help", days=cadence),
        )
        ui.field_error(errors, "next_due")
    needs = st.text_area(ui.tr("revisit.needs"), key=f"needs_{key}", max_chars=4000, height=80)
    ui.field_error(errors, "needs")
    products = st.text_area(ui.tr("revisit.products"), key=f"products_{key}", max_chars=4000, height=80)
    ui.field_error(errors, "products")
    notes = st.text_area(ui.tr("revisit.notes"), key=f"notes_{key}", max_chars=4000, height=80)
    ui.field_error(errors, "notes")
    submitted = st.form_submit_button(ui.tr("revisit.submit"), type="primary", icon=":material/save:")

if submitted:
    result, errors = ui.submit(
        log_revisit,
        tables=("revisits",),
        account_id=account_id,
        visited_on=visited_on,
        channel=channel,
        outcome=outcome,
        score=score,
        needs=needs,
        products=products,
        notes=notes,
        next_due=next_due,
        idempotency_key=key,
        today=today,
    )
    st.session_state[f"errors:{key}"] = errors
    if result is not None:
        message = (
            ui.tr("revisit.saved", due=result.next_due.isoformat()) if result.created else ui.tr("form.already_saved")
        )
        if result.follow_up:
            message += " " + ui.tr("revisit.follow_up")
        st.session_state["revisit_notice"] = message
        ui.new_form(FORM)
        st.rerun()
    elif errors:
        st.rerun()
