"""Roles, the page registry and the user's data scope (deny by default).

Every read in lib/queries applies `scope_condition`, so a team lead cannot see another
province's rows and an account manager sees only their own accounts, whatever a page or a
URL asks for.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import ColumnElement, Table, false, select, true

from lib import domain

# page name -> the roles that may open it; a page not listed here is open to nobody.
PAGE_ROLES: dict[str, frozenset[str]] = {
    "overview": frozenset({"executive", "team_lead", "staff", "admin"}),
    "tiers": frozenset({"executive", "team_lead"}),
    "order_flow": frozenset({"executive", "team_lead"}),
    "satisfaction": frozenset({"executive", "team_lead"}),
    "regions": frozenset({"executive", "team_lead"}),
    "accounts": frozenset({"executive", "team_lead", "staff"}),
    "account": frozenset({"executive", "team_lead", "staff"}),
    "plan": frozenset({"staff", "team_lead"}),
    "work_queue": frozenset({"staff", "team_lead"}),
    "log_revisit": frozenset({"staff", "team_lead"}),
    "log_complaint": frozenset({"staff", "team_lead"}),
    "complaints": frozenset({"staff", "team_lead"}),
    "orders": frozenset({"team_lead"}),
    "definitions": frozenset({"executive", "team_lead", "staff", "admin"}),
    "users": frozenset({"admin"}),
    "import_data": frozenset({"admin", "team_lead"}),
    "settings": frozenset({"admin"}),
    "my_account": frozenset({"executive", "team_lead", "staff", "admin"}),
}


def can_open(*, role: Optional[str], page: str) -> bool:
    """Whether a role may open a page: only what the registry grants."""
    return role in domain.ROLES and role in PAGE_ROLES.get(page, frozenset())


def pages_for(role: Optional[str]) -> list[str]:
    """The pages a role may open, in registry order."""
    return [page for page in PAGE_ROLES if can_open(role=role, page=page)]


@dataclass(frozen=True)
class Scope:
    """The rows a user may read: a subtree of the organisation, or one manager's accounts."""

    level: str  # national | province | city | manager | none
    province_id: Optional[int] = None
    city_id: Optional[int] = None
    manager_id: Optional[int] = None

    @property
    def is_national(self) -> bool:
        return self.level == "national"


@dataclass(frozen=True)
class CurrentUser:
    """A signed-in user: who they are and the rows they may read and write."""

    id: int
    username: str
    name: str
    role: str
    org_level: str
    org_en: str
    org_zh: str
    scope: Scope


NATIONAL = Scope("national")
NOTHING = Scope("none")


def scope_for(*, role: str, user_id: int, org_level: str, province_id: Optional[int], city_id: Optional[int]) -> Scope:
    """The scope of a user from their role and org node; unknown combinations see nothing."""
    if role == "staff":
        return Scope("manager", province_id=province_id, city_id=city_id, manager_id=user_id)
    if role not in domain.ROLES:
        return NOTHING
    if org_level == "national":
        return NATIONAL
    if org_level == "province" and province_id is not None:
        return Scope("province", province_id=province_id)
    if org_level == "city" and city_id is not None:
        return Scope("city", province_id=province_id, city_id=city_id)
    return NOTHING


def user_from_record(record: Mapping[str, Any]) -> CurrentUser:
    """A signed-in user from their stored record (lib.queries.users.user_record), with their scope."""
    scope = scope_for(
        role=record["role"],
        user_id=record["id"],
        org_level=record["org_level"],
        province_id=record["province_id"],
        city_id=record["city_id"],
    )
    return CurrentUser(
        id=record["id"],
        username=record["username"],
        name=record["name"],
        role=record["role"],
        org_level=record["org_level"],
        org_en=record["org_en"],
        org_zh=record["org_zh"],
        scope=scope,
    )


def narrow(
    scope: Scope,
    *,
    province_id: Optional[int] = None,
    city_id: Optional[int] = None,
    city_province_id: Optional[int] = None,
) -> Scope:
    """A region filter applied inside a scope; it can only ever make the scope smaller.

    `city_province_id` is the province of `city_id` (looked up by the caller); a region outside
    the scope yields NOTHING rather than widening it.
    """
    if scope.level in ("none", "manager"):
        return scope
    if city_id is not None:
        if city_province_id is None or (province_id is not None and province_id != city_province_id):
            return NOTHING
        if scope.level == "city" and scope.city_id != city_id:
            return NOTHING
        if scope.level == "province" and scope.province_id != city_province_id:
            return NOTHING
        return Scope("city", province_id=city_province_id, city_id=city_id)
    if province_id is not None:
        if scope.level == "national":
            return Scope("province", province_id=province_id)
        if scope.province_id != province_id:
            return NOTHING
    return scope


def scope_condition(scope: Scope, table: Table) -> ColumnElement[bool]:
    """The WHERE condition that limits `table` to the scope.

    `table` has province_id and city_id columns, and either manager_id (accounts), account_id
    (facts) or order_id (order events), through which an account manager's rows are found.
    """
    if scope.level == "national":
        return true()
    if scope.level == "province":
        return table.c.province_id == scope.province_id
    if scope.level == "city":
        return table.c.city_id == scope.city_id
    if scope.level == "manager":
        from lib.models import Account, Order

        accounts = Account.__table__
        if "account_id" not in table.c and "manager_id" in table.c:  # the accounts table itself
            return table.c.manager_id == scope.manager_id
        own = select(accounts.c.id).where(accounts.c.manager_id == scope.manager_id)
        if "account_id" in table.c:
            return table.c.account_id.in_(own)
        orders = Order.__table__  # order events reach their account through the order
        return table.c.order_id.in_(select(orders.c.id).where(orders.c.account_id.in_(own)))
    return false()
