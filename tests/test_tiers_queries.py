"""The Tiers page's reads on the hand-made data set (tests/fixture_tiers.py), against figures worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from lib.access import NATIONAL
from lib.domain import category_mask
from lib.periods import Period, add_months
from lib.queries import overview, tiers
from tests import fixture_tiers
from tests.test_access import scope_of

PERIOD = fixture_tiers.PERIOD
DAY = PERIOD.last_day
IM, HV, G, S = (category_mask([c]) for c in ("important", "high_value", "group", "strategic"))


@pytest.fixture
def data(engine):
    return fixture_tiers.build(engine)


def read(engine, fn, scope, **filters):
    with engine.connect() as conn:
        return fn(conn, scope, **filters)


def scope(username, data):
    return NATIONAL if username == "exec" else scope_of(username, data)


# -- intersections --------------------------------------------------------------------------------


def test_all_fifteen_intersections_are_listed_with_zero_for_the_empty_ones(engine, data):
    """Every non-empty set of categories has a row, in mask order, even with no accounts in it."""
    got = read(engine, tiers.intersections, NATIONAL, period=PERIOD)
    assert got["mask"].tolist() == list(range(1, 16))
    assert dict(zip(got["mask"], got["accounts"], strict=True)) == {
        m: {IM: 1, IM | HV: 1, S: 2, HV | G | S: 1, 15: 1}.get(m, 0) for m in range(1, 16)
    }


def test_intersections_add_up_to_the_key_accounts_and_premium_is_two_or_more_categories(engine, data):
    """The 15 exclusive intersections sum to the union; those of degree >= 2 sum to the premium count."""
    got = read(engine, tiers.intersections, NATIONAL, period=PERIOD)
    summary = overview.summarise_categories(read(engine, overview.category_combinations, NATIONAL, day=DAY))
    assert got["accounts"].sum() == summary["key_accounts"] == 6  # a1, a2, a3, a5, a6, a9
    assert got.loc[got["premium"], "accounts"].sum() == summary["premium"] == 3  # a1, a3, a6
    assert (got["premium"] == (got["degree"] >= 2)).all()


def test_intersection_attributes_are_revenue_index_and_on_time_rate_of_their_accounts(engine, data):
    """Revenue = 12 months of spend; index = mean score in the period; on-time = within target / ended."""
    got = read(engine, tiers.intersections, NATIONAL, period=PERIOD).set_index("mask")
    expected = {  # mask: revenue, surveys, index, ended, on time
        IM: (12 * 2000, 0, None, 0, 0),  # a2: no surveys, no stage ended in the period
        IM | HV: (12 * 3000, 2, (90 + 80) / 2, 3, 2),  # a1: o1 on time, on time (exactly at target), late
        S: (12 * 1000 + 12 * 2000, 1, 60.0, 1, 1),  # a5 and a9; o3's interval ending at the period's first instant
        HV | G | S: (12 * 5000, 1, 70.0, 1, 0),  # a3: o2 received late, its open stage not counted
        15: (12 * 4000, 1, 100.0, 1, 1),  # a6: the 0 score and the interval ending on 2026-11-01 fall outside
    }
    for mask, (revenue, surveys, index, ended, on_time) in expected.items():
        row = got.loc[mask]
        assert row["revenue"] == pytest.approx(revenue)
        assert row["surveys"] == surveys
        satisfaction = row["satisfaction_index"]
        assert pd.isna(satisfaction) if index is None else satisfaction == pytest.approx(index)
        assert (row["stages_ended"], row["stages_on_time"]) == (ended, on_time)
        assert pd.isna(row["on_time_rate"]) if not ended else row["on_time_rate"] == pytest.approx(on_time / ended)
    empty = got.drop(index=list(expected))
    assert (empty["revenue"] == 0).all() and empty["satisfaction_index"].isna().all()
    assert empty["on_time_rate"].isna().all()


def test_on_time_rate_over_a_short_period_counts_only_its_own_intervals(engine, data):
    """January 2026 (a short period, read through the index): o1's first two stages for a1, o6's for a7."""
    got = read(engine, tiers.intersections, NATIONAL, period=Period(dt.date(2026, 1, 1), dt.date(2026, 2, 1)))
    ended = {m: (e, ok) for m, e, ok in zip(got["mask"], got["stages_ended"], got["stages_on_time"], strict=True) if e}
    assert ended == {IM | HV: (2, 2), HV: (1, 1)}  # a7 was still high-value on 31 January


def test_intersections_follow_the_designations_open_on_the_last_day(engine, data):
    """On 2026-02-28 a7 was still high-value and a9 not yet strategic."""
    got = read(engine, tiers.intersections, NATIONAL, period=Period(dt.date(2026, 2, 1), dt.date(2026, 3, 1)))
    counts = dict(zip(got["mask"], got["accounts"], strict=True))
    assert counts[HV] == 1 and counts[S] == 1 and got["accounts"].sum() == 6


INTERSECTIONS_IN_SCOPE = {
    "lead_alpha": {IM: 1, IM | HV: 1, S: 1, HV | G | S: 1},  # a2, a1, a9, a3; not Beta's a5, a6
    "lead_a1": {IM: 1, IM | HV: 1},
    "am_a": {IM: 1, IM | HV: 1},
    "am_c": {S: 1, 15: 1},
}


def test_intersections_count_only_accounts_in_scope(engine, data):
    """A team lead sees their province (or city), an account manager their own accounts."""
    for username, expected in INTERSECTIONS_IN_SCOPE.items():
        got = read(engine, tiers.intersections, scope(username, data), period=PERIOD)
        assert {m: n for m, n in zip(got["mask"], got["accounts"], strict=True) if n} == expected, username


def test_team_lead_intersection_attributes_leave_out_other_provinces(engine, data):
    """Alpha's strategic-only intersection is a9 alone: its revenue, and no survey or stage of Beta's a5."""
    got = read(engine, tiers.intersections, scope("lead_alpha", data), period=PERIOD).set_index("mask")
    assert got.loc[S, "revenue"] == pytest.approx(12 * 2000)
    assert got.loc[S, "surveys"] == 0 and got.loc[S, "stages_ended"] == 0


# -- the account list under the chart ------------------------------------------------------------


CHOICES = [  # combo, category filter, accounts listed (largest spend in the period first)
    ("", (), ["a3", "a6", "a1", "a2", "a9", "a5"]),
    (str(S), (), ["a9", "a5"]),
    (str(IM | HV), (), ["a1"]),
    (str(IM | G), (), []),
    ("strategic", (), ["a3", "a6", "a9", "a5"]),
    ("", ("important",), ["a6", "a1", "a2"]),
    (str(S), ("important",), []),
    ("high_value", ("group", "important"), ["a3", "a6", "a1"]),
]


def test_intersection_accounts_are_exactly_the_chosen_combination(engine, data):
    """An exact intersection, a whole category or all key accounts, narrowed by the category filter."""
    for combo, categories, codes in CHOICES:
        rows, total = read(
            engine, tiers.intersection_accounts, NATIONAL, period=PERIOD, combo=combo, categories=categories
        )
        assert (rows["code"].tolist(), total) == (codes, len(codes)), (combo, categories)
        assert not combo.isdigit() or (rows["mask"] == int(combo)).all()


def test_intersection_accounts_show_spend_in_the_period_and_count_beyond_the_limit(engine, data):
    """Spend sums the months starting in the period; the limit cuts rows but not the total."""
    rows, total = read(engine, tiers.intersection_accounts, NATIONAL, period=PERIOD, combo="strategic", limit=2)
    assert rows["code"].tolist() == ["a3", "a6"] and total == 4
    assert rows["spend"].tolist() == pytest.approx([12 * 5000, 12 * 4000])
    assert rows.loc[0, ["province_en", "city_en", "manager"]].tolist() == ["Alpha", "A2", "am_b"]


def test_an_unknown_intersection_code_is_refused():
    """Only masks 1..15 and category codes are valid."""
    mask = tiers.DES.c.id  # any integer column
    for combo in ("16", "0", "premium", "1 OR 1=1"):
        with pytest.raises(ValueError):
            tiers.combo_condition(mask, combo)


ACCOUNTS_IN_SCOPE = {
    "lead_alpha": {"a1", "a2", "a3", "a9"},
    "lead_a1": {"a1", "a2"},
    "am_b": {"a3", "a9"},
    "am_c": {"a5", "a6"},
}


def test_intersection_accounts_stay_in_scope(engine, data):
    """No row of another province, city or manager, whatever the selection."""
    for username, codes in ACCOUNTS_IN_SCOPE.items():
        for combo in ("", "strategic", str(S)):
            rows, total = read(engine, tiers.intersection_accounts, scope(username, data), period=PERIOD, combo=combo)
            assert set(rows["code"]) <= codes and total == len(rows), (username, combo)
        rows, _ = read(engine, tiers.intersection_accounts, scope(username, data), period=PERIOD)
        assert set(rows["code"]) == codes, username


# -- distribution -------------------------------------------------------------------------------


def distribution(engine, scope_, by, categories=()):
    frame = read(engine, tiers.key_account_distribution, scope_, day=DAY, by=by, categories=categories)
    return {
        (name, bool(p)): n for name, p, n in zip(frame["name_en"], frame["premium"], frame["accounts"], strict=True)
    }


def test_distribution_by_province_and_industry_splits_premium(engine, data):
    """Alpha: a1, a3 premium, a2, a9 not; Beta: a6 premium, a5 not; a9 is the only energy account; a3 and a6
    are the group accounts."""
    assert distribution(engine, NATIONAL, "province") == {
        ("Alpha", False): 2,
        ("Alpha", True): 2,
        ("Beta", False): 1,
        ("Beta", True): 1,
    }
    assert distribution(engine, NATIONAL, "industry") == {
        ("energy", False): 1,
        ("finance", False): 2,
        ("finance", True): 3,
    }
    # the category filter keeps accounts in any of the chosen categories
    assert distribution(engine, NATIONAL, "province", ("group",)) == {("Alpha", True): 1, ("Beta", True): 1}


DISTRIBUTION_IN_SCOPE = [
    ("lead_alpha", "city", {("A1", False): 1, ("A1", True): 1, ("A2", False): 1, ("A2", True): 1}),
    ("lead_alpha", "province", {("Alpha", False): 2, ("Alpha", True): 2}),
    ("lead_a1", "manager", {("am_a", False): 1, ("am_a", True): 1}),
    ("am_c", "manager", {("am_c", False): 1, ("am_c", True): 1}),
]


def test_distribution_stays_in_scope(engine, data):
    """A lead sees only their province's cities, a manager only their own accounts."""
    for username, by, expected in DISTRIBUTION_IN_SCOPE:
        assert distribution(engine, scope(username, data), by) == expected, (username, by)


# -- threshold what-if ----------------------------------------------------------------------------


def test_the_threshold_in_force_is_the_latest_setting_on_that_day(engine, data):
    """2,500 until 2026-05-31, 3,000 from 2026-06-01."""
    assert read(engine, tiers.threshold_in_force, NATIONAL, day=dt.date(2026, 5, 31)) == 2500
    assert read(engine, tiers.threshold_in_force, NATIONAL, day=dt.date(2026, 6, 1)) == 3000


def test_without_a_threshold_setting_the_default_applies(engine):
    """An empty settings table means the default of 3,000."""
    assert read(engine, tiers.threshold_in_force, NATIONAL, day=DAY) == 3000


def what_if(engine, scope_, threshold):
    got = read(engine, tiers.threshold_what_if, scope_, period=PERIOD, threshold=threshold)
    return {
        k: tuple(got[f"{k}_{p}"] for p in ("now", "what_if", "enter", "leave"))
        for k in ("high_value", "premium", "key_accounts")
    }


WHAT_IF = {  # threshold: (now, what if, enter, leave) of high-value, premium and key accounts
    # now: high-value a1 (exactly 3,000), a3, a6; premium a1, a3, a6
    3000: {"high_value": (3, 3, 0, 0), "premium": (3, 3, 0, 0), "key_accounts": (6, 6, 0, 0)},
    # a4 spends exactly 2,500: it enters high-value and becomes a key account (one category, not premium)
    2500: {"high_value": (3, 4, 1, 0), "premium": (3, 3, 0, 0), "key_accounts": (6, 7, 1, 0)},
    # a2, a4, a7, a8 (2,099.99), a9 enter; a2 and a9 become premium; a4, a7, a8 become key accounts
    2000: {"high_value": (3, 8, 5, 0), "premium": (3, 5, 2, 0), "key_accounts": (6, 9, 3, 0)},
    # a1 leaves high-value and so premium, but stays a key account (important)
    3100: {"high_value": (3, 2, 0, 1), "premium": (3, 2, 0, 1), "key_accounts": (6, 6, 0, 0)},
}


def test_what_if_counts_who_enters_and_leaves_at_another_threshold(engine, data):
    """Worked out by hand from the trailing averages and the designated categories on 2026-10-31."""
    for threshold, expected in WHAT_IF.items():
        assert what_if(engine, NATIONAL, threshold) == expected, threshold
    got = read(engine, tiers.threshold_what_if, NATIONAL, period=PERIOD, threshold=2000)
    assert (got["threshold_now"], got["threshold"]) == (3000, 2000)  # the one in force on the last day


def test_what_if_stays_in_scope(engine, data):
    """At 2,000: Alpha has a1, a3 now and a2, a4, a7, a9 entering; am_c a6, then a8; am_a a1, then a2, a7."""
    expected = {"lead_alpha": (2, 6, 4, 0), "am_c": (1, 2, 1, 0), "am_a": (1, 3, 2, 0)}
    for username, high_value in expected.items():
        assert what_if(engine, scope(username, data), 2000)["high_value"] == high_value, username


def test_manager_workload_now_and_at_the_what_if_threshold(engine, data):
    """Two key accounts each now; at 2,000 each manager gains one (a7, a4, a8)."""
    frame, stats = read(engine, tiers.manager_workload, NATIONAL, period=PERIOD, threshold=2000)
    assert sorted(zip(frame["manager"], frame["now"], frame["what_if"], frame["change"], strict=True)) == [
        ("am_a", 2, 3, 1),
        ("am_b", 2, 3, 1),
        ("am_c", 2, 3, 1),
    ]
    assert stats == {"managers": 3, "mean_now": 2.0, "mean_what_if": 3.0, "max_now": 2, "max_what_if": 3}


def test_manager_workload_lists_the_busiest_first_and_respects_the_limit(engine, data):
    """At 2,500 only am_b gains a4, so am_b comes first."""
    frame, stats = read(engine, tiers.manager_workload, NATIONAL, period=PERIOD, threshold=2500, limit=1)
    assert frame.to_dict("records") == [{"manager": "am_b", "now": 2, "what_if": 3, "change": 1}]
    assert stats["managers"] == 3 and stats["mean_what_if"] == pytest.approx(7 / 3)
    frame, none_listed = read(engine, tiers.manager_workload, NATIONAL, period=PERIOD, threshold=2500, limit=0)
    assert frame.empty and none_listed == stats  # the summary still covers every manager


def test_manager_workload_stays_in_scope(engine, data):
    """A lead sees the managers of their province only, a manager only themself."""
    for username, managers in {"lead_alpha": {"am_a", "am_b"}, "am_c": {"am_c"}}.items():
        frame, stats = read(engine, tiers.manager_workload, scope(username, data), period=PERIOD, threshold=2000)
        assert set(frame["manager"]) == managers and stats["managers"] == len(managers), username


# -- potential key accounts ------------------------------------------------------------------------


def test_potential_accounts_are_in_no_category_and_at_least_70_percent_of_the_threshold(engine, data):
    """a4 (2,500) and a7 (exactly 2,100 = 70 % of 3,000); a8 (2,099.99) is a cent short; a9 is key."""
    rows, total, threshold = read(engine, tiers.potential_accounts, NATIONAL, period=PERIOD)
    assert rows["code"].tolist() == ["a4", "a7"] and total == 2 and threshold == 3000
    assert rows["avg_spend_3m"].tolist() == pytest.approx([2500, 2100])
    assert rows["share_of_threshold"].tolist() == pytest.approx([2500 / 3000, 0.7])


def test_potential_accounts_use_the_threshold_and_categories_of_the_period_end(engine, data):
    """On 2026-02-28 (threshold 2,500, cut 1,750) a7 is still key and a9 not yet: a4, a8, a9."""
    rows, total, threshold = read(
        engine, tiers.potential_accounts, NATIONAL, period=Period(dt.date(2026, 2, 1), dt.date(2026, 3, 1))
    )
    assert set(rows["code"]) == {"a4", "a8", "a9"} and total == 3 and threshold == 2500


def test_potential_accounts_stay_in_scope(engine, data):
    """A lead sees their province's potential accounts, a manager their own."""
    for username, codes in {"lead_alpha": {"a4", "a7"}, "am_b": {"a4"}, "am_c": set()}.items():
        rows, total, _ = read(engine, tiers.potential_accounts, scope(username, data), period=PERIOD)
        assert set(rows["code"]) == codes and total == len(codes), username


def test_potential_conversion_over_the_period(engine, data):
    """On 2025-10-31 (threshold 2,500) a4, a8 and a9 are potential (a7 is still high-value); a9 converts."""
    expected = {"exec": (3, 1), "lead_alpha": (2, 1), "am_c": (1, 0), "am_a": (0, 0)}
    for username, (potential, converted) in expected.items():
        got = read(engine, tiers.potential_conversion, scope(username, data), period=PERIOD)
        assert (got["potential"], got["converted"]) == (potential, converted), username
        assert got["rate"] == (pytest.approx(converted / potential) if potential else None), username


def test_potential_conversion_by_month_uses_each_month_start(engine, data):
    """Nov-Mar: a4, a8, a9 (a9 converts in March); Apr-Jun: a4, a7, a8; from July (3,000): a4, a7."""
    got = read(engine, tiers.potential_conversion_by_month, NATIONAL, period=PERIOD)
    assert got["start"].tolist() == [add_months(PERIOD.start, i) for i in range(12)]
    assert got["potential"].tolist() == [3, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2]
    assert got["converted"].tolist() == [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert got["rate"].tolist()[4] == pytest.approx(1 / 3) and got["rate"].tolist()[0] == 0


def test_potential_conversion_by_month_stays_in_scope(engine, data):
    """Alpha: a4, a9 then a4, a7; am_c: a8 until the threshold rises; no rate without potential accounts."""
    expected = {
        "lead_alpha": ([2] * 12, [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
        "am_c": ([1] * 8 + [0] * 4, [0] * 12),
    }
    for username, (potential, converted) in expected.items():
        got = read(engine, tiers.potential_conversion_by_month, scope(username, data), period=PERIOD)
        assert got["potential"].tolist() == potential and got["converted"].tolist() == converted, username
        assert got["rate"].isna().tolist() == [p == 0 for p in potential], username


def test_conversion_counts_only_designations_starting_inside_the_window(engine, data):
    """a9's designation starts on 2026-03-15: not in 1-9 March, in 1-15 March."""
    early = read(engine, tiers.potential_conversion, NATIONAL, period=Period(dt.date(2026, 3, 1), dt.date(2026, 3, 10)))
    later = read(engine, tiers.potential_conversion, NATIONAL, period=Period(dt.date(2026, 3, 1), dt.date(2026, 3, 16)))
    assert (early["potential"], early["converted"]) == (3, 0)
    assert (later["potential"], later["converted"]) == (3, 1)


def test_month_windows_cut_the_calendar_months_to_the_period():
    """A period from mid-January to 9 March has three windows."""
    got = tiers.month_windows(Period(dt.date(2026, 1, 15), dt.date(2026, 3, 10)))
    assert got == [
        Period(dt.date(2026, 1, 15), dt.date(2026, 2, 1)),
        Period(dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
        Period(dt.date(2026, 3, 1), dt.date(2026, 3, 10)),
    ]
