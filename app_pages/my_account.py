"""My account (every role): who I am signed in as, what I can see, and changing my own password."""

import streamlit as st

import ui
from lib import access, cache
from lib.commands import users as commands

user = ui.current_user()
FORM = "own_password"
FIELDS = ("current_password", "new_password", "new_password_repeat")


def signed_in_again(_result) -> None:
    """The next sign-in, here or in another server process, checks the new password."""
    cache.load_sign_in_users.clear()
    cache.load_user.clear()


st.title(ui.tr("page.my_account"))
ui.show_notice()
org = user.org_zh if ui.lang() == "zh" else user.org_en
left, middle, right = st.columns(3)
left.metric(ui.tr("col.username"), user.username)
middle.metric(ui.tr("col.role"), ui.label("role", user.role))
right.metric(ui.tr("col.org"), org)
st.caption(ui.tr("my_account.scope", scope=ui.plain(ui.scope_name(user.scope))))
pages = ", ".join(ui.tr(f"page.{page}") for page in access.pages_for(user.role) if page != "my_account")
st.caption(ui.tr("my_account.pages", pages=pages))

st.header(ui.tr("users.tab.own_password"))
key, errors = ui.form_state(FORM)
with st.form(f"own_{key}", enter_to_submit=False):
    values = {}
    for name in FIELDS:
        help_text = ui.tr("users.password_help") if name == "new_password" else None
        values[name] = st.text_input(ui.tr(f"users.field.{name}"), type="password", key=f"{name}_{key}", help=help_text)
        ui.field_error(errors, name)
    submitted = st.form_submit_button(ui.tr("users.own_password.submit"), type="primary", icon=":material/key:")
if submitted:
    ui.save_form(
        FORM,
        commands.change_own_password,
        tables=("users",),
        notice=ui.tr("users.own_password_changed"),
        after=signed_in_again,
        bcrypt_rounds=cache.settings().bcrypt_rounds,
        **values,
    )
