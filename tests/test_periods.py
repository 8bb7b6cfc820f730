"""Periods: comparison periods and the default window."""

import datetime as dt

import pytest

from lib.periods import Period, add_months, default_period

D = dt.date


def test_previous_period_has_the_same_length_and_ends_where_this_one_starts():
    """[Mar 1, Apr 1) is compared with the 31 days before it."""
    assert Period(D(2026, 3, 1), D(2026, 4, 1)).previous() == Period(D(2026, 1, 29), D(2026, 3, 1))


def test_year_earlier_moves_29_february_to_28_february():
    """A period starting on a leap day is compared with 28 February a year before."""
    assert Period(D(2028, 2, 29), D(2028, 3, 10)).year_earlier() == Period(D(2027, 2, 28), D(2027, 3, 10))


def test_default_period_is_the_twelve_months_up_to_the_latest_month():
    """Data up to 31 October 2026 gives November 2025 to October 2026."""
    assert default_period(D(2026, 10, 31)) == Period(D(2025, 11, 1), D(2026, 11, 1))
    assert default_period(D(2026, 11, 23)) == Period(D(2025, 12, 1), D(2026, 12, 1))


def test_add_months_crosses_years():
    """Month arithmetic wraps around the year in both directions."""
    assert add_months(D(2026, 11, 23), 2) == D(2027, 1, 1)
    assert add_months(D(2026, 1, 31), -1) == D(2025, 12, 1)


def test_an_empty_or_reversed_period_is_refused():
    """A period must end after it starts."""
    with pytest.raises(ValueError):
        Period(D(2026, 1, 1), D(2026, 1, 1))
