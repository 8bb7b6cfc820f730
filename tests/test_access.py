"""Access: the page registry denies by default, and every read is limited to the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from lib import access
from lib.access import NATIONAL, NOTHING, Scope, can_open, narrow, scope_condition, scope_for
from lib.models import Account, Complaint, Designation, MonthlySpend, Order, OrderEvent, Revisit, Survey
from lib.queries import accounts as account_queries
from tests import handmade

# Written out by hand: what each role may open. The registry must agree exactly.
ANALYTICS = {
    "overview",
    "tiers",
    "order_flow",
    "satisfaction",
    "regions",
    "accounts",
    "account",
    "definitions",
    "my_account",
}
EXPECTED_PAGES = {
    "executive": ANALYTICS,
    "team_lead": ANALYTICS
    | {"plan", "work_queue", "log_revisit", "log_complaint", "complaints", "orders", "import_data"},
    "staff": {
        "overview",
        "accounts",
        "account",
        "plan",
        "definitions",
        "my_account",
        "work_queue",
        "log_revisit",
        "log_complaint",
        "complaints",
    },
    "admin": {"overview", "definitions", "users", "settings", "my_account", "import_data"},
}


@pytest.mark.parametrize("role", [*EXPECTED_PAGES, None, "", "intruder", "ADMIN"])
@pytest.mark.parametrize("page", [*access.PAGE_ROLES, "unknown_page", "", "../users"])
def test_a_role_opens_exactly_the_pages_granted_to_it(role, page):
    """Every (role, page) pair is allowed only if the hand-written table allows it; all else is denied."""
    assert can_open(role=role, page=page) == (page in EXPECTED_PAGES.get(role, set()))


def test_a_page_missing_from_the_registry_is_open_to_nobody(monkeypatch):
    """Deny by default: a page file without a registry entry cannot be opened by any role."""
    monkeypatch.setattr(access, "PAGE_ROLES", {k: v for k, v in access.PAGE_ROLES.items() if k != "users"})
    assert not any(can_open(role=role, page="users") for role in EXPECTED_PAGES)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"role": "executive", "org_level": "national", "province_id": None, "city_id": None}, NATIONAL),
        ({"role": "team_lead", "org_level": "province", "province_id": 2, "city_id": None}, Scope("province", 2)),
        ({"role": "team_lead", "org_level": "city", "province_id": 2, "city_id": 4}, Scope("city", 2, 4)),
        ({"role": "staff", "org_level": "city", "province_id": 2, "city_id": 4}, Scope("manager", 2, 4, 7)),
        ({"role": "team_lead", "org_level": "province", "province_id": None, "city_id": None}, NOTHING),
        ({"role": "intruder", "org_level": "national", "province_id": None, "city_id": None}, NOTHING),
    ],
)
def test_scope_follows_role_and_org_node(kwargs, expected):
    """Executives see the nation, leads their subtree, staff their own accounts, anything odd sees nothing."""
    assert scope_for(user_id=7, **kwargs) == expected


def test_a_region_filter_can_only_narrow_a_scope():
    """Choosing a region inside the scope narrows it; a region outside it yields nothing, never more."""
    alpha = Scope("province", province_id=2)
    assert narrow(NATIONAL, province_id=3) == Scope("province", province_id=3)
    assert narrow(alpha, province_id=2) == alpha
    assert narrow(alpha, province_id=3) == NOTHING
    assert narrow(alpha, city_id=4, city_province_id=2) == Scope("city", 2, 4)
    assert narrow(alpha, city_id=6, city_province_id=3) == NOTHING
    assert narrow(Scope("city", 2, 4), city_id=5, city_province_id=2) == NOTHING
    manager = Scope("manager", 2, 4, 9)
    assert narrow(manager, province_id=3) == manager


VISIBLE = {  # by hand, from tests/handmade.py
    "exec": {"a1", "a2", "a3", "a4", "a5", "a6", "a7"},
    "lead_alpha": {"a1", "a2", "a3", "a4", "a7"},
    "lead_a1": {"a1", "a2", "a7"},
    "am_a": {"a1", "a2", "a7"},
    "am_b": {"a3", "a4"},
    "am_c": {"a5", "a6"},
}
FACT_TABLES = [Account, Designation, Survey, Order, Complaint, Revisit, MonthlySpend, OrderEvent]


@pytest.fixture
def data(engine):
    return handmade.build(engine)


def scope_of(username: str, ids: dict[str, int]) -> Scope:
    levels = {
        "exec": ("executive", "national", None, None),
        "lead_alpha": ("team_lead", "province", ids["ALPHA"], None),
        "lead_a1": ("team_lead", "city", ids["ALPHA"], ids["A1"]),
        "am_a": ("staff", "city", ids["ALPHA"], ids["A1"]),
        "am_b": ("staff", "city", ids["ALPHA"], ids["A2"]),
        "am_c": ("staff", "city", ids["BETA"], ids["B1"]),
    }
    role, level, province, city = levels[username]
    return scope_for(role=role, user_id=ids[username], org_level=level, province_id=province, city_id=city)


@pytest.mark.parametrize("username", list(VISIBLE))
@pytest.mark.parametrize("model", FACT_TABLES, ids=lambda m: m.__tablename__)
def test_scope_condition_keeps_only_rows_of_visible_accounts(engine, data, username, model):
    """For every table, the scope condition returns rows of the user's own accounts only."""
    table = model.__table__
    key = table.c.id if model is Account else table.c.account_id if "account_id" in table.c else None
    if key is None:  # order events reach their account through the order
        orders = Order.__table__
        stmt = select(orders.c.account_id).join(table, table.c.order_id == orders.c.id)
        stmt = stmt.where(scope_condition(scope_of(username, data), table))
    else:
        stmt = select(key).where(scope_condition(scope_of(username, data), table))
    with engine.connect() as conn:
        seen = set(conn.scalars(stmt))
    allowed = {data[code] for code in VISIBLE[username]}
    assert seen <= allowed


@pytest.mark.parametrize("username", list(VISIBLE))
def test_key_account_list_shows_exactly_the_users_current_key_accounts(engine, data, username):
    """The account list holds the visible accounts that are in a category today, and no others."""
    with engine.connect() as conn:
        frame = account_queries.key_accounts(conn, scope_of(username, data), dt.date(2026, 10, 31))
    current_key = {"a1", "a2", "a3", "a5", "a6"}
    assert set(frame["code"]) == VISIBLE[username] & current_key


def test_an_empty_scope_reads_nothing(engine, data):
    """The NOTHING scope matches no row of any table."""
    with engine.connect() as conn:
        for model in FACT_TABLES:
            table = model.__table__
            assert (
                conn.execute(select(table.c[list(table.c.keys())[0]]).where(scope_condition(NOTHING, table))).all()
                == []
            )
