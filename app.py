"""The entrypoint and router: configuration, login gate, navigation by role, shared sidebar.

Access is decided here, once, before any page code runs: every page is registered on every
run (so deep links resolve), pages a role may not open are hidden, and opening one anyway
shows a refusal instead of running it. Page files live in app_pages/, never pages/.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import DBAPIError

import ui
from lib import access, auth, cache
from lib.access import CurrentUser
from lib.config import ConfigError

PAGE_FILES = {  # page: (file, icon, menu section)
    "overview": ("app_pages/overview.py", ":material/dashboard:", "dashboards"),
    "tiers": ("app_pages/tiers.py", ":material/join_inner:", "dashboards"),
    "order_flow": ("app_pages/order_flow.py", ":material/conveyor_belt:", "dashboards"),
    "satisfaction": ("app_pages/satisfaction.py", ":material/sentiment_satisfied:", "dashboards"),
    "regions": ("app_pages/regions.py", ":material/map:", "dashboards"),
    "accounts": ("app_pages/accounts.py", ":material/apartment:", "accounts"),
    "account": ("app_pages/account.py", ":material/badge:", "accounts"),
    "plan": ("app_pages/plan.py", ":material/edit_note:", "accounts"),
    "work_queue": ("app_pages/work_queue.py", ":material/checklist:", "work"),
    "log_revisit": ("app_pages/log_revisit.py", ":material/event_available:", "work"),
    "log_complaint": ("app_pages/log_complaint.py", ":material/report:", "work"),
    "complaints": ("app_pages/complaints.py", ":material/support_agent:", "work"),
    "orders": ("app_pages/orders.py", ":material/assignment:", "work"),
    "users": ("app_pages/users.py", ":material/manage_accounts:", "admin"),
    "import_data": ("app_pages/import_data.py", ":material/upload_file:", "admin"),
    "settings": ("app_pages/settings.py", ":material/tune:", "admin"),
    "definitions": ("app_pages/definitions.py", ":material/menu_book:", "reference"),
    "my_account": ("app_pages/my_account.py", ":material/person:", "reference"),
}
assert set(PAGE_FILES) == set(access.PAGE_ROLES), "every registered page needs a file"


def build_pages(user: CurrentUser | None) -> dict[str, st.Page]:
    allowed = access.pages_for(user.role) if user else []
    default = allowed[0] if allowed else "overview"
    return {
        name: st.Page(
            path,
            title=ui.tr(f"page.{name}"),
            icon=icon,
            url_path=name,
            default=name == default,
            visibility="visible" if name in allowed else "hidden",
        )
        for name, (path, icon, _) in PAGE_FILES.items()
    }


def menu(pages: dict[str, st.Page], user: CurrentUser | None) -> dict[str, list[st.Page]]:
    """Every page under its menu section; pages the user may not open go hidden into the first section,
    so that a section never shows a header with nothing under it."""
    allowed = set(access.pages_for(user.role)) if user else set()
    sections: dict[str, list[st.Page]] = {}
    for name, (_, _, section) in PAGE_FILES.items():
        if name in allowed:
            sections.setdefault(ui.tr(f"nav.{section}"), []).append(pages[name])
    hidden = [pages[name] for name in PAGE_FILES if name not in allowed]
    if not sections:
        return {"": hidden}
    first = next(iter(sections))
    sections[first] = [*sections[first], *hidden]
    return sections


def database_unavailable() -> None:
    st.error(ui.tr("app.db_unavailable"), icon=":material/cloud_off:")
    if st.button(ui.tr("app.retry"), key="retry_database"):
        st.rerun()
    st.stop()


def sidebar(user: CurrentUser, authenticator) -> None:
    org = user.org_zh if ui.lang() == "zh" else user.org_en
    st.sidebar.markdown(
        ui.tr("app.signed_in_as", name=ui.plain(user.name), role=ui.label("role", user.role), org=ui.plain(org))
    )
    if st.sidebar.button(ui.tr("app.logout"), key="sign_out", icon=":material/logout:"):
        authenticator.logout(location="unrendered")
        st.rerun()


def main() -> None:
    st.set_page_config(page_title="Key-account management · 大客户管理", page_icon=":material/hub:", layout="wide")
    ui.language_switch()
    try:
        cache.settings()
    except ConfigError as error:
        st.error(ui.tr("app.config_error", detail=str(error)))
        st.stop()
    try:
        authenticator = auth.authenticator()
        user = auth.login(authenticator, ui.lang())
    except DBAPIError:
        database_unavailable()
        return
    pages = build_pages(user)
    current = st.navigation(menu(pages, user), position="sidebar" if user else "hidden", expanded=True)
    if user is None:
        st.caption(ui.tr("login.prompt"))
        st.stop()
    sidebar(user, authenticator)
    opened = next(name for name, page in pages.items() if page is current)
    if not access.can_open(role=user.role, page=opened):
        st.warning(ui.tr("app.denied"), icon=":material/block:")
        st.stop()
    st.session_state["current_user"] = user
    try:
        current.run()
    except DBAPIError:
        database_unavailable()


main()
