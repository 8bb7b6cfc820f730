"""Sign-in with streamlit-authenticator over the users stored in the database.

The authenticator gets a fresh copy of the active users on every run (it mutates the dict),
and the signed-in user's role and scope are always re-read from the database, never taken
from the session or the cookie alone.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Optional

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from lib import cache
from lib.access import CurrentUser, user_from_record
from lib.commands.users import record_failed_login, record_successful_login
from lib.db import write_session
from lib.i18n import t

SESSION_KEYS = ("authentication_status", "username", "name", "email", "roles")


def credentials() -> dict:
    """The authenticator's credentials dict, built from the users table."""
    return {
        "usernames": {
            user["username"]: {
                "name": user["name"],
                "first_name": user["name"],
                "email": user["email"],
                "password": user["password_hash"],
                "roles": [user["role"]],
            }
            for user in cache.load_sign_in_users()
        }
    }


def authenticator() -> stauth.Authenticate:
    """One Authenticate per run (it renders a cookie component with a fixed key)."""
    settings = cache.settings()
    return stauth.Authenticate(
        copy.deepcopy(credentials()),
        settings.cookie_name,
        settings.cookie_key,
        settings.cookie_expiry_days,
        auto_hash=False,
        login_sleep_time=0,
    )


def login(auth: stauth.Authenticate, lang: str) -> Optional[CurrentUser]:
    """Render the login form unless signed in; return the signed-in user, or None."""
    fields = {
        "Form name": t(lang, "login.title"),
        "Username": t(lang, "login.username"),
        "Password": t(lang, "login.password"),
        "Login": t(lang, "login.submit"),
    }
    was_signed_in = bool(st.session_state.get("authentication_status"))
    try:
        auth.login(location="main", fields=fields, key="login")
    except LoginError:
        # A cookie for a user who may no longer sign in: forget it and show the form again.
        sign_out_session()
        st.session_state["logout"] = True
        auth.cookie_controller.delete_cookie()
        st.error(t(lang, "login.no_longer_active"))
        return None
    status = st.session_state.get("authentication_status")
    if status is False:
        _remember_failures(auth)
        st.error(t(lang, "login.failed"))
        return None
    if not status:
        return None
    if not was_signed_in:
        with write_session(cache.engine()) as session:
            record_successful_login(session=session, username=st.session_state.get("username"))
    user = current_user(st.session_state.get("username"))
    if user is None:
        sign_out_session()
        st.error(t(lang, "login.no_longer_active"))
    return user


def _remember_failures(auth: stauth.Authenticate) -> None:
    """Persist this run's failed attempt (the authenticator only counts in its own copy of the users)."""
    users = auth.authentication_controller.authentication_model.credentials["usernames"]
    failed = [name for name, entry in users.items() if entry.get("failed_login_attempts", 0) > 0]
    if not failed:
        return
    with write_session(cache.engine()) as session:
        locked = [name for name in failed if record_failed_login(session=session, username=name)]
    if locked:
        cache.load_sign_in_users.clear()


def current_user(username: Optional[str]) -> Optional[CurrentUser]:
    """The user behind a signed-in session, if they may still use the app."""
    if not username:
        return None
    record = cache.load_user(username)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if record is None or not record["active"] or (record["locked_until"] and record["locked_until"] > now):
        return None
    return user_from_record(record)


def sign_out_session() -> None:
    for key in SESSION_KEYS:
        st.session_state[key] = None
