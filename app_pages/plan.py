"""Account plan (一户一案): an account manager or team lead edits one account's plan and its actions.

The account lives in the URL (?account=CODE). The texts form remembers the plan's version it was filled
in from, so saving over someone else's newer text is refused instead of losing it.
"""

import streamlit as st

import ui
from lib import cache
from lib.commands.plans import ACTION_STATUSES, NEW_PLAN, add_action, save_plan, update_action
from lib.queries import plans, work_queue

TABLES = ("account_plans", "plan_actions")
TEXTS = ("objectives", "needs", "products", "competitors")
user = ui.current_user()


def status_label(status: str) -> str:
    return ui.tr(f"account.action.{status}")


def status_box(key: str, status: str = "planned") -> str:
    index = ACTION_STATUSES.index(status)
    return st.selectbox(ui.tr("account.col.status"), ACTION_STATUSES, index=index, format_func=status_label, key=key)


def finish(form: str, key: str, result, errors: dict, message: str) -> None:
    """After a submit: a stored form starts afresh with a notice; a rejected one shows its messages."""
    st.session_state[f"errors:{key}"] = errors
    if result is not None:
        st.session_state["plan_notice"] = ui.tr(message if result.changed else "plan.unchanged")
        version = f"plan_version:{ui.form_key(texts_form)}"
        if st.session_state.get(version) == result.previous:  # our own write: the texts form is still current
            st.session_state[version] = result.updated_at
        ui.new_form(form)
        st.rerun()
    if errors:
        st.rerun()
    cache.tables_written(*TABLES)  # refused: show what is stored now


st.title(ui.tr("page.plan"))
st.caption(ui.tr("plan.caption"))
if notice := st.session_state.pop("plan_notice", None):
    st.success(notice, icon=":material/check_circle:")

url_code = st.query_params.get("account")
plan = cache.read(plans.plan_for_editing, user.scope, code=url_code) if url_code else None
search = st.text_input(ui.tr("plan.search"), key="plan_q", max_chars=80)
found = cache.read(work_queue.writable_accounts, user.scope, search=search)
names = dict(zip(found["code"], found["name"] + " · " + found["code"], strict=True))
if plan:  # the open account stays named while the search lists others
    names.setdefault(url_code, f"{plan['name']} · {url_code}")
options = ([url_code] if url_code and url_code not in names else []) + list(names)
code = st.selectbox(
    ui.tr("plan.account"),
    options,
    index=options.index(url_code) if url_code else None,
    key=f"plan_account_{url_code}",
    format_func=lambda c: names.get(c, c),
    placeholder=ui.tr("plan.pick"),
)
if not code:
    st.query_params.pop("account", None)
    st.info(ui.tr("plan.pick_prompt"), icon=":material/search:")
    st.stop()
st.query_params["account"] = code
if code != url_code:
    plan = cache.read(plans.plan_for_editing, user.scope, code=code)
if plan is None:
    st.warning(ui.tr("plan.not_found"), icon=":material/person_off:")
    st.stop()
st.page_link(
    "app_pages/account.py", query_params={"account": code}, label=ui.tr("page.account"), icon=":material/badge:"
)
banner = st.container()  # filled at the end, once this run's submit (if any) is known

# The plan's texts
texts_form = f"plan_texts:{code}"
key = ui.form_key(texts_form)
seen = st.session_state.setdefault(f"plan_version:{key}", plan["updated_at"] or NEW_PLAN)
updated, by = plan["updated_at"], ui.plain(plan["updated_by"] or "–")
st.caption(ui.tr("plan.updated", at=f"{updated:%Y-%m-%d %H:%M}", by=by) if updated else ui.tr("plan.none_yet"))
errors = st.session_state.get(f"errors:{key}", {})
ui.form_errors(errors)
with st.form(f"plan_texts_{key}", enter_to_submit=False):
    values = {}
    for pair in (TEXTS[:2], TEXTS[2:]):
        for column, field in zip(st.columns(2), pair, strict=True):
            with column:
                values[field] = st.text_area(
                    ui.tr(f"account.plan.{field}"), value=plan[field], key=f"{field}_{key}", max_chars=4000, height=120
                )
                ui.field_error(errors, field)
    saved = st.form_submit_button(ui.tr("plan.save"), type="primary", icon=":material/save:")
if saved:
    outcome = ui.submit(save_plan, tables=TABLES, account_id=plan["account_id"], expected_updated_at=seen, **values)
    finish(texts_form, key, *outcome, "plan.saved")

# The actions
st.subheader(ui.tr("account.plan_actions"))
actions = plan["actions"]
if actions.empty:
    st.info(ui.tr("account.no_actions"), icon=":material/info:")
else:
    shown = actions.assign(status=actions["status"].map(status_label))[["action", "owner", "due_on", "status"]]
    titles = {c: ui.tr(f"account.col.{c}") for c in shown.columns}
    config = {**titles, "due_on": st.column_config.DateColumn(titles["due_on"])}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
    ui.download_csv(shown, f"{code}_plan_actions.csv", key="download_plan_actions")

left, right = st.columns(2)
with left:
    add_form = f"plan_add:{code}"
    key = ui.form_key(add_form)
    errors = st.session_state.get(f"errors:{key}", {})
    ui.form_errors(errors)
    with st.form(f"plan_add_{key}", enter_to_submit=False):
        st.markdown(f"**{ui.tr('plan.add_title')}**")
        new = {"action": st.text_area(ui.tr("account.col.action"), key=f"action_{key}", max_chars=4000, height=80)}
        ui.field_error(errors, "action")
        new["owner"] = st.text_input(ui.tr("account.col.owner"), key=f"owner_{key}", max_chars=120)
        ui.field_error(errors, "owner")
        new["due_on"] = st.date_input(ui.tr("plan.due"), value=None, key=f"due_{key}")
        new["status"] = status_box(f"status_{key}")
        added = st.form_submit_button(ui.tr("plan.add"), icon=":material/add:")
    if added:
        outcome = ui.submit(add_action, tables=TABLES, account_id=plan["account_id"], idempotency_key=key, **new)
        finish(add_form, key, *outcome, "plan.added")

edit_form = f"plan_edit:{code}"
with right:
    if not actions.empty:
        by_id = {row.id: row for row in actions.itertuples()}
        action_id = st.selectbox(
            ui.tr("plan.pick_action"),
            list(by_id),
            format_func=lambda i: f"{by_id[i].action[:60]} · {by_id[i].owner}",
            key=f"plan_pick_{code}",
        )
        edit_form = f"plan_edit:{code}:{action_id}"
        key = ui.form_key(edit_form)
        row = by_id[action_id]  # what the form was filled in from, kept until it is saved
        was = st.session_state.setdefault(f"plan_seen:{key}", (row.status, row.due_on))
        errors = st.session_state.get(f"errors:{key}", {})
        ui.form_errors(errors)
        with st.form(f"plan_edit_{key}", enter_to_submit=False):
            st.markdown(f"**{ui.tr('plan.edit_title')}**")
            status = status_box(f"status_{key}", was[0])
            ui.field_error(errors, "status")
            due = st.date_input(ui.tr("plan.due"), value=was[1], key=f"due_{key}")
            changed = st.form_submit_button(ui.tr("plan.update"), icon=":material/edit:")
        if changed:  # only what the user changed, so a colleague's other change is not undone
            changes = {f: v for f, v, old in (("status", status, was[0]), ("due_on", due, was[1])) if v != old}
            expected = was[0] if "status" in changes else None
            outcome = ui.submit(update_action, tables=TABLES, action_id=action_id, expected_status=expected, **changes)
            finish(edit_form, key, *outcome, "plan.updated_action")

latest = cache.read(plans.plan_for_editing, user.scope, code=code)
if latest and seen != (latest["updated_at"] or NEW_PLAN):  # someone else wrote since the forms were filled in
    with banner:
        st.warning(ui.tr("plan.changed_meanwhile"), icon=":material/sync_problem:")
        if st.button(ui.tr("plan.reload"), icon=":material/refresh:"):
            for form in (texts_form, edit_form):
                ui.new_form(form)
            cache.tables_written(*TABLES)
            st.rerun()
