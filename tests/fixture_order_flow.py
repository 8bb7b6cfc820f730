"""Hand-made orders and stage intervals for the order-flow tests, on top of tests/handmade.py.

The period of interest is September 2026, [2026-09-01, 2026-10-01). Accounts and regions are
those of tests/handmade.py: Alpha (cities A1: a1, a2, a7; A2: a3, a4) and Beta (B1: a5, a6);
managers am_a (a1, a2, a7), am_b (a3, a4), am_c (a5, a6). Targets are the default ones of
lib.domain, copied onto each interval. The figures the tests expect are worked out by hand in
the tests' docstrings and comments; INTERVALS below also feeds the independent computations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lib import rollups
from lib.domain import DEFAULT_STAGE_TARGET_HOURS, STAGES
from lib.models import Order, OrderEvent, StageTarget
from lib.periods import Period
from tests import handmade

T = dt.datetime
H = 3600
PERIOD = Period(dt.date(2026, 9, 1), dt.date(2026, 10, 1))
END = T(2026, 10, 1)


@dataclass(frozen=True)
class Interval:
    order: str
    stage: str
    at: dt.datetime
    exited_at: Optional[dt.datetime]
    hold_seconds: int = 0  # inside the interval (finished holds only, as the write path stores them)


# code -> (account, grade, received, closed, status)
ORDERS = {
    "f1": ("a1", "premium", T(2026, 8, 30, 10), None, "open"),
    "f2": ("a2", "key", T(2026, 9, 10, 9), T(2026, 10, 6, 10), "closed"),
    "f3": ("a3", "standard", T(2026, 7, 1, 9), None, "on_hold"),
    "f4": ("a5", "key", T(2026, 9, 3, 9), T(2026, 9, 13, 12), "closed"),
    "f5": ("a6", "premium", T(2026, 9, 28, 20), None, "open"),
    "f6": ("a7", "standard", T(2026, 9, 29, 12), None, "open"),
    "g1": ("a5", "key", T(2026, 9, 7, 8), T(2026, 9, 7, 9), "closed"),
    "g2": ("a5", "key", T(2026, 9, 8, 8), T(2026, 9, 8, 10), "closed"),
    "g3": ("a4", "key", T(2026, 9, 14, 0), T(2026, 9, 14, 5), "closed"),
    "g4": ("a4", "key", T(2026, 9, 20, 14), T(2026, 9, 21, 0), "closed"),
    "g5": ("a4", "key", T(2026, 9, 30, 11), T(2026, 9, 30, 23), "closed"),
    "g6": ("a6", "key", T(2026, 9, 30, 20), T(2026, 10, 1, 0), "closed"),
    "h1": ("a1", "key", T(2026, 9, 24, 0), None, "open"),
    "h2": ("a3", "key", T(2026, 9, 30, 17), None, "open"),
}

INTERVALS = [
    # f1, premium: late in received (50 h > 4 h), on time in needs confirmed (20 h) and in resource
    # check (72 h wall clock, 30 h of it on hold: 42 h <= 48 h); in provisioning at the end.
    Interval("f1", "received", T(2026, 8, 30, 10), T(2026, 9, 1, 12)),
    Interval("f1", "needs_confirmed", T(2026, 9, 1, 12), T(2026, 9, 2, 8)),
    Interval("f1", "resource_check", T(2026, 9, 2, 8), T(2026, 9, 5, 8), 30 * H),
    Interval("f1", "provisioning", T(2026, 9, 5, 8), None),
    # f2, key: in provisioning at the end (left on 5 October), with a 48 h hold inside it before the end.
    Interval("f2", "received", T(2026, 9, 10, 9), T(2026, 9, 10, 15)),
    Interval("f2", "needs_confirmed", T(2026, 9, 10, 15), T(2026, 9, 14, 15)),
    Interval("f2", "resource_check", T(2026, 9, 14, 15), T(2026, 9, 20, 15)),
    Interval("f2", "provisioning", T(2026, 9, 20, 15), T(2026, 10, 5, 10), 48 * H),
    Interval("f2", "acceptance", T(2026, 10, 5, 10), T(2026, 10, 6, 10)),
    # f3, standard: received before the period; on hold since 19 September in resource check.
    Interval("f3", "received", T(2026, 7, 1, 9), T(2026, 7, 2, 9)),
    Interval("f3", "needs_confirmed", T(2026, 7, 2, 9), T(2026, 9, 15, 9)),
    Interval("f3", "resource_check", T(2026, 9, 15, 9), None),
    # f4, key: the whole flow inside the period, every stage on time.
    Interval("f4", "received", T(2026, 9, 3, 9), T(2026, 9, 3, 12)),
    Interval("f4", "needs_confirmed", T(2026, 9, 3, 12), T(2026, 9, 4, 12)),
    Interval("f4", "resource_check", T(2026, 9, 4, 12), T(2026, 9, 6, 12)),
    Interval("f4", "provisioning", T(2026, 9, 6, 12), T(2026, 9, 12, 12)),
    Interval("f4", "acceptance", T(2026, 9, 12, 12), T(2026, 9, 13, 12)),
    Interval("f5", "received", T(2026, 9, 28, 20), None),
    # f6 leaves received 0.3 s before midnight: it belongs to 30 September, not 1 October.
    Interval("f6", "received", T(2026, 9, 29, 12), T(2026, 9, 30, 23, 59, 59, 700_000)),
    Interval("f6", "needs_confirmed", T(2026, 9, 30, 23, 59, 59, 700_000), None),
    Interval("g1", "received", T(2026, 9, 7, 8), T(2026, 9, 7, 9)),
    Interval("g2", "received", T(2026, 9, 8, 8), T(2026, 9, 8, 10)),
    Interval("g3", "received", T(2026, 9, 14, 0), T(2026, 9, 14, 5)),
    Interval("g4", "received", T(2026, 9, 20, 14), T(2026, 9, 21, 0)),  # leaves exactly at a Monday midnight
    Interval("g5", "received", T(2026, 9, 30, 11), T(2026, 9, 30, 23)),
    Interval("g6", "received", T(2026, 9, 30, 20), T(2026, 10, 1, 0)),  # leaves exactly at the end of the period
    Interval("h1", "received", T(2026, 9, 24, 0), None),
    Interval("h2", "received", T(2026, 9, 30, 17), None),
]
CLOSED_AT = {code: closed for code, (_, _, _, closed, _) in ORDERS.items() if closed is not None}

# Point events: (order, kind, stage, at). Holds and resumes; urges and transfers change nothing.
POINTS = [
    ("f1", "hold", "resource_check", T(2026, 9, 3, 8)),
    ("f1", "resume", "resource_check", T(2026, 9, 4, 14)),
    ("f1", "urge", "provisioning", T(2026, 9, 20, 9)),
    ("f2", "hold", "provisioning", T(2026, 9, 25, 0)),
    ("f2", "resume", "provisioning", T(2026, 9, 27, 0)),
    ("f2", "transfer", "needs_confirmed", T(2026, 9, 12, 10)),
    ("f3", "hold", "resource_check", T(2026, 9, 19, 0)),
]

# A later target for premium orders in received, to check which target is "in force".
TARGET_CHANGE = ("premium", "received", 6.0, dt.date(2026, 10, 15))


def target_seconds(grade: str, stage: str) -> int:
    return int(DEFAULT_STAGE_TARGET_HOURS[grade][stage] * H)


def grade_of(order: str) -> str:
    return ORDERS[order][1]


def duration_seconds(interval: Interval) -> Optional[int]:
    if interval.exited_at is None:
        return None
    return int((interval.exited_at - interval.at).total_seconds()) - interval.hold_seconds


def region_of(order: str, ids: dict[str, int]) -> tuple[int, int]:
    """(province id, city id) of an order's account."""
    city = handmade.ACCOUNTS[ORDERS[order][0]][0]
    return (ids["BETA"] if city == "B1" else ids["ALPHA"]), ids[city]


def build(engine: Engine) -> dict[str, int]:
    """tests/handmade.py plus the orders, intervals, points and stage targets above; ids by code."""
    ids = handmade.build(engine)
    with Session(engine) as s, s.begin():
        for grade, stages in DEFAULT_STAGE_TARGET_HOURS.items():
            for stage in STAGES:
                s.add(
                    StageTarget(
                        service_grade=grade,
                        stage=stage,
                        target_hours=float(stages[stage]),
                        effective_from=dt.date(2025, 1, 1),
                        set_by=ids["admin"],
                        set_at=handmade.SET_AT,
                    )
                )
        grade, stage, hours, since = TARGET_CHANGE
        s.add(
            StageTarget(
                service_grade=grade,
                stage=stage,
                target_hours=hours,
                effective_from=since,
                set_by=ids["admin"],
                set_at=handmade.SET_AT,
            )
        )
        last_stage = {}
        for interval in INTERVALS:
            last_stage[interval.order] = interval.stage
        for code, (account, grade, received, closed, status) in ORDERS.items():
            province, city = region_of(code, ids)
            order = Order(
                code=code,
                account_id=ids[account],
                province_id=province,
                city_id=city,
                raised_by_unit_id=city,
                service_grade=grade,
                product="dedicated_line",
                received_at=received,
                closed_at=closed,
                current_stage="closed" if closed else last_stage[code],
                status=status,
            )
            s.add(order)
            s.flush()
            ids[code] = order.id
        for interval in INTERVALS:
            province, city = region_of(interval.order, ids)
            grade = grade_of(interval.order)
            s.add(
                OrderEvent(
                    order_id=ids[interval.order],
                    kind="enter",
                    stage=interval.stage,
                    at=interval.at,
                    exited_at=interval.exited_at,
                    hold_seconds=interval.hold_seconds,
                    duration_seconds=duration_seconds(interval),
                    target_seconds=target_seconds(grade, interval.stage),
                    unit_id=city,
                    province_id=province,
                    city_id=city,
                    service_grade=grade,
                    note="",
                )
            )
        for code, closed in CLOSED_AT.items():  # the archive stage is entered and never left: never counted
            province, city = region_of(code, ids)
            s.add(
                OrderEvent(
                    order_id=ids[code],
                    kind="enter",
                    stage="closed",
                    at=closed,
                    unit_id=city,
                    province_id=province,
                    city_id=city,
                    service_grade=grade_of(code),
                    note="",
                )
            )
        for code, kind, stage, at in POINTS:
            province, city = region_of(code, ids)
            s.add(
                OrderEvent(
                    order_id=ids[code],
                    kind=kind,
                    stage=stage,
                    at=at,
                    unit_id=city,
                    province_id=province,
                    city_id=city,
                    service_grade=grade_of(code),
                    note="hand-made",
                )
            )
    with engine.begin() as conn:  # as after any bulk load: the rollups follow the raw rows
        rollups.rebuild(conn)
    return ids
