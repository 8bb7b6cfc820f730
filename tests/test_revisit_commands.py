"""Logging a revisit: validation, scope, cadence default, idempotency, audit, exact text."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from lib import rollups
from lib.access import CurrentUser
from lib.commands import CommandError, OutOfScope, ValidationError
from lib.commands.revisits import log_revisit
from lib.db import write_session
from lib.models import AuditLog, Revisit, RevisitCadence
from tests import handmade
from tests.test_access import scope_of

TODAY = dt.date(2026, 10, 31)


@pytest.fixture
def data(engine):
    ids = handmade.build(engine)
    with write_session(engine) as s:
        s.add(
            RevisitCadence(
                service_grade="key", days=90, effective_from=dt.date(2024, 1, 1), set_at=dt.datetime(2024, 1, 1)
            )
        )
    return ids


def user(data, username: str, role: str | None = None) -> CurrentUser:
    roles = {"am_a": "staff", "am_b": "staff", "am_c": "staff", "lead_alpha": "team_lead", "exec": "executive"}
    return CurrentUser(
        id=data[username],
        username=username,
        name=username,
        role=role or roles[username],
        org_level="city",
        org_en="",
        org_zh="",
        scope=scope_of(username, data),
    )


def log(engine, data, username="am_a", **overrides):
    values = dict(
        account_id=data["a1"],
        visited_on=dt.date(2026, 10, 30),
        channel="phone",
        outcome="interested",
        score=88,
        idempotency_key="k-1",
        today=TODAY,
    )
    values.update(overrides)
    with write_session(engine) as s:
        return log_revisit(session=s, user=user(data, username), **values)


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def test_a_revisit_is_stored_with_the_next_due_date_from_the_cadence(engine, data):
    """A key account's cadence is 90 days, so the next revisit is due 90 days after this one."""
    result = log(engine, data)
    assert result.created and not result.follow_up
    assert result.next_due == dt.date(2026, 10, 30) + dt.timedelta(days=90)
    with engine.connect() as conn:
        row = conn.execute(select(Revisit.account_id, Revisit.created_by, Revisit.manager_id)).one()
    assert tuple(row) == (data["a1"], data["am_a"], data["am_a"])


def test_the_same_form_submitted_twice_is_stored_once(engine, data):
    """A double click sends the same idempotency key: the second submit returns the first revisit."""
    first = log(engine, data)
    second = log(engine, data)
    assert (second.id, second.created) == (first.id, False)
    assert count(engine, Revisit) == 1


def test_a_low_score_or_a_churn_risk_puts_the_account_on_the_follow_up_list(engine, data):
    """Score 59 or outcome churn_risk flags a follow-up; score 60 with no risk does not."""
    assert log(engine, data, score=59, idempotency_key="a").follow_up
    assert log(engine, data, score=95, outcome="churn_risk", idempotency_key="b").follow_up
    assert not log(engine, data, score=60, idempotency_key="c").follow_up


def test_an_account_manager_cannot_log_for_another_managers_account(engine, data):
    """am_a writing for a3 (am_b's account) is refused in the command, and nothing is stored."""
    with pytest.raises(OutOfScope):
        log(engine, data, account_id=data["a3"])
    assert count(engine, Revisit) == 0


def test_a_team_lead_can_log_within_the_province_but_not_outside(engine, data):
    """The Alpha lead may write for a3 (Alpha) but not for a5 (Beta)."""
    assert log(engine, data, "lead_alpha", account_id=data["a3"], idempotency_key="x").created
    with pytest.raises(OutOfScope):
        log(engine, data, "lead_alpha", account_id=data["a5"], idempotency_key="y")


def test_an_executive_cannot_log_revisits(engine, data):
    """Only account managers and team leads record revisits."""
    with pytest.raises(CommandError) as refused:
        log(engine, data, "exec", idempotency_key="z")
    assert refused.value.code == "form.error.role"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"visited_on": None}, "visited_on", "form.error.required"),
        ({"visited_on": dt.date(2026, 11, 1)}, "visited_on", "form.error.future_date"),
        ({"visited_on": dt.date(2025, 10, 1)}, "visited_on", "form.error.too_old"),
        ({"channel": "pigeon"}, "channel", "form.error.required"),
        ({"outcome": None}, "outcome", "form.error.required"),
        ({"score": 101}, "score", "form.error.score_range"),
        ({"score": -1}, "score", "form.error.score_range"),
        ({"notes": "x" * 4001}, "notes", "form.error.too_long"),
        ({"next_due": dt.date(2026, 10, 30)}, "next_due", "form.error.due_after_visit"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(engine, data, overrides, field, code):
    """Each rule reports its own field with a message key; the database is untouched."""
    with pytest.raises(ValidationError) as refused:
        log(engine, data, **overrides)
    assert refused.value.errors[field] == code
    assert count(engine, Revisit) == 0 and count(engine, AuditLog) == 0


@pytest.mark.parametrize(
    "text",
    [
        'O\'Brien said "hi" 🙂',
        "需求：专线扩容 100M",
        "'); DROP TABLE revisits; --",
        "<script>alert(1)</script>",
        "  line one\nline two  ",
    ],
)
def test_text_is_stored_exactly_as_typed(engine, data, text):
    """Quotes, emoji, Chinese, SQL-looking and HTML-looking text come back unchanged (outer spaces trimmed)."""
    log(engine, data, notes=text, needs=text)
    with engine.connect() as conn:
        notes, needs = conn.execute(select(Revisit.notes, Revisit.needs)).one()
    assert notes == needs == text.strip()


def test_every_revisit_is_in_the_audit_trail(engine, data):
    """The audit row says who logged which revisit and when."""
    result = log(engine, data)
    with engine.connect() as conn:
        row = conn.execute(select(AuditLog.user_id, AuditLog.action, AuditLog.entity_id)).one()
    assert tuple(row) == (data["am_a"], "log_revisit", str(result.id))


def test_concurrent_submits_lose_nothing_and_duplicate_nothing(engine, data):
    """Eight threads send 10 forms, each 4 times over: exactly 10 revisits and 10 audit rows."""
    from concurrent.futures import ThreadPoolExecutor

    keys = [f"form-{i % 10}" for i in range(40)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda key: log(engine, data, idempotency_key=key), keys))
    assert count(engine, Revisit) == 10 and count(engine, AuditLog) == 10
    assert sum(r.created for r in results) == 10
    assert len({r.id for r in results}) == 10


def test_each_revisit_keeps_the_day_of_the_accounts_next_revisit_whatever_the_order_logged(engine, data):
    """Revisits logged out of order (a past visit entered late) still each know the next visit after
    them, and a same-day visit is not a later one."""
    days = [dt.date(2026, 10, 20), dt.date(2026, 9, 1), dt.date(2026, 10, 20), dt.date(2026, 9, 15)]
    for n, day in enumerate(days):
        log(engine, data, visited_on=day, idempotency_key=f"k-{n}")
    log(engine, data, account_id=data["a2"], visited_on=dt.date(2026, 9, 10), idempotency_key="other")
    with engine.connect() as conn:
        rows = conn.execute(select(Revisit.account_id, Revisit.visited_on, Revisit.next_visit_on)).all()
        assert rollups.differences(conn) == []
    expected = {  # by hand: the first later day of the same account
        dt.date(2026, 9, 1): dt.date(2026, 9, 15),
        dt.date(2026, 9, 15): dt.date(2026, 10, 20),
        dt.date(2026, 10, 20): None,
    }
    assert sorted((day, following) for account, day, following in rows if account == data["a1"]) == sorted(
        (day, expected[day]) for day in days
    )
    assert [following for account, _, following in rows if account == data["a2"]] == [None]
