"""The Regions page through AppTest on the demo data: who may open it, each drill level, and its figures
against an independent pandas computation over the shipped files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.test_app import PAGE_FILES, signed_in, titles

pytestmark = pytest.mark.usefixtures("demo_app_env")

LAST_DAY = dt.date(2026, 10, 31)  # the last day of the default period 2025-11-01..2026-10-31
DENIED = "You do not have access to this page. Choose a page from the menu."


def regions_page(username: str, lang: str | None = None, **params: str) -> AppTest:
    """The Regions page of a signed-in demo user, opened with these URL parameters."""
    at = signed_in(username, lang=lang)
    at.query_params.update(params)
    at.switch_page(PAGE_FILES["regions"]).run()
    # AppTest starts every session on the Overview, whose region pickers share these keys; a choice the
    # URL did not settle is made with the picker itself, as a user drilling down would.
    for key, value in params.items():
        pickers = [box for box in at.selectbox if box.key == key]
        if pickers and pickers[0].value != value:
            pickers[0].set_value(value).run()
    assert not at.exception, at.exception
    return at


def region_table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value.set_index("region")


def key_accounts_by(tables: dict[str, pd.DataFrame], names: pd.Series | None, by: str) -> pd.DataFrame:
    """Key accounts and premium accounts on LAST_DAY per value of an accounts column (mapped to `names`)."""
    des = tables["designations"]
    valid = des[(des["valid_from"] <= LAST_DAY) & (des["valid_to"].isna() | (des["valid_to"] > LAST_DAY))]
    categories = valid.groupby("account_id")["category"].nunique()
    accounts = tables["accounts"].set_index("id").loc[categories.index]
    region = accounts[by] if names is None else accounts[by].map(names)
    frame = pd.DataFrame({"region": region.to_numpy(), "categories": categories.to_numpy()})
    counts = frame.groupby("region")["categories"].agg(key_accounts="size", premium=lambda c: int((c >= 2).sum()))
    return counts.astype("int64")


def org_names(tables: dict[str, pd.DataFrame]) -> pd.Series:
    return tables["org_units"].set_index("id")["name_en"]


@pytest.mark.parametrize("username", ["am.gz", "admin"])
def test_account_managers_and_administrators_are_refused(username):
    """Only executives and team leads may open Regions."""
    at = regions_page(username)
    assert DENIED in [w.value for w in at.warning]
    assert not at.dataframe and "Regions" not in titles(at)


def test_the_executive_sees_every_province_with_key_accounts_from_the_data(demo_tables):
    """31 province rows whose key-account and premium counts match the shipped designations."""
    at = regions_page("exec")
    assert "Regions" in titles(at)
    table = region_table(at)
    expected = key_accounts_by(demo_tables, org_names(demo_tables), "province_id")
    assert len(table) == 31
    shown = table[["key_accounts", "premium"]].astype("int64")
    pd.testing.assert_frame_equal(shown.loc[expected.index].sort_index(), expected.sort_index(), check_names=False)
    assert (shown.drop(expected.index)["key_accounts"] == 0).all()


def test_the_guangdong_lead_sees_the_cities_of_guangdong_only(demo_tables):
    """lead.gd gets Guangdong's cities with their key accounts, even when the URL names another province."""
    names = org_names(demo_tables)
    units = demo_tables["org_units"]
    guangdong = int(units.loc[units["code"] == "GD", "id"].iloc[0])
    cities = set(units.loc[(units["level"] == "city") & (units["province_id"] == guangdong), "name_en"])
    expected = key_accounts_by(demo_tables, names, "city_id")
    for at in (regions_page("lead.gd"), regions_page("lead.gd", province="ZJ")):
        assert "Cities of Guangdong" in [s.value for s in at.subheader]
        table = region_table(at)
        assert set(table.index) == cities
        assert table["key_accounts"].astype("int64").to_dict() == expected.loc[sorted(cities), "key_accounts"].to_dict()


def test_drilling_into_a_city_lists_its_managers_and_then_a_managers_accounts(demo_tables):
    """Guangzhou lists its account managers; choosing am.gz lists exactly am.gz's accounts."""
    users = demo_tables["users"]
    accounts = demo_tables["accounts"]
    manager = int(users.loc[users["username"] == "am.gz", "id"].iloc[0])
    units = demo_tables["org_units"]
    guangzhou = int(units.loc[units["code"] == "GD-GZ", "id"].iloc[0])
    managers = users.set_index("id").loc[accounts.loc[accounts["city_id"] == guangzhou, "manager_id"].dropna().unique()]

    at = regions_page("exec", province="GD", city="GD-GZ")
    assert "Account managers in Guangzhou" in [s.value for s in at.subheader]
    assert set(region_table(at).index) == set(managers["name"])

    at = regions_page("lead.gd", city="GD-GZ", manager=str(manager))
    table = at.dataframe[0].value
    assert set(table["code"]) == set(accounts.loc[accounts["manager_id"] == manager, "code"])
    expected = key_accounts_by(demo_tables, None, "code").reindex(table["code"])
    assert table["key_accounts"].tolist() == expected["key_accounts"].fillna(0).astype(int).tolist()


def test_each_measure_and_chinese_render():
    """Every measure of the picker renders, and the page speaks Chinese when asked."""
    for kpi in ("premium", "satisfaction", "yoy_points", "on_time_rate", "open_complaints", "spend"):
        at = regions_page("lead.gd", kpi=kpi)
        assert at.selectbox(key="kpi").value == kpi
    at = regions_page("exec", lang="zh", kpi="on_time_rate")
    assert "区域下钻" in titles(at) and "各省份" in [s.value for s in at.subheader]
