"""The Tiers & overlaps page through AppTest on the shipped demo data, against pandas over the demo files."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib import domain, i18n
from lib.charts import tiers as charts
from tests.test_app import PAGE_FILES, signed_in, titles

pytestmark = pytest.mark.usefixtures("demo_app_env")

END_DAY = dt.date(2026, 10, 31)  # the default period ends on 2026-10-31 (the data's anchor is 2026-11-01)
DENIED = "You do not have access to this page. Choose a page from the menu."


def open_tiers(username: str, **params: str) -> AppTest:
    """The Tiers page of `username`, opened with `params` in the URL (as a copied link would)."""
    at = signed_in(username)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(PAGE_FILES["tiers"]).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def province_id(tables: dict[str, pd.DataFrame], code: str) -> int:
    units = tables["org_units"]
    return int(units.loc[units["code"] == code, "id"].iloc[0])


def masks_at_end(tables: dict[str, pd.DataFrame], province: int | None = None) -> pd.Series:
    """Each key account's category mask from the designations open on END_DAY (pandas, independent of SQL)."""
    des = tables["designations"]
    open_ = (des["valid_from"] <= END_DAY) & des["valid_to"].map(lambda d: pd.isna(d) or d > END_DAY)
    des = des[open_].drop_duplicates(["account_id", "category"])
    if province is not None:
        des = des[des["province_id"] == province]
    return des["category"].map(domain.CATEGORY_BITS).groupby(des["account_id"]).sum()


def test_the_page_is_refused_to_account_managers_and_administrators():
    """Staff and admin get the refusal and no figures."""
    for username in ("am.gz", "admin"):
        at = signed_in(username, "tiers")
        assert DENIED in [w.value for w in at.warning]
        assert not at.metric and not at.dataframe and "Tiers & overlaps" not in titles(at)


@pytest.mark.parametrize(("username", "province"), [("exec", None), ("lead.gd", "GD")])
def test_key_and_premium_accounts_match_the_designations_open_at_the_period_end(demo_tables, username, province):
    """Premium = accounts with two or more categories open on 2026-10-31, counted with pandas."""
    at = signed_in(username, "tiers")
    assert "Tiers & overlaps" in titles(at)
    masks = masks_at_end(demo_tables, None if province is None else province_id(demo_tables, province))
    premium = int((masks.map(lambda m: bin(m).count("1")) >= 2).sum())
    assert 0 < premium < len(masks)
    assert metric(at, "Premium accounts") == f"{premium:,}"
    assert metric(at, "Key accounts") == f"{len(masks):,}"
    for category, bit in domain.CATEGORY_BITS.items():
        assert metric(at, i18n.label("en", "category", category)) == f"{int((masks & bit > 0).sum()):,}"


def test_a_team_lead_sees_only_their_province_in_every_table():
    """Every row of the account list and of the potential accounts is in Guangdong."""
    at = signed_in("lead.gd", "tiers")
    tables = [d.value for d in at.dataframe if "province" in d.value.columns]
    assert len(tables) == 2 and all(len(t) for t in tables)
    assert all(set(t["province"]) == {"Guangdong"} for t in tables)


def test_choosing_an_intersection_in_the_list_filters_the_account_table(demo_tables):
    """Important + group (mask 5): every row has exactly those categories, and all of them are listed."""
    at = signed_in("exec", "tiers")
    at.selectbox(key="combo").select("5").run()
    assert not at.exception
    table = at.dataframe[0].value
    expected = int((masks_at_end(demo_tables) == 5).sum())
    assert 0 < len(table) == expected
    assert set(table["categories"]) == {"Important, Group"}
    assert at.query_params["combo"] == "5"


def test_a_copied_link_with_an_intersection_reproduces_the_filtered_view(demo_tables):
    """combo=12 in the URL (group + strategic) opens the page with the list already filtered."""
    at = open_tiers("exec", combo="12")
    assert at.selectbox(key="combo").value == "12"
    table = at.dataframe[0].value
    assert len(table) == int((masks_at_end(demo_tables) == 12).sum())
    assert set(table["categories"]) == {"Group, Strategic"}


def test_the_what_if_threshold_from_the_url_counts_high_value_accounts_like_pandas(demo_tables):
    """threshold=2500: accounts whose Aug-Oct 2026 spend averages at least 2,500, computed from the files."""
    at = open_tiers("exec", threshold="2500")
    spend = demo_tables["monthly_spend"]
    months = pd.to_datetime(spend["month"])
    trailing = spend[(months >= "2026-08-01") & (months < "2026-11-01")].groupby("account_id")["amount"].sum()
    expected = int((trailing.round(2) >= 3 * 2500).sum())
    assert metric(at, "High-value at ¥2,500") == f"{expected:,}"


def test_the_page_speaks_chinese_when_asked():
    """With lang=zh the title and the category cards are in Chinese."""
    at = signed_in("lead.gd", "tiers", lang="zh")
    assert "客户分类与交叉" in titles(at)
    assert any(m.label == "特级大客户" for m in at.metric)


def test_every_message_key_named_in_the_page_exists():
    """The page's header tables name catalogue keys in plain strings; each one is in the catalogue."""
    source = (Path(__file__).resolve().parent.parent / "app_pages" / "tiers.py").read_text(encoding="utf-8")
    keys = set(re.findall(r'"((?:tiers|col|metric|filter|page)\.[a-z0-9_.]+)"', source))
    assert len(keys) > 20 and keys <= set(i18n.MESSAGES)


def test_the_upset_chart_shows_all_fifteen_intersections_with_one_shared_selection():
    """Bars for the 15 intersections, premium ones in their own colour, one click selection over three views."""
    frame = pd.DataFrame(
        {
            "mask": range(1, 16),
            "accounts": range(15, 0, -1),
            "revenue": 0.0,
            "satisfaction_index": None,
            "on_time_rate": None,
        }
    )
    frame["degree"] = frame["mask"].map(lambda m: bin(m).count("1"))
    frame["premium"] = frame["degree"] >= 2
    names = {c: c for c in domain.CATEGORIES}
    titles = dict.fromkeys(
        ("accounts", "intersection", "categories", "revenue", "satisfaction", "on_time", "group", "set_size"), "t"
    )
    spec = charts.upset_chart(
        frame, category_names=names, group_names={False: "one", True: "premium"}, titles=titles, selected="5"
    ).to_dict()
    (param,) = spec["params"]
    assert param["name"] == charts.PICK and param["select"]["fields"] == ["combo"] and len(param["views"]) == 3
    (rows,) = spec["datasets"].values()
    bars = [row for row in rows if row["part"] == "bar"]
    assert len(bars) == 15 and len([row for row in rows if row["part"] == "size"]) == 4
    assert {row["combo"] for row in bars} == {str(m) for m in range(1, 16)}
    assert all(row["group"] == ("premium" if bin(int(row["mask"])).count("1") >= 2 else "one") for row in bars)
    assert {row["combo"] for row in bars if row["strength"] == 1.0} == {"5"}
