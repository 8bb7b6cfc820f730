"""Account 360 reads on the hand-made data set (tests/fixture_regions.py), worked out by hand."""

from __future__ import annotations

import datetime as dt
import inspect
import math

import pandas as pd
import pytest

from lib.access import NATIONAL
from lib.domain import category_mask
from lib.queries import account
from tests import fixture_regions
from tests.test_access import scope_of

NOW = dt.datetime(2026, 11, 1)
T = dt.datetime
D = dt.date


@pytest.fixture
def data(engine):
    return fixture_regions.build(engine)


def every_read(conn, scope, code: str, order: str) -> dict[str, object]:
    """The result of every read function of lib.queries.account for one account (and one of its orders)."""
    return {
        "find_accounts": account.find_accounts(conn, scope, search=code),
        "account_header": account.account_header(conn, scope, code=code),
        "account_members": account.account_members(conn, scope, code=code),
        "account_designations": account.account_designations(conn, scope, code=code),
        "account_spend": account.account_spend(
            conn, scope, code=code, first_month=D(2025, 11, 1), last_month=D(2026, 10, 1)
        ),
        "account_orders": account.account_orders(conn, scope, code=code),
        "order_timeline": account.order_timeline(conn, scope, code=code, order=order, now=NOW),
        "account_complaints": account.account_complaints(conn, scope, code=code),
        "complaint_history": account.complaint_history(conn, scope, code=code),
        "account_revisits": account.account_revisits(conn, scope, code=code),
        "account_surveys": account.account_surveys(conn, scope, code=code),
        "account_plan": account.account_plan(conn, scope, code=code),
    }


COVERED = {
    "find_accounts",
    "account_header",
    "account_members",
    "account_designations",
    "account_spend",
    "account_orders",
    "order_timeline",
    "account_complaints",
    "complaint_history",
    "account_revisits",
    "account_surveys",
    "account_plan",
}


def is_nothing(value: object) -> bool:
    return value is None or (isinstance(value, pd.DataFrame) and value.empty)


def test_every_read_function_is_covered_by_the_scope_tests():
    """The scope tests below call every read function of the module (a new one must be added there)."""
    functions = {name for name, fn in vars(account).items() if inspect.isfunction(fn) and hasattr(fn, "reads_tables")}
    assert functions == COVERED


@pytest.mark.parametrize(
    ("username", "code", "order"),
    [
        ("lead_alpha", "a5", "o3"),  # a team lead, an account of another province
        ("lead_alpha", "a6", "o3"),
        ("lead_a1", "a3", "o2"),  # a city lead, an account of another city
        ("am_a", "a3", "o2"),  # an account manager, another manager's account
        ("am_a", "a4", "o2"),
        ("am_c", "a1", "o1"),
    ],
)
def test_an_account_outside_the_scope_reads_nothing_from_any_function(engine, data, username, code, order):
    """Every Account 360 read returns no row and no value for an account outside the user's scope."""
    with engine.connect() as conn:
        results = every_read(conn, scope_of(username, data), code, order)
    assert set(results) == COVERED
    assert {name for name, value in results.items() if not is_nothing(value)} == set()


def test_the_same_reads_inside_the_scope_return_data(engine, data):
    """A control for the test above: am_a's own a1 has data in every read but the member list."""
    with engine.connect() as conn:
        results = every_read(conn, scope_of("am_a", data), "a1", "o1")
    empty = {name for name, value in results.items() if is_nothing(value)}
    assert empty == {"account_members"}


def test_an_order_of_another_account_is_not_shown_under_this_one(engine, data):
    """The timeline needs the order to belong to the account named, even for an executive."""
    with engine.connect() as conn:
        assert account.order_timeline(conn, NATIONAL, code="a1", order="o3", now=NOW).empty


def test_find_accounts_searches_name_and_code_within_the_scope_key_accounts_first(engine, data):
    """The Alpha lead finds a1..a4 and a7 (a4 and a7 are not key accounts now, so they come last)."""
    with engine.connect() as conn:
        found = account.find_accounts(conn, scope_of("lead_alpha", data), search="account")
        limited = account.find_accounts(conn, NATIONAL, search="A", limit=2)
        by_code = account.find_accounts(conn, NATIONAL, search="a6")
        literal = account.find_accounts(conn, NATIONAL, search="%")
    assert found["code"].tolist() == ["a1", "a2", "a3", "a4", "a7"]
    assert len(limited) == 2
    assert by_code["code"].tolist() == ["a6"]
    assert literal.empty  # a % in the search box is a character, not a wildcard


def test_the_header_says_who_the_account_is(engine, data):
    """a1: Alpha / A1, managed by am_a, important and high-value now, so premium; no group."""
    with engine.connect() as conn:
        header = account.account_header(conn, scope_of("am_a", data), code="a1")
    assert header["code"] == "a1" and header["name"] == "Account a1"
    assert (header["province_en"], header["city_en"], header["manager"]) == ("Alpha", "A1", "am_a")
    assert (header["service_grade"], header["lifecycle_stage"], header["industry"]) == ("key", "mature", "finance")
    assert header["category_mask"] == category_mask(["important", "high_value"]) and header["premium"]
    assert header["parent_code"] is None and header["members"] == 0 and not header["in_outside_group"]


def test_the_header_names_the_group_parent_and_counts_members(engine, data):
    """a4 is a member unit of a3; a3 has one member."""
    with engine.connect() as conn:
        member = account.account_header(conn, NATIONAL, code="a4")
        parent = account.account_header(conn, NATIONAL, code="a3")
        members = account.account_members(conn, NATIONAL, code="a3")
    assert (member["parent_code"], member["parent_name"], member["premium"]) == ("a3", "Account a3", False)
    assert parent["members"] == 1 and members["code"].tolist() == ["a4"]


def test_the_designation_history_lists_every_stretch_oldest_first(engine, data):
    """a1: a derived high-value stretch in 2024, then important and high-value designated from 2025."""
    with engine.connect() as conn:
        history = account.account_designations(conn, NATIONAL, code="a1")
        a7 = account.account_designations(conn, NATIONAL, code="a7")
    rows = [(r.category, r.valid_from, r.valid_to, r.source, r.set_by) for r in history.itertuples()]
    assert [
        (c, pd.Timestamp(f).date(), None if pd.isna(t) else pd.Timestamp(t).date(), s, None if pd.isna(b) else b)
        for c, f, t, s, b in rows
    ] == [
        ("high_value", D(2024, 3, 1), D(2024, 9, 1), "derived", None),
        ("high_value", D(2025, 1, 1), None, "designated", "admin"),
        ("important", D(2025, 1, 1), None, "designated", "admin"),
    ]
    assert pd.Timestamp(a7["valid_to"].iloc[0]).date() == D(2026, 3, 1)


def test_spend_against_the_threshold_in_force_each_month(engine, data):
    """a1, Nov 2025..Feb 2026: the 3-month mean counts a month without a row as 0, and the threshold is
    the one in force on each month's first day (3,500 from 2025-12-15 applies from January)."""
    with engine.connect() as conn:
        frame = account.account_spend(conn, NATIONAL, code="a1", first_month=D(2025, 11, 1), last_month=D(2026, 2, 1))
    assert [m.date() for m in frame["month"]] == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    assert frame["amount"].tolist() == [4000, 6000, 0, 3000]
    assert frame["avg_3m"].tolist() == pytest.approx(
        [(2000 + 1000 + 4000) / 3, (1000 + 4000 + 6000) / 3, (4000 + 6000 + 0) / 3, (6000 + 0 + 3000) / 3]
    )
    assert frame["threshold"].tolist() == [2500, 2500, 3500, 4000]


def test_spend_before_the_first_threshold_has_no_threshold(engine, data):
    """A month before any threshold row has no threshold rather than 0."""
    with engine.connect() as conn:
        frame = account.account_spend(conn, NATIONAL, code="a1", first_month=D(2022, 12, 1), last_month=D(2022, 12, 1))
    assert frame["amount"].tolist() == [0] and math.isnan(frame["threshold"].iloc[0])


def test_the_three_month_mean_starts_once_the_account_has_three_months_of_history(engine, data):
    """a1's first spend is in September 2025: no mean for September and October, then (2000 + 1000 + 4000) / 3."""
    with engine.connect() as conn:
        frame = account.account_spend(conn, NATIONAL, code="a1", first_month=D(2025, 8, 1), last_month=D(2025, 11, 1))
    assert frame["amount"].tolist() == [0, 2000, 1000, 4000]
    assert frame["avg_3m"].isna().tolist() == [True, True, True, False]
    assert frame["avg_3m"].iloc[3] == pytest.approx(7000 / 3)


def test_orders_are_listed_newest_first_with_late_stages_and_points(engine, data):
    """a2 has o5 (2026-10-31) and o4 (2024); a1's o1 ended two stages late, with a hold, an urge, a transfer."""
    with engine.connect() as conn:
        a2 = account.account_orders(conn, NATIONAL, code="a2")
        a1 = account.account_orders(conn, NATIONAL, code="a1")
        limited = account.account_orders(conn, NATIONAL, code="a2", limit=1)
    assert a2["code"].tolist() == ["o5", "o4"] and limited["code"].tolist() == ["o5"]
    o1 = a1.iloc[0]
    assert (o1["code"], o1["late_stages"], o1["holds"], o1["urges"], o1["transfers"]) == ("o1", 2, 1, 1, 1)


def test_the_stage_timeline_of_a_known_order(engine, data):
    """o1: five timed stages (late where the hold-free time passed the target), the points between them,
    and the archive stage last."""
    with engine.connect() as conn:
        frame = account.order_timeline(conn, NATIONAL, code="a1", order="o1", now=NOW)
    assert list(zip(frame["kind"], frame["stage"], frame["status"], strict=True)) == [
        ("enter", "received", "on_time"),
        ("enter", "needs_confirmed", "late"),
        ("enter", "resource_check", "on_time"),
        ("hold", "resource_check", ""),
        ("resume", "resource_check", ""),
        ("urge", "resource_check", ""),
        ("enter", "provisioning", "late"),
        ("transfer", "provisioning", ""),
        ("enter", "acceptance", "on_time"),
        ("enter", "closed", "closed"),
    ]
    timed = frame[frame["kind"].eq("enter") & frame["stage"].ne("closed")]
    assert timed["hours"].tolist() == pytest.approx([3, 72, 72, 247, 46])
    assert timed["target_hours"].tolist() == pytest.approx([8, 48, 72, 168, 48])
    assert timed["hold_hours"].tolist() == pytest.approx([0, 0, 96, 0, 0])
    assert pd.Timestamp(timed["end"].iloc[2]) == T(2026, 1, 20, 12)
    assert frame.loc[frame["kind"] == "urge", "note"].iloc[0] == "<b>customer</b> urged"


def test_an_open_stage_runs_until_now_and_is_overdue_once_past_its_target(engine, data):
    """o2 has been in needs confirmed since 2026-10-20 10:00: 23 h by the next morning, 278 h by November."""
    with engine.connect() as conn:
        late = account.order_timeline(conn, NATIONAL, code="a3", order="o2", now=NOW)
        early = account.order_timeline(conn, NATIONAL, code="a3", order="o2", now=T(2026, 10, 21, 9))
    assert late["status"].tolist() == ["on_time", "overdue"] and late["hours"].iloc[1] == pytest.approx(278)
    assert pd.Timestamp(late["end"].iloc[1]) == NOW
    assert early["status"].tolist() == ["on_time", "open"] and early["hours"].iloc[1] == pytest.approx(23)


def test_complaints_and_their_status_history_newest_first(engine, data):
    """a1 has c4 (open) and c1 (resolved); c1 went open, in progress, resolved."""
    with engine.connect() as conn:
        complaints = account.account_complaints(conn, NATIONAL, code="a1")
        history = account.complaint_history(conn, NATIONAL, code="a1")
    assert complaints["code"].tolist() == ["c4", "c1"]
    assert complaints["description"].iloc[0] == "Line down <i>again</i>"
    assert list(zip(history["complaint"], history["to_status"], history["actor"], strict=True)) == [
        ("c1", "resolved", "lead_alpha"),
        ("c1", "in_progress", "am_a"),
        ("c1", "open", "am_a"),
    ]


def test_revisits_and_surveys_newest_first(engine, data):
    """a1: revisits on 2026-06-05 and 2026-03-02; surveys of 80, 90 and 85 (newest first)."""
    with engine.connect() as conn:
        revisits = account.account_revisits(conn, NATIONAL, code="a1")
        surveys = account.account_surveys(conn, NATIONAL, code="a1")
    assert [pd.Timestamp(d).date() for d in revisits["visited_on"]] == [D(2026, 6, 5), D(2026, 3, 2)]
    assert revisits[["score", "outcome"]].values.tolist() == [[72.0, "churn_risk"], [88.0, "interested"]]
    assert pd.Timestamp(revisits["next_due"].iloc[0]).date() == D(2026, 7, 5)
    assert surveys["score"].tolist() == [80, 90, 85]


def test_the_plan_with_its_actions_and_no_plan_as_none(engine, data):
    """a1 has a plan with a dated action first; a2 has none."""
    with engine.connect() as conn:
        plan = account.account_plan(conn, NATIONAL, code="a1")
        none = account.account_plan(conn, NATIONAL, code="a2")
    assert none is None
    assert (plan["objectives"], plan["competitors"], plan["updated_by"]) == (
        "Renew the contract",
        "China Mobile",
        "am_a",
    )
    assert plan["actions"]["action"].tolist() == ["Prepare a renewal quotation", "Arrange an executive visit"]
    assert plan["actions"]["status"].tolist() == ["in_progress", "planned"]
