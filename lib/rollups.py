"""Rollup tables: small summaries of the big fact tables, kept exactly in step with them.

stage_flow_days counts the stage intervals of order_events per day, region, stage and service grade:
entered (by the day of `at`), exited and on_time (by the day of `exited_at`; on time when the
hold-free duration is within the target stored on entry). Every command that enters or leaves an
interval calls `interval_entered` / `interval_left` in its own transaction; bulk loads call
`rebuild`. A test checks after random writes that the table equals `recompute`.

Run `python -m lib.rollups rebuild` after loading order events by any other means, and
`python -m lib.rollups check` to compare the table with a recomputation.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Optional

from sqlalchemy import Connection, Integer, Select, case, delete, func, insert, literal, select, union_all
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lib.domain import STAGES
from lib.models import OrderEvent, StageFlowDay

EVENTS = OrderEvent.__table__
FLOW = StageFlowDay.__table__
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


def rebuild(conn: Connection) -> int:
    """Replace stage_flow_days with a recomputation; returns its row count."""
    conn.execute(delete(FLOW))
    conn.execute(insert(FLOW).from_select([*KEYS, *COUNTS], recompute(conn)))
    return int(conn.scalar(select(func.count()).select_from(FLOW)) or 0)


def differences(conn: Connection) -> list[tuple]:
    """Rows where stage_flow_days and a recomputation from order_events disagree (empty when in step):
    (key, stored counts or None, recomputed counts or None)."""

    def keyed(rows) -> dict[tuple, tuple]:
        return {(str(r[0])[:10], *r[1:5]): tuple(int(v) for v in r[5:]) for r in rows}

    stored = keyed(conn.execute(select(*(FLOW.c[c] for c in (*KEYS, *COUNTS)))).all())
    recomputed = keyed(conn.execute(recompute(conn)).all())
    return [
        (key, stored.get(key), recomputed.get(key))
        for key in sorted(set(stored) | set(recomputed))
        if stored.get(key) != recomputed.get(key)
    ]


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
    it was on time, on the day it left."""
    on_time = (
        event.duration_seconds is not None
        and event.target_seconds is not None
        and event.duration_seconds <= event.target_seconds
    )
    _bump(session, event, event.exited_at.date(), exited=1, on_time=int(on_time))


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
        print(f"stage_flow_days: {len(wrong):,} rows differ from a recomputation ({seconds:.1f} s)")
        return 1 if wrong else 0
    with engine.begin() as conn:
        rows = rebuild(conn)
    print(f"stage_flow_days rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
