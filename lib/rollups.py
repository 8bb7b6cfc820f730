"""Rollup tables: small summaries of the big fact tables, kept exactly in step with them.

stage_flow_days counts the stage intervals of order_events per day, region, stage and service grade:
entered (by the day of `at`), exited and on_time (by the day of `exited_at`; on time when the
hold-free duration is within the target stored on entry). stage_duration_months counts the intervals
that ended in a month per province, stage, grade and duration class (DURATION_CLASSES). Every command
that enters or leaves an interval calls `interval_entered` / `interval_left` in its own transaction;
bulk loads call `rebuild`. A test checks after random writes that the tables equal a recomputation.

Run `python -m lib.rollups rebuild` after loading order events by any other means, and
`python -m lib.rollups check` to compare the table with a recomputation.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import math
import sys
import time
from collections import Counter
from typing import Optional

from sqlalchemy import Connection, Integer, Select, case, delete, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lib.domain import STAGES
from lib.models import OrderEvent, StageDurationMonth, StageFlowDay

EVENTS = OrderEvent.__table__
FLOW = StageFlowDay.__table__
DURATIONS = StageDurationMonth.__table__
KEYS = ("day", "province_id", "city_id", "stage", "service_grade")
COUNTS = ("entered", "exited", "on_time")
PROVINCE_TOTAL = 0  # the city_id of a province's total row


def day_of(conn: Connection, column):
    """The calendar day of a datetime column (a date on PostgreSQL, 'YYYY-MM-DD' text on SQLite, which
    is how SQLite stores a date)."""
    if conn.dialect.name == "postgresql":
        return func.cast(column, FLOW.c.day.type)
    return func.substr(column, 1, 10)


def _moves(conn: Connection):
    """One row per interval entry and one per exit, with its day and counts."""
    base = [EVENTS.c.kind == "enter", EVENTS.c.stage.in_(STAGES)]
    where = [EVENTS.c.province_id, EVENTS.c.city_id, EVENTS.c.stage, EVENTS.c.service_grade]
    on_time = case((EVENTS.c.duration_seconds <= EVENTS.c.target_seconds, 1), else_=0)
    entries = select(
        day_of(conn, EVENTS.c.at).label("day"),
        *where,
        literal(1, Integer).label("entered"),
        literal(0, Integer).label("exited"),
        literal(0, Integer).label("on_time"),
    ).where(*base)
    exits = select(
        day_of(conn, EVENTS.c.exited_at).label("day"),
        *where,
        literal(0, Integer).label("entered"),
        literal(1, Integer).label("exited"),
        on_time.label("on_time"),
    ).where(*base, EVENTS.c.exited_at.is_not(None))
    return union_all(entries, exits).cte("moves")


def recompute(conn: Connection) -> Select:
    """The whole of stage_flow_days computed from order_events: city rows and province totals."""
    moves = _moves(conn)
    sums = [func.sum(moves.c[c]).label(c) for c in COUNTS]
    per_city = [moves.c.day, moves.c.province_id, moves.c.city_id, moves.c.stage, moves.c.service_grade]
    per_province = [moves.c.day, moves.c.province_id, moves.c.stage, moves.c.service_grade]
    by_city = select(*per_city, *sums).group_by(*per_city)
    by_province = select(
        moves.c.day,
        moves.c.province_id,
        literal(PROVINCE_TOTAL, Integer).label("city_id"),
        moves.c.stage,
        moves.c.service_grade,
        *sums,
    ).group_by(*per_province)
    return union_all(by_city, by_province)


# Duration classes: class 0 is under a minute; from there 12 classes per doubling (each about 6 % wide).
CLASSES_PER_DOUBLING = 12
FIRST_CLASS_SECONDS = 60
LAST_CLASS = 1 + CLASSES_PER_DOUBLING * 20  # from 60 s x 2^20 (about two years) on, one open class
CLASS_STARTS = [0] + [
    math.ceil(FIRST_CLASS_SECONDS * 2 ** (c / CLASSES_PER_DOUBLING)) for c in range(LAST_CLASS)
]  # class c holds durations in [CLASS_STARTS[c], CLASS_STARTS[c + 1])


def duration_class(seconds: int) -> int:
    """The class of a hold-free duration in seconds."""
    return bisect.bisect_right(CLASS_STARTS, max(0, int(seconds))) - 1


def class_range(duration_class_: int) -> tuple[int, Optional[int]]:
    """[first, end) seconds of a class; end None for the last, open class."""
    end = CLASS_STARTS[duration_class_ + 1] if duration_class_ + 1 < len(CLASS_STARTS) else None
    return CLASS_STARTS[duration_class_], end


def rebuild_flow(conn: Connection) -> int:
    """Replace stage_flow_days with a recomputation; returns its row count."""
    conn.execute(delete(FLOW))
    conn.execute(insert(FLOW).from_select([*KEYS, *COUNTS], recompute(conn)))
    return int(conn.scalar(select(func.count()).select_from(FLOW)) or 0)


def month_of(conn: Connection, column):
    """The first day of the month of a datetime column (a date on PostgreSQL, 'YYYY-MM-01' on SQLite)."""
    if conn.dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", column), DURATIONS.c.month.type)
    return func.substr(column, 1, 7).concat("-01")


DURATION_KEYS = ("month", "province_id", "stage", "service_grade", "duration_class")


def recompute_durations(conn: Connection, chunk_rows: int = 200_000) -> Counter:
    """stage_duration_months computed from order_events: (month text, province, stage, grade, class) ->
    intervals. Read in chunks; classes are worked out here, with the same function as the writes use."""
    counts: Counter = Counter()
    stmt = select(
        month_of(conn, EVENTS.c.exited_at),
        EVENTS.c.province_id,
        EVENTS.c.stage,
        EVENTS.c.service_grade,
        EVENTS.c.duration_seconds,
    ).where(
        EVENTS.c.kind == "enter",
        EVENTS.c.stage.in_(STAGES),
        EVENTS.c.exited_at.is_not(None),
        EVENTS.c.duration_seconds.is_not(None),
    )
    result = conn.execute(stmt.execution_options(yield_per=chunk_rows))
    for rows in result.partitions():
        counts.update((str(m)[:10], p, s, g, duration_class(d)) for m, p, s, g, d in rows)
    return counts


def rebuild_durations(conn: Connection) -> int:
    """Replace stage_duration_months with a recomputation; returns its row count."""
    counts = recompute_durations(conn)
    conn.execute(delete(DURATIONS))
    rows = [
        {"month": dt.date.fromisoformat(k[0]), **dict(zip(DURATION_KEYS[1:], k[1:], strict=True)), "intervals": n}
        for k, n in counts.items()
    ]
    for start in range(0, len(rows), 50_000):
        conn.execute(insert(DURATIONS), rows[start : start + 50_000])
    return len(rows)


def rebuild(conn: Connection) -> int:
    """Replace every rollup with a recomputation from the raw rows; returns the rows written."""
    return rebuild_flow(conn) + rebuild_durations(conn)


def differences(conn: Connection) -> list[tuple]:
    """Rows where a rollup and a recomputation from order_events disagree (empty when in step):
    (table, key, stored or None, recomputed or None)."""

    def keyed(rows) -> dict[tuple, tuple]:
        return {(str(r[0])[:10], *r[1:5]): tuple(int(v) for v in r[5:]) for r in rows}

    found = []
    stored = keyed(conn.execute(select(*(FLOW.c[c] for c in (*KEYS, *COUNTS)))).all())
    recomputed = keyed(conn.execute(recompute(conn)).all())
    durations = keyed(conn.execute(select(*(DURATIONS.c[c] for c in (*DURATION_KEYS, "intervals")))).all())
    for table, have, want in (
        ("stage_flow_days", stored, recomputed),
        ("stage_duration_months", durations, {k: (n,) for k, n in recompute_durations(conn).items()}),
    ):
        found += [
            (table, key, have.get(key), want.get(key))
            for key in sorted(set(have) | set(want))
            if have.get(key) != want.get(key)
        ]
    return found


def _bump(session: Session, event: OrderEvent, day, **deltas: int) -> None:
    """Add `deltas` to the event's city row and its province's total row (creating them at zero)."""
    if event.stage not in STAGES:
        return
    conn = session.connection()
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    rows = [
        {
            "day": day,
            "province_id": event.province_id,
            "city_id": city_id,
            "stage": event.stage,
            "service_grade": event.service_grade,
            **{c: deltas.get(c, 0) for c in COUNTS},
        }
        for city_id in (event.city_id, PROVINCE_TOTAL)
    ]
    stmt = dialect_insert(FLOW).values(rows)
    stmt = stmt.on_conflict_do_update(index_elements=list(KEYS), set_={c: FLOW.c[c] + stmt.excluded[c] for c in deltas})
    conn.execute(stmt)


def interval_entered(session: Session, event: OrderEvent) -> None:
    """An order entered a stage: count it on the day of its entry."""
    _bump(session, event, event.at.date(), entered=1)


def interval_left(session: Session, event: OrderEvent) -> None:
    """An order left a stage (exited_at, duration_seconds and target_seconds set): count it and whether
    it was on time, on the day it left, and its duration class in the month it left."""
    on_time = (
        event.duration_seconds is not None
        and event.target_seconds is not None
        and event.duration_seconds <= event.target_seconds
    )
    _bump(session, event, event.exited_at.date(), exited=1, on_time=int(on_time))
    if event.stage not in STAGES or event.duration_seconds is None:
        return
    conn = session.connection()
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(DURATIONS).values(
        month=event.exited_at.date().replace(day=1),
        province_id=event.province_id,
        stage=event.stage,
        service_grade=event.service_grade,
        duration_class=duration_class(event.duration_seconds),
        intervals=1,
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=list(DURATION_KEYS), set_={"intervals": DURATIONS.c.intervals + stmt.excluded.intervals}
        )
    )


def main(argv: Optional[list[str]] = None) -> int:
    from lib.config import load_settings
    from lib.db import make_engine

    parser = argparse.ArgumentParser(prog="python -m lib.rollups", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["rebuild", "check"], help="rebuild from the raw rows, or compare")
    command = parser.parse_args(argv).command
    engine = make_engine(load_settings().database_url)
    started = time.perf_counter()
    if command == "check":
        with engine.connect() as conn:
            wrong = differences(conn)
        seconds = time.perf_counter() - started
        print(f"rollups: {len(wrong):,} rows differ from a recomputation ({seconds:.1f} s)")
        return 1 if wrong else 0
    with engine.begin() as conn:
        rows = rebuild(conn)
    print(f"rollups rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
