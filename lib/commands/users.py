"""Users: creating and editing them (also the first administrator), passwords, deactivation and lockout."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional

import bcrypt
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lib.access import CurrentUser
from lib.commands import CommandError, ValidationError, audit, clean_text, utcnow
from lib.domain import ROLES
from lib.models import OrgUnit, User

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_BYTES = 72  # bcrypt ignores anything longer
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,62}$")
MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MAX_NAME = 120
MAX_EMAIL = 200
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The organisation levels each role belongs at: executives and administrators at headquarters, team
# leads over a province or a city, account managers in a city (their local network).
ROLE_LEVELS = {
    "executive": frozenset({"national"}),
    "admin": frozenset({"national"}),
    "team_lead": frozenset({"province", "city"}),
    "staff": frozenset({"city"}),
}


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
    password_repeat: Optional[str] = None,
    bcrypt_rounds: int = 12,
) -> int:
    """Create a user; `actor` is the admin doing it (None only for the first-administrator command).

    `password_repeat`, when given, must equal `password` (a form asks for it twice).
    """
    if actor is not None:
        require_admin(actor)
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
    if problem := org_problem(session, role, org_unit_id):
        errors["org_unit_id"] = problem
    if problem := password_problem(password or ""):
        errors["password"] = problem
    elif password_repeat is not None and password_repeat != password:
        errors["password_repeat"] = "users.error.password_mismatch"
    if problem := email_problem(email):
        errors["email"] = problem
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


def require_admin(user: CurrentUser) -> None:
    if user.role != "admin":
        raise CommandError("form.error.role")


def org_problem(session: Session, role: Optional[str], org_unit_id: Optional[int]) -> Optional[str]:
    """The message key of what is wrong with a user's organisation node for their role, or None."""
    unit = None if org_unit_id is None else session.get(OrgUnit, org_unit_id)
    if unit is None:
        return "form.error.required"
    if role in ROLE_LEVELS and unit.level not in ROLE_LEVELS[role]:
        return f"users.error.org_for_{role}"
    return None


def email_problem(email: Optional[str]) -> Optional[str]:
    """The message key of what is wrong with an e-mail address (empty is allowed), or None."""
    text = (email or "").strip()
    if not text:
        return None
    if len(text) > MAX_EMAIL or not EMAIL.match(text):
        return "users.error.email"
    return None


def _target(session: Session, username: Optional[str]) -> User:
    """The user being administered, locked for this transaction; a field error if unknown."""
    found = session.scalar(select(User).where(User.username == (username or "")).with_for_update())
    if found is None:
        raise ValidationError({"username": "users.error.unknown_user"})
    return found


def _new_password_errors(password: Optional[str], repeat: Optional[str], field: str) -> dict[str, str]:
    if problem := password_problem(password or ""):
        return {field: problem}
    if repeat is not None and repeat != password:
        return {f"{field}_repeat": "users.error.password_mismatch"}
    return {}


def update_user(
    *,
    session: Session,
    user: CurrentUser,
    username: str,
    name: str,
    email: str,
    role: str,
    org_unit_id: Optional[int],
) -> int:
    """Change a user's name, e-mail, role and org node (admins only; never one's own admin role)."""
    require_admin(user)
    target = _target(session, username)
    errors: dict[str, str] = {}
    name = clean_text(name, "name", errors, required=True, limit=MAX_NAME)
    if errors.get("name") == "form.error.too_long":  # that message names the limit of long texts
        errors["name"] = "users.error.name_long"
    if problem := email_problem(email):
        errors["email"] = problem
    if role not in ROLES:
        errors["role"] = "form.error.required"
    if problem := org_problem(session, role, org_unit_id):
        errors["org_unit_id"] = problem
    if errors:
        raise ValidationError(errors)
    if target.id == user.id and role != "admin":
        # Otherwise the last administrator could lock everyone out of administration.
        raise CommandError("users.error.own_admin_role")
    before = {"name": target.name, "email": target.email, "role": target.role, "org_unit_id": target.org_unit_id}
    after = {"name": name, "email": (email or "").strip(), "role": role, "org_unit_id": org_unit_id}
    changed = {field: [before[field], value] for field, value in after.items() if before[field] != value}
    for field, value in after.items():
        setattr(target, field, value)
    session.flush()
    audit(session, user, "update_user", "user", target.id, username=target.username, changed=changed)
    return target.id


def set_active(*, session: Session, user: CurrentUser, username: str, active: bool) -> int:
    """Deactivate (no more sign-in; history stays theirs) or reactivate a user (admins only, never oneself)."""
    require_admin(user)
    target = _target(session, username)
    if target.id == user.id and not active:
        raise CommandError("users.error.own_deactivation")
    target.active = bool(active)
    session.flush()
    action = "reactivate_user" if active else "deactivate_user"
    audit(session, user, action, "user", target.id, username=target.username)
    return target.id


def reset_password(
    *,
    session: Session,
    user: CurrentUser,
    username: str,
    password: str,
    password_repeat: Optional[str] = None,
    bcrypt_rounds: int = 12,
) -> int:
    """Set a new password for a user (admins only); the password itself is never recorded."""
    require_admin(user)
    target = _target(session, username)
    if errors := _new_password_errors(password, password_repeat, "password"):
        raise ValidationError(errors)
    target.password_hash = hash_password(password, bcrypt_rounds)
    session.flush()
    audit(session, user, "reset_password", "user", target.id, username=target.username)
    return target.id


def unlock_user(*, session: Session, user: CurrentUser, username: str) -> int:
    """Lift a lock after failed sign-ins and start the count again (admins only)."""
    require_admin(user)
    target = _target(session, username)
    previous = target.locked_until
    target.locked_until = None
    target.failed_logins = 0
    session.flush()
    audit(session, user, "unlock_user", "user", target.id, username=target.username, locked_until=previous)
    return target.id


def change_own_password(
    *,
    session: Session,
    user: CurrentUser,
    current_password: str,
    new_password: str,
    new_password_repeat: Optional[str] = None,
    bcrypt_rounds: int = 12,
) -> int:
    """Any signed-in user changes their own password after proving they know the current one."""
    me = session.scalar(select(User).where(User.id == user.id).with_for_update())
    if me is None or not me.active:
        raise CommandError("form.error.role")
    errors: dict[str, str] = {}
    if not password_matches(current_password or "", me.password_hash):
        errors["current_password"] = "users.error.current_password"
    errors.update(_new_password_errors(new_password, new_password_repeat, "new_password"))
    if not errors and new_password == current_password:
        errors["new_password"] = "users.error.password_same"
    if errors:
        raise ValidationError(errors)
    me.password_hash = hash_password(new_password, bcrypt_rounds)
    session.flush()
    audit(session, user, "change_own_password", "user", me.id, username=me.username)
    return me.id


def password_matches(password: str, password_hash: str) -> bool:
    """bcrypt check; an unusable or malformed hash never matches."""
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False
