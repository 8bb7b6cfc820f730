"""The account plan page's read: one account's plan as it is edited, only inside the scope."""

from __future__ import annotations

from typing import Any, Optional

import pandas as pd
from sqlalchemy import Connection, case, select

from lib.access import Scope
from lib.models import Account, AccountPlan, PlanAction, User
from lib.queries import reads
from lib.queries.account import in_scope

ACCOUNTS = Account.__table__
PLANS = AccountPlan.__table__
ACTIONS = PlanAction.__table__
USERS = User.__table__
TEXTS = ("objectives", "needs", "products", "competitors")
ACTION_COLUMNS = ["id", "action", "owner", "due_on", "status"]


@reads("accounts", "account_plans", "plan_actions", "users")
def plan_for_editing(conn: Connection, scope: Scope, *, code: str) -> Optional[dict[str, Any]]:
    """The account `code` with its plan: account_id, name, the four texts ("" without a plan), updated_at
    (the plan's version; None without a plan), updated_by (a name), and actions (a DataFrame of
    ACTION_COLUMNS, by due date, undated last). None when the account is outside the scope."""
    stmt = (
        select(
            ACCOUNTS.c.id.label("account_id"),
            ACCOUNTS.c.name,
            PLANS.c.id.label("plan_id"),
            *(PLANS.c[text] for text in TEXTS),
            PLANS.c.updated_at,
            USERS.c.name.label("updated_by"),
        )
        .select_from(ACCOUNTS)
        .outerjoin(PLANS, PLANS.c.account_id == ACCOUNTS.c.id)
        .outerjoin(USERS, USERS.c.id == PLANS.c.updated_by)
        .where(in_scope(scope, code))
    )
    found = conn.execute(stmt).mappings().first()
    if found is None:
        return None
    plan = dict(found)
    plan.update({text: plan[text] or "" for text in TEXTS})
    actions = (
        select(*(ACTIONS.c[name] for name in ACTION_COLUMNS))
        .where(ACTIONS.c.plan_id == plan["plan_id"])
        .order_by(case((ACTIONS.c.due_on.is_(None), 1), else_=0), ACTIONS.c.due_on, ACTIONS.c.id)
    )
    rows = conn.execute(actions).all() if plan["plan_id"] is not None else []
    plan["actions"] = pd.DataFrame(rows, columns=ACTION_COLUMNS).astype({"id": "int64"})
    return plan
