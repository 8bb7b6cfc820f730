"""End to end in a real Chromium against a freshly started server: login, pages per role, deep links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lib import i18n, sample_data
from tests.test_access import EXPECTED_PAGES

DEMO = {user.username: user for user in sample_data.DEMO_USERS}
TITLES = {name: i18n.t("en", f"page.{name}") for names in EXPECTED_PAGES.values() for name in names}
expect.set_options(timeout=30_000)  # a cold page on a busy 2-core machine can take seconds
DENIED = "You do not have access to this page. Choose a page from the menu."


def sign_in(page: Page, username: str, password: str = sample_data.DEMO_PASSWORD) -> None:
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def wait_for_login_cookie(page: Page, name: str = "kam_auth") -> None:
    """The login cookie is written by a component after the page renders; wait until it is there."""
    for _ in range(100):
        if any(cookie["name"] == name for cookie in page.context.cookies()):
            return
        page.wait_for_timeout(200)
    raise AssertionError("the login cookie was never set")


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


def exclusive_intersections(demo_tables, day: str = "2026-10-31") -> dict[int, int]:
    """Accounts per exact set of categories (as a bit mask) on `day`, from the shipped files."""
    import pandas as pd

    from lib.domain import CATEGORY_BITS

    des = demo_tables["designations"]
    start, end = pd.to_datetime(des["valid_from"]), pd.to_datetime(des["valid_to"])
    open_then = des[(start <= day) & (end.isna() | (end > day))]
    masks = open_then.drop_duplicates(["account_id", "category"]).assign(bit=lambda f: f["category"].map(CATEGORY_BITS))
    return masks.groupby("account_id")["bit"].sum().value_counts().to_dict()


def accounts_listed(page: Page, n: int):
    return page.get_by_text(re.compile(rf"\b{n:,} accounts$"))


def test_a_copied_link_with_filters_opens_the_same_view(demo_server, browser_page, demo_tables):
    """A signed-in user opening a link to Tiers with ?combo=12 (group + strategic) sees that intersection."""
    page = browser_page
    page.goto(demo_server.url)
    sign_in(page, "exec")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    wait_for_login_cookie(page)
    page.goto(f"{demo_server.url}/tiers?combo=12")  # a new session, signed in again by the cookie
    expect(page.get_by_role("heading", name=TITLES["tiers"])).to_be_visible()
    assert "combo=12" in page.url
    expect(page.get_by_role("combobox", name="Accounts of")).to_have_value(re.compile(r"^Group \+ Strategic"))
    expect(accounts_listed(page, exclusive_intersections(demo_tables)[12])).to_be_visible()


def test_clicking_an_upset_intersection_filters_the_account_table(demo_server, browser_page, demo_tables):
    """A click on the tallest bar of the UpSet chart lists exactly that intersection's accounts."""
    sizes = exclusive_intersections(demo_tables)
    largest = max(sizes, key=sizes.get)
    page = browser_page
    page.goto(f"{demo_server.url}/tiers")
    sign_in(page, "exec")
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    bar = chart.locator('[aria-roledescription="bar"]').first
    expect(bar).to_have_attribute("aria-label", re.compile(rf"^combo: {largest};"))
    bar.click()
    expect(page).to_have_url(re.compile(rf"combo={largest}\b"))
    expect(accounts_listed(page, sizes[largest])).to_be_visible()


def metric_value(page: Page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True)).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_a_revisit_logged_in_the_browser_counts_on_the_overview_and_leaves_the_work_queue(
    demo_server, browser_page, demo_tables
):
    """am.gz revisits their most overdue account from the work queue; the Overview counts it, the queue drops it."""
    import datetime as dt

    from lib.periods import default_period

    page = browser_page
    page.goto(demo_server.url)
    sign_in(page, "am.gz")
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    wait_for_login_cookie(page)  # the page loads below sign in again with it
    page.goto(f"{demo_server.url}/work_queue")
    expect(page.get_by_role("heading", name=TITLES["work_queue"])).to_be_visible()
    overdue_before = int(metric_value(page, "Overdue"))
    assert overdue_before > 0
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("link", name="Log a revisit").first.click()  # for the first (most overdue) account
    expect(page.get_by_role("heading", name=TITLES["log_revisit"])).to_be_visible()
    page.get_by_role("combobox", name="Channel").click()
    page.get_by_role("option", name="On site").click()
    page.get_by_role("combobox", name="Outcome").click()
    page.get_by_role("option", name="Interested").click()
    page.get_by_role("textbox", name="Notes").fill("Visited in person; asked about SD-WAN.")
    page.get_by_role("button", name="Save the revisit").click()
    expect(page.get_by_text(re.compile(r"^Revisit saved\."))).to_be_visible()

    page.goto(f"{demo_server.url}/work_queue")
    expect(page.get_by_role("heading", name=TITLES["work_queue"])).to_be_visible()
    expect(
        page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text("Overdue", exact=True))
    ).to_contain_text(str(overdue_before - 1))

    users, accounts, revisits = demo_tables["users"], demo_tables["accounts"], demo_tables["revisits"]
    manager = int(users.loc[users["username"] == "am.gz", "id"].iloc[0])
    mine = revisits[revisits["account_id"].isin(accounts.loc[accounts["manager_id"] == manager, "id"])]
    period = default_period(dt.date.today())  # the new revisit moves the data's date to today
    visited = mine["visited_on"].map(lambda d: dt.date.fromisoformat(str(d)[:10]))
    expected = int(((visited >= period.start) & (visited < period.end)).sum()) + 1
    page.goto(f"{demo_server.url}/overview")  # a fresh view: its default period now reaches today
    expect(
        page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text("Revisits logged", exact=True))
    ).to_contain_text(f"{expected:,}")
