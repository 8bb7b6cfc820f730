"""Account plans (一户一案): the plan's four texts and its actions.

Each write locks the plan row (SELECT ... FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already
serialises writers), stamps the plan's updated_by and updated_at, and records itself in the audit trail.

The plan's updated_at is its version: every write moves it on, at least one second past the previous
stamp, so two writes in the same second still differ. A form says which version it was filled in from
(`expected_updated_at`), and saving it is refused when the plan has been written since, instead of
overwriting someone else's text. A request that would change nothing writes nothing, so a double
click saves once. Adding an action is made idempotent by the form's key, kept in the action's audit
row (plan_actions has no column for it).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from dataclasses import dataclass
from typing import Any, Optional, Union

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lib.access import CurrentUser
from lib.commands import (
    CommandError,
    OutOfScope,
    ValidationError,
    account_in_scope,
    audit,
    clean_text,
    require_writer,
    utcnow,
)
from lib.models import AccountPlan, AuditLog, PlanAction

ACTION_STATUSES = ("planned", "in_progress", "done", "dropped")
TEXT_FIELDS = ("objectives", "needs", "products", "competitors")
OWNER_MAX = 120  # plan_actions.owner is VARCHAR(120)
NEW_PLAN = dt.datetime.min  # the version of a plan that does not exist yet
STALE = "plan.error.stale"
# How far back a resubmitted "add an action" form is recognised (a double click takes seconds).
IDEMPOTENCY_WINDOW = dt.timedelta(days=1)


class Keep(enum.Enum):
    """The value of an update_action argument that was not given: the field stays as it is."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class PlanWritten:
    plan_id: Optional[int]  # None only when there was no plan and nothing to save
    action_id: Optional[int]  # the action added or updated
    changed: bool  # False when nothing was written (a double submit, or no change)
    updated_at: dt.datetime  # the plan's version after this request
    previous: dt.datetime  # its version before (NEW_PLAN when there was no plan)


def save_plan(
    *,
    session: Session,
    user: CurrentUser,
    account_id: Optional[int],
    objectives: Optional[str],
    needs: Optional[str],
    products: Optional[str],
    competitors: Optional[str],
    expected_updated_at: Optional[dt.datetime] = None,
    now: Optional[dt.datetime] = None,
) -> PlanWritten:
    """Create or update the account's plan texts (objectives are required).

    `expected_updated_at` is the version the user edited (NEW_PLAN if they saw no plan); when given and
    the stored plan is another version, nothing is written and CommandError(STALE) is raised.
    """
    require_writer(user)
    account = account_in_scope(session, user, account_id)
    errors: dict[str, str] = {}
    given = (objectives, needs, products, competitors)
    texts = {
        field: clean_text(value, field, errors, required=field == "objectives")
        for field, value in zip(TEXT_FIELDS, given, strict=True)
    }
    if errors:
        raise ValidationError(errors)
    plan = _locked_plan(session, account.id)
    previous = plan.updated_at if plan else NEW_PLAN
    changes = {f: [getattr(plan, f) if plan else "", texts[f]] for f in TEXT_FIELDS}
    changes = {f: pair for f, pair in changes.items() if pair[0] != pair[1]}
    if not changes:  # already stored exactly so: a double submit, or nothing edited
        return PlanWritten(plan.id if plan else None, None, False, previous, previous)
    if expected_updated_at is not None and expected_updated_at != previous:
        raise CommandError(STALE)
    stamp = _stamp(previous, now)
    if plan is None:
        plan = AccountPlan(account_id=account.id, updated_by=user.id, updated_at=stamp, **texts)
        try:
            with session.begin_nested():
                session.add(plan)
        except IntegrityError:  # another request created this plan meanwhile
            raise CommandError(STALE) from None
    else:
        for field, (_, new) in changes.items():
            setattr(plan, field, new)
        plan.updated_by, plan.updated_at = user.id, stamp
        session.flush()
    audit(
        session,
        user,
        "save_plan",
        "account_plan",
        plan.id,
        account_id=account.id,
        created=previous == NEW_PLAN,
        changes=changes,
    )
    return PlanWritten(plan.id, None, True, stamp, previous)


def add_action(
    *,
    session: Session,
    user: CurrentUser,
    account_id: Optional[int],
    action: Optional[str],
    owner: Optional[str],
    due_on: Optional[dt.date] = None,
    status: Optional[str] = "planned",
    idempotency_key: Optional[str] = None,
    now: Optional[dt.datetime] = None,
) -> PlanWritten:
    """Add an action to the account's plan, creating an empty plan if there is none.

    A resubmission with the same idempotency key returns the action stored the first time.
    """
    require_writer(user)
    account = account_in_scope(session, user, account_id)
    errors: dict[str, str] = {}
    text = clean_text(action, "action", errors, required=True)
    who = _owner(owner, errors)
    if status not in ACTION_STATUSES:
        errors["status"] = "form.error.required"
    if errors:
        raise ValidationError(errors)
    plan, previous = _plan_to_write(session, user, account.id, now)
    stored = _already_added(session, user, plan.id, idempotency_key)
    if stored is not None:
        return PlanWritten(plan.id, stored, False, plan.updated_at, plan.updated_at)
    row = PlanAction(plan_id=plan.id, action=text, owner=who, due_on=due_on, status=status)
    session.add(row)
    stamp = _stamp(previous, now)
    plan.updated_by, plan.updated_at = user.id, stamp
    session.flush()
    audit(
        session,
        user,
        "add_plan_action",
        "plan_action",
        row.id,
        account_id=account.id,
        plan_id=plan.id,
        text=text,
        owner=who,
        due_on=due_on,
        status=status,
        idempotency_key=idempotency_key or None,
    )
    return PlanWritten(plan.id, row.id, True, stamp, previous)


def update_action(
    *,
    session: Session,
    user: CurrentUser,
    action_id: Optional[int],
    status: Union[str, None, Keep] = KEEP,
    due_on: Union[dt.date, None, Keep] = KEEP,
    owner: Union[str, None, Keep] = KEEP,
    action: Union[str, None, Keep] = KEEP,
    expected_status: Optional[str] = None,
    now: Optional[dt.datetime] = None,
) -> PlanWritten:
    """Change an action's status, due date (None clears it), owner or text: only the fields given.

    The action must belong to the plan of an account in the user's scope (OutOfScope otherwise, also
    for an unknown id). With `expected_status` (the status the user saw), a change is refused with
    CommandError(STALE) when the stored status has moved on to something else meanwhile.
    """
    require_writer(user)
    if action_id is None:
        raise ValidationError({"action_id": "form.error.required"})
    account_id = session.scalar(
        select(AccountPlan.account_id)
        .join(PlanAction, PlanAction.plan_id == AccountPlan.id)
        .where(PlanAction.id == action_id)
    )
    if account_id is None:
        raise OutOfScope()
    account = account_in_scope(session, user, account_id)
    errors: dict[str, str] = {}
    wanted: dict[str, Any] = {}
    if status is not KEEP:
        wanted["status"] = status
        if status not in ACTION_STATUSES:
            errors["status"] = "form.error.required"
    if due_on is not KEEP:
        wanted["due_on"] = due_on
    if owner is not KEEP:
        wanted["owner"] = _owner(owner, errors)
    if action is not KEEP:
        wanted["action"] = clean_text(action, "action", errors, required=True)
    if errors:
        raise ValidationError(errors)
    plan = _locked_plan(session, account.id)
    row = session.get(PlanAction, action_id, populate_existing=True)
    changes = {f: [getattr(row, f), v] for f, v in wanted.items() if getattr(row, f) != v}
    if not changes:  # already so: a double submit, or nothing edited
        return PlanWritten(plan.id, row.id, False, plan.updated_at, plan.updated_at)
    if expected_status is not None and row.status != expected_status:
        raise CommandError(STALE)
    for field, (_, new) in changes.items():
        setattr(row, field, new)
    previous = plan.updated_at
    stamp = _stamp(previous, now)
    plan.updated_by, plan.updated_at = user.id, stamp
    session.flush()
    audit(
        session,
        user,
        "update_plan_action",
        "plan_action",
        row.id,
        account_id=account.id,
        plan_id=plan.id,
        changes=changes,
    )
    return PlanWritten(plan.id, row.id, True, stamp, previous)


def _owner(value: Optional[str], errors: dict[str, str]) -> str:
    who = clean_text(value, "owner", errors, required=True, limit=OWNER_MAX)
    if errors.get("owner") == "form.error.too_long":
        errors["owner"] = "plan.error.owner_too_long"
    return who


def _stamp(previous: dt.datetime, now: Optional[dt.datetime]) -> dt.datetime:
    """The plan's next version: now, or one second past the previous one when now is not later."""
    return max(now or utcnow(), previous + dt.timedelta(seconds=1))


def _locked_plan(session: Session, account_id: int) -> Optional[AccountPlan]:
    return session.scalar(
        select(AccountPlan)
        .where(AccountPlan.account_id == account_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _plan_to_write(
    session: Session, user: CurrentUser, account_id: int, now: Optional[dt.datetime]
) -> tuple[AccountPlan, dt.datetime]:
    """The account's plan, locked, and its version before this request (NEW_PLAN: created empty here)."""
    plan = _locked_plan(session, account_id)
    if plan is not None:
        return plan, plan.updated_at
    plan = AccountPlan(
        account_id=account_id,
        objectives="",
        needs="",
        products="",
        competitors="",
        updated_by=user.id,
        updated_at=_stamp(NEW_PLAN, now),
    )
    try:
        with session.begin_nested():
            session.add(plan)
    except IntegrityError:  # created meanwhile by another request: add to that one
        plan = _locked_plan(session, account_id)
        if plan is None:
            raise
        return plan, plan.updated_at
    return plan, NEW_PLAN


def _already_added(session: Session, user: CurrentUser, plan_id: int, key: Optional[str]) -> Optional[int]:
    """The action this user added to this plan with the same form key, recently; None if there is none."""
    if not key:
        return None
    marker = f'"idempotency_key": {json.dumps(key, ensure_ascii=False)}'
    rows = session.execute(
        select(AuditLog.entity_id, AuditLog.detail).where(
            AuditLog.at >= utcnow() - IDEMPOTENCY_WINDOW,
            AuditLog.action == "add_plan_action",
            AuditLog.user_id == user.id,
            AuditLog.detail.contains(marker, autoescape=True),
        )
    ).all()
    for entity_id, detail in rows:
        found = json.loads(detail)  # LIKE may ignore case (SQLite): compare exactly here
        if found.get("idempotency_key") == key and found.get("plan_id") == plan_id:
            return int(entity_id)
    return None
