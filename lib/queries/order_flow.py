"""Order flow: throughput, time in stage, work in progress, cumulative flow, aging, on-time rate, orders at risk.

Everything is read from the stage intervals of order_events (kind 'enter'): `at` is the entry,
`exited_at` the exit (NULL while the order is still in the stage), `duration_seconds` the time in
stage without holds and `target_seconds` the target in force on entry. Queries select intervals
through the stored columns that ix_order_events_exit (kind, exited_at, stage) and
ix_order_events_open (kind, stage, exited_at, at) cover, and never pair raw events with LEAD/LAG.

Date arithmetic differs between SQLite and PostgreSQL, so the few places that need it go
through `epoch_seconds` and `day_of`, which emit the right SQL for the connection's dialect.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from typing import Optional

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    Table,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)

from lib import rollups
from lib.access import Scope, scope_condition
from lib.domain import GRADES, STAGES
from lib.models import Account, Order, OrderEvent, OrgUnit, StageDurationMonth, StageTarget
from lib.periods import Period, whole_months
from lib.queries import flow, reads
from lib.queries.filters import category_condition
from lib.rollups import day_of, epoch_seconds

EVENTS = OrderEvent.__table__
FLOW = flow.FLOW
DURATIONS = StageDurationMonth.__table__
OPEN = rollups.OPEN
ORDERS = Order.__table__
ACCOUNTS = Account.__table__
ORG = OrgUnit.__table__
TARGETS = StageTarget.__table__

DAY_SECONDS = 86_400
MAX_CFD_POINTS = 120  # longer periods are shown with weekly (or coarser) points
AT_RISK_PERCENT = 80  # an open interval past this share of its target is at risk
AT_RISK_LIMIT = 200
MIN_CELL_INTERVALS = 20  # a scorecard cell needs this many ended intervals to be named the worst
AGING_BUCKETS = (  # code, lower bound in days (inclusive); the last bucket is open-ended
    ("lt_1d", 0),
    ("1_3d", 1),
    ("3_7d", 3),
    ("7_14d", 7),
    ("14_30d", 14),
    ("gt_30d", 30),
)


# -- SQL helpers ------------------------------------------------------------------------------------


def _as_date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _intervals(table: Table, scope: Scope, categories: tuple[str, ...], grade: Optional[str]) -> list:
    """Stage intervals of the five working stages in scope, of accounts in `categories`, of `grade`."""
    conditions = [
        table.c.kind == "enter",
        table.c.stage.in_(STAGES),
        scope_condition(scope, table),
        category_condition(table, categories),
    ]
    if grade:
        conditions.append(table.c.service_grade == grade)
    return conditions


def _overlapping(conditions: list, columns: list, start: dt.datetime, end: dt.datetime):
    """`columns` of the intervals in their stage at some moment of [start, end]: entered before `end`, not left
    before `start`. With start = end, the intervals open at that moment.

    Written as two index ranges of ix_order_events_open (kind, stage, exited_at, at), still open
    (exited_at IS NULL) and left later (exited_at >= start), because with an OR between them the
    planners scan every interval of the stage.
    """
    still_open = select(*columns).where(*conditions, EVENTS.c.exited_at.is_(None), EVENTS.c.at < end)
    left_later = select(*columns).where(*conditions, EVENTS.c.exited_at >= start, EVENTS.c.at < end)
    return union_all(still_open, left_later).subquery("overlapping")


def _open_at(table: Table, moment: dt.datetime) -> ColumnElement[bool]:
    """The interval had been entered and not yet left at `moment` (for joins; reads use `_overlapping`)."""
    return and_(table.c.at < moment, or_(table.c.exited_at.is_(None), table.c.exited_at >= moment))


def _ended_in(table: Table, period: Period) -> ColumnElement[bool]:
    return and_(table.c.exited_at >= _midnight(period.start), table.c.exited_at < _midnight(period.end))


def _open_intervals(
    conn: Connection, scope: Scope, moment: dt.datetime, categories: tuple[str, ...], grade: Optional[str]
):
    """Intervals open at `moment` with their time in stage then (seconds), holds taken out.

    An open interval has no stored duration yet, so the time on hold inside it is worked out from
    its hold and resume points before `moment`: the sum of resume times minus the sum of hold
    times, plus `moment` for a hold still running. One aggregate over the order's own events
    (ix_order_events_order), not a pairing of events.

    When the intervals open now are those open at `moment` (see `_open_now_serves`), the rollup of
    open intervals has those sums already.
    """
    names = rollups.OPEN_COLUMNS
    end = rollups.epoch(moment)
    if _open_now_serves(conn, scope, categories, moment):
        conditions = [OPEN.c.at < moment, scope_condition(scope, OPEN)]
        if grade:
            conditions.append(OPEN.c.service_grade == grade)
        on_hold = OPEN.c.hold_epochs + case((OPEN.c.holds_running > 0, end), else_=0)
        elapsed = (end - epoch_seconds(conn, OPEN.c.at) - on_hold).label("elapsed_seconds")
        return select(*(OPEN.c[n] for n in names), elapsed).where(*conditions).subquery("open_intervals")
    iv = _overlapping(_intervals(EVENTS, scope, categories, grade), [EVENTS.c[n] for n in names], moment, moment)
    ev = EVENTS.alias("ev")
    ev_epoch = epoch_seconds(conn, ev.c.at)
    holds = func.count(case((ev.c.kind == "hold", 1)))
    resumes = func.count(case((ev.c.kind == "resume", 1)))
    on_hold = (
        func.coalesce(func.sum(case((ev.c.kind == "resume", ev_epoch), else_=0)), 0)
        - func.coalesce(func.sum(case((ev.c.kind == "hold", ev_epoch), else_=0)), 0)
        + case((holds > resumes, end), else_=0)
    )
    columns = [iv.c[n] for n in names]
    held = and_(
        ev.c.order_id == iv.c.order_id,
        ev.c.kind.in_(("hold", "resume")),
        ev.c.stage == iv.c.stage,
        ev.c.at >= iv.c.at,
        ev.c.at < moment,
    )
    return (
        select(*columns, (end - epoch_seconds(conn, iv.c.at) - on_hold).label("elapsed_seconds"))
        .select_from(iv.outerjoin(ev, held))
        .group_by(*columns)
        .subquery("open_intervals")
    )


def _open_now_serves(conn: Connection, scope: Scope, categories: tuple[str, ...], moment: dt.datetime) -> bool:
    """Whether open_stage_intervals (entered before `moment`) holds exactly the intervals open at `moment`
    and their hold points up to it: no interval left and no open one was held or resumed at or after
    `moment`. Two LIMIT 1 probes (ix_order_events_exit and the small rollup)."""
    if not flow.serves(scope, categories):
        return False
    left_later = select(EVENTS.c.id).where(EVENTS.c.kind == "enter", EVENTS.c.exited_at >= moment).limit(1)
    paused_later = select(OPEN.c.id).where(OPEN.c.at < moment, OPEN.c.changed_at >= moment).limit(1)
    return conn.scalar(left_later) is None and conn.scalar(paused_later) is None


def _region_column(scope: Scope, table: Table) -> ColumnElement:
    """Provinces for a national scope, cities within a province or city scope."""
    return table.c.province_id if scope.is_national else table.c.city_id


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _stage_order(frame: pd.DataFrame, *extra: str) -> pd.DataFrame:
    """Rows in flow order of the stages (then by `extra` columns)."""
    rank = {stage: i for i, stage in enumerate(STAGES)}
    return (
        frame.assign(_rank=frame["stage"].map(rank))
        .sort_values(["_rank", *extra])
        .drop(columns="_rank")
        .reset_index(drop=True)
    )


# -- Reads ------------------------------------------------------------------------------------------


@reads("stage_targets")
def stage_targets_in_force(conn: Connection, scope: Scope, *, day: dt.date) -> pd.DataFrame:
    """The stage target of every grade and stage in force on `day`: service_grade, stage, target_seconds.

    A settings table, the same for everybody, so it is not limited by scope.
    """
    latest = (
        select(TARGETS.c.service_grade, TARGETS.c.stage, func.max(TARGETS.c.effective_from).label("since"))
        .where(TARGETS.c.effective_from <= day)
        .group_by(TARGETS.c.service_grade, TARGETS.c.stage)
        .subquery()
    )
    stmt = (
        select(TARGETS.c.service_grade, TARGETS.c.stage, func.max(TARGETS.c.target_hours))
        .join(
            latest,
            and_(
                TARGETS.c.service_grade == latest.c.service_grade,
                TARGETS.c.stage == latest.c.stage,
                TARGETS.c.effective_from == latest.c.since,
            ),
        )
        .group_by(TARGETS.c.service_grade, TARGETS.c.stage)
    )
    frame = _frame(conn.execute(stmt), ["service_grade", "stage", "target_hours"])
    frame = frame[frame["stage"].isin(STAGES)]
    frame["target_seconds"] = (frame["target_hours"].astype(float) * 3600).round().astype("int64")
    return _stage_order(frame.drop(columns="target_hours"), "service_grade")


@reads("order_events", "orders", "accounts")
def throughput_per_week(
    conn: Connection, scope: Scope, *, period: Period, categories: tuple[str, ...] = (), grade: Optional[str] = None
) -> pd.DataFrame:
    """Intervals that left each stage in the period, per week (weeks start on Monday): week, stage, intervals.

    Every week that touches the period is listed, with 0 where nothing left a stage; the first and
    last weeks may be partial.
    """
    first_monday = period.start - dt.timedelta(days=period.start.weekday())
    # Counted per stage and day in SQL (a few hundred rows), added up into weeks here.
    if flow.serves(scope, categories):
        stmt = (
            select(FLOW.c.stage, FLOW.c.day, func.sum(FLOW.c.exited))
            .where(*flow.conditions(scope, period.start, period.end, grade=grade), FLOW.c.exited > 0)
            .group_by(FLOW.c.stage, FLOW.c.day)
        )
    else:
        ended = (
            select(EVENTS.c.stage, day_of(conn, EVENTS.c.exited_at).label("day"))
            .where(*_intervals(EVENTS, scope, categories, grade), _ended_in(EVENTS, period))
            .subquery()
        )
        stmt = select(ended.c.stage, ended.c.day, func.count()).group_by(ended.c.stage, ended.c.day)
    counts: dict[tuple[str, int], int] = {}
    for stage, day, n in conn.execute(stmt):
        week = (_as_date(day) - first_monday).days // 7
        counts[(stage, week)] = counts.get((stage, week), 0) + int(n)
    weeks = math.ceil((period.end - first_monday).days / 7)
    rows = [
        (first_monday + dt.timedelta(weeks=w), stage, counts.get((stage, w), 0))
        for w in range(weeks)
        for stage in STAGES
    ]
    return pd.DataFrame(rows, columns=["week", "stage", "intervals"]).astype({"intervals": "int64"})


@reads("order_events", "orders", "accounts")
def time_in_stage(
    conn: Connection, scope: Scope, *, period: Period, categories: tuple[str, ...] = (), grade: Optional[str] = None
) -> pd.DataFrame:
    """Median and P90 time in stage (holds excluded) of intervals that ended in the period, per stage and grade.

    Columns stage, service_grade, intervals, median_seconds, p90_seconds, on_time. Percentiles are
    nearest-rank (numpy's inverted_cdf): the duration at rank r = ceil(p * n), found as the rank
    with r >= p * n > r - 1, compared in integers so that p * n is never rounded.

    For a national or province scope without a category filter the duration rollup says in which class
    the r-th interval lies, and only that class's intervals are read (see `_time_in_stage_by_class`).
    """
    if flow.serves_durations(scope, categories):
        return _finish_time_in_stage(_time_in_stage_by_class(conn, scope, period, grade))
    # One window (one sort) for the rank, the group's size and its on-time count; the outer query
    # then keeps only the rows at the two nearest ranks instead of grouping every interval again.
    window = {
        "partition_by": [EVENTS.c.stage, EVENTS.c.service_grade],
        "order_by": EVENTS.c.duration_seconds,
        "rows": (None, None),
    }
    on_time = case((EVENTS.c.duration_seconds <= EVENTS.c.target_seconds, 1), else_=0)
    ranked = (
        select(
            EVENTS.c.stage,
            EVENTS.c.service_grade,
            EVENTS.c.duration_seconds.label("seconds"),
            func.row_number().over(partition_by=window["partition_by"], order_by=window["order_by"]).label("rank"),
            func.count().over(**window).label("n"),
            func.sum(on_time).over(**window).label("on_time"),
        )
        .where(
            *_intervals(EVENTS, scope, categories, grade),
            _ended_in(EVENTS, period),
            EVENTS.c.duration_seconds.is_not(None),
        )
        .subquery()
    )
    rank, n = ranked.c.rank, ranked.c.n
    at_median = and_(rank * 2 >= n, (rank - 1) * 2 < n)
    at_p90 = and_(rank * 10 >= n * 9, (rank - 1) * 10 < n * 9)
    stmt = (
        select(
            ranked.c.stage,
            ranked.c.service_grade,
            func.max(n).label("intervals"),
            func.min(case((at_median, ranked.c.seconds))).label("median_seconds"),
            func.min(case((at_p90, ranked.c.seconds))).label("p90_seconds"),
            func.max(ranked.c.on_time).label("on_time"),
        )
        .where(or_(at_median, at_p90))
        .group_by(ranked.c.stage, ranked.c.service_grade)
    )
    return _finish_time_in_stage(_frame(conn.execute(stmt), TIME_IN_STAGE_COLUMNS))


TIME_IN_STAGE_COLUMNS = ["stage", "service_grade", "intervals", "median_seconds", "p90_seconds", "on_time"]
PERCENTILES = {"median_seconds": (1, 2), "p90_seconds": (9, 10)}  # p as a fraction


def _finish_time_in_stage(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.astype({"intervals": "int64", "median_seconds": "int64", "p90_seconds": "int64", "on_time": "int64"})
    grade_rank = {g: i for i, g in enumerate(GRADES)}
    return _stage_order(frame.assign(_g=frame["service_grade"].map(grade_rank)), "_g").drop(columns="_g")


def _class_counts(
    conn: Connection, scope: Scope, period: Period, grade: Optional[str]
) -> dict[tuple[str, str], Counter]:
    """Per (stage, grade), intervals ended in the period per duration class: whole months from the
    rollup, the days before and after them from the raw intervals."""
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    whole = whole_months(period)
    edges = [period] if whole is None else [p for p in (
        Period(period.start, whole.start) if period.start < whole.start else None,
        Period(whole.end, period.end) if whole.end < period.end else None,
    ) if p is not None]  # fmt: skip
    if whole is not None:
        province = scope.province_id if scope.level == "province" else rollups.NATIONAL_TOTAL
        where = [DURATIONS.c.month >= whole.start, DURATIONS.c.month < whole.end, DURATIONS.c.province_id == province]
        if grade:
            where.append(DURATIONS.c.service_grade == grade)
        keys = [DURATIONS.c.stage, DURATIONS.c.service_grade, DURATIONS.c.duration_class]
        for stage, service_grade, duration_class, n in conn.execute(
            select(*keys, func.sum(DURATIONS.c.intervals)).where(*where).group_by(*keys)
        ):
            counts[(stage, service_grade)][int(duration_class)] += int(n)
    for edge in edges:
        stmt = select(EVENTS.c.stage, EVENTS.c.service_grade, EVENTS.c.duration_seconds).where(
            *_intervals(EVENTS, scope, (), grade), _ended_in(EVENTS, edge), EVENTS.c.duration_seconds.is_not(None)
        )
        for stage, service_grade, seconds in conn.execute(stmt):
            counts[(stage, service_grade)][rollups.duration_class(seconds)] += 1
    return counts


def _ranked_duration(
    conn: Connection, scope: Scope, period: Period, stage: str, grade: str, classes: Counter, rank: int
) -> int:
    """The rank-th shortest duration (1-based) among the intervals counted in `classes`: find its class,
    then read that class's intervals in duration order (ix_order_events_duration)."""
    before = 0
    for duration_class in sorted(classes):
        if before + classes[duration_class] >= rank:
            break
        before += classes[duration_class]
    first, end = rollups.class_range(duration_class)
    stmt = (
        select(EVENTS.c.duration_seconds)
        .where(
            EVENTS.c.kind == "enter",
            EVENTS.c.stage == stage,
            EVENTS.c.service_grade == grade,
            EVENTS.c.duration_seconds >= first,
            *([EVENTS.c.duration_seconds < end] if end is not None else []),
            _ended_in(EVENTS, period),
            scope_condition(scope, EVENTS),
        )
        .order_by(EVENTS.c.duration_seconds)
        .offset(rank - before - 1)
        .limit(1)
    )
    return int(conn.scalar(stmt))


def _time_in_stage_by_class(conn: Connection, scope: Scope, period: Period, grade: Optional[str]) -> pd.DataFrame:
    counts = _class_counts(conn, scope, period, grade)
    on_time = {
        (stage, service_grade): int(n)
        for stage, service_grade, n in conn.execute(
            select(FLOW.c.stage, FLOW.c.service_grade, func.sum(FLOW.c.on_time))
            .where(*flow.conditions(scope, period.start, period.end, grade=grade))
            .group_by(FLOW.c.stage, FLOW.c.service_grade)
        )
    }
    rows = []
    for (stage, service_grade), classes in counts.items():
        n = sum(classes.values())
        if not n:
            continue
        values = {
            column: _ranked_duration(conn, scope, period, stage, service_grade, classes, -(-n * num // den))
            for column, (num, den) in PERCENTILES.items()
        }  # rank = ceil(p * n), in integers
        rows.append((stage, service_grade, n, values["median_seconds"], values["p90_seconds"],
                     on_time.get((stage, service_grade), 0)))  # fmt: skip
    return pd.DataFrame(rows, columns=TIME_IN_STAGE_COLUMNS)


@reads("order_events", "orders", "accounts")
def work_in_progress(
    conn: Connection,
    scope: Scope,
    *,
    moment: dt.datetime,
    categories: tuple[str, ...] = (),
    grade: Optional[str] = None,
) -> pd.DataFrame:
    """Orders in each stage at `moment` (entered before it, not left by then): stage, orders; every stage listed."""
    open_now = _overlapping(_intervals(EVENTS, scope, categories, grade), [EVENTS.c.stage], moment, moment)
    counts = dict(conn.execute(select(open_now.c.stage, func.count()).group_by(open_now.c.stage)).all())
    return pd.DataFrame({"stage": list(STAGES), "orders": [int(counts.get(s, 0)) for s in STAGES]})


def cfd_points(period: Period) -> tuple[int, list[dt.datetime]]:
    """The spacing (seconds) and the moments the cumulative flow diagram counts at.

    Daily (at the end of each day) up to MAX_CFD_POINTS days; otherwise whole weeks, as many as it
    takes to stay within MAX_CFD_POINTS points. The last point is the end of the period.
    """
    days = period.days
    width_days = 1 if days <= MAX_CFD_POINTS else 7 * math.ceil(days / (7 * MAX_CFD_POINTS))
    start = _midnight(period.start)
    count = math.ceil(days / width_days)
    moments = [min(start + dt.timedelta(days=width_days * (k + 1)), _midnight(period.end)) for k in range(count)]
    return width_days * DAY_SECONDS, moments


@reads("order_events", "orders", "accounts")
def cumulative_flow(
    conn: Connection, scope: Scope, *, period: Period, categories: tuple[str, ...] = (), grade: Optional[str] = None
) -> pd.DataFrame:
    """Orders in each stage at the end of each day (or week) of the period: day, stage, orders.

    `day` is the last day a point covers. One statement: per stage and day, the entries minus the
    exits, as a running SUM() OVER the days, on top of the work in progress at the start (the row
    whose day is NULL). Only intervals overlapping the period are read. The level at each point
    is the running sum of the last day with a change up to it.
    """
    _, moments = cfd_points(period)
    if flow.serves(scope, categories):
        levels = _cfd_levels_from_rollup(conn, scope, period, grade)
    else:
        levels = _cfd_levels(conn, scope, period, categories, grade)
    rows = []
    for stage in STAGES:  # 5 stages x at most 366 days: the level at the last change up to each point
        changes_of_stage, i, level = sorted(levels[stage]), 0, 0
        for moment in moments:
            last_day = (moment - dt.timedelta(days=1)).date()
            while i < len(changes_of_stage) and changes_of_stage[i][0] <= last_day:
                level, i = changes_of_stage[i][1], i + 1
            rows.append((last_day, stage, level))
    return pd.DataFrame(rows, columns=["day", "stage", "orders"]).astype({"orders": "int64"})


def _cfd_levels_from_rollup(
    conn: Connection, scope: Scope, period: Period, grade: Optional[str]
) -> dict[str, list[tuple[dt.date, int]]]:
    """Per stage, (day, level after that day) at each day with a change; dt.date.min: the level at the start.

    Entries minus exits per day of the period, after the entries minus exits of every day before it."""
    day = case((FLOW.c.day < period.start, None), else_=FLOW.c.day)
    stmt = (
        select(FLOW.c.stage, day, func.sum(FLOW.c.entered - FLOW.c.exited))
        .where(*flow.conditions(scope, None, period.end, grade=grade))
        .group_by(FLOW.c.stage, day)
    )
    deltas: dict[str, list[tuple[dt.date, int]]] = {stage: [] for stage in STAGES}
    for stage, changed_on, delta in conn.execute(stmt):
        deltas[stage].append((dt.date.min if changed_on is None else _as_date(changed_on), int(delta)))
    levels: dict[str, list[tuple[dt.date, int]]] = {}
    for stage, changes in deltas.items():
        running, levels[stage] = 0, []
        for changed_on, delta in sorted(changes):
            running += delta
            levels[stage].append((changed_on, running))
    return levels


def _cfd_levels(
    conn: Connection, scope: Scope, period: Period, categories: tuple[str, ...], grade: Optional[str]
) -> dict[str, list[tuple[dt.date, int]]]:
    """The same from the raw intervals: only those overlapping the period are read."""
    start, end = _midnight(period.start), _midnight(period.end)
    moves = _overlapping(
        _intervals(EVENTS, scope, categories, grade),
        [
            EVENTS.c.stage,
            case((EVENTS.c.at >= start, day_of(conn, EVENTS.c.at))).label("entered"),  # NULL: in stage at the start
            case((EVENTS.c.exited_at < end, day_of(conn, EVENTS.c.exited_at))).label("left"),
        ],
        start,
        end,
    )
    # One pass over the intervals (per stage, entry day and exit day), read twice: entries and exits.
    pairs = (
        select(moves.c.stage, moves.c.entered, moves.c.left, func.count().label("n"))
        .group_by(moves.c.stage, moves.c.entered, moves.c.left)
        .cte("pairs")
    )
    entries = select(pairs.c.stage, pairs.c.entered.label("day"), func.sum(pairs.c.n).label("delta")).group_by(
        pairs.c.stage, pairs.c.entered
    )
    exits = (
        select(pairs.c.stage, pairs.c.left, -func.sum(pairs.c.n))
        .where(pairs.c.left.is_not(None))
        .group_by(pairs.c.stage, pairs.c.left)
    )
    changes = union_all(entries, exits).subquery()
    running = func.sum(func.sum(changes.c.delta)).over(
        partition_by=changes.c.stage, order_by=changes.c.day.nulls_first()
    )
    stmt = select(changes.c.stage, changes.c.day, running).group_by(changes.c.stage, changes.c.day)
    levels: dict[str, list[tuple[dt.date, int]]] = {stage: [] for stage in STAGES}
    for stage, day, level in conn.execute(stmt):
        levels[stage].append((dt.date.min if day is None else _as_date(day), int(level)))
    return levels


@reads("order_events", "orders", "accounts")
def aging(
    conn: Connection,
    scope: Scope,
    *,
    moment: dt.datetime,
    categories: tuple[str, ...] = (),
    grade: Optional[str] = None,
) -> pd.DataFrame:
    """Orders open at `moment` by age (moment - received) bucket and the stage they were in: stage, bucket, orders.

    Open means received before `moment` and not closed by then. The stage comes from the interval
    open at `moment`; an open order without one is in stage "unknown".

    At a moment after every closing (the usual case: the end of a period that reaches today) the open
    orders are those not closed at all, one range of ix_orders_closed; with an OR for the orders closed
    later the planners read every order received before `moment`.
    """
    received = ORDERS.c.received_at
    bucket = case(
        *[
            (received > moment - dt.timedelta(days=AGING_BUCKETS[i + 1][1]), code)
            for i, (code, _) in enumerate(AGING_BUCKETS[:-1])
        ],
        else_=AGING_BUCKETS[-1][0],
    )
    iv = EVENTS.alias("iv")
    stage = func.coalesce(iv.c.stage, literal("unknown", String)).label("stage")
    closed_later = conn.scalar(select(ORDERS.c.id).where(ORDERS.c.closed_at >= moment).limit(1)) is not None
    conditions = [
        received < moment,
        or_(ORDERS.c.closed_at.is_(None), ORDERS.c.closed_at >= moment)
        if closed_later
        else ORDERS.c.closed_at.is_(None),
        scope_condition(scope, ORDERS),
        category_condition(ORDERS, categories),
    ]
    if grade:
        conditions.append(ORDERS.c.service_grade == grade)
    open_orders = (
        select(stage, bucket.label("bucket"), ORDERS.c.id)
        .select_from(
            ORDERS.outerjoin(
                iv,
                and_(
                    iv.c.order_id == ORDERS.c.id,
                    iv.c.kind == "enter",
                    iv.c.stage.in_(STAGES),
                    _open_at(iv, moment),
                    scope_condition(scope, iv),
                ),
            )
        )
        .where(*conditions)
        .subquery()
    )
    stmt = select(open_orders.c.stage, open_orders.c.bucket, func.count(open_orders.c.id.distinct())).group_by(
        open_orders.c.stage, open_orders.c.bucket
    )
    frame = _frame(conn.execute(stmt), ["stage", "bucket", "orders"]).astype({"orders": "int64"})
    order = {code: i for i, (code, _) in enumerate(AGING_BUCKETS)}
    rank = {s: i for i, s in enumerate((*STAGES, "unknown"))}
    return (
        frame.assign(_s=frame["stage"].map(rank), _b=frame["bucket"].map(order))
        .sort_values(["_s", "_b"])
        .drop(columns=["_s", "_b"])
        .reset_index(drop=True)
    )


@reads("order_events", "orders", "accounts", "org_units")
def on_time_scorecard(
    conn: Connection, scope: Scope, *, period: Period, categories: tuple[str, ...] = (), grade: Optional[str] = None
) -> pd.DataFrame:
    """On-time rate per region and stage: region_id, region_en, region_zh, stage, ended, on_time, on_time_rate,
    overdue_now.

    Regions are provinces for a national scope, cities otherwise. ended / on_time: intervals that
    ended in the period / of those, ended within their target. overdue_now: intervals still open
    at the end of the period whose time in stage (holds excluded) is already past the target.
    """
    moment = _midnight(period.end)
    if flow.serves(scope, categories):
        region = flow.region_column(scope)
        ended = (
            select(
                region.label("region_id"),
                FLOW.c.stage.label("stage"),
                func.sum(FLOW.c.exited).label("ended"),
                func.sum(FLOW.c.on_time).label("on_time"),
                literal(0, Integer).label("overdue_now"),
            )
            .where(
                *flow.conditions(
                    scope, period.start, period.end, by_city=not scope.is_national, by_province=True, grade=grade
                )
            )
            .group_by(region, FLOW.c.stage)
            .having(func.sum(FLOW.c.exited) > 0)
        )
    else:
        ended_region = _region_column(scope, EVENTS)
        ended = (
            select(
                ended_region.label("region_id"),
                EVENTS.c.stage.label("stage"),
                func.count().label("ended"),
                func.count(case((EVENTS.c.duration_seconds <= EVENTS.c.target_seconds, 1))).label("on_time"),
                literal(0, Integer).label("overdue_now"),
            )
            .where(*_intervals(EVENTS, scope, categories, grade), _ended_in(EVENTS, period))
            .group_by(ended_region, EVENTS.c.stage)
        )
    open_iv = _open_intervals(conn, scope, moment, categories, grade)
    open_region = _region_column(scope, open_iv)
    overdue = (
        select(open_region, open_iv.c.stage, literal(0, Integer), literal(0, Integer), func.count())
        .where(open_iv.c.elapsed_seconds > open_iv.c.target_seconds)
        .group_by(open_region, open_iv.c.stage)
    )
    cells = union_all(ended, overdue).subquery()
    totals = (
        select(
            cells.c.region_id,
            cells.c.stage,
            func.sum(cells.c.ended).label("ended"),
            func.sum(cells.c.on_time).label("on_time"),
            func.sum(cells.c.overdue_now).label("overdue_now"),
        )
        .group_by(cells.c.region_id, cells.c.stage)
        .subquery()
    )
    stmt = select(
        totals.c.region_id,
        ORG.c.name_en,
        ORG.c.name_zh,
        totals.c.stage,
        totals.c.ended,
        totals.c.on_time,
        totals.c.overdue_now,
    ).join(ORG, ORG.c.id == totals.c.region_id)
    frame = _frame(
        conn.execute(stmt), ["region_id", "region_en", "region_zh", "stage", "ended", "on_time", "overdue_now"]
    )
    frame = frame.astype({"region_id": "int64", "ended": "int64", "on_time": "int64", "overdue_now": "int64"})
    rate = frame["on_time"] / frame["ended"].where(frame["ended"] > 0)
    frame.insert(6, "on_time_rate", rate.astype("float64"))
    return _stage_order(frame, "region_en")


def worst_cell(scorecard: pd.DataFrame, min_intervals: int = MIN_CELL_INTERVALS) -> Optional[pd.Series]:
    """The scorecard cell with the lowest on-time rate among those with at least `min_intervals` ended.

    When no cell has that many, every cell with an ended interval competes. Ties go to the cell
    with more ended intervals, then to the earlier stage, then to the region name.
    """
    cells = scorecard[scorecard["ended"] > 0]
    if cells.empty:
        return None
    big = cells[cells["ended"] >= min_intervals]
    cells = big if not big.empty else cells
    rank = {s: i for i, s in enumerate(STAGES)}
    ordered = cells.assign(_s=cells["stage"].map(rank)).sort_values(
        ["on_time_rate", "ended", "_s", "region_en"], ascending=[True, False, True, True]
    )
    return ordered.drop(columns="_s").iloc[0]


@reads("order_events", "orders", "accounts", "org_units")
def orders_at_risk(
    conn: Connection,
    scope: Scope,
    *,
    moment: dt.datetime,
    categories: tuple[str, ...] = (),
    grade: Optional[str] = None,
    percent: int = AT_RISK_PERCENT,
    limit: int = AT_RISK_LIMIT,
) -> tuple[pd.DataFrame, int]:
    """Orders open at `moment` whose time in their current stage is past `percent` % of its target.

    Returns (rows, total): at most `limit` rows, most urgent first (largest share of the target
    used), with order and account codes, account name, stage, grade, entry time, time in stage,
    target, time over target (negative: time left), share of target, province and city names;
    `total` counts them all.
    """
    open_iv = _open_intervals(conn, scope, moment, categories, grade)
    province, city = ORG.alias("province"), ORG.alias("city")
    share = (open_iv.c.elapsed_seconds * 1.0 / open_iv.c.target_seconds).label("share_of_target")
    stmt = (
        select(
            ORDERS.c.code.label("order_code"),
            ACCOUNTS.c.code.label("account_code"),
            ACCOUNTS.c.name.label("account_name"),
            open_iv.c.stage,
            open_iv.c.service_grade,
            open_iv.c.at.label("entered_at"),
            open_iv.c.elapsed_seconds,
            open_iv.c.target_seconds,
            (open_iv.c.elapsed_seconds - open_iv.c.target_seconds).label("over_target_seconds"),
            share,
            province.c.name_en.label("province_en"),
            province.c.name_zh.label("province_zh"),
            city.c.name_en.label("city_en"),
            city.c.name_zh.label("city_zh"),
            func.count().over().label("total"),
        )
        .select_from(
            open_iv.join(ORDERS, ORDERS.c.id == open_iv.c.order_id)
            .join(ACCOUNTS, ACCOUNTS.c.id == ORDERS.c.account_id)
            .join(province, province.c.id == open_iv.c.province_id)
            .join(city, city.c.id == open_iv.c.city_id)
        )
        .where(
            open_iv.c.target_seconds > 0,
            open_iv.c.elapsed_seconds * 100 > open_iv.c.target_seconds * percent,
            scope_condition(scope, ORDERS),
            scope_condition(scope, ACCOUNTS),
        )
        .order_by(share.desc(), open_iv.c.elapsed_seconds.desc(), ORDERS.c.code)
        .limit(limit)
    )
    columns = [
        "order_code",
        "account_code",
        "account_name",
        "stage",
        "service_grade",
        "entered_at",
        "elapsed_seconds",
        "target_seconds",
        "over_target_seconds",
        "share_of_target",
        "province_en",
        "province_zh",
        "city_en",
        "city_zh",
        "total",
    ]
    frame = _frame(conn.execute(stmt), columns)
    total = int(frame["total"].iloc[0]) if len(frame) else 0
    frame = frame.drop(columns="total").astype(
        {
            "elapsed_seconds": "int64",
            "target_seconds": "int64",
            "over_target_seconds": "int64",
            "share_of_target": "float64",
        }
    )
    frame["entered_at"] = pd.to_datetime(frame["entered_at"])
    return frame, total
