"""The hand-made data set of tests/handmade.py plus what the Regions and Account 360 pages read.

Added on top: monthly spend, order stage intervals and point events, an open complaint and one
received after the period, complaint status history, revisits, a plan with actions, a group
member, one derived designation stretch and the dated settings. The figures the tests expect
are worked out by hand in the comments below.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from lib import rollups
from lib.models import (
    Account,
    AccountPlan,
    Complaint,
    ComplaintEvent,
    ComplaintTarget,
    Designation,
    HighValueThreshold,
    MonthlySpend,
    Order,
    OrderEvent,
    PlanAction,
    Revisit,
    RevisitCadence,
    StageTarget,
)
from tests import handmade

D = dt.date
T = dt.datetime
H = 3600
SET_AT = T(2025, 1, 1, 9)

# Monthly spend (account, month, amount). In the period 2025-11-01..2026-10-31:
# a1 4000 + 6000 + 3000 + 5000 = 18000 (Sep/Oct 2025 before it, Nov 2026 after it; no row in Jan 2026),
# a2 2500.5, a3 3000, a7 3100; a5 1200, a6 8000 + 100.25.
SPEND = [
    ("a1", D(2025, 9, 1), 2000),
    ("a1", D(2025, 10, 1), 1000),
    ("a1", D(2025, 11, 1), 4000),
    ("a1", D(2025, 12, 1), 6000),
    ("a1", D(2026, 2, 1), 3000),
    ("a1", D(2026, 10, 1), 5000),
    ("a1", D(2026, 11, 1), 7000),
    ("a2", D(2026, 1, 1), 2500.5),
    ("a3", D(2026, 6, 1), 3000),
    ("a7", D(2025, 12, 1), 3100),
    ("a5", D(2026, 2, 1), 1200),
    ("a6", D(2026, 3, 1), 8000),
    ("a6", D(2026, 4, 1), 100.25),
]

# Stage intervals: order, stage, entered, exited (None: still in it), hold hours, target hours.
# o1 (a1): received 3 h of 8 on time; needs confirmed 72 h of 48 late; resource check 168 h less 96 h on
# hold = 72 h of 72 on time (equal is on time); provisioning 247 h of 168 late; acceptance 46 h of 48 on time.
# o2 (a3): received on time; needs confirmed still open since 2026-10-20 10:00 (overdue by 2026-11-01).
# o3 (a5): received and needs confirmed ended before the period; resource check ended exactly at its start
# (counted, on time); provisioning 468 h of 168 late.
# o4 (a2): ended long before; o5 (a2): received ended exactly at the period's end (not counted).
INTERVALS = [
    ("o1", "received", T(2026, 1, 10, 9), T(2026, 1, 10, 12), 0, 8),
    ("o1", "needs_confirmed", T(2026, 1, 10, 12), T(2026, 1, 13, 12), 0, 48),
    ("o1", "resource_check", T(2026, 1, 13, 12), T(2026, 1, 20, 12), 96, 72),
    ("o1", "provisioning", T(2026, 1, 20, 12), T(2026, 1, 30, 19), 0, 168),
    ("o1", "acceptance", T(2026, 1, 30, 19), T(2026, 2, 1, 17), 0, 48),
    ("o1", "closed", T(2026, 2, 1, 17), None, 0, None),
    ("o2", "received", T(2026, 10, 20, 9), T(2026, 10, 20, 10), 0, 8),
    ("o2", "needs_confirmed", T(2026, 10, 20, 10), None, 0, 48),
    ("o3", "received", T(2025, 10, 15, 9), T(2025, 10, 15, 20), 0, 8),
    ("o3", "needs_confirmed", T(2025, 10, 15, 20), T(2025, 10, 31, 23), 0, 48),
    ("o3", "resource_check", T(2025, 10, 31, 23), T(2025, 11, 1, 0), 0, 72),
    ("o3", "provisioning", T(2025, 11, 1, 0), T(2025, 11, 20, 12), 0, 168),
    ("o3", "closed", T(2025, 11, 20, 12), None, 0, None),
    ("o4", "received", T(2024, 12, 1, 9), T(2024, 12, 1, 10), 0, 8),
    ("o5", "received", T(2026, 10, 31, 20), T(2026, 11, 1, 0), 0, 8),
    ("o5", "needs_confirmed", T(2026, 11, 1, 0), None, 0, 48),
]
POINTS = [  # order, kind, stage, at, note
    ("o1", "hold", "resource_check", T(2026, 1, 14, 12), "Waiting for site access"),
    ("o1", "resume", "resource_check", T(2026, 1, 18, 12), ""),
    ("o1", "urge", "resource_check", T(2026, 1, 19, 9), "<b>customer</b> urged"),
    ("o1", "transfer", "provisioning", T(2026, 1, 22, 9), "Transferred to province network"),
]
EXTRA_ORDERS = [("o5", "a2", T(2026, 10, 31, 20))]

# c4 (a1) is open at the period's end; c5 (a2) arrives after it and never counts.
EXTRA_COMPLAINTS = [
    ("c4", "a1", T(2026, 10, 15, 10), None, "in_progress"),
    ("c5", "a2", T(2026, 11, 2, 10), None, "open"),
]
COMPLAINT_HISTORY = [  # complaint, from, to, at, actor, note
    ("c1", None, "open", T(2026, 5, 1, 10), "am_a", "logged"),
    ("c1", "open", "in_progress", T(2026, 5, 1, 12), "am_a", "called the customer"),
    ("c1", "in_progress", "resolved", T(2026, 5, 3, 10), "lead_alpha", "refund issued"),
    ("c2", None, "open", T(2026, 10, 1, 10), "am_b", ""),
]
REVISITS = [  # account, day, channel, score, outcome, next due, notes
    ("a1", D(2026, 3, 2), "on_site", 88.0, "interested", D(2026, 6, 1), "Discussed <script>renewal</script>"),
    ("a1", D(2026, 6, 5), "phone", 72.0, "churn_risk", D(2026, 7, 5), "Outage complaint"),
    ("a3", D(2026, 4, 1), "video", 90.0, "order_placed", D(2026, 7, 1), ""),
]
PLAN = {
    "account": "a1",
    "objectives": "Renew the contract",
    "needs": "Backup line",
    "products": "SD-WAN",
    "competitors": "China Mobile",
}
PLAN_ACTIONS = [  # action, owner, due, status
    ("Prepare a renewal quotation", "Solutions team", D(2026, 11, 30), "in_progress"),
    ("Arrange an executive visit", "am_a", None, "planned"),
]
# Dated thresholds: 2,500 from 2023; 3,500 from 2025-12-15 (in force from January 2026 on the first day of a
# month); 4,000 from 2026-02-01.
THRESHOLDS = [(D(2023, 1, 1), 2500), (D(2025, 12, 15), 3500), (D(2026, 2, 1), 4000)]
CADENCES = [
    ("premium", 45, D(2024, 1, 1)),
    ("premium", 30, D(2025, 1, 1)),
    ("key", 90, D(2024, 1, 1)),
    ("standard", 180, D(2024, 1, 1)),
    ("key", 60, D(2027, 1, 1)),
]  # the last one is not in force yet
STAGE_TARGETS = [
    ("premium", "received", 6, D(2024, 1, 1)),
    ("premium", "received", 4, D(2025, 1, 1)),
    ("key", "received", 8, D(2024, 1, 1)),
    ("key", "provisioning", 168, D(2024, 1, 1)),
]
COMPLAINT_TARGETS = [
    ("critical", 2, 24, D(2024, 1, 1)),
    ("critical", 1, 24, D(2025, 1, 1)),
    ("low", 24, 168, D(2024, 1, 1)),
]


def build(engine: Engine) -> dict[str, int]:
    """handmade.build, then the rows above; returns ids by code or username."""
    ids = handmade.build(engine)
    with Session(engine) as s, s.begin():
        where = {
            code: (a.province_id, a.city_id)
            for code, a in ((code, s.get(Account, ids[code])) for code in handmade.ACCOUNTS)
        }
        for code, account, received in EXTRA_ORDERS:
            province, city = where[account]
            order = Order(
                code=code,
                account_id=ids[account],
                province_id=province,
                city_id=city,
                raised_by_unit_id=city,
                service_grade="key",
                product="dedicated_line",
                received_at=received,
                closed_at=None,
                current_stage="needs_confirmed",
                status="open",
            )
            s.add(order)
            s.flush()
        orders = {o.code: o for o in s.scalars(select(Order))}
        ids.update({code: order.id for code, order in orders.items()})
        for code, stage, entered, exited, hold_h, target_h in INTERVALS:
            order = orders[code]
            duration = None if exited is None else int((exited - entered).total_seconds()) - hold_h * H
            s.add(
                OrderEvent(
                    order_id=order.id,
                    kind="enter",
                    stage=stage,
                    at=entered,
                    exited_at=exited,
                    hold_seconds=hold_h * H,
                    duration_seconds=duration,
                    target_seconds=None if target_h is None else target_h * H,
                    unit_id=order.city_id,
                    actor_id=ids["am_a"],
                    province_id=order.province_id,
                    city_id=order.city_id,
                    service_grade="key",
                    note="",
                )
            )
        for code, kind, stage, at, note in POINTS:
            order = orders[code]
            s.add(
                OrderEvent(
                    order_id=order.id,
                    kind=kind,
                    stage=stage,
                    at=at,
                    hold_seconds=0,
                    unit_id=order.city_id,
                    actor_id=ids["lead_alpha"],
                    province_id=order.province_id,
                    city_id=order.city_id,
                    service_grade="key",
                    note=note,
                )
            )
        for account, month, amount in SPEND:
            province, city = where[account]
            s.add(MonthlySpend(account_id=ids[account], month=month, province_id=province, city_id=city, amount=amount))
        for code, account, received, resolved, status in EXTRA_COMPLAINTS:
            province, city = where[account]
            s.add(
                Complaint(
                    code=code,
                    account_id=ids[account],
                    province_id=province,
                    city_id=city,
                    channel="key_account_hotline",
                    category="network_quality",
                    severity="high",
                    description="Line down <i>again</i>",
                    status=status,
                    received_at=received,
                    resolved_at=resolved,
                )
            )
        s.flush()
        complaints = {c.code: c.id for c in s.scalars(select(Complaint))}
        ids.update(complaints)
        for code, before, after, at, actor, note in COMPLAINT_HISTORY:
            s.add(
                ComplaintEvent(
                    complaint_id=complaints[code],
                    from_status=before,
                    to_status=after,
                    at=at,
                    actor_id=ids[actor],
                    note=note,
                )
            )
        for account, day, channel, score, outcome, due, notes in REVISITS:
            province, city = where[account]
            s.add(
                Revisit(
                    account_id=ids[account],
                    province_id=province,
                    city_id=city,
                    manager_id=ids["am_a"],
                    visited_on=day,
                    channel=channel,
                    score=score,
                    needs="more bandwidth",
                    products="SD-WAN",
                    outcome=outcome,
                    notes=notes,
                    next_due=due,
                    created_by=ids["am_a"],
                    created_at=SET_AT,
                )
            )
        plan = AccountPlan(
            account_id=ids[PLAN["account"]],
            objectives=PLAN["objectives"],
            needs=PLAN["needs"],
            products=PLAN["products"],
            competitors=PLAN["competitors"],
            updated_by=ids["am_a"],
            updated_at=T(2026, 9, 1, 10),
        )
        s.add(plan)
        s.flush()
        for action, owner, due, status in PLAN_ACTIONS:
            s.add(PlanAction(plan_id=plan.id, action=action, owner=owner, due_on=due, status=status))
        province, city = where["a1"]
        s.add(
            Designation(
                account_id=ids["a1"],
                category="high_value",
                valid_from=D(2024, 3, 1),
                valid_to=D(2024, 9, 1),
                source="derived",
                set_by=None,
                set_at=T(2024, 3, 1, 2),
                province_id=province,
                city_id=city,
            )
        )
        s.execute(update(Account).where(Account.id == ids["a4"]).values(parent_id=ids["a3"]))
        for effective, amount in THRESHOLDS:
            s.add(HighValueThreshold(effective_from=effective, amount=amount, set_by=ids["admin"], set_at=SET_AT))
        for grade, days, effective in CADENCES:
            s.add(
                RevisitCadence(
                    service_grade=grade, days=days, effective_from=effective, set_by=ids["admin"], set_at=SET_AT
                )
            )
        for grade, stage, hours, effective in STAGE_TARGETS:
            s.add(
                StageTarget(
                    service_grade=grade,
                    stage=stage,
                    target_hours=hours,
                    effective_from=effective,
                    set_by=ids["admin"],
                    set_at=SET_AT,
                )
            )
        for severity, response, resolution, effective in COMPLAINT_TARGETS:
            s.add(
                ComplaintTarget(
                    severity=severity,
                    response_hours=response,
                    resolution_hours=resolution,
                    effective_from=effective,
                    set_by=ids["admin"],
                    set_at=SET_AT,
                )
            )
    with engine.begin() as conn:  # as after any bulk load: the rollups follow the raw rows
        rollups.rebuild(conn)
    return ids
