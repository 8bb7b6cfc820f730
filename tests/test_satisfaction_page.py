"""The Satisfaction page through AppTest on the demo data: who may open it, and the figures it shows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib import i18n
from lib.charts import satisfaction as charts
from tests.test_app import metric, signed_in, titles

pytestmark = pytest.mark.usefixtures("demo_app_env")

TITLE = i18n.t("en", "page.satisfaction")
INDEX = i18n.t("en", "metric.satisfaction_index")
CHANGE = i18n.t("en", "metric.yoy_change")
DENIED = i18n.t("en", "app.denied")
PERIOD = ("2025-11-01", "2026-11-01")  # the default period: the 12 months up to the data's last day
YEAR_EARLIER = ("2024-11-01", "2025-11-01")


def index_and_change(surveys: pd.DataFrame) -> tuple[float, float]:
    """The mean score in the default period and its difference with the year before, from the shipped rows."""
    day = pd.to_datetime(surveys["surveyed_on"])
    now = surveys.loc[(day >= PERIOD[0]) & (day < PERIOD[1]), "score"].mean()
    then = surveys.loc[(day >= YEAR_EARLIER[0]) & (day < YEAR_EARLIER[1]), "score"].mean()
    return float(now), float(now - then)


def province_id(tables: dict[str, pd.DataFrame], code: str) -> int:
    units = tables["org_units"]
    return int(units.loc[units["code"] == code, "id"].iloc[0])


def open_tab(at, name: str):
    """Open one tab of the page (only the open tab runs), as a click on it does."""
    at.session_state["satisfaction_tab"] = i18n.t("en", f"satisfaction.tab_{name}")
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture(scope="module")
def executive_page(demo_app_env):
    return signed_in("exec", "satisfaction")


@pytest.fixture(scope="module")
def executive_tabs(executive_page) -> dict[str, tuple[list, list[str]]]:
    """Per tab of the executive's page: its tables and its info messages."""
    shown = {}
    for name in ("trend", "breakdown", "segments", "verbatims", "follow_up"):
        at = open_tab(executive_page, name)
        shown[name] = ([frame.value for frame in at.dataframe], [i.value for i in at.info])
    return shown


def test_the_executive_sees_the_national_index_and_its_change_in_points(executive_page, demo_tables):
    """Index and year-on-year points agree with pandas over the shipped surveys (about 84.6 and +0.68)."""
    index, change = index_and_change(demo_tables["surveys"])
    assert index == pytest.approx(84.6, abs=0.05) and change == pytest.approx(0.68, abs=0.005)
    at = executive_page
    assert not at.exception and not at.warning
    assert TITLE in titles(at)
    assert metric(at, INDEX) == f"{index:.1f}"
    assert metric(at, CHANGE) == f"{change:+.2f} pts"
    assert next(m for m in at.metric if m.label == INDEX).delta == f"{change:+.2f} pts YoY"


def test_the_executive_sees_csat_and_the_survey_count_from_the_data(executive_page, demo_tables):
    """CSAT % (scores of 80 or more) and the number of surveys agree with pandas."""
    surveys = demo_tables["surveys"]
    day = pd.to_datetime(surveys["surveyed_on"])
    scores = surveys.loc[(day >= PERIOD[0]) & (day < PERIOD[1]), "score"]
    assert metric(executive_page, "CSAT % (score ≥ 80)") == f"{100 * (scores >= 80).mean():.1f} %"
    assert metric(executive_page, "Surveys") == f"{len(scores):,}"


def test_the_region_with_the_largest_fall_is_named_from_the_data(executive_tabs, demo_tables):
    """The warning names the province whose index fell most year on year, computed with pandas."""
    surveys = demo_tables["surveys"]
    day = pd.to_datetime(surveys["surveyed_on"])
    now = surveys[(day >= PERIOD[0]) & (day < PERIOD[1])].groupby("province_id")["score"].mean()
    then = surveys[(day >= YEAR_EARLIER[0]) & (day < YEAR_EARLIER[1])].groupby("province_id")["score"].mean()
    worst = (now - then).idxmin()
    units = demo_tables["org_units"].set_index("id")
    name = units.at[worst, "name_en"]
    assert [i for i in executive_tabs["breakdown"][1] if i.startswith(f"{name} fell most")]


def test_every_table_of_the_executive_page_has_rows(executive_tabs):
    """Month, dimension, region, category, intersection, managers, verbatims and the not-followed list."""
    sizes = {name: [len(frame) for frame in frames] for name, (frames, _) in executive_tabs.items()}
    assert sizes["trend"] == [12] and sizes["breakdown"] == [5, 31]  # months; dimensions, provinces
    assert len(sizes["segments"]) == 4 and all(sizes["segments"])  # categories, intersections, top and bottom
    assert len(sizes["verbatims"]) == 1 and len(sizes["follow_up"]) == 1
    assert all(sizes["verbatims"] + sizes["follow_up"])


def test_only_the_open_tab_runs_its_reads(executive_page):
    """A closed tab shows nothing: the page reads only what the open tab shows."""
    at = open_tab(executive_page, "trend")
    assert [len(frame.value) for frame in at.dataframe] == [12]
    assert i18n.t("en", "satisfaction.verbatims_title") not in [h.value for h in at.subheader]


def test_the_guangdong_lead_sees_the_provinces_index_and_change(demo_tables):
    """For lead.gd the figures are those of Guangdong's surveys, and the regions are its cities."""
    surveys = demo_tables["surveys"]
    index, change = index_and_change(surveys[surveys["province_id"] == province_id(demo_tables, "GD")])
    at = signed_in("lead.gd", "satisfaction")
    assert not at.exception
    assert metric(at, INDEX) == f"{index:.1f}"
    open_tab(at, "breakdown")
    assert metric(at, CHANGE) == f"{change:+.2f} pts"
    cities = demo_tables["org_units"]
    cities = set(cities.loc[cities["province_id"] == province_id(demo_tables, "GD"), "name_en"]) - {"Guangdong"}
    regions = next(frame.value for frame in at.dataframe if "region" in frame.value.columns)
    assert set(regions["region"]) <= cities and len(regions) > 1


def test_without_surveys_a_year_earlier_the_change_is_a_dash_not_zero():
    """The first year of data has nothing a year before it: the change shows "–" and says why."""
    at = signed_in("exec", "satisfaction")
    at.date_input(key="period").set_value((dt.date(2024, 11, 1), dt.date(2025, 10, 31))).run()
    assert not at.exception
    assert metric(at, CHANGE) == "–"
    assert next(m for m in at.metric if m.label == INDEX).delta in (None, "")
    assert i18n.t("en", "satisfaction.no_year_earlier") in [c.value for c in at.caption]


def test_the_page_speaks_chinese_when_asked():
    """With lang=zh the title, the metric names and the change in points are in Chinese."""
    at = signed_in("lead.gd", "satisfaction", lang="zh")
    assert not at.exception
    assert "满意度" in titles(at)
    assert metric(at, "同比变化").endswith(" 分")


@pytest.mark.parametrize("username", ["am.gz", "admin"])
def test_staff_and_admin_are_refused_the_page(username):
    """Account managers and administrators get a refusal and no figures."""
    at = signed_in(username, "satisfaction")
    assert DENIED in [w.value for w in at.warning]
    assert not at.metric and not at.dataframe and TITLE not in titles(at)


def test_a_search_that_looks_like_sql_is_just_text():
    """Typing SQL into the verbatims search finds nothing and breaks nothing."""
    at = open_tab(signed_in("exec", "satisfaction"), "verbatims")
    at.text_input(key="said").input("' OR 1=1; DROP TABLE surveys; --").run()
    assert not at.exception
    assert i18n.t("en", "satisfaction.verbatims_empty") in [i.value for i in at.info]
    at.text_input(key="said").input("").run()
    assert i18n.t("en", "satisfaction.verbatims_empty") not in [i.value for i in at.info]


def test_the_charts_build_valid_specs_and_show_a_missing_change_as_a_dash():
    """Each chart validates as Vega-Lite; a month or region without a year-earlier figure reads "–", never 0."""
    months = pd.DataFrame(
        {
            "month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "index": [85.0, 50.0],
            "surveys": [2, 1],
            "index_year_earlier": [80.0, float("nan")],
            "surveys_year_earlier": [1, 0],
            "change_points": [5.0, float("nan")],
        }
    )
    names = {key: key for key in charts.TITLE_KEYS}
    trend = charts.index_trend_chart(months, titles=names).to_dict()
    values = trend["datasets"][trend["data"]["name"]]
    assert sorted((v["series"], v["change_text"]) for v in values) == [
        ("earlier", "+5.00"),
        ("now", "+5.00"),
        ("now", "–"),
    ]
    regions = pd.DataFrame(
        {
            "region": ["X", "Y"],
            "index": [60.0, 70.0],
            "index_year_earlier": [70.0, float("nan")],
            "change_points": [-10.0, float("nan")],
            "surveys": [3, 2],
        }
    )
    spec = charts.region_change_chart(regions, titles=names).to_dict()
    assert [v["region"] for v in spec["datasets"][spec["data"]["name"]]] == ["X"]
    dims = pd.DataFrame(
        {
            "dimension_label": ["Network"],
            "mean": [80.0],
            "mean_year_earlier": [float("nan")],
            "change_points": [float("nan")],
        }
    )
    charts.dimension_chart(dims, titles=names).to_dict()
    bins = pd.DataFrame(
        {
            "bin_start": [55, 60, 80],
            "bin_end": [60, 65, 85],
            "surveys": [1, 2, 3],
            "share_pct": [100 / 6, 200 / 6, 50.0],
        }
    )
    spec = charts.distribution_chart(bins, titles=names).to_dict()
    assert [v["band"] for v in spec["datasets"][spec["data"]["name"]]] == ["band_low", "band_middle", "band_satisfied"]
