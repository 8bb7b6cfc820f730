"""End to end in Chromium: an administrator raises the high-value threshold and an executive's Tiers page
follows, on a server and database of this module's own."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from playwright.sync_api import Page, expect

from tests.test_browser import TITLES, metric_value, sign_in, wait_for_login_cookie

END_DAY = dt.date(2026, 10, 31)


def signed_in_page(chromium_browser, server, username: str, page_name: str) -> Page:
    """A browser context of its own (its own cookies), signed in, showing `page_name`."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(server.url)
    sign_in(page, username)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible()
    wait_for_login_cookie(page)
    page.goto(f"{server.url}/{page_name}")
    expect(page.get_by_role("heading", name=TITLES[page_name])).to_be_visible()
    return page


def high_value_counts(tables: dict[str, pd.DataFrame]) -> tuple[int, int]:
    """High-value accounts on 2026-10-31 as shipped (the designations open that day), and at ¥5,000 from
    October (August to October spend at least ¥15,000), both with pandas over the shipped files."""
    des = tables["designations"]
    start, end = pd.to_datetime(des["valid_from"]), pd.to_datetime(des["valid_to"])
    day = pd.Timestamp(END_DAY)
    open_now = des[(des["category"] == "high_value") & (start <= day) & (end.isna() | (end > day))]
    spend = tables["monthly_spend"].assign(month=lambda f: pd.to_datetime(f["month"]))
    window = spend[(spend["month"] >= "2026-08-01") & (spend["month"] <= "2026-10-01")]
    cents = (window["amount"] * 100).round().astype("int64").groupby(window["account_id"]).sum()
    return open_now["account_id"].nunique(), int((cents >= 1_500_000).sum())


def test_an_admin_raises_the_threshold_and_the_executives_tiers_page_changes(
    private_demo_server, chromium_browser, demo_tables
):
    before, after = high_value_counts(demo_tables)
    assert before > after > 0
    tiers = signed_in_page(chromium_browser, private_demo_server, "exec", "tiers")
    assert metric_value(tiers, "High-value") == f"{before:,}"

    settings = signed_in_page(chromium_browser, private_demo_server, "admin", "settings")
    amount = settings.get_by_role("spinbutton", name="Average monthly spend, yuan")
    amount.fill("5000")
    # Streamlit's date input is a native <input type="date"> without an accessible name; the visible one
    # is the threshold tab's.
    settings.locator('[data-testid="stDateInput"] input[type="date"]:visible').fill("2026-10-01")
    settings.get_by_role("button", name="Save").first.click()
    expect(settings.get_by_text("The threshold is saved.", exact=False)).to_be_visible()
    expect(settings.get_by_text(f"changed for {before - after} accounts", exact=False)).to_be_visible()

    tiers.reload()
    expect(tiers.get_by_role("heading", name=TITLES["tiers"])).to_be_visible()
    expect(
        tiers.locator('[data-testid="stMetric"]').filter(has=tiers.get_by_text("High-value", exact=True)).first
    ).to_contain_text(f"{after:,}")
    expect(tiers.get_by_text("2026-10-01 → ¥5,000", exact=False)).to_be_visible()
    for page in (tiers, settings):
        page.context.close()
