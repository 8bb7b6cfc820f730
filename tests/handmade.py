"""A small hand-made data set whose figures are worked out by hand in the tests.

Two provinces (Alpha with cities A1, A2; Beta with city B1), three account managers, seven
accounts with known categories, and surveys, orders and complaints with known dates.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from lib import rollups
from lib.domain import category_mask
from lib.models import Account, Complaint, Designation, Order, OrgUnit, Survey, User

D = dt.date
T = dt.datetime
SET_AT = T(2025, 1, 1, 9)

# code -> (city, manager, [(category, valid_from, valid_to)])
ACCOUNTS = {
    "a1": ("A1", "am_a", [("important", D(2025, 1, 1), None), ("high_value", D(2025, 1, 1), None)]),
    "a2": ("A1", "am_a", [("important", D(2025, 1, 1), None)]),
    "a3": (
        "A2",
        "am_b",
        [("group", D(2025, 1, 1), None), ("strategic", D(2025, 1, 1), None), ("high_value", D(2025, 6, 1), None)],
    ),
    "a4": ("A2", "am_b", []),
    "a5": ("B1", "am_c", [("strategic", D(2025, 1, 1), None)]),
    "a6": ("B1", "am_c", [(c, D(2025, 1, 1), None) for c in ("important", "high_value", "group", "strategic")]),
    "a7": ("A1", "am_a", [("high_value", D(2025, 1, 1), D(2026, 3, 1))]),
}
SURVEYS = [  # account, day, score
    ("a1", D(2026, 2, 1), 90),
    ("a1", D(2026, 6, 1), 80),
    ("a3", D(2026, 3, 1), 70),
    ("a5", D(2026, 4, 1), 60),
    ("a6", D(2026, 10, 31), 100),
    ("a1", D(2025, 2, 1), 85),
    ("a3", D(2025, 3, 1), 65),
    ("a5", D(2025, 10, 31), 55),
    ("a6", D(2026, 11, 1), 0),  # the day after the period: never counted in it
]
ORDERS = [  # code, account, received, closed
    ("o1", "a1", T(2026, 1, 10, 9), T(2026, 2, 1, 17)),
    ("o2", "a3", T(2026, 10, 20, 9), None),
    ("o3", "a5", T(2025, 10, 15, 9), T(2025, 11, 20, 12)),
    ("o4", "a2", T(2024, 12, 1, 9), T(2025, 1, 1, 9)),
]
COMPLAINTS = [  # code, account, received, resolved
    ("c1", "a1", T(2026, 5, 1, 10), T(2026, 5, 3, 10)),
    ("c2", "a3", T(2026, 10, 1, 10), None),
    ("c3", "a6", T(2026, 9, 1, 10), T(2026, 11, 5, 10)),
]


def build(engine: Engine) -> dict[str, int]:
    """Insert the data set into a migrated, empty database; return ids by code or username."""
    ids: dict[str, int] = {}
    with Session(engine) as s, s.begin():
        units = [
            ("CN", "national", None),
            ("ALPHA", "province", "CN"),
            ("BETA", "province", "CN"),
            ("A1", "city", "ALPHA"),
            ("A2", "city", "ALPHA"),
            ("B1", "city", "BETA"),
        ]
        for code, level, parent in units:
            unit = OrgUnit(code=code, level=level, parent_id=ids.get(parent), name_en=code.title(), name_zh=code)
            s.add(unit)
            s.flush()
            ids[code] = unit.id
            unit.province_id = unit.id if level == "province" else ids.get(parent) if level == "city" else None
        province_of = {"A1": ids["ALPHA"], "A2": ids["ALPHA"], "B1": ids["BETA"]}
        people = [
            ("exec", "executive", "CN"),
            ("lead_alpha", "team_lead", "ALPHA"),
            ("lead_a1", "team_lead", "A1"),
            ("am_a", "staff", "A1"),
            ("am_b", "staff", "A2"),
            ("am_c", "staff", "B1"),
            ("admin", "admin", "CN"),
        ]
        for username, role, org in people:
            user = User(
                username=username,
                name=username,
                email="",
                password_hash="!",
                role=role,
                org_unit_id=ids[org],
                active=True,
                failed_logins=0,
                created_at=SET_AT,
            )
            s.add(user)
            s.flush()
            ids[username] = user.id
        for code, (city, manager, stretches) in ACCOUNTS.items():
            current = [c for c, _, until in stretches if until is None]
            account = Account(
                code=code,
                name=f"Account {code}",
                industry="finance",
                province_id=province_of[city],
                city_id=ids[city],
                manager_id=ids[manager],
                lifecycle_stage="mature",
                service_grade="key",
                category_mask=category_mask(current),
                created_on=D(2024, 1, 1),
            )
            s.add(account)
            s.flush()
            ids[code] = account.id
            for category, start, until in stretches:
                s.add(
                    Designation(
                        account_id=account.id,
                        category=category,
                        valid_from=start,
                        valid_to=until,
                        source="designated",
                        set_by=ids["admin"],
                        set_at=SET_AT,
                        province_id=province_of[city],
                        city_id=ids[city],
                    )
                )
        location = {code: (province_of[city], ids[city]) for code, (city, _, _) in ACCOUNTS.items()}
        for account, day, score in SURVEYS:
            province, city = location[account]
            s.add(
                Survey(
                    account_id=ids[account],
                    province_id=province,
                    city_id=city,
                    surveyed_on=day,
                    source="annual",
                    score=score,
                )
            )
        for code, account, received, closed in ORDERS:
            province, city = location[account]
            s.add(
                Order(
                    code=code,
                    account_id=ids[account],
                    province_id=province,
                    city_id=city,
                    raised_by_unit_id=city,
                    service_grade="key",
                    product="dedicated_line",
                    received_at=received,
                    closed_at=closed,
                    current_stage="closed" if closed else "received",
                    status="closed" if closed else "open",
                )
            )
        for code, account, received, resolved in COMPLAINTS:
            province, city = location[account]
            s.add(
                Complaint(
                    code=code,
                    account_id=ids[account],
                    province_id=province,
                    city_id=city,
                    channel="hotline_10000",
                    category="billing",
                    severity="medium",
                    description="x",
                    status="resolved" if resolved else "open",
                    received_at=received,
                    resolved_at=resolved,
                )
            )
    with engine.begin() as conn:  # as after any bulk load: the rollups follow the raw rows
        rollups.rebuild(conn)
    return ids
