"""The Overview's on-time rate, revenue share and revisit compliance, against numbers worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.access import NATIONAL
from lib.periods import Period
from lib.queries import overview
from tests import fixture_overview
from tests.test_access import scope_of

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 11, 1))


@pytest.fixture
def data(engine):
    return fixture_overview.build(engine)


def test_on_time_rate_counts_intervals_that_ended_in_the_period(engine, data):
    """o1's three stages ended in the period, two within target (hold excluded); open and earlier ones do not count."""
    with engine.connect() as conn:
        got = overview.on_time_rate(conn, NATIONAL, PERIOD)
    assert (got["ended"], got["on_time"]) == (3, 2)
    assert got["rate"] == pytest.approx(2 / 3)


def test_on_time_rate_of_a_scope_without_intervals_is_none(engine, data):
    """Beta's orders had no interval ending in the period: no rate rather than 0 %."""
    with engine.connect() as conn:
        got = overview.on_time_rate(conn, scope_of("am_c", data), PERIOD)
    assert got == {"ended": 0, "on_time": 0, "rate": None}


def test_revenue_share_counts_spend_of_accounts_key_in_that_month(engine, data):
    """a1 5000 and a7 4000 (February) are key spend; a7's March 2000 is not (its stretch ended); a4 never is."""
    with engine.connect() as conn:
        got = overview.revenue_share(conn, NATIONAL, PERIOD)
    assert got["total"] == pytest.approx(5000 + 1000 + 4000 + 2000)
    assert got["key"] == pytest.approx(5000 + 4000)
    assert got["share"] == pytest.approx(9000 / 12000)


def test_revisit_compliance_needs_every_due_date_in_the_period_met(engine, data):
    """Due dates in the period: a1 met 2025-12-01 but missed 2026-02-20 and 2026-06-01; a2 missed 2026-05-15;
    a5 missed 2026-06-30; a6 met 2026-04-01 on the day (its next due is after the period). Only a6 complies."""
    with engine.connect() as conn:
        got = overview.revisit_compliance(conn, NATIONAL, PERIOD)
    assert (got["due"], got["met"]) == (4, 1)


def test_revisit_compliance_is_scoped(engine, data):
    """The Alpha lead sees a1 and a2 (both due, neither compliant); am_c sees a5 and a6."""
    with engine.connect() as conn:
        alpha = overview.revisit_compliance(conn, scope_of("lead_alpha", data), PERIOD)
        beta = overview.revisit_compliance(conn, scope_of("am_c", data), PERIOD)
    assert (alpha["due"], alpha["met"]) == (2, 0)
    assert (beta["due"], beta["met"]) == (2, 1)
