"""Users: creating them (also the first administrator), passwords, and failed-login lockout."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

import bcrypt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lib.access import CurrentUser
from lib.commands import CommandError, ValidationError, audit, utcnow
from lib.domain import ROLES
from lib.models import OrgUnit, User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_BYTES = 72  # bcrypt ignores anything longer
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


def password_problem(password: str) -> Optional[str]:
    """The message key of what is wrong with a new password, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "users.error.password_short"
    if len(password.encode()) > MAX_PASSWORD_BYTES:
        return "users.error.password_long"
    if password.strip() != password:
        return "users.error.password_spaces"
    return None


def hash_password(password: str, rounds: int = 12) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds)).decode()


def create_user(
    *,
    session: Session,
    actor: Optional[CurrentUser],
    username: str,
    name: str,
    role: str,
    org_unit_id: Optional[int],
    password: str,
    email: str = "",
    bcrypt_rounds: int = 12,
) -> int:
    """Create a user; `actor` is the admin doing it (None only for the first-administrator command)."""
    if actor is not None and actor.role != "admin":
        raise CommandError("form.error.role")
    username = (username or "").strip().lower()
    errors: dict[str, str] = {}
    if not USERNAME.match(username):
        errors["username"] = "users.error.username"
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        errors["username"] = "users.error.username_taken"
    if not (name or "").strip():
        errors["name"] = "form.error.required"
    if role not in ROLES:
        errors["role"] = "form.error.required"
    if org_unit_id is None or session.get(OrgUnit, org_unit_id) is None:
        errors["org_unit_id"] = "form.error.required"
    if problem := password_problem(password or ""):
        errors["password"] = problem
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        name=name.strip(),
        email=(email or "").strip(),
        role=role,
        org_unit_id=org_unit_id,
        password_hash=hash_password(password, bcrypt_rounds),
        active=True,
        failed_logins=0,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    audit(
        session, actor or user.id, "create_user", "user", user.id, username=username, role=role, org_unit_id=org_unit_id
    )
    return user.id


def record_failed_login(*, session: Session, username: str, now: Optional[dt.datetime] = None) -> bool:
    """Count a failed sign-in; after MAX_FAILED_LOGINS in a row the user is locked. True if now locked."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == username).with_for_update())
    if user is None:
        return False
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
        user.failed_logins = 0
        session.flush()
        return True
    return False


def record_successful_login(*, session: Session, username: str) -> None:
    session.execute(update(User).where(User.username == username, User.failed_logins != 0).values(failed_logins=0))
