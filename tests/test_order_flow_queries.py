"""Order-flow reads on the hand-made intervals of tests/fixture_order_flow.py, against numbers worked out by hand
and against independent plain-Python computations over the same intervals.

These reads never write, so the module builds its database once per backend (SQLite and PostgreSQL)
instead of once per test: `engine` below is the conftest fixture of the same name, module-scoped.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from lib.access import NATIONAL
from lib.bootstrap import migrate
from lib.db import make_engine
from lib.domain import STAGES
from lib.periods import Period
from lib.queries import order_flow, overview
from tests import fixture_order_flow as fx
from tests.test_access import VISIBLE, scope_of

H = 3600
D = dt.date
T = dt.datetime
PERIOD, END = fx.PERIOD, fx.END
USERS = list(VISIBLE)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request, tmp_path_factory):
    """A migrated database with the fixture's data, on each backend; a PostgreSQL one is dropped afterwards."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path_factory.mktemp('order_flow') / 'test.sqlite3'}", None
    else:
        server = request.getfixturevalue("postgres_server")
        name = f"kam_order_flow_{uuid.uuid4().hex[:8]}"
        url, drop = server.create_database(name), lambda: server.drop_database(name)
    eng = make_engine(url)
    try:
        migrate(eng)
        yield eng, fx.build(eng)
    finally:
        eng.dispose()
        if drop:
            drop()


@pytest.fixture(scope="module")
def engine(database):
    return database[0]


@pytest.fixture(scope="module")
def data(database):
    return database[1]


def read(engine, fn, scope, **filters):
    with engine.connect() as conn:
        return fn(conn, scope, **filters)


def scope(username, ids):
    return NATIONAL if username == "exec" else scope_of(username, ids)


# -- Independent computations over the fixture's intervals ----------------------------------------


def visible_intervals(username: str) -> list[fx.Interval]:
    return [i for i in fx.INTERVALS if fx.ORDERS[i.order][0] in VISIBLE[username]]


def open_at(interval: fx.Interval, moment: dt.datetime) -> bool:
    return interval.at < moment and (interval.exited_at is None or interval.exited_at >= moment)


def ended_in(interval: fx.Interval, period: Period) -> bool:
    start, end = T.combine(period.start, dt.time()), T.combine(period.end, dt.time())
    return interval.exited_at is not None and start <= interval.exited_at < end


def wip(intervals: list[fx.Interval], moment: dt.datetime) -> dict[str, int]:
    counts = Counter(i.stage for i in intervals if open_at(i, moment))
    return {stage: counts.get(stage, 0) for stage in STAGES}


def elapsed_without_holds(interval: fx.Interval, moment: dt.datetime) -> float:
    """Time in stage of an open interval at `moment`: wall clock minus the holds (running or finished) before it."""
    points = sorted(
        (at, kind)
        for order, kind, stage, at in fx.POINTS
        if order == interval.order and stage == interval.stage and interval.at <= at < moment
    )
    held, since = 0.0, None
    for at, kind in points:
        if kind == "hold":
            since = at
        elif kind == "resume" and since is not None:
            held, since = held + (at - since).total_seconds(), None
    if since is not None:
        held += (moment - since).total_seconds()
    return (moment - interval.at).total_seconds() - held


def region_name(order: str, by_city: bool) -> str:
    city = fx.handmade.ACCOUNTS[fx.ORDERS[order][0]][0]
    return city.title() if by_city else ("Beta" if city == "B1" else "Alpha")


# -- Targets and throughput ------------------------------------------------------------------------


def test_stage_targets_in_force_are_the_latest_setting_on_the_day(engine, data):
    """Premium 'received' is 4 h until the 6 h setting takes effect on 15 October; key stays 8 h."""

    def target(day, grade):
        frame = read(engine, order_flow.stage_targets_in_force, NATIONAL, day=day)
        return frame.set_index(["service_grade", "stage"]).at[(grade, "received"), "target_seconds"]

    assert target(D(2026, 9, 30), "premium") == 4 * H
    assert target(D(2026, 10, 31), "premium") == 6 * H
    assert target(D(2026, 10, 31), "key") == 8 * H


def test_throughput_counts_intervals_leaving_each_stage_per_monday_week(engine, data):
    """Exits in September by week starting Monday; g4 leaves at Monday 21 Sept 00:00 (that week), g6 at the end
    of the period (not counted), f6 at 23:59:59.7 on 30 Sept (last week)."""
    frame = read(engine, order_flow.throughput_per_week, NATIONAL, period=PERIOD)
    got = frame.pivot(index="week", columns="stage", values="intervals")
    weeks = [D(2026, 8, 31), D(2026, 9, 7), D(2026, 9, 14), D(2026, 9, 21), D(2026, 9, 28)]
    assert list(got.index) == weeks
    assert got["received"].tolist() == [2, 3, 1, 1, 2]  # f1 f4 | f2 g1 g2 | g3 | g4 | f6 g5
    assert got["needs_confirmed"].tolist() == [2, 0, 2, 0, 0]  # f1 f4 | - | f2 f3
    assert got["resource_check"].tolist() == [2, 0, 1, 0, 0]  # f1 f4 (Sunday 6th) | - | f2 (Sunday 20th)
    assert got["provisioning"].tolist() == [0, 1, 0, 0, 0]  # f4 on Saturday 12th
    assert got["acceptance"].tolist() == [0, 1, 0, 0, 0]  # f4 on Sunday 13th


# -- Time in stage ---------------------------------------------------------------------------------


def test_time_in_stage_median_and_p90_per_stage_and_grade(engine, data):
    """received/key ended in September: 1, 2, 3, 5, 6, 10, 12 h -> median (rank 4) 5 h, P90 (rank 7) 12 h;
    needs_confirmed/key: 24, 96 h -> median 24 h, P90 96 h; resource_check/key: 48, 144 h."""
    frame = read(engine, order_flow.time_in_stage, NATIONAL, period=PERIOD).set_index(["stage", "service_grade"])
    assert frame.loc[("received", "key"), ["intervals", "median_seconds", "p90_seconds", "on_time"]].tolist() == [
        7,
        5 * H,
        12 * H,
        5,
    ]
    assert frame.loc[("needs_confirmed", "key"), ["intervals", "median_seconds", "p90_seconds"]].tolist() == [
        2,
        24 * H,
        96 * H,
    ]
    assert frame.loc[("resource_check", "key"), ["median_seconds", "p90_seconds"]].tolist() == [48 * H, 144 * H]
    assert frame.loc[("received", "standard"), "median_seconds"] == 36 * H - 1  # f6 left at 23:59:59.7
    assert ("provisioning", "premium") not in frame.index  # f1 is still in provisioning


def test_time_in_stage_excludes_the_hold_inside_an_interval(engine, data):
    """f1 spent 72 h in resource check, 30 h of it on hold: its time in stage is 42 h, within the 48 h target."""
    frame = read(engine, order_flow.time_in_stage, NATIONAL, period=PERIOD).set_index(["stage", "service_grade"])
    row = frame.loc[("resource_check", "premium")]
    assert (row["intervals"], row["median_seconds"], row["p90_seconds"], row["on_time"]) == (1, 42 * H, 42 * H, 1)


def test_time_in_stage_follows_the_grade_filter(engine, data):
    """With grade=premium only premium intervals are summarised."""
    frame = read(engine, order_flow.time_in_stage, NATIONAL, period=PERIOD, grade="premium")
    assert set(frame["service_grade"]) == {"premium"}
    assert frame["stage"].tolist() == ["received", "needs_confirmed", "resource_check"]


@pytest.mark.parametrize("username", USERS)
def test_time_in_stage_matches_numpy_nearest_rank_in_every_scope(engine, data, username):
    """Per stage and grade, median and P90 equal numpy's inverted_cdf over the user's own intervals."""
    frame = read(engine, order_flow.time_in_stage, scope(username, data), period=PERIOD)
    groups: dict[tuple[str, str], list[int]] = {}
    for i in visible_intervals(username):
        if ended_in(i, PERIOD):
            groups.setdefault((i.stage, fx.grade_of(i.order)), []).append(fx.duration_seconds(i))
    got = {(r.stage, r.service_grade): (r.intervals, r.median_seconds, r.p90_seconds) for r in frame.itertuples()}
    expected = {
        key: (
            len(v),
            int(np.percentile(v, 50, method="inverted_cdf")),
            int(np.percentile(v, 90, method="inverted_cdf")),
        )
        for key, v in groups.items()
    }
    assert got == expected


# -- Work in progress and the cumulative flow ------------------------------------------------------


def test_work_in_progress_at_the_end_of_the_period(engine, data):
    """At 1 Oct 00:00: received f5, g6 (leaves exactly then), h1, h2; needs confirmed f6; resource check f3;
    provisioning f1, f2 (which leaves on 5 Oct). The archive stage is never counted."""
    frame = read(engine, order_flow.work_in_progress, NATIONAL, moment=END)
    assert dict(zip(frame["stage"], frame["orders"], strict=True)) == {
        "received": 4,
        "needs_confirmed": 1,
        "resource_check": 1,
        "provisioning": 2,
        "acceptance": 0,
    }


def test_work_in_progress_at_a_moment_inside_the_period(engine, data):
    """At 10 Sept 12:00: f2 in received, f3 in needs confirmed, f1 and f4 in provisioning."""
    frame = read(engine, order_flow.work_in_progress, NATIONAL, moment=T(2026, 9, 10, 12))
    assert frame["orders"].tolist() == [1, 1, 0, 2, 0]


def test_work_in_progress_follows_category_and_grade_filters(engine, data):
    """Strategic accounts (a3, a5, a6): f5, g6, h2 in received and f3 in resource check; premium orders: f5, f1."""
    strategic = read(engine, order_flow.work_in_progress, NATIONAL, moment=END, categories=("strategic",))
    assert strategic["orders"].tolist() == [3, 0, 1, 0, 0]
    premium = read(engine, order_flow.work_in_progress, NATIONAL, moment=END, grade="premium")
    assert premium["orders"].tolist() == [1, 0, 0, 1, 0]


def test_cfd_points_are_daily_up_to_120_days_and_weekly_beyond():
    """30 days give 30 daily points; 304 days give 44 weekly points, the last one at the end of the period."""
    width, moments = order_flow.cfd_points(PERIOD)
    assert (width, len(moments), moments[0], moments[-1]) == (86_400, 30, T(2026, 9, 2), END)
    long = Period(D(2026, 1, 1), D(2026, 11, 1))
    width, moments = order_flow.cfd_points(long)
    assert (width, len(moments), moments[0], moments[-1]) == (7 * 86_400, 44, T(2026, 1, 8), T(2026, 11, 1))
    assert len(order_flow.cfd_points(Period(D(2020, 1, 1), D(2026, 11, 1)))[1]) <= order_flow.MAX_CFD_POINTS


@pytest.mark.parametrize(
    "period",
    [PERIOD, Period(D(2026, 1, 1), D(2026, 11, 1)), Period(D(2026, 9, 5), D(2026, 9, 21))],
    ids=["september-daily", "ten-months-weekly", "mid-september"],
)
def test_cumulative_flow_matches_an_independent_count_at_every_point(engine, data, period):
    """Orders per stage at each point equal a direct count of the intervals open at that moment."""
    frame = read(engine, order_flow.cumulative_flow, NATIONAL, period=period)
    _, moments = order_flow.cfd_points(period)
    expected = [
        ((m - dt.timedelta(days=1)).date(), stage, wip(fx.INTERVALS, m)[stage]) for stage in STAGES for m in moments
    ]
    assert list(frame.itertuples(index=False, name=None)) == expected


def test_cumulative_flow_counts_the_end_of_each_day(engine, data):
    """End of 1 Sept: f1 and f3 in needs confirmed. End of 30 Sept: 4 in received, f6 in needs confirmed (it moved
    0.3 s before midnight), f3 in resource check, f1 and f2 in provisioning."""
    frame = read(engine, order_flow.cumulative_flow, NATIONAL, period=PERIOD)
    last = frame[frame["day"] == D(2026, 9, 30)].set_index("stage")["orders"]
    assert last.tolist() == [4, 1, 1, 2, 0]
    first = frame[frame["day"] == D(2026, 9, 1)].set_index("stage")["orders"]
    assert first.tolist() == [0, 2, 0, 0, 0]


# -- Aging -----------------------------------------------------------------------------------------


def test_aging_buckets_open_orders_by_age_and_stage(engine, data):
    """Open at 1 Oct: g6 (4 h) and h2 (7 h) < 1 day; f5 (2 d 4 h) and f6 (1 d 12 h) 1-3 days; h1 exactly 7 days
    (7-14 days); f2 (20 d 15 h) 14-30 days; f1 (31 d 14 h) and f3 (92 days) > 30 days."""
    frame = read(engine, order_flow.aging, NATIONAL, moment=END)
    assert list(frame.itertuples(index=False, name=None)) == [
        ("received", "lt_1d", 2),
        ("received", "1_3d", 1),
        ("received", "7_14d", 1),
        ("needs_confirmed", "1_3d", 1),
        ("resource_check", "gt_30d", 1),
        ("provisioning", "14_30d", 1),
        ("provisioning", "gt_30d", 1),
    ]


@pytest.mark.parametrize("username", USERS)
def test_aging_counts_the_same_open_orders_as_the_overview(engine, data, username):
    """On 1 Nov the aging total equals the Overview's open orders; o2 (no stage events) is in stage 'unknown'."""
    moment, user_scope = T(2026, 11, 1), scope(username, data)
    frame = read(engine, order_flow.aging, user_scope, moment=moment)
    counts = read(engine, overview.order_counts, user_scope, period=Period(D(2026, 10, 1), D(2026, 11, 1)))
    assert frame["orders"].sum() == counts["open_at_end"]
    unknown = frame[frame["stage"] == "unknown"]
    assert unknown["orders"].sum() == (1 if "a3" in VISIBLE[username] else 0)


# -- On-time rate scorecard ------------------------------------------------------------------------


def cells(frame: pd.DataFrame) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {(r.region_en, r.stage): (r.ended, r.on_time, r.overdue_now) for r in frame.itertuples()}


def test_on_time_scorecard_per_province_and_stage(engine, data):
    """(ended, on time, overdue now) per province x stage in September, worked out by hand:
    Alpha received: f1 50 h > 4 h, f2 6 h, f6 36 h > 24 h, g3 5 h, g4 10 h > 8 h, g5 12 h > 8 h; h1 open 7 days.
    Alpha provisioning: nothing ended, f1 (616 h > 120 h) and f2 (249 h - 48 h on hold > 168 h) overdue.
    Beta: f4 on time in every stage, g1 and g2 on time; f5 open 52 h > 4 h; g6 open 4 h is not overdue."""
    frame = read(engine, order_flow.on_time_scorecard, NATIONAL, period=PERIOD)
    assert cells(frame) == {
        ("Alpha", "received"): (6, 2, 1),
        ("Alpha", "needs_confirmed"): (3, 1, 0),
        ("Alpha", "resource_check"): (2, 1, 0),
        ("Alpha", "provisioning"): (0, 0, 2),
        ("Beta", "received"): (3, 3, 1),
        ("Beta", "needs_confirmed"): (1, 1, 0),
        ("Beta", "resource_check"): (1, 1, 0),
        ("Beta", "provisioning"): (1, 1, 0),
        ("Beta", "acceptance"): (1, 1, 0),
    }
    rates = frame.set_index(["region_en", "stage"])["on_time_rate"]
    assert rates[("Alpha", "received")] == pytest.approx(2 / 6)
    assert np.isnan(rates[("Alpha", "provisioning")])  # no interval ended: no rate, rather than 0 %


def test_team_lead_scorecard_rows_are_the_cities_of_their_province(engine, data):
    """For the Alpha lead the rows are A1 (f1, f2, f6, h1) and A2 (f3, g3, g4, g5, h2); nothing from Beta."""
    frame = read(engine, order_flow.on_time_scorecard, scope_of("lead_alpha", data), period=PERIOD)
    assert cells(frame) == {
        ("A1", "received"): (3, 1, 1),
        ("A1", "needs_confirmed"): (2, 1, 0),
        ("A1", "resource_check"): (2, 1, 0),
        ("A1", "provisioning"): (0, 0, 2),
        ("A2", "received"): (3, 1, 0),
        ("A2", "needs_confirmed"): (1, 0, 0),
    }


def test_overdue_now_leaves_out_time_on_hold(engine, data):
    """f3 has been in resource check 375 h, 288 h of them on a hold still running: 87 h < 120 h, not overdue."""
    frame = read(engine, order_flow.on_time_scorecard, scope_of("am_b", data), period=PERIOD)
    assert frame["overdue_now"].sum() == 0
    assert cells(frame)[("A2", "needs_confirmed")] == (1, 0, 0)


def test_worst_cell_is_the_lowest_rate_among_cells_with_enough_intervals():
    """Small cells compete only when no cell is big enough; ties go to more intervals, then to the earlier stage."""
    frame = pd.DataFrame(
        {
            "region_en": ["X", "Y", "Y", "Z", "Z"],
            "stage": ["received", "acceptance", "received", "provisioning", "needs_confirmed"],
            "ended": [40, 25, 2, 30, 30],
            "on_time": [30, 20, 0, 24, 24],
            "overdue_now": [0, 0, 0, 0, 0],
        }
    )
    frame["on_time_rate"] = frame["on_time"] / frame["ended"]
    worst = order_flow.worst_cell(frame, min_intervals=20)
    assert (worst["region_en"], worst["stage"]) == ("X", "received")  # 75 %; Y received (0 %) has only 2
    tie = frame.assign(on_time=[34, 20, 0, 24, 24])
    tie["on_time_rate"] = tie["on_time"] / tie["ended"]
    worst = order_flow.worst_cell(tie, min_intervals=20)  # 80 % thrice: 30 intervals beat 25, then the earlier stage
    assert (worst["region_en"], worst["stage"]) == ("Z", "needs_confirmed")
    assert order_flow.worst_cell(frame, min_intervals=100)["stage"] == "received"  # Y received, 0 %
    assert order_flow.worst_cell(frame.iloc[0:0]) is None


def test_worst_cell_of_the_hand_made_scorecard(engine, data):
    """Nationally Alpha received (2/6) ties Alpha needs confirmed (1/3) and wins with more intervals; for the Alpha
    lead A2 needs confirmed (0/1) is the worst."""
    national = read(engine, order_flow.on_time_scorecard, NATIONAL, period=PERIOD)
    assert order_flow.worst_cell(national)[["region_en", "stage", "ended"]].tolist() == ["Alpha", "received", 6]
    alpha = read(engine, order_flow.on_time_scorecard, scope_of("lead_alpha", data), period=PERIOD)
    assert order_flow.worst_cell(alpha)[["region_en", "stage"]].tolist() == ["A2", "needs_confirmed"]


# -- Orders at risk --------------------------------------------------------------------------------


def test_orders_at_risk_are_sorted_by_the_share_of_target_used(engine, data):
    """h1 168 h of 8 h, f5 52 h of 4 h, f1 616 h of 120 h, f2 201 h of 168 h (48 h on hold), h2 7 h of 8 h (past
    80 %, 1 h left). f3 (87 h of 120 h after its hold), g6 (4 h of 8 h) and f6 (1 s) are not at risk."""
    rows, total = read(engine, order_flow.orders_at_risk, NATIONAL, moment=END)
    assert total == 5
    assert rows["order_code"].tolist() == ["h1", "f5", "f1", "f2", "h2"]
    assert rows["elapsed_seconds"].tolist() == [168 * H, 52 * H, 616 * H, 201 * H, 7 * H]
    assert rows["over_target_seconds"].tolist() == [160 * H, 48 * H, 496 * H, 33 * H, -1 * H]
    assert rows["share_of_target"].tolist() == pytest.approx([21.0, 13.0, 616 / 120, 201 / 168, 7 / 8])
    first = rows.iloc[0]
    assert (first["account_code"], first["stage"], first["service_grade"], first["province_en"], first["city_en"]) == (
        "a1",
        "received",
        "key",
        "Alpha",
        "A1",
    )
    assert first["entered_at"] == pd.Timestamp("2026-09-24 00:00")


def test_orders_at_risk_are_limited_in_sql_most_urgent_first(engine, data):
    """With limit 2 the two most urgent come back, and the total still counts all five."""
    rows, total = read(engine, order_flow.orders_at_risk, NATIONAL, moment=END, limit=2)
    assert (rows["order_code"].tolist(), total) == (["h1", "f5"], 5)


def test_orders_at_risk_share_threshold_is_a_parameter(engine, data):
    """At 120 % of the target only the overdue ones remain: h2 (87.5 %) drops out, f2 (119.6 %) too."""
    rows, total = read(engine, order_flow.orders_at_risk, NATIONAL, moment=END, percent=120)
    assert (rows["order_code"].tolist(), total) == (["h1", "f5", "f1"], 3)


# -- Scope: every read sees only the user's own rows -----------------------------------------------


@pytest.mark.parametrize("username", USERS)
def test_throughput_wip_and_cfd_cover_only_the_users_orders(engine, data, username):
    """Throughput, work in progress and the cumulative flow equal direct counts over the user's own intervals."""
    user_scope, mine = scope(username, data), visible_intervals(username)
    throughput = read(engine, order_flow.throughput_per_week, user_scope, period=PERIOD)
    ended = Counter(i.stage for i in mine if ended_in(i, PERIOD))
    assert throughput.groupby("stage")["intervals"].sum().to_dict() == {s: ended.get(s, 0) for s in STAGES}
    frame = read(engine, order_flow.work_in_progress, user_scope, moment=END)
    assert dict(zip(frame["stage"], frame["orders"], strict=True)) == wip(mine, END)
    flow = read(engine, order_flow.cumulative_flow, user_scope, period=PERIOD)
    _, moments = order_flow.cfd_points(PERIOD)
    assert flow["orders"].tolist() == [wip(mine, m)[s] for s in STAGES for m in moments]


@pytest.mark.parametrize("username", USERS)
def test_aging_covers_only_the_users_orders(engine, data, username):
    """The orders aged at the end of September are the user's own open orders."""
    frame = read(engine, order_flow.aging, scope(username, data), moment=END)
    mine = [
        code
        for code, (account, _, received, closed, _) in fx.ORDERS.items()
        if account in VISIBLE[username] and received < END and (closed is None or closed >= END)
    ]
    assert frame["orders"].sum() == len(mine)


@pytest.mark.parametrize("username", USERS)
def test_scorecard_covers_only_the_users_regions_and_orders(engine, data, username):
    """Ended, on-time and overdue-now counts per region and stage equal direct counts over the user's intervals;
    a team lead never gets a row of another province."""
    frame = read(engine, order_flow.on_time_scorecard, scope(username, data), period=PERIOD)
    by_city = username != "exec"
    expected: dict[tuple[str, str], list[int]] = {}
    for i in visible_intervals(username):
        target = fx.target_seconds(fx.grade_of(i.order), i.stage)
        cell = expected.setdefault((region_name(i.order, by_city), i.stage), [0, 0, 0])
        if ended_in(i, PERIOD):
            cell[0] += 1
            cell[1] += fx.duration_seconds(i) <= target
        elif open_at(i, END) and elapsed_without_holds(i, END) > target:
            cell[2] += 1
    expected = {key: tuple(v) for key, v in expected.items() if any(v)}
    assert cells(frame) == expected
    if username.startswith("lead"):
        assert set(frame["region_id"]) <= {data["A1"], data["A2"]}


@pytest.mark.parametrize("username", USERS)
def test_orders_at_risk_cover_only_the_users_orders(engine, data, username):
    """The orders at risk are exactly the user's open intervals past 80 % of their target (holds left out)."""
    rows, total = read(engine, order_flow.orders_at_risk, scope(username, data), moment=END)
    expected = {
        i.order
        for i in visible_intervals(username)
        if open_at(i, END) and elapsed_without_holds(i, END) > 0.8 * fx.target_seconds(fx.grade_of(i.order), i.stage)
    }
    assert set(rows["order_code"]) == expected and total == len(expected)
    if username.startswith("lead"):
        assert set(rows["province_en"]) <= {"Alpha"}
