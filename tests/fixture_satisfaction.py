"""Hand-made surveys, revisits and complaints for the Satisfaction page's query tests.

Built on tests/handmade.py (its org tree, managers and accounts a1..a7), with every row dated in
the first half of 2024 (the period under test) or of 2023 (a year earlier), where handmade.py has
none, so each figure in tests/test_satisfaction_queries.py can be worked out by hand from this file.

Accounts (from handmade.py): Alpha province: a1, a2, a7 in city A1 (manager am_a), a3, a4 in A2
(am_b); Beta province: a5, a6 in B1 (am_c). Current categories: a1 important+high-value,
a2 important, a3 group+strategic+high-value, a4 none, a5 strategic, a6 all four, a7 none.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lib import rollups
from lib.models import Account, Complaint, Revisit, Survey
from lib.periods import Period
from tests import handmade

D = dt.date
T = dt.datetime
PERIOD = Period(D(2024, 1, 1), D(2024, 7, 1))  # a year earlier: 2023-01-01 .. 2023-06-30

SQL_TEXT = "'; DROP TABLE surveys; --"
HTML_TEXT = "<script>alert('x')</script> outage"
BACKSLASH_TEXT = "Notes filed under C:\\kam\\5g"

# account, day, score, (network, service, billing, account_manager, after_sales) or None, source, comment
SURVEYS = [
    ("a1", D(2024, 1, 10), 90, (90, 90, 90, 90, 90), "annual", "Line quality is excellent"),
    ("a2", D(2024, 1, 20), 80, (80, 80, 60, 90, 80), "after_order", SQL_TEXT),
    ("a3", D(2024, 2, 5), 50, (40, 60, 50, 50, 50), "after_complaint", HTML_TEXT),
    ("a3", D(2024, 3, 1), 55, None, "annual", "Billing was 100% wrong"),
    ("a5", D(2024, 3, 10), 40, (40, 40, 40, 40, 40), "revisit", "1000 lines down"),
    ("a6", D(2024, 4, 1), 58, (60, 60, 50, 60, 30), "annual", "slow_response from support"),
    ("a6", D(2024, 5, 15), 100, (100, 100, 100, 100, 100), "annual", ""),
    ("a4", D(2024, 6, 30), 70, (70, 70, 70, 70, 70), "annual", "Average"),
    # just outside the period and outside the year-earlier period: never counted
    ("a5", D(2024, 7, 1), 10, None, "annual", "after the period"),
    ("a1", D(2023, 12, 31), 0, None, "annual", "before the period"),
    # a year earlier
    ("a1", D(2023, 1, 5), 80, (80, 80, 80, 80, 80), "annual", "last year"),
    ("a2", D(2023, 2, 10), 90, (90, 90, 90, 90, 90), "annual", ""),
    ("a6", D(2023, 4, 20), 95, (95, 95, 95, 95, 95), "annual", ""),
    ("a6", D(2023, 5, 1), 85, (90, 90, 70, 90, 90), "annual", ""),
]

# account, day, notes. The low scores in the period are a3 on 2024-02-05 (revisited exactly 7 days
# later: followed up), a3 on 2024-03-01 (revisited 8 days later: not), a5 on 2024-03-10 (only a6 was
# revisited the next day: not), a6 on 2024-04-01 (a complaint resolved on day 7 at 23:00: followed up).
REVISITS = [
    ("a3", D(2024, 2, 12), "Visited after the outage"),
    ("a3", D(2024, 3, 9), ""),
    ("a6", D(2024, 3, 11), "Routine visit"),
    ("a1", D(2024, 6, 1), BACKSLASH_TEXT),
]

# code, account, received, resolved, description
COMPLAINTS = [
    ("sat-c1", "a3", T(2024, 2, 20, 10), T(2024, 2, 29, 12), "Invoice dispute"),  # resolved before a3's 03-01 survey
    ("sat-c2", "a3", T(2024, 3, 2, 9), T(2024, 3, 9, 8), "Billing error again"),  # day 8 after 03-01
    ("sat-c3", "a6", T(2024, 4, 2, 9), T(2024, 4, 8, 23), "Slow repair"),  # day 7 after 04-01
    ("sat-c4", "a5", T(2024, 3, 11, 9), T(2024, 3, 18, 9), "Network down"),  # day 8 after 03-10
]


def build(engine: Engine) -> dict[str, int]:
    """handmade.build, then the rows above; returns the ids by code or username."""
    ids = handmade.build(engine)
    with Session(engine) as s, s.begin():
        where = {a.id: (a.province_id, a.city_id, a.manager_id) for a in s.query(Account)}
        for code, day, score, dims, source, comment in SURVEYS:
            account = ids[code]
            province, city, _ = where[account]
            network, service, billing, manager, after_sales = dims or (None,) * 5
            s.add(
                Survey(
                    account_id=account,
                    province_id=province,
                    city_id=city,
                    surveyed_on=day,
                    source=source,
                    score=score,
                    network=network,
                    service=service,
                    billing=billing,
                    account_manager=manager,
                    after_sales=after_sales,
                    comment=comment,
                )
            )
        for code, day, notes in REVISITS:
            account = ids[code]
            province, city, manager = where[account]
            s.add(
                Revisit(
                    account_id=account,
                    province_id=province,
                    city_id=city,
                    manager_id=manager,
                    visited_on=day,
                    channel="on_site",
                    score=None,
                    outcome="no_change",
                    notes=notes,
                    created_by=manager,
                    created_at=T(day.year, day.month, day.day, 18),
                )
            )
        for code, account_code, received, resolved, description in COMPLAINTS:
            account = ids[account_code]
            province, city, _ = where[account]
            s.add(
                Complaint(
                    code=code,
                    account_id=account,
                    province_id=province,
                    city_id=city,
                    channel="web_app",
                    category="billing",
                    severity="medium",
                    description=description,
                    status="resolved",
                    received_at=received,
                    first_response_at=received,
                    resolved_at=resolved,
                )
            )
    with engine.begin() as conn:  # as after any bulk load: the rollups follow the raw rows
        rollups.rebuild(conn)
    return ids
