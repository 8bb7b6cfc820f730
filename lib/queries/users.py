"""Users: the sign-in list for the authenticator, one user's record, and the admin's list."""

from __future__ import annotations

import datetime as dt
from typing import Optional

import pandas as pd
from sqlalchemy import Connection, func, or_, select

from lib.access import Scope
from lib.models import Account, OrgUnit, User
from lib.queries import reads

USERS = User.__table__
ORG = OrgUnit.__table__
UNUSABLE_HASH = "!"  # a user created without a password cannot sign in until one is set


def sign_in_users(conn: Connection, now: dt.datetime) -> list[dict]:
    """Active, unlocked users with a password: the only ones the login form may accept."""
    stmt = select(USERS.c.username, USERS.c.name, USERS.c.email, USERS.c.password_hash, USERS.c.role).where(
        USERS.c.active.is_(True),
        USERS.c.password_hash != UNUSABLE_HASH,
        or_(USERS.c.locked_until.is_(None), USERS.c.locked_until <= now),
    )
    return [dict(row) for row in conn.execute(stmt).mappings()]


def user_record(conn: Connection, username: str) -> Optional[dict]:
    """One user with their org node's level, province and city; None if unknown."""
    stmt = (
        select(
            USERS.c.id,
            USERS.c.username,
            USERS.c.name,
            USERS.c.role,
            USERS.c.active,
            USERS.c.locked_until,
            USERS.c.org_unit_id,
            ORG.c.level.label("org_level"),
            ORG.c.province_id,
            ORG.c.name_en.label("org_en"),
            ORG.c.name_zh.label("org_zh"),
            ORG.c.id.label("org_id"),
        )
        .join(ORG, ORG.c.id == USERS.c.org_unit_id)
        .where(USERS.c.username == username)
    )
    row = conn.execute(stmt).mappings().first()
    if row is None:
        return None
    record = dict(row)
    record["city_id"] = record["org_id"] if record["org_level"] == "city" else None
    return record


@reads("users", "org_units", "accounts")
def users_overview(conn: Connection, scope: Scope, *, role: Optional[str] = None) -> pd.DataFrame:
    """All users with their org node (national scope only: the user list is an admin's tool)."""
    columns = ["username", "name", "role", "org_en", "org_zh", "active", "locked_until", "can_sign_in", "accounts"]
    if not scope.is_national:
        return pd.DataFrame(columns=columns)
    managed = select(Account.manager_id, func.count().label("accounts")).group_by(Account.manager_id).subquery()
    stmt = (
        select(
            USERS.c.username,
            USERS.c.name,
            USERS.c.role,
            ORG.c.name_en.label("org_en"),
            ORG.c.name_zh.label("org_zh"),
            USERS.c.active,
            USERS.c.locked_until,
            (USERS.c.password_hash != UNUSABLE_HASH).label("can_sign_in"),
            func.coalesce(managed.c.accounts, 0).label("accounts"),
        )
        .join(ORG, ORG.c.id == USERS.c.org_unit_id)
        .outerjoin(managed, managed.c.manager_id == USERS.c.id)
        .order_by(USERS.c.role, USERS.c.username)
    )
    if role:
        stmt = stmt.where(USERS.c.role == role)
    return pd.DataFrame(conn.execute(stmt).all(), columns=columns)


@reads("users")
def users_by_role(conn: Connection, scope: Scope) -> pd.DataFrame:
    """Number of users per role (national scope only)."""
    if not scope.is_national:
        return pd.DataFrame(columns=["role", "users"])
    stmt = select(USERS.c.role, func.count().label("users")).group_by(USERS.c.role).order_by(USERS.c.role)
    return pd.DataFrame(conn.execute(stmt).all(), columns=["role", "users"])


@reads("users")
def users_for_editing(conn: Connection, scope: Scope) -> pd.DataFrame:
    """Every user's editable fields and sign-in state, by username (national scope only)."""
    columns = ["username", "name", "email", "role", "org_unit_id", "active", "locked_until"]
    if not scope.is_national:
        return pd.DataFrame(columns=columns)
    stmt = select(*(USERS.c[column] for column in columns)).order_by(USERS.c.username)
    return pd.DataFrame(conn.execute(stmt).all(), columns=columns)
