"""The Overview's figures on the hand-made data set, against numbers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.access import NATIONAL, Scope
from lib.domain import category_mask
from lib.periods import Period
from lib.queries import overview
from tests import handmade
from tests.test_access import scope_of

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 11, 1))


@pytest.fixture
def data(engine):
    return handmade.build(engine)


def combos(engine, scope, day):
    with engine.connect() as conn:
        frame = overview.category_combinations(conn, scope, day)
    return dict(zip(frame["mask"], frame["accounts"], strict=True))


def test_combinations_are_the_exact_category_sets_at_the_end_of_the_period(engine, data):
    """a1=I+H, a2=I, a3=G+S+H, a5=S, a6=all four; a7's high-value stretch ended in March."""
    expected = {
        category_mask(s): 1
        for s in (
            ["important", "high_value"],
            ["important"],
            ["group", "strategic", "high_value"],
            ["strategic"],
            ["important", "high_value", "group", "strategic"],
        )
    }
    assert combos(engine, NATIONAL, PERIOD.last_day) == expected


def test_summary_counts_key_accounts_premium_and_each_category(engine, data):
    """Five key accounts, three premium (two or more categories), category sizes overlap."""
    with engine.connect() as conn:
        summary = overview.summarise_categories(overview.category_combinations(conn, NATIONAL, PERIOD.last_day))
    assert summary == {"key_accounts": 5, "premium": 3, "important": 3, "high_value": 3, "group": 2, "strategic": 3}


def test_combinations_respect_designation_history(engine, data):
    """On 2025-05-31 a3 was not yet high-value and a7 still was."""
    day = dt.date(2025, 5, 31)
    got = combos(engine, NATIONAL, day)
    assert got[category_mask(["group", "strategic"])] == 1
    assert got[category_mask(["important", "high_value"])] == 1  # a1
    assert got[category_mask(["high_value"])] == 1  # a7
    assert sum(got.values()) == 6


def test_team_lead_combinations_cover_only_their_province(engine, data):
    """The Alpha lead sees a1, a2 and a3 among the key accounts, not Beta's a5 and a6."""
    with engine.connect() as conn:
        summary = overview.summarise_categories(
            overview.category_combinations(conn, scope_of("lead_alpha", data), PERIOD.last_day)
        )
    assert (summary["key_accounts"], summary["premium"]) == (3, 2)


@pytest.mark.parametrize(
    ("username", "index", "earlier", "n", "n_earlier"),
    [
        ("exec", (90 + 80 + 70 + 60 + 100) / 5, (85 + 65 + 55) / 3, 5, 3),
        ("lead_alpha", (90 + 80 + 70) / 3, (85 + 65) / 2, 3, 2),
        ("am_a", 85.0, 85.0, 2, 1),
    ],
)
def test_satisfaction_index_and_year_on_year_change_in_points(engine, data, username, index, earlier, n, n_earlier):
    """The index is the mean score in the period; the change is the difference in points with a year earlier."""
    scope = NATIONAL if username == "exec" else scope_of(username, data)
    with engine.connect() as conn:
        got = overview.satisfaction_year_on_year(conn, scope, PERIOD)
    assert got["index"] == pytest.approx(index)
    assert got["index_year_earlier"] == pytest.approx(earlier)
    assert got["change_points"] == pytest.approx(index - earlier)
    assert (got["surveys"], got["surveys_year_earlier"]) == (n, n_earlier)


def test_satisfaction_without_surveys_is_none_not_zero(engine, data):
    """A scope with no surveys has no index, rather than an index of 0."""
    with engine.connect() as conn:
        got = overview.satisfaction_year_on_year(
            conn, Scope("city", data["ALPHA"], data["A2"]), Period(dt.date(2020, 1, 1), dt.date(2020, 2, 1))
        )
    assert got["index"] is None and got["change_points"] is None and got["surveys"] == 0


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("exec", {"opened": 2, "closed": 2, "open_at_end": 1}),
        ("lead_alpha", {"opened": 2, "closed": 1, "open_at_end": 1}),
        ("am_c", {"opened": 0, "closed": 1, "open_at_end": 0}),
    ],
)
def test_order_counts_opened_closed_and_open_at_end(engine, data, username, expected):
    """o1 and o2 opened in the period; o1 and o3 closed in it; o2 is still open at its end."""
    scope = NATIONAL if username == "exec" else scope_of(username, data)
    with engine.connect() as conn:
        assert overview.order_counts(conn, scope, PERIOD) == expected


def test_complaint_counts_treat_a_resolution_after_the_period_as_open(engine, data):
    """c3 was resolved after the period ended, so at its end it was open, like c2."""
    with engine.connect() as conn:
        assert overview.complaint_counts(conn, NATIONAL, PERIOD) == {"received": 3, "resolved": 1, "open_at_end": 2}
