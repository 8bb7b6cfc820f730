"""End to end in a real Chromium against a freshly started server: login, pages per role, deep links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lib import i18n, sample_data
from tests.test_access import EXPECTED_PAGES

DEMO = {user.username: user for user in sample_data.DEMO_USERS}
TITLES = {name: i18n.t("en", f"page.{name}") for names in EXPECTED_PAGES.values() for name in names}
DENIED = "You do not have access to this page. Choose a page from the menu."


def sign_in(page: Page, username: str, password: str = sample_data.DEMO_PASSWORD) -> None:
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def nav_titles(page: Page) -> set[str]:
    links = page.locator('[data-testid="stSidebarNav"] a')
    links.first.wait_for()
    return {text.strip().splitlines()[-1].strip() for text in links.all_inner_texts()}  # after the icon's name


@pytest.mark.parametrize("username", list(DEMO))
def test_each_demo_user_signs_in_and_sees_exactly_their_pages(demo_server, browser_page, username):
    """After signing in, the sidebar lists the role's pages and the first one shows real content."""
    page = browser_page
    page.goto(demo_server.url)
    sign_in(page, username)
    role = DEMO[username].role
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=30_000)
    assert nav_titles(page) == {TITLES[name] for name in EXPECTED_PAGES[role]}
    expect(page.get_by_text(DEMO[username].name)).to_be_visible()


def test_a_wrong_password_shows_an_error_in_the_browser(demo_server, browser_page):
    """The login form says the credentials are wrong and shows no page."""
    page = browser_page
    page.goto(demo_server.url)
    sign_in(page, "exec", "wrong-password")
    expect(page.get_by_text("Username or password is incorrect.")).to_be_visible()
    expect(page.get_by_role("heading", name="Overview")).to_have_count(0)


@pytest.mark.parametrize("path", ["users", "order_flow", "accounts"])
def test_a_deep_link_before_sign_in_shows_the_login(demo_server, browser_page, path):
    """Opening a page by URL in a fresh browser shows the login form and not the page."""
    page = browser_page
    page.goto(f"{demo_server.url}/{path}")
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLES[path])).to_have_count(0)


def test_a_deep_link_to_a_page_the_role_may_not_open_shows_login_then_a_refusal(demo_server, browser_page):
    """An account manager opening the users page by URL first meets the login, then a refusal without data."""
    page = browser_page
    page.goto(f"{demo_server.url}/users")
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    sign_in(page, "am.gz")
    expect(page.get_by_text(DENIED)).to_be_visible()
    expect(page.get_by_role("heading", name=TITLES["users"])).to_have_count(0)
    expect(page.locator('[data-testid="stDataFrame"]')).to_have_count(0)


def test_signing_out_returns_to_the_login(demo_server, browser_page):
    """The sidebar's log-out button ends the session."""
    page = browser_page
    page.goto(demo_server.url)
    sign_in(page, "lead.gd")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    page.get_by_role("button", name=re.compile("Log out")).click()
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
