"""The work queue: revisits due by cadence and follow-ups, on hand-made data, scoped."""

from __future__ import annotations

import datetime as dt

import pytest

from lib.access import NATIONAL
from lib.commands.revisits import log_revisit
from lib.db import write_session
from lib.queries import work_queue
from tests import fixture_overview
from tests.test_access import scope_of
from tests.test_revisit_commands import user

D = dt.date


@pytest.fixture
def data(engine):
    return fixture_overview.build(engine)


def due_list(engine, scope, today):
    with engine.connect() as conn:
        frame = work_queue.revisits_due(conn, scope, today=today, horizon_days=14)
    return list(zip(frame["code"], frame["due"], frame["days_overdue"], strict=True))


def test_revisits_due_are_the_key_accounts_due_within_the_horizon_most_overdue_first(engine, data):
    """a2 (due 15 May), a1 (1 June), a5 (30 June) and a3, never revisited (due today); a6 is due in December."""
    assert due_list(engine, NATIONAL, D(2026, 7, 1)) == [
        ("a2", D(2026, 5, 15), 47),
        ("a1", D(2026, 6, 1), 30),
        ("a5", D(2026, 6, 30), 1),
        ("a3", D(2026, 7, 1), 0),
    ]


def test_an_account_manager_sees_only_their_own_due_revisits(engine, data):
    """am_a manages a1, a2 and a7; a7 is no longer a key account."""
    assert [code for code, *_ in due_list(engine, scope_of("am_a", data), D(2026, 7, 1))] == ["a2", "a1"]


def test_logging_a_revisit_takes_the_account_off_the_due_list(engine, data):
    """After am_a revisits a2, its next due date moves 90 days ahead and it leaves the list."""
    with write_session(engine) as session:
        log_revisit(
            session=session,
            user=user(data, "am_a"),
            account_id=data["a2"],
            visited_on=D(2026, 7, 1),
            channel="on_site",
            outcome="no_change",
            idempotency_key="w1",
            today=D(2026, 7, 1),
        )
    assert [code for code, *_ in due_list(engine, scope_of("am_a", data), D(2026, 7, 1))] == ["a1"]


def test_follow_ups_list_low_surveys_without_a_later_revisit_and_flagged_revisits(engine, data):
    """a6 scored 0 on 1 November with no revisit since; a1's latest revisit flagged a churn risk."""
    with write_session(engine) as session:
        log_revisit(
            session=session,
            user=user(data, "am_a"),
            account_id=data["a1"],
            visited_on=D(2026, 11, 10),
            channel="phone",
            outcome="churn_risk",
            score=75,
            idempotency_key="w2",
            today=D(2026, 11, 15),
        )
    with engine.connect() as conn:
        frame = work_queue.follow_ups(conn, NATIONAL, today=D(2026, 11, 15))
        alpha = work_queue.follow_ups(conn, scope_of("lead_alpha", data), today=D(2026, 11, 15))
    assert set(zip(frame["code"], frame["reason"], strict=True)) == {("a6", "low_survey_score"), ("a1", "churn_risk")}
    assert list(alpha["code"]) == ["a1"]


def test_a_later_revisit_clears_the_follow_up(engine, data):
    """Once a6 is revisited after its low survey, it is no longer listed."""
    with write_session(engine) as session:
        log_revisit(
            session=session,
            user=user(data, "am_c"),
            account_id=data["a6"],
            visited_on=D(2026, 11, 3),
            channel="phone",
            outcome="no_change",
            score=85,
            idempotency_key="w3",
            today=D(2026, 11, 15),
        )
    with engine.connect() as conn:
        frame = work_queue.follow_ups(conn, NATIONAL, today=D(2026, 11, 15))
    assert frame.empty
