"""The app through Streamlit's AppTest: the login gate, navigation per role, and the pages' figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import i18n, sample_data
from lib.domain import ROLES
from tests.test_access import EXPECTED_PAGES

PAGE_FILES = {name: f"app_pages/{name}.py" for names in EXPECTED_PAGES.values() for name in names}
PAGE_TITLES = {name: i18n.t("en", f"page.{name}") for name in PAGE_FILES}
DEMO = {user.username: user for user in sample_data.DEMO_USERS}
USER_OF_ROLE = {role: next(u for u, d in DEMO.items() if d.role == role) for role in ROLES}

APP = Path(__file__).resolve().parent.parent / "app.py"

pytestmark = pytest.mark.usefixtures("demo_app_env")


def new_app(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    return at


def signed_in(username: str, page: str | None = None, lang: str | None = None, **params: str) -> AppTest:
    """An app session in which `username` has signed in from a URL with `params`, optionally switched to `page`."""
    at = new_app(lang)
    at.query_params.update(params)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = DEMO[username].name
    at.session_state["roles"] = [DEMO[username].role]
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(PAGE_FILES[page]).run()
        assert not at.exception, at.exception
    return at


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_before_sign_in_only_the_login_form_is_shown():
    """A new session sees the login form and no figures."""
    at = new_app()
    at.run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.metric and not at.dataframe


@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_a_deep_link_before_sign_in_shows_the_login_form_and_no_data(page):
    """Opening any page before signing in runs no page code."""
    at = new_app()
    at.run()
    at.switch_page(PAGE_FILES[page]).run()
    assert not at.exception
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert not at.metric and not at.dataframe and PAGE_TITLES[page] not in titles(at)


def test_a_wrong_password_says_so_and_signs_nobody_in():
    """The real login form with a wrong password shows a clear message."""
    at = new_app()
    at.run()
    at.text_input[0].input("exec")
    at.text_input[1].input("not-the-password")
    at.button[0].click().run()
    assert not at.exception
    assert "Username or password is incorrect." in [e.value for e in at.error]
    assert not at.metric


def test_the_right_password_signs_in_and_opens_the_overview():
    """The real login form with the demo password opens the Overview with figures."""
    at = new_app()
    at.run()
    at.text_input[0].input("lead.gd")
    at.text_input[1].input(sample_data.DEMO_PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert "Overview" in titles(at)
    assert any(m.label == "Key accounts" for m in at.metric)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGE_FILES))
def test_each_role_opens_its_pages_and_is_refused_the_others(role, page):
    """Allowed pages render their title without error; others show a refusal and no data."""
    at = signed_in(USER_OF_ROLE[role], page)
    if page in EXPECTED_PAGES[role]:
        assert PAGE_TITLES[page] in titles(at)
        assert not at.warning
    else:
        assert "You do not have access to this page. Choose a page from the menu." in [w.value for w in at.warning]
        assert not at.metric and not at.dataframe and PAGE_TITLES[page] not in titles(at)


def expected_overview(tables: dict[str, pd.DataFrame], manager_id: int | None = None) -> tuple[int, float]:
    """Key accounts at the end of the default period and the index over it, from the shipped files."""
    accounts = tables["accounts"]
    if manager_id is not None:
        accounts = accounts[accounts["manager_id"] == manager_id]
    surveys = tables["surveys"]
    surveys = surveys[surveys["account_id"].isin(accounts["id"])]
    day = pd.to_datetime(surveys["surveyed_on"])
    in_period = surveys[(day >= "2025-11-01") & (day < "2026-11-01")]
    return int((accounts["category_mask"] > 0).sum()), round(float(in_period["score"].mean()), 1)


def test_the_executive_overview_shows_national_figures_from_the_data(demo_tables):
    """Key accounts and the satisfaction index agree with a computation over the shipped files."""
    at = signed_in("exec")
    key_accounts, index = expected_overview(demo_tables)
    assert metric(at, "Key accounts") == f"{key_accounts:,}"
    assert metric(at, "Satisfaction index") == f"{index:.1f}"


def test_an_account_manager_overview_counts_only_their_own_accounts(demo_tables):
    """The Overview of am.gz is computed over the accounts am.gz manages."""
    users = demo_tables["users"]
    manager_id = int(users.loc[users["username"] == "am.gz", "id"].iloc[0])
    at = signed_in("am.gz")
    key_accounts, index = expected_overview(demo_tables, manager_id)
    assert 0 < key_accounts
    assert metric(at, "Key accounts") == f"{key_accounts:,}"
    assert metric(at, "Satisfaction index") == f"{index:.1f}"


def test_a_team_lead_sees_only_accounts_of_their_province():
    """Every row of the Guangdong lead's account list is in Guangdong."""
    at = signed_in("lead.gd", "accounts")
    table = at.dataframe[0].value
    assert len(table) > 0
    assert set(table["province"]) == {"Guangdong"}


def test_the_overview_speaks_chinese_when_asked():
    """With lang=zh in the URL the page title and KPI labels are in Chinese."""
    at = signed_in("exec", lang="zh")
    assert "总览" in titles(at)
    assert any(m.label == "大客户数" for m in at.metric)


def test_the_admin_sees_the_demo_users_and_who_can_sign_in():
    """The users page lists every demo login with its role."""
    at = signed_in("admin", "users")
    table = at.dataframe[0].value
    listed = dict(zip(table["username"], table["role"], strict=True))
    assert listed["exec"] == "Executive" and listed["am.sz"] == "Account manager"
