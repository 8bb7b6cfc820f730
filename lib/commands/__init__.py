"""Write commands: keyword-only functions that validate, check scope, and write in one transaction.

Every command takes the SQLAlchemy session of an open write transaction (lib.db.write_session)
and the acting user; it raises ValidationError (field -> message key) or OutOfScope, and
records itself in the audit trail. Pages never write any other way.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib.access import CurrentUser, scope_condition
from lib.models import Account, AuditLog

MAX_TEXT = 4000


class CommandError(Exception):
    """A write was refused; `code` is a message key of the catalogue."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


class ValidationError(CommandError):
    """Some fields are wrong: `errors` maps each field to a message key."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("form.error.invalid")
        self.errors = errors


class OutOfScope(CommandError):
    """The account (or record) is not one the user may write for."""

    def __init__(self) -> None:
        super().__init__("form.error.out_of_scope")


WRITER_ROLES = frozenset({"staff", "team_lead"})


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def require_writer(user: CurrentUser) -> None:
    if user.role not in WRITER_ROLES:
        raise CommandError("form.error.role")


def account_in_scope(session: Session, user: CurrentUser, account_id: Optional[int]) -> Account:
    """The account if the user's scope covers it; OutOfScope otherwise (also for unknown ids)."""
    if account_id is None:
        raise ValidationError({"account": "form.error.required"})
    table = Account.__table__
    found = session.scalar(select(Account).where(table.c.id == account_id, scope_condition(user.scope, table)))
    if found is None:
        raise OutOfScope()
    return found


def clean_text(
    value: Optional[str], field: str, errors: dict[str, str], *, required: bool = False, limit: int = MAX_TEXT
) -> str:
    """Text exactly as typed (only surrounding whitespace trimmed), with its rules checked."""
    text = (value or "").strip()
    if required and not text:
        errors[field] = "form.error.required"
    elif len(text) > limit:
        errors[field] = "form.error.too_long"
    elif "\x00" in text:
        errors[field] = "form.error.bad_characters"
    return text


def audit(
    session: Session, user: CurrentUser | int | None, action: str, entity: str, entity_id: Any, **detail: Any
) -> None:
    """Record a write: who (a user, a user id, or None for a command run from the shell), when, what."""
    session.add(
        AuditLog(
            at=utcnow(),
            user_id=user if user is None or isinstance(user, int) else user.id,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            detail=json.dumps(detail, ensure_ascii=False, default=str, sort_keys=True),
        )
    )
