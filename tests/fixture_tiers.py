"""The hand-made data set plus what the Tiers page needs: spend, thresholds, stage intervals and
two more accounts, each value chosen so that the tests' expected figures can be worked out by hand.

At the end of the period (2026-10-31) the key accounts and their categories are:
a1 I+H (mask 3), a2 I (1), a3 H+G+S (14), a5 S (8), a6 all four (15), a9 S (8, since 2026-03-15);
a4, a7 (high-value until 2026-03-01) and a8 are in no category.

Monthly spend is constant from 2025-08 to 2026-10 (15 months), so every trailing 3-month average
is that amount. The threshold is 2,500 until 2026-05-31 and 3,000 from 2026-06-01.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from lib import rollups
from lib.models import Account, Designation, HighValueThreshold, MonthlySpend, Order, OrderEvent
from lib.periods import Period, add_months
from tests import handmade

D, T = dt.date, dt.datetime
H = 3600
PERIOD = Period(D(2025, 11, 1), D(2026, 11, 1))
THRESHOLDS = [(D(2023, 1, 1), 2500), (D(2026, 6, 1), 3000)]
# code -> (city, manager, industry, [(category, valid_from, valid_to)])
MORE_ACCOUNTS = {
    "a8": ("B1", "am_c", "energy", []),
    "a9": ("A2", "am_b", "energy", [("strategic", D(2026, 3, 15), None)]),
}
MONTHLY_SPEND = {  # account -> amount every month from 2025-08 to 2026-10
    "a1": 3000,  # exactly at the 3,000 threshold: high-value
    "a2": 2000,
    "a3": 5000,
    "a4": 2500,  # exactly at a what-if threshold of 2,500; potential (83.3 %)
    "a5": 1000,
    "a6": 4000,
    "a7": 2100,  # exactly 70 % of 3,000: potential at the end
    "a8": 2099.99,  # a cent below 70 % of 3,000: not potential at the end (but potential while it was 2,500)
    "a9": 2000,
}
FIRST_MONTH, LAST_MONTH = D(2025, 8, 1), D(2026, 10, 1)
# order code, account, received; then its stage intervals: stage, entered, exited, hold seconds, target seconds
ORDERS = {"o5": ("a6", T(2026, 10, 1, 9)), "o6": ("a7", T(2026, 1, 5, 9))}
INTERVALS = [
    ("o1", "received", T(2026, 1, 10, 9), T(2026, 1, 10, 12), 0, 4 * H),  # 3 h of 4: on time
    ("o1", "needs_confirmed", T(2026, 1, 10, 12), T(2026, 1, 13, 12), 24 * H, 48 * H),  # 72 h - 24 h hold = target
    ("o1", "resource_check", T(2026, 1, 13, 12), T(2026, 2, 1, 17), 0, 72 * H),  # late
    ("o2", "received", T(2026, 10, 20, 9), T(2026, 10, 20, 20), 0, 4 * H),  # 11 h of 4: late
    ("o2", "needs_confirmed", T(2026, 10, 20, 20), None, 0, 48 * H),  # still open: not counted
    ("o3", "received", T(2025, 10, 15, 9), T(2025, 10, 31, 9), 0, 4 * H),  # ended before the period
    ("o3", "needs_confirmed", T(2025, 10, 31, 9), T(2025, 11, 1, 0), 0, 48 * H),  # ends at its first instant: on time
    ("o5", "received", T(2026, 10, 31, 20), T(2026, 10, 31, 23), 0, 4 * H),  # on time
    ("o5", "needs_confirmed", T(2026, 10, 31, 23), T(2026, 11, 1, 0), 0, 48 * H),  # ends at the period's end: out
    ("o6", "received", T(2026, 1, 5, 9), T(2026, 1, 5, 10), 0, 4 * H),  # a7 is no key account at the end: out
]


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    out, month = [], first
    while month <= last:
        out.append(month)
        month = add_months(month, 1)
    return out


def build(engine: Engine) -> dict[str, int]:
    """handmade.build, then the rows above; returns ids by code or username."""
    ids = handmade.build(engine)
    province_of = {"A1": ids["ALPHA"], "A2": ids["ALPHA"], "B1": ids["BETA"]}
    where = {code: city for code, (city, _, _) in handmade.ACCOUNTS.items()}
    with Session(engine) as s, s.begin():
        for day, amount in THRESHOLDS:
            s.add(HighValueThreshold(effective_from=day, amount=amount, set_by=ids["admin"], set_at=handmade.SET_AT))
        for code, (city, manager, industry, stretches) in MORE_ACCOUNTS.items():
            account = Account(
                code=code,
                name=f"Account {code}",
                industry=industry,
                province_id=province_of[city],
                city_id=ids[city],
                manager_id=ids[manager],
                lifecycle_stage="potential",
                service_grade="standard",
                category_mask=0,
                created_on=D(2024, 1, 1),
            )
            s.add(account)
            s.flush()
            ids[code], where[code] = account.id, city
            for category, start, until in stretches:
                s.add(
                    Designation(
                        account_id=account.id,
                        category=category,
                        valid_from=start,
                        valid_to=until,
                        source="designated",
                        set_by=ids["admin"],
                        set_at=handmade.SET_AT,
                        province_id=province_of[city],
                        city_id=ids[city],
                    )
                )
        for code, amount in MONTHLY_SPEND.items():
            city = where[code]
            for month in months(FIRST_MONTH, LAST_MONTH):
                s.add(
                    MonthlySpend(
                        account_id=ids[code],
                        month=month,
                        amount=amount,
                        province_id=province_of[city],
                        city_id=ids[city],
                    )
                )
        for code, (account, received) in ORDERS.items():
            city = where[account]
            s.add(
                Order(
                    code=code,
                    account_id=ids[account],
                    province_id=province_of[city],
                    city_id=ids[city],
                    raised_by_unit_id=ids[city],
                    service_grade="key",
                    product="dedicated_line",
                    received_at=received,
                    current_stage="received",
                    status="open",
                )
            )
        s.flush()
        order_ids = dict(s.execute(select(Order.code, Order.id)).all())
        order_account = {code: account for code, account, _, _ in handmade.ORDERS} | {
            code: account for code, (account, _) in ORDERS.items()
        }
        for order, stage, entered, exited, hold, target in INTERVALS:
            city = where[order_account[order]]
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
    with engine.begin() as conn:  # as after any bulk load: the rollups follow the raw rows
        rollups.rebuild(conn)
    return ids
