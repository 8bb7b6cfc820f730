"""The Satisfaction page's reads on tests/fixture_satisfaction.py, against numbers worked out by hand."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from sqlalchemy import Date, func, literal, select

from lib.access import NATIONAL, Scope
from lib.models import Survey
from lib.periods import Period
from lib.queries import overview
from lib.queries import satisfaction as sat
from tests import fixture_satisfaction as fx
from tests.test_access import scope_of

PERIOD = fx.PERIOD
NOW_ALL = [90, 80, 50, 55, 40, 58, 100, 70]  # every score in the period
THEN_ALL = [80, 90, 95, 85]  # every score a year earlier


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


@pytest.fixture
def data(engine):
    return fx.build(engine)


def run(engine, fn, scope, **filters):
    with engine.connect() as conn:
        return fn(conn, scope, period=filters.pop("period", PERIOD), **filters)


def scope(username: str, data: dict[str, int]) -> Scope:
    return NATIONAL if username == "exec" else scope_of(username, data)


# -- the date helper ------------------------------------------------------------------------------


DAYS_AFTER_CASES = [
    (dt.date(2024, 2, 25), 7, dt.date(2024, 3, 3)),  # across the end of a leap February
    (dt.date(2023, 12, 28), 8, dt.date(2024, 1, 5)),  # across the end of a year
    (dt.date(2024, 3, 10), 0, dt.date(2024, 3, 10)),
]


def test_days_after_adds_days_to_a_date_on_both_databases(engine, subtests):
    """The per-dialect date arithmetic gives the same calendar day on SQLite and PostgreSQL."""
    with engine.connect() as conn:
        for day, days, expected in DAYS_AFTER_CASES:
            with subtests.test(day=day, days=days):
                assert conn.scalar(select(sat.days_after(conn.dialect.name, literal(day, Date), days))) == expected


def test_days_after_works_on_a_column_compared_with_dates(engine, data):
    """Surveys whose day + 7 falls in March 2024: the 2024-02-05 survey (02-12 is not) and 03-01 and 03-10."""
    day = Survey.__table__.c.surveyed_on
    with engine.connect() as conn:
        later = sat.days_after(conn.dialect.name, day, 7)
        got = sorted(conn.scalars(select(day).where(later >= dt.date(2024, 3, 1), later < dt.date(2024, 4, 1))))
    assert got == [dt.date(2024, 3, 1), dt.date(2024, 3, 10)]


def test_days_after_refuses_an_unknown_dialect():
    """A dialect without a known date arithmetic is an error, not silently wrong SQL."""
    with pytest.raises(ValueError, match="mysql"):
        sat.days_after("mysql", Survey.__table__.c.surveyed_on, 7)


# -- headline -------------------------------------------------------------------------------------


HEADLINE_CASES = [  # username, scores in the period, scores a year earlier
    ("exec", NOW_ALL, THEN_ALL),
    ("lead_alpha", [90, 80, 50, 55, 70], [80, 90]),
    ("lead_a1", [90, 80], [80, 90]),
    ("am_c", [40, 58, 100], [95, 85]),
]


def test_headline_index_and_year_on_year_change_in_points(engine, data, subtests):
    """The index is the mean score; the change is index minus the index a year earlier, in points."""
    for username, now, then in HEADLINE_CASES:
        with subtests.test(username=username):
            got = run(engine, sat.satisfaction_headline, scope(username, data))
            assert got["index"] == pytest.approx(mean(now))
            assert got["index_year_earlier"] == pytest.approx(mean(then))
            assert got["change_points"] == pytest.approx(mean(now) - mean(then))
            assert got["growth_pct_of_earlier"] == pytest.approx(100 * (mean(now) - mean(then)) / mean(then))
            assert (got["surveys"], got["surveys_year_earlier"]) == (len(now), len(then))


def test_national_headline_figures_by_hand(engine, data):
    """543/8 = 67.875 now, 350/4 = 87.5 a year earlier: -19.625 points; CSAT 3/8; net score 2/8 - 4/8."""
    got = run(engine, sat.satisfaction_headline, NATIONAL)
    assert got["index"] == pytest.approx(67.875)
    assert got["change_points"] == pytest.approx(-19.625)
    assert got["csat_pct"] == pytest.approx(37.5)  # 90, 80 (the cut itself counts) and 100
    assert got["promoters_pct"] == pytest.approx(25.0)  # 90 (the cut itself counts) and 100
    assert got["detractors_pct"] == pytest.approx(50.0)  # 50, 55, 40, 58; 70 is not below 70
    assert got["nps"] == pytest.approx(-25.0)


def test_a_scope_without_surveys_a_year_earlier_has_no_change_rather_than_zero(engine, data):
    """am_b's accounts (a3, a4) were not surveyed in 2023: the change is None (shown as "–"), not 0."""
    got = run(engine, sat.satisfaction_headline, scope("am_b", data))
    assert got["index"] == pytest.approx((50 + 55 + 70) / 3)
    assert got["index_year_earlier"] is None
    assert got["change_points"] is None and got["growth_pct_of_earlier"] is None
    assert got["surveys_year_earlier"] == 0


def test_a_scope_without_surveys_has_no_index_and_no_shares(engine, data):
    """lead_a1 has no survey in 2022: index, CSAT and net score are None, surveys 0."""
    got = run(
        engine,
        sat.satisfaction_headline,
        scope("lead_a1", data),
        period=Period(dt.date(2022, 1, 1), dt.date(2022, 7, 1)),
    )
    assert got["surveys"] == 0
    assert got["index"] is None and got["csat_pct"] is None and got["nps"] is None and got["change_points"] is None


def test_headline_without_categories_is_the_overview_figure(engine, data):
    """With no category filter the page shows exactly the Overview's index and change."""
    got = run(engine, sat.satisfaction_headline, NATIONAL)
    with engine.connect() as conn:
        expected = overview.satisfaction_year_on_year(conn, NATIONAL, PERIOD)
    assert {k: got[k] for k in expected} == expected


def test_headline_with_a_category_counts_only_accounts_in_it(engine, data):
    """Important accounts a1, a2, a6: (90+80+58+100)/4 = 82 vs 87.5, CSAT 3/4, net score 2/4 - 1/4."""
    got = run(engine, sat.satisfaction_headline, NATIONAL, categories=("important",))
    assert got["index"] == pytest.approx(82.0)
    assert got["index_year_earlier"] == pytest.approx(87.5)
    assert got["change_points"] == pytest.approx(-5.5)
    assert (got["surveys"], got["surveys_year_earlier"]) == (4, 4)
    assert got["csat_pct"] == pytest.approx(75.0)
    assert got["nps"] == pytest.approx(25.0)


# -- trend and distribution -----------------------------------------------------------------------


def test_monthly_index_has_both_lines_and_the_change_per_month(engine, data):
    """Jan 85 vs 80, Feb 50 vs 90, Mar 47.5 vs none, Apr 58 vs 95, May 100 vs 85, Jun 70 vs none."""
    got = run(engine, sat.monthly_index, NATIONAL)
    assert list(got["month"].dt.month) == [1, 2, 3, 4, 5, 6]
    assert got["index"].tolist() == pytest.approx([85, 50, 47.5, 58, 100, 70])
    assert got["surveys"].tolist() == [2, 1, 2, 1, 1, 1]
    assert got["index_year_earlier"].tolist() == pytest.approx([80, 90, math.nan, 95, 85, math.nan], nan_ok=True)
    assert got["surveys_year_earlier"].tolist() == [1, 1, 0, 1, 1, 0]
    assert got["change_points"].tolist() == pytest.approx([5, -40, math.nan, -37, 15, math.nan], nan_ok=True)


def test_monthly_index_cuts_the_first_and_last_month_to_the_period(engine, data):
    """2024-01-15..2024-03-04: January holds only the 01-20 survey, March only 03-01; same cut a year earlier."""
    period = Period(dt.date(2024, 1, 15), dt.date(2024, 3, 5))
    got = run(engine, sat.monthly_index, NATIONAL, period=period)
    assert got["index"].tolist() == pytest.approx([80, 50, 55])
    assert got["index_year_earlier"].tolist() == pytest.approx([math.nan, 90, math.nan], nan_ok=True)


def test_monthly_index_in_a_team_leads_scope(engine, data):
    """Alpha only: Jan 85 vs 80, Feb 50 vs 90, Mar 55, Apr and May empty, Jun 70."""
    got = run(engine, sat.monthly_index, scope("lead_alpha", data))
    assert got["index"].tolist() == pytest.approx([85, 50, 55, math.nan, math.nan, 70], nan_ok=True)
    assert got["surveys"].tolist() == [2, 1, 1, 0, 0, 1]
    assert got["change_points"].tolist() == pytest.approx([5, -40] + [math.nan] * 4, nan_ok=True)


def test_distribution_counts_scores_in_five_point_bins(engine, data):
    """40, 50, 55+58, 70, 80, 90 and 100 (in the last bin, 95–100); all 20 bins listed."""
    got = run(engine, sat.score_distribution, NATIONAL)
    assert len(got) == 20 and got["bin_start"].tolist() == list(range(0, 100, 5))
    counts = {b: n for b, n in zip(got["bin_start"], got["surveys"], strict=True) if n}
    assert counts == {40: 1, 50: 1, 55: 2, 70: 1, 80: 1, 90: 1, 95: 1}
    assert got["share_pct"].sum() == pytest.approx(100)


def test_distribution_in_an_account_managers_scope(engine, data):
    """am_c (a5, a6): 40, 58 and 100."""
    got = run(engine, sat.score_distribution, scope("am_c", data))
    assert {b: n for b, n in zip(got["bin_start"], got["surveys"], strict=True) if n} == {40: 1, 55: 1, 95: 1}


# -- by dimension and region ----------------------------------------------------------------------


def test_dimension_means_now_and_a_year_earlier(engine, data):
    """Seven answers per dimension now (the 03-01 survey left them blank), four a year earlier."""
    got = run(engine, sat.dimension_means, NATIONAL).set_index("dimension")
    now = {
        "network": 480 / 7,
        "service": 500 / 7,
        "billing": 460 / 7,
        "account_manager": 500 / 7,
        "after_sales": 460 / 7,
    }
    then = {"network": 88.75, "service": 88.75, "billing": 83.75, "account_manager": 88.75, "after_sales": 88.75}
    for dim in now:
        assert got.at[dim, "mean"] == pytest.approx(now[dim])
        assert got.at[dim, "mean_year_earlier"] == pytest.approx(then[dim])
        assert got.at[dim, "change_points"] == pytest.approx(now[dim] - then[dim])
    assert set(got["responses"]) == {7} and set(got["responses_year_earlier"]) == {4}


def test_dimension_means_in_a_city_leads_scope(engine, data):
    """City A1 (a1, a2): billing (90+60)/2 = 75 vs (80+90)/2 = 85."""
    got = run(engine, sat.dimension_means, scope("lead_a1", data)).set_index("dimension")
    assert got.at["billing", "mean"] == pytest.approx(75)
    assert got.at["billing", "change_points"] == pytest.approx(-10)
    assert got.at["network", "change_points"] == pytest.approx(0)


def test_regions_are_provinces_sorted_by_the_largest_fall(engine, data):
    """Nationally: Beta 66 vs 90 (-24) comes before Alpha 69 vs 85 (-16)."""
    got = run(engine, sat.region_index, NATIONAL)
    assert got["name_en"].tolist() == ["Beta", "Alpha"]
    assert got["index"].tolist() == pytest.approx([66, 69])
    assert got["index_year_earlier"].tolist() == pytest.approx([90, 85])
    assert got["change_points"].tolist() == pytest.approx([-24, -16])
    assert got["surveys"].tolist() == [3, 5]


def test_the_largest_fall_names_the_region_and_the_dimension_that_fell_most(engine, data):
    """Beta fell most; there after-sales fell most: (40+30+100)/3 vs 92.5."""
    fall = sat.largest_fall(run(engine, sat.region_index, NATIONAL))
    assert fall is not None
    assert (fall["name_en"], fall["dimension"]) == ("Beta", "after_sales")
    assert fall["change_points"] == pytest.approx(-24)
    assert fall["dimension_change"] == pytest.approx(170 / 3 - 92.5)


def test_regions_of_a_province_are_cities_and_those_without_a_year_earlier_come_last(engine, data):
    """Alpha's lead sees cities: A1 85 vs 85 (no change), then A2 (no surveys a year earlier); nothing fell."""
    got = run(engine, sat.region_index, scope("lead_alpha", data))
    assert got["name_en"].tolist() == ["A1", "A2"]
    assert got["change_points"].tolist() == pytest.approx([0, math.nan], nan_ok=True)
    assert got["index"].tolist() == pytest.approx([85, 175 / 3])
    assert sat.largest_fall(got) is None


def test_a_picked_province_is_shown_by_city(engine, data):
    """Narrowed to Beta, the only city is B1 with Beta's figures."""
    got = run(engine, sat.region_index, Scope("province", province_id=data["BETA"]))
    assert got["name_en"].tolist() == ["B1"]
    assert got["change_points"].tolist() == pytest.approx([-24])


def test_largest_fall_skips_regions_without_a_year_earlier_figure():
    """A region with no change figure is never named, even when its index is low."""
    frame = pd.DataFrame(
        {
            "region_id": [1, 2],
            "name_en": ["X", "Y"],
            "name_zh": ["X", "Y"],
            "change_points": [math.nan, -1.0],
            **{f"change_{d}": [math.nan, -2.0 if d == "billing" else 1.0] for d in sat.SURVEY_DIMENSIONS},
        }
    )
    fall = sat.largest_fall(frame)
    assert fall is not None and (fall["name_en"], fall["dimension"]) == ("Y", "billing")


# -- by category, intersection and manager --------------------------------------------------------


def test_index_per_category_counts_an_account_in_each_of_its_categories(engine, data):
    """Important a1, a2, a6; high-value a1, a3, a6; group a3, a6; strategic a3, a5, a6."""
    got = run(engine, sat.group_index, NATIONAL)["categories"].set_index("category")
    assert got["index"].to_dict() == pytest.approx(
        {"important": 82, "high_value": 70.6, "group": 65.75, "strategic": 60.6}
    )
    assert got["surveys"].to_dict() == {"important": 4, "high_value": 5, "group": 4, "strategic": 5}
    assert got["index_year_earlier"].to_dict() == pytest.approx(
        {"important": 87.5, "high_value": 260 / 3, "group": 90, "strategic": 90}
    )


def test_index_per_exclusive_intersection(engine, data):
    """Masks: a1 (I+H) 90, a2 (I) 80, a6 (all four) 79, a4 (none) 70, a3 (H+G+S) 52.5, a5 (S) 40."""
    got = run(engine, sat.group_index, NATIONAL)["intersections"]
    assert got["mask"].tolist() == [3, 1, 15, 0, 14, 8]
    assert got["index"].tolist() == pytest.approx([90, 80, 79, 70, 52.5, 40])
    assert got["change_points"].tolist() == pytest.approx([10, -10, -11, math.nan, math.nan, math.nan], nan_ok=True)
    assert got["premium"].tolist() == [True, False, True, False, True, False]
    assert got.loc[0, "categories"] == ("important", "high_value")


def test_category_index_in_an_account_managers_scope(engine, data):
    """am_a's a1 and a2 only: important (90+80)/2, high-value 90; no group or strategic rows."""
    got = run(engine, sat.group_index, scope("am_a", data))
    assert got["categories"].set_index("category")["index"].to_dict() == pytest.approx(
        {"important": 85, "high_value": 90}
    )
    assert got["intersections"]["mask"].tolist() == [3, 1]


def test_managers_below_the_minimum_number_of_surveys_are_left_out(engine, data):
    """am_a has 2 surveys, am_b and am_c 3: at least 3 keeps am_c (66) then am_b (58.3)."""
    got = run(engine, sat.group_index, NATIONAL, min_surveys=3)["managers"]
    assert got["manager"].tolist() == ["am_c", "am_b"]
    assert got["index"].tolist() == pytest.approx([66, 175 / 3])
    assert got["change_points"].tolist() == pytest.approx([-24, math.nan], nan_ok=True)
    assert got["surveys"].tolist() == [3, 3]


def test_managers_are_ranked_by_index_with_a_lower_minimum(engine, data):
    """At least 2 surveys: am_a 85 (no change), am_c 66, am_b 58.3; at least 5 (the default): nobody."""
    got = run(engine, sat.group_index, NATIONAL, min_surveys=2)["managers"]
    assert got["manager"].tolist() == ["am_a", "am_c", "am_b"]
    assert got["change_points"].tolist()[0] == pytest.approx(0)
    assert run(engine, sat.group_index, NATIONAL)["managers"].empty


def test_a_team_lead_ranks_only_managers_of_their_province(engine, data):
    """Alpha's lead never sees am_c (Beta)."""
    got = run(engine, sat.group_index, scope("lead_alpha", data), min_surveys=1)["managers"]
    assert got["manager"].tolist() == ["am_a", "am_b"]


# -- verbatims ------------------------------------------------------------------------------------


def test_verbatims_list_comments_notes_and_descriptions_latest_first(engine, data):
    """Seven survey comments, three revisit notes and four complaints in the period, newest first."""
    got = run(engine, sat.verbatims, NATIONAL)
    assert len(got) == 14
    assert got["day"].tolist() == sorted(got["day"], reverse=True)
    assert got["origin"].value_counts().to_dict() == {"survey": 7, "complaint": 4, "revisit": 3}
    first = got.iloc[0]
    assert (first["day"], first["origin"], first["text"], first["score"]) == (
        dt.date(2024, 6, 30),
        "survey",
        "Average",
        70,
    )
    assert "after the period" not in got["text"].tolist() and "before the period" not in got["text"].tolist()


def test_verbatims_are_limited_in_sql(engine, data):
    """With a limit of 3 only the three latest rows come back."""
    got = run(engine, sat.verbatims, NATIONAL, limit=3)
    assert got["day"].tolist() == [dt.date(2024, 6, 30), dt.date(2024, 6, 1), dt.date(2024, 4, 2)]


SEARCH_CASES = [  # search text, the texts it must find (newest first)
    ("100%", ["Billing was 100% wrong"]),  # not "1000 lines down": % is literal
    ("_resp", ["slow_response from support"]),  # _ is literal
    ("\\kam", [fx.BACKSLASH_TEXT]),
    ("billing", ["Billing error again", "Billing was 100% wrong"]),  # case-insensitive
    (fx.SQL_TEXT, [fx.SQL_TEXT]),
    ("<script>", [fx.HTML_TEXT]),
    ("' OR '1'='1", []),
]


def test_verbatim_search_matches_literally_and_returns_text_unchanged(engine, data, subtests):
    """Search is a bound LIKE with wildcards escaped; SQL- and HTML-looking text comes back exactly."""
    for search, texts in SEARCH_CASES:
        with subtests.test(search=search):
            assert run(engine, sat.verbatims, NATIONAL, search=search)["text"].tolist() == texts
    with engine.connect() as conn:  # the SQL-looking text dropped nothing
        assert conn.scalar(select(func.count()).select_from(Survey)) == len(fx.SURVEYS) + 9


def test_verbatim_search_also_matches_the_account(engine, data):
    """Searching an account's code finds its rows whatever the text."""
    got = run(engine, sat.verbatims, NATIONAL, search="a6")
    assert set(got["account_code"]) == {"a6"}
    assert sorted(got["text"]) == ["Routine visit", "Slow repair", "slow_response from support"]


# -- low-score follow-up --------------------------------------------------------------------------


def test_low_score_follow_up_counts_a_revisit_or_resolution_within_seven_days(engine, data):
    """Four scores below 60; followed up: revisit on day 7 (a3 02-05), resolution on day 7 at 23:00 (a6 04-01).

    Not followed up: a3 03-01 (revisit and resolution on day 8), a5 03-10 (revisit of another account the
    next day, its own complaint resolved on day 8).
    """
    got = run(engine, sat.low_score_follow_up, NATIONAL)
    assert (got["low_scores"], got["followed_up"]) == (4, 2)
    assert got["rate_pct"] == pytest.approx(50)
    missed = got["not_followed"]
    assert missed["account_code"].tolist() == ["a5", "a3"]
    assert missed["day"].tolist() == [dt.date(2024, 3, 10), dt.date(2024, 3, 1)]
    assert missed["score"].tolist() == [40, 55]
    assert missed["manager"].tolist() == ["am_c", "am_b"]


FOLLOW_UP_CASES = [  # username, low scores, followed up, accounts not followed up
    ("lead_alpha", 2, 1, ["a3"]),
    ("am_c", 2, 1, ["a5"]),
    ("am_b", 2, 1, ["a3"]),
    ("lead_a1", 0, 0, []),
]


def test_low_score_follow_up_in_each_scope(engine, data, subtests):
    """Each scope counts only its own low scores and lists only its own accounts."""
    for username, low, followed, missed in FOLLOW_UP_CASES:
        with subtests.test(username=username):
            got = run(engine, sat.low_score_follow_up, scope(username, data))
            assert (got["low_scores"], got["followed_up"]) == (low, followed)
            assert got["rate_pct"] == (pytest.approx(100 * followed / low) if low else None)
            assert got["not_followed"]["account_code"].tolist() == missed


def test_low_score_follow_up_list_is_limited(engine, data):
    """A limit of 1 keeps the latest not-followed-up score only; the counts are unaffected."""
    got = run(engine, sat.low_score_follow_up, NATIONAL, limit=1)
    assert got["not_followed"]["account_code"].tolist() == ["a5"]
    assert got["low_scores"] == 4


# -- scope: every read, for a team lead and an account manager ------------------------------------

ALPHA_ACCOUNTS = {"a1", "a2", "a3", "a4", "a7"}
AM_A_ACCOUNTS = {"a1", "a2", "a7"}


def test_a_team_lead_never_sees_another_province_in_any_read(engine, data):
    """Every read for Alpha's lead equals the same read with everything outside Alpha left out."""
    lead = scope("lead_alpha", data)
    headline = run(engine, sat.satisfaction_headline, lead)
    assert headline["surveys"] == 5 and headline["surveys_year_earlier"] == 2
    assert run(engine, sat.score_distribution, lead)["surveys"].sum() == 5
    assert run(engine, sat.monthly_index, lead)["surveys_year_earlier"].sum() == 2
    assert set(run(engine, sat.dimension_means, lead)["responses"]) == {4}  # a3's 03-01 answers are blank
    assert set(run(engine, sat.region_index, lead)["name_en"]) <= {"A1", "A2"}
    assert run(engine, sat.group_index, lead)["intersections"]["surveys"].sum() == 5
    assert set(run(engine, sat.group_index, lead, min_surveys=1)["managers"]["manager"]) <= {"am_a", "am_b"}
    assert set(run(engine, sat.verbatims, lead)["account_code"]) <= ALPHA_ACCOUNTS
    assert set(run(engine, sat.low_score_follow_up, lead)["not_followed"]["account_code"]) <= ALPHA_ACCOUNTS


def test_an_account_manager_never_sees_another_managers_accounts_in_any_read(engine, data):
    """am_a's reads hold a1 and a2 (a7 has no survey), never a3..a6 of other managers."""
    own = scope("am_a", data)
    headline = run(engine, sat.satisfaction_headline, own)
    assert (headline["surveys"], headline["index"]) == (2, pytest.approx(85))
    assert run(engine, sat.score_distribution, own)["surveys"].sum() == 2
    assert run(engine, sat.monthly_index, own)["surveys"].sum() == 2
    assert set(run(engine, sat.dimension_means, own)["responses"]) == {2}
    assert run(engine, sat.region_index, own)["name_en"].tolist() == ["A1"]
    assert run(engine, sat.group_index, own)["intersections"]["surveys"].sum() == 2
    assert run(engine, sat.group_index, own, min_surveys=1)["managers"]["manager"].tolist() == ["am_a"]
    assert set(run(engine, sat.verbatims, own)["account_code"]) == {"a1", "a2"}
    follow_up = run(engine, sat.low_score_follow_up, own)
    assert follow_up["low_scores"] == 0 and follow_up["not_followed"].empty


def test_a_region_outside_the_scope_reads_nothing(engine, data):
    """The NOTHING scope (a region outside the user's) returns empty results from every read."""
    nothing = Scope("none")
    assert run(engine, sat.satisfaction_headline, nothing)["surveys"] == 0
    assert run(engine, sat.score_distribution, nothing)["surveys"].sum() == 0
    assert run(engine, sat.monthly_index, nothing)["surveys"].sum() == 0
    assert run(engine, sat.dimension_means, nothing)["responses"].sum() == 0
    assert run(engine, sat.region_index, nothing).empty
    assert run(engine, sat.group_index, nothing)["intersections"].empty
    assert run(engine, sat.group_index, nothing, min_surveys=0)["managers"].empty
    assert run(engine, sat.verbatims, nothing).empty
    assert run(engine, sat.low_score_follow_up, nothing)["low_scores"] == 0
