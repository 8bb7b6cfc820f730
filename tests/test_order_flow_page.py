"""The order-flow page through AppTest on the demo data: it renders for executives and team leads, is refused to
other roles, and its figures agree with independent pandas computations over the shipped files."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib import i18n
from lib.domain import STAGES
from lib.queries.order_flow import MIN_CELL_INTERVALS
from tests.test_app import signed_in, titles

pytestmark = pytest.mark.usefixtures("demo_app_env")

START, END = pd.Timestamp("2025-11-01"), pd.Timestamp("2026-11-01")  # the default period
DENIED = "You do not have access to this page. Choose a page from the menu."


def intervals(tables: dict[str, pd.DataFrame], province: str | None = None) -> pd.DataFrame:
    """Stage intervals of the five working stages, of one province (by org code) or all."""
    events = tables["order_events"]
    frame = events[(events["kind"] == "enter") & events["stage"].isin(STAGES)]
    if province is not None:
        units = tables["org_units"]
        frame = frame[frame["province_id"] == int(units.loc[units["code"] == province, "id"].iloc[0])]
    return frame


def ended_in_period(frame: pd.DataFrame) -> pd.DataFrame:
    ended = frame[(frame["exited_at"] >= START) & (frame["exited_at"] < END)]
    return ended.assign(on_time=(ended["duration_seconds"] <= ended["target_seconds"]).astype(int))


def expected_worst_sentence(tables: dict[str, pd.DataFrame], province: str | None = None) -> str:
    """The lowest on-time rate per region x stage: provinces nationally, cities within a province."""
    region = "province_id" if province is None else "city_id"
    cells = (
        ended_in_period(intervals(tables, province))
        .groupby([region, "stage"], as_index=False)
        .agg(ended=("on_time", "size"), on_time=("on_time", "sum"))
    )
    big = cells[cells["ended"] >= MIN_CELL_INTERVALS]
    cells = big if len(big) else cells
    cells = cells.assign(
        rate=cells["on_time"] / cells["ended"],
        stage_rank=cells["stage"].map(STAGES.index),
        name=cells[region].map(tables["org_units"].set_index("id")["name_en"]),
    )
    worst = cells.sort_values(["rate", "ended", "stage_rank", "name"], ascending=[True, False, True, True]).iloc[0]
    stage, rate, n = i18n.label("en", "stage", worst["stage"]), 100 * worst["rate"], worst["ended"]
    return f"Lowest on-time rate: **{stage}** in **{worst['name']}**, {rate:.1f} % (n = {n:,})."


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def table_with(at, column: str) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_the_executive_sees_national_order_flow_figures_from_the_data(demo_tables):
    """The page renders; the on-time rate and the orders in progress agree with pandas over the shipped events."""
    at = signed_in("exec", "order_flow")
    assert not at.exception
    assert "Order flow" in titles(at)
    frame = intervals(demo_tables)
    ended = ended_in_period(frame)
    in_progress = ((frame["at"] < END) & (frame["exited_at"].isna() | (frame["exited_at"] >= END))).sum()
    assert metric(at, "On-time rate") == f"{100 * ended['on_time'].sum() / len(ended):.1f} %"
    assert metric(at, "Orders in progress") == f"{in_progress:,}"


def test_the_national_scorecard_names_the_worst_province_and_stage_as_pandas_does(demo_tables):
    """The sentence above the scorecard names the same province, stage, rate and count as pandas."""
    at = signed_in("exec", "order_flow")
    assert expected_worst_sentence(demo_tables) in [m.value for m in at.markdown]
    scorecard = table_with(at, "overdue_now")
    assert scorecard["region"].nunique() == 31


def test_a_team_lead_sees_the_cities_of_their_province_only(demo_tables):
    """For the Guangdong lead the scorecard rows are Guangdong cities and the worst cell agrees with pandas."""
    at = signed_in("lead.gd", "order_flow")
    assert not at.exception
    assert "Order flow" in titles(at)
    assert expected_worst_sentence(demo_tables, "GD") in [m.value for m in at.markdown]
    units = demo_tables["org_units"]
    gd = int(units.loc[units["code"] == "GD", "id"].iloc[0])
    cities = set(units.loc[(units["level"] == "city") & (units["province_id"] == gd), "name_en"])
    assert set(table_with(at, "overdue_now")["region"]) <= cities
    frame = intervals(demo_tables, "GD")
    in_progress = ((frame["at"] < END) & (frame["exited_at"].isna() | (frame["exited_at"] >= END))).sum()
    assert metric(at, "Orders in progress") == f"{in_progress:,}"


def test_the_page_speaks_chinese_when_asked():
    """With lang=zh the title, the KPI labels and the scorecard sentence are in Chinese."""
    at = signed_in("exec", "order_flow", lang="zh")
    assert not at.exception
    assert "工单流转" in titles(at)
    assert any(m.label == "及时率" for m in at.metric)
    assert any(m.value.startswith("及时率最低") for m in at.markdown)


@pytest.mark.parametrize("username", ["am.gz", "admin"])
def test_the_page_is_refused_to_account_managers_and_administrators(username):
    """Staff and admin get the refusal and no figures."""
    at = signed_in(username, "order_flow")
    assert DENIED in [w.value for w in at.warning]
    assert not at.metric and not at.dataframe and "Order flow" not in titles(at)


def test_a_service_grade_in_the_url_narrows_the_figures(demo_tables):
    """With grade=premium in the URL, the orders in progress are the premium ones only, as pandas counts them."""
    at = signed_in("exec")
    at.query_params["grade"] = "premium"
    at.switch_page("app_pages/order_flow.py").run()
    assert not at.exception
    frame = intervals(demo_tables)
    frame = frame[frame["service_grade"] == "premium"]
    in_progress = ((frame["at"] < END) & (frame["exited_at"].isna() | (frame["exited_at"] >= END))).sum()
    assert at.selectbox(key="grade").value == "premium"
    assert metric(at, "Orders in progress") == f"{in_progress:,}"


def test_a_period_without_orders_says_why_instead_of_drawing_empty_charts():
    """In January 2020 nothing flowed: every section shows its empty-state message and no exception."""
    at = signed_in("exec", "order_flow")
    at.date_input(key="period").set_value((dt.date(2020, 1, 1), dt.date(2020, 1, 31))).run()
    assert not at.exception
    infos = [i.value for i in at.info]
    assert "No order left a stage in this period with the filters chosen." in infos
    assert "No order was open at the end of the period with the filters chosen." in infos
    assert metric(at, "On-time rate") == "–" and metric(at, "Orders in progress") == "0"
    assert len(infos) == 7
