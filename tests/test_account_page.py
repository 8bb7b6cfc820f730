"""The Account 360 page through AppTest on the demo data: who may open which account, and what it shows
against an independent pandas computation over the shipped files."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import PAGE_FILES, signed_in, titles

pytestmark = pytest.mark.usefixtures("demo_app_env")

NOT_FOUND = "This account was not found in your scope. Pick another account."
DENIED = "You do not have access to this page. Choose a page from the menu."


def account_page(username: str, code: str | None = None, lang: str | None = None) -> AppTest:
    """Account 360 of a signed-in demo user, opened by a link naming the account (or none)."""
    at = signed_in(username, lang=lang)
    if code:
        at.query_params["account"] = code
    at.switch_page(PAGE_FILES["account"]).run()
    assert not at.exception, at.exception
    return at


def unescaped(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


def manager_id(tables: dict[str, pd.DataFrame], username: str) -> int:
    users = tables["users"]
    return int(users.loc[users["username"] == username, "id"].iloc[0])


def busiest_account(tables: dict[str, pd.DataFrame], accounts: pd.DataFrame) -> pd.Series:
    """The account of `accounts` with the most orders."""
    counts = tables["orders"]["account_id"].value_counts()
    best = accounts.assign(orders=accounts["id"].map(counts).fillna(0)).sort_values(["orders", "code"])
    return best.iloc[-1]


def table_after(at: AppTest, first_column: str) -> pd.DataFrame:
    """The first table on the page whose first column is `first_column`."""
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def test_an_account_manager_sees_their_account_with_figures_from_the_data(demo_tables):
    """am.gz's busiest account: header, category history, 24 months of spend and the orders, as in the files."""
    accounts = demo_tables["accounts"]
    own = accounts[accounts["manager_id"] == manager_id(demo_tables, "am.gz")]
    account = busiest_account(demo_tables, own)
    at = account_page("am.gz", account["code"])
    assert "Account 360" in titles(at) and not at.warning
    assert unescaped(at.subheader[0].value) == account["name"]
    assert at.query_params["account"] == account["code"]

    designations = demo_tables["designations"]
    assert len(table_after(at, "category")) == int((designations["account_id"] == account["id"]).sum())

    spend = demo_tables["monthly_spend"]
    spend = spend[(spend["account_id"] == account["id"]) & (spend["month"] >= dt.date(2024, 11, 1))]
    shown = table_after(at, "month")
    assert len(shown) == 24
    by_month = dict(zip(pd.to_datetime(shown["month"]).dt.date, shown["amount"], strict=True))
    assert all(by_month[m] == pytest.approx(a) for m, a in zip(spend["month"], spend["amount"], strict=True))

    orders = demo_tables["orders"]
    orders = orders[orders["account_id"] == account["id"]].sort_values("received_at", ascending=False)
    shown = table_after(at, "code")
    assert shown["code"].tolist() == orders["code"].head(100).tolist()
    timeline = table_after(at, "kind_label")
    events = demo_tables["order_events"]
    first = int(orders["id"].iloc[0])
    assert len(timeline) == int((events["order_id"] == first).sum())


def test_an_account_manager_cannot_open_another_managers_account_by_url(demo_tables):
    """am.gz opening one of am.sz's accounts through the URL sees "not found" and no data."""
    accounts = demo_tables["accounts"]
    other = accounts[accounts["manager_id"] == manager_id(demo_tables, "am.sz")].iloc[0]
    at = account_page("am.gz", other["code"])
    assert NOT_FOUND in [w.value for w in at.warning]
    assert not at.dataframe and not at.subheader
    assert other["name"] not in " ".join(str(e.value) for e in (*at.caption, *at.markdown))


def test_the_guangdong_lead_opens_a_guangdong_account_but_not_one_elsewhere(demo_tables):
    """lead.gd sees an account in Guangdong and gets "not found" for one in Zhejiang."""
    accounts, units = demo_tables["accounts"], demo_tables["org_units"]
    province = dict(zip(units["code"], units["id"], strict=True))
    inside = busiest_account(demo_tables, accounts[accounts["province_id"] == province["GD"]])
    outside = accounts[accounts["province_id"] == province["ZJ"]].iloc[0]
    at = account_page("lead.gd", inside["code"])
    assert unescaped(at.subheader[0].value) == inside["name"] and not at.warning
    at = account_page("lead.gd", outside["code"])
    assert NOT_FOUND in [w.value for w in at.warning] and not at.dataframe


def test_the_executive_opens_any_account_in_chinese(demo_tables):
    """An executive opens a group member unit, with the page in Chinese."""
    accounts = demo_tables["accounts"]
    member = accounts[accounts["parent_id"].notna()].iloc[0]
    at = account_page("exec", member["code"], lang="zh")
    assert "客户全景" in titles(at) and not at.warning
    assert unescaped(at.subheader[0].value) == member["name"]


def test_without_an_account_the_page_asks_for_one_and_admins_are_refused():
    """No account in the URL: a prompt and no data; an administrator cannot open the page."""
    at = account_page("am.gz")
    assert at.info and not at.dataframe and not at.subheader
    at = account_page("admin")
    assert DENIED in [w.value for w in at.warning] and not at.dataframe
