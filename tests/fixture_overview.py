"""The hand-made data set plus spend, stage intervals and revisits for the Overview's other KPIs."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lib import rollups
from lib.models import MonthlySpend, OrderEvent, Revisit
from tests import handmade

D, T = dt.date, dt.datetime
H = 3600
# account, month, amount: a4 is never key; a7 is key (high-value) until 2026-03-01.
SPEND = [
    ("a1", D(2026, 1, 1), 5000),
    ("a4", D(2026, 1, 1), 1000),
    ("a7", D(2026, 2, 1), 4000),
    ("a7", D(2026, 3, 1), 2000),
    ("a5", D(2025, 10, 1), 700),
]
# order, stage, entered, exited, hold seconds, target seconds
INTERVALS = [
    ("o1", "received", T(2026, 1, 10, 9), T(2026, 1, 10, 12), 0, 4 * H),  # 3 h: on time
    ("o1", "needs_confirmed", T(2026, 1, 10, 12), T(2026, 1, 13, 12), 24 * H, 48 * H),  # 72 h - 24 h hold: on time
    ("o1", "resource_check", T(2026, 1, 13, 12), T(2026, 2, 1, 17), 0, 72 * H),  # late
    ("o2", "received", T(2026, 10, 20, 9), None, 0, 4 * H),  # still open: not counted
    ("o3", "received", T(2025, 10, 15, 9), T(2025, 10, 31, 9), 0, 4 * H),  # ended before the period
]
# account, visited, next due
REVISITS = [
    ("a1", D(2025, 10, 1), D(2025, 12, 1)),
    ("a1", D(2025, 11, 20), D(2026, 2, 20)),  # met, then a2... see below
    ("a1", D(2026, 3, 1), D(2026, 6, 1)),  # due 2026-02-20 missed (revisited 2026-03-01)
    ("a2", D(2025, 12, 1), D(2026, 3, 1)),
    ("a2", D(2026, 2, 15), D(2026, 5, 15)),  # met; 2026-05-15 unmet
    ("a5", D(2026, 1, 1), D(2026, 4, 1)),
    ("a5", D(2026, 3, 30), D(2026, 6, 30)),  # met; 2026-06-30 unmet
    ("a6", D(2026, 1, 1), D(2026, 4, 1)),
    ("a6", D(2026, 4, 1), D(2026, 12, 1)),  # met on the day; due after end
    ("a4", D(2026, 1, 1), D(2026, 2, 1)),  # a4 is not a key account: never counted
]


def build(engine: Engine) -> dict[str, int]:
    ids = handmade.build(engine)
    where = {code: (city, manager) for code, (city, manager, _) in handmade.ACCOUNTS.items()}
    province_of = {"A1": ids["ALPHA"], "A2": ids["ALPHA"], "B1": ids["BETA"]}
    with Session(engine) as s, s.begin():
        for account, month, amount in SPEND:
            city = where[account][0]
            s.add(
                MonthlySpend(
                    account_id=ids[account],
                    month=month,
                    amount=amount,
                    province_id=province_of[city],
                    city_id=ids[city],
                )
            )
        order_account = {code: account for code, account, _, _ in handmade.ORDERS}
        order_ids = dict(s.execute(handmade_orders()).all())
        for order, stage, entered, exited, hold, target in INTERVALS:
            city = where[order_account[order]][0]
            duration = None if exited is None else int((exited - entered).total_seconds()) - hold
            s.add(
                OrderEvent(
                    order_id=order_ids[order],
                    kind="enter",
                    stage=stage,
                    at=entered,
                    exited_at=exited,
                    hold_seconds=hold,
                    duration_seconds=duration,
                    target_seconds=target,
                    unit_id=ids[city],
                    province_id=province_of[city],
                    city_id=ids[city],
                    service_grade="key",
                )
            )
        for account, visited, due in REVISITS:
            city, manager = where[account]
            s.add(
                Revisit(
                    account_id=ids[account],
                    province_id=province_of[city],
                    city_id=ids[city],
                    manager_id=ids[manager],
                    visited_on=visited,
                    channel="phone",
                    score=80,
                    outcome="no_change",
                    next_due=due,
                    created_by=ids[manager],
                    created_at=T(2026, 1, 1),
                )
            )
    with engine.begin() as conn:  # as after any bulk load: the rollups follow the raw rows
        rollups.rebuild(conn)
    return ids


def handmade_orders():
    from sqlalchemy import select

    from lib.models import Order

    return select(Order.code, Order.id)
