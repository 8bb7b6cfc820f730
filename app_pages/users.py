"""Users and roles (administrators): who may sign in, their role and organisation node, and changing them."""

import datetime as dt

import pandas as pd
import streamlit as st

import ui
from lib import cache, charts
from lib.commands import users as commands
from lib.domain import ROLES
from lib.queries import users as user_queries

user = ui.current_user()
ROUNDS = cache.settings().bcrypt_rounds

st.title(ui.tr("users.title"))
st.caption(ui.tr("users.caption"))
ui.show_notice()

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
    ui.altair_chart(chart, width="stretch")

zh = ui.lang() == "zh"
if users.empty:
    st.info(ui.tr("users.empty"), icon=":material/info:")
else:
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

# -- Administration -----------------------------------------------------------------------------

people = cache.read(user_queries.users_for_editing, user.scope).set_index("username", drop=False)
units = ui.org_units()
name_of = dict(zip(units["id"], units["name_zh" if zh else "name_en"], strict=True))
# The tree in reading order: national, then each province followed by its cities.
tree = units.assign(
    sort_province=units["province_id"].fillna(0), sort_level=units["level"].map({"national": 0, "province": 1})
).sort_values(["sort_province", "sort_level", "id"], na_position="last")
nodes = {
    row.id: name_of[row.id] if row.level != "city" else f"{name_of[row.province_id]} · {name_of[row.id]}"
    for row in tree.itertuples()
}


def who(username: str) -> str:
    return f"{username} · {people.at[username, 'name']}"


def signed_in_again(_result) -> None:
    """Sign-in sees the change at once, here and (within the sign-in cache's life) in other processes."""
    cache.load_sign_in_users.clear()
    cache.load_user.clear()


def save(form: str, command, message: str, **arguments) -> None:
    ui.save_form(form, command, tables=("users",), notice=message, after=signed_in_again, **arguments)


def field(widget, name: str, errors: dict[str, str], suffix: str, **kwargs):
    """A widget labelled `users.field.<name>` with its error message right under it."""
    if name in ("password", "new_password"):
        kwargs["help"] = ui.tr("users.password_help")
    value = widget(ui.tr(f"users.field.{name}"), key=f"{name}_{suffix}", **kwargs)
    ui.field_error(errors, name)
    return value


def role_field(errors: dict[str, str], suffix: str, **kwargs) -> str:
    return field(
        st.selectbox, "role", errors, suffix, options=ROLES, format_func=lambda r: ui.label("role", r), **kwargs
    )


def org_field(errors: dict[str, str], suffix: str, **kwargs) -> int:
    return field(st.selectbox, "org_unit_id", errors, suffix, options=list(nodes), format_func=nodes.get, **kwargs)


def user_picker(key: str) -> str:
    return st.selectbox(ui.tr("users.field.user"), list(people.index), format_func=who, key=key, **CHOOSE)


def create_as_admin(*, session, user, **values) -> int:
    return commands.create_user(session=session, actor=user, **values)


CHOOSE = {"index": None, "placeholder": ui.tr("users.choose")}
PASSWORD = {"type": "password"}
st.header(ui.tr("users.admin"))
create, edit, access, password = st.tabs([ui.tr(f"users.tab.{t}") for t in ("create", "edit", "access", "password")])

with create:
    key, errors = ui.form_state("user_create")
    with st.form(f"create_{key}", enter_to_submit=False):
        values = {name: field(st.text_input, name, errors, key) for name in ("username", "name", "email")}
        values["role"] = role_field(errors, key, **CHOOSE)
        values["org_unit_id"] = org_field(errors, key, **CHOOSE)
        for name in ("password", "password_repeat"):
            values[name] = field(st.text_input, name, errors, key, **PASSWORD)
        submitted = st.form_submit_button(ui.tr("users.create.submit"), type="primary", icon=":material/person_add:")
    if submitted:
        message = ui.tr("users.created", username=values["username"].strip().lower())
        save("user_create", create_as_admin, message, bcrypt_rounds=ROUNDS, **values)

with edit:
    target = user_picker("edit_user")
    if target is not None:
        key, errors = ui.form_state("user_edit")
        current = people.loc[target]
        suffix = f"{key}_{target}"  # choosing another user shows that user's values
        with st.form(f"edit_{key}", enter_to_submit=False):
            values = {
                name: field(st.text_input, name, errors, suffix, value=current[name]) for name in ("name", "email")
            }
            values["role"] = role_field(errors, suffix, index=ROLES.index(current["role"]))
            values["org_unit_id"] = org_field(errors, suffix, index=list(nodes).index(current["org_unit_id"]))
            submitted = st.form_submit_button(ui.tr("users.edit.submit"), type="primary", icon=":material/save:")
        if submitted:
            message = ui.tr("users.updated", username=target)
            save("user_edit", commands.update_user, message, username=target, **values)

with access:
    st.caption(ui.tr("users.access.help"))
    target = user_picker("access_user")
    if target is not None:
        current = people.loc[target]
        locked = None if pd.isna(current["locked_until"]) else current["locked_until"]
        status = ui.tr("users.status.active" if current["active"] else "users.status.inactive")
        if locked is not None and locked > dt.datetime.now(dt.UTC).replace(tzinfo=None):
            status += " · " + ui.tr("users.status.locked", until=f"{locked:%Y-%m-%d %H:%M} UTC")
        st.text(status)
        left, right = st.columns(2)
        activate = not current["active"]
        if left.button(ui.tr("users.reactivate" if activate else "users.deactivate"), key=f"active_{target}"):
            message = ui.tr("users.reactivated" if activate else "users.deactivated", username=target)
            save("user_access", commands.set_active, message, username=target, active=activate)
        if right.button(ui.tr("users.unlock"), key=f"unlock_{target}", disabled=locked is None):
            save("user_access", commands.unlock_user, ui.tr("users.unlocked", username=target), username=target)

with password:
    target = user_picker("reset_user")
    key, errors = ui.form_state("user_password")
    ui.field_error(errors, "username")
    with st.form(f"reset_{key}", enter_to_submit=False):
        values = {name: field(st.text_input, name, errors, key, **PASSWORD) for name in ("password", "password_repeat")}
        submitted = st.form_submit_button(ui.tr("users.password.submit"), type="primary", icon=":material/key:")
    if submitted:
        message = ui.tr("users.password_set", username=target)
        save("user_password", commands.reset_password, message, username=target, bcrypt_rounds=ROUNDS, **values)
