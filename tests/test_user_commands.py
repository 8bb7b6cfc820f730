"""User administration commands: editing, deactivation, passwords and unlocking, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import bcrypt
import pytest
from sqlalchemy import func, select

from lib import admin_cli
from lib.access import NATIONAL, CurrentUser
from lib.commands import CommandError, ValidationError
from lib.commands import users as commands
from lib.db import write_session
from lib.models import AuditLog, OrgUnit, User
from lib.queries.users import sign_in_users, users_for_editing

ROOT_PASSWORD = "root password 1"
OTHER_PASSWORD = "other password 2"
STAFF_PASSWORD = "staff password 3"
NEW_PASSWORD = "a brand new secret"
NOW = dt.datetime(2026, 11, 23, 12, 0)


@pytest.fixture
def data(engine) -> dict[str, int]:
    """Two administrators (root, other) and an account manager in a city of a province."""
    ids = {
        "root": admin_cli.create_admin(engine, username="root", name="Root", password=ROOT_PASSWORD, bcrypt_rounds=4)
    }
    with write_session(engine) as s:
        national = s.scalar(select(OrgUnit.id).where(OrgUnit.level == "national"))
        province = OrgUnit(code="P1", level="province", parent_id=national, name_en="Alpha", name_zh="甲")
        s.add(province)
        s.flush()
        province.province_id = province.id
        city = OrgUnit(
            code="C1", level="city", parent_id=province.id, province_id=province.id, name_en="A1", name_zh="甲一"
        )
        s.add(city)
        s.flush()
        ids.update(national=national, province=province.id, city=city.id)
        root = actor(ids, "root")
        for username, role, node, password in (
            ("other", "admin", national, OTHER_PASSWORD),
            ("am", "staff", city.id, STAFF_PASSWORD),
        ):
            ids[username] = commands.create_user(
                session=s,
                actor=root,
                username=username,
                name=username.title(),
                role=role,
                org_unit_id=node,
                password=password,
                bcrypt_rounds=4,
            )
    return ids


def actor(ids: dict[str, int], username: str, role: str = "admin") -> CurrentUser:
    return CurrentUser(
        id=ids[username],
        username=username,
        name=username,
        role=role,
        org_level="national",
        org_en="",
        org_zh="",
        scope=NATIONAL,
    )


def run(engine, command, ids, by: str = "root", by_role: str = "admin", **arguments):
    with write_session(engine) as s:
        return command(session=s, user=actor(ids, by, by_role), **arguments)


def row(engine, username: str):
    with engine.connect() as conn:
        return conn.execute(select(User).where(User.username == username)).one()


def audit_rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditLog.action, AuditLog.user_id, AuditLog.detail).order_by(AuditLog.id)).all()


def can_sign_in(engine, username: str) -> bool:
    with engine.connect() as conn:
        return username in {u["username"] for u in sign_in_users(conn, NOW)}


EDIT = dict(username="am", name="Am Renamed", email="am@example.com", role="team_lead")
COMMANDS = {
    "update_user": (commands.update_user, EDIT),
    "set_active": (commands.set_active, dict(username="am", active=False)),
    "reset_password": (commands.reset_password, dict(username="am", password=NEW_PASSWORD, bcrypt_rounds=4)),
    "unlock_user": (commands.unlock_user, dict(username="am")),
}


def test_an_admin_edits_a_users_name_email_role_and_org_node(engine, data):
    """The row changes, and the audit trail names the admin and what changed."""
    assert run(engine, commands.update_user, data, org_unit_id=data["province"], **EDIT) == data["am"]
    stored = row(engine, "am")
    assert (stored.name, stored.email, stored.role, stored.org_unit_id) == (
        "Am Renamed",
        "am@example.com",
        "team_lead",
        data["province"],
    )
    action, by, detail = audit_rows(engine)[-1]
    assert (action, by) == ("update_user", data["root"])
    assert json.loads(detail)["changed"]["role"] == ["staff", "team_lead"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"name": "  "}, "name", "form.error.required"),
        ({"name": "x" * 121}, "name", "users.error.name_long"),
        ({"email": "not an address"}, "email", "users.error.email"),
        ({"email": "a" * 190 + "@example.com"}, "email", "users.error.email"),
        ({"role": "boss"}, "role", "form.error.required"),
        ({"org_unit_id": None}, "org_unit_id", "form.error.required"),
        ({"org_unit_id": 999_999}, "org_unit_id", "form.error.required"),
        ({"username": "nobody"}, "username", "users.error.unknown_user"),
    ],
)
def test_bad_edits_name_the_field_and_change_nothing(engine, data, overrides, field, code):
    """Each rule of the edit form refuses with its field and message, and stores nothing."""
    before = len(audit_rows(engine))
    values = {**EDIT, "org_unit_id": data["city"], **overrides}
    with pytest.raises(ValidationError) as refused:
        run(engine, commands.update_user, data, **values)
    assert refused.value.errors[field] == code
    assert row(engine, "am").name == "Am" and len(audit_rows(engine)) == before


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("role", ["executive", "team_lead", "staff"])
def test_only_administrators_may_administer_users(engine, data, name, role):
    """Any other role is refused with the role message and nothing is written."""
    command, arguments = COMMANDS[name]
    extra = {"org_unit_id": data["city"]} if name == "update_user" else {}
    before = len(audit_rows(engine))
    with pytest.raises(CommandError) as refused:
        run(engine, command, data, by="am", by_role=role, **arguments, **extra)
    assert refused.value.code == "form.error.role"
    assert len(audit_rows(engine)) == before and row(engine, "am").role == "staff"


def test_only_administrators_may_create_users(engine, data):
    """create_user refuses a non-admin actor."""
    with write_session(engine) as s, pytest.raises(CommandError) as refused:
        commands.create_user(
            session=s,
            actor=actor(data, "am", "team_lead"),
            username="x.y",
            name="X",
            role="staff",
            org_unit_id=data["city"],
            password=NEW_PASSWORD,
            bcrypt_rounds=4,
        )
    assert refused.value.code == "form.error.role"


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"password_repeat": NEW_PASSWORD + "x"}, "password_repeat", "users.error.password_mismatch"),
        ({"email": "a@b"}, "email", "users.error.email"),
        ({"username": "am"}, "username", "users.error.username_taken"),
    ],
)
def test_a_new_user_needs_matching_passwords_a_real_email_and_a_free_username(engine, data, overrides, field, code):
    """The create form's own rules name their field."""
    values = dict(username="new.one", name="New", role="staff", org_unit_id=data["city"], password=NEW_PASSWORD)
    with write_session(engine) as s, pytest.raises(ValidationError) as refused:
        commands.create_user(session=s, actor=actor(data, "root"), bcrypt_rounds=4, **{**values, **overrides})
    assert refused.value.errors[field] == code


@pytest.mark.parametrize(
    ("role", "node", "allowed"),
    [
        ("executive", "national", True),
        ("executive", "province", False),
        ("admin", "city", False),
        ("team_lead", "province", True),
        ("team_lead", "city", True),
        ("team_lead", "national", False),
        ("staff", "city", True),
        ("staff", "province", False),
        ("staff", "national", False),
    ],
)
def test_a_role_must_sit_at_an_organisation_level_that_fits_it(engine, data, role, node, allowed):
    """Executives and admins at headquarters, leads over a province or city, account managers in a city;
    creating or editing a user elsewhere names the node field."""
    values = dict(username="new.one", name="New", role=role, org_unit_id=data[node], password=NEW_PASSWORD)
    edit = {**EDIT, "role": role, "org_unit_id": data[node]}
    if allowed:
        with write_session(engine) as s:
            commands.create_user(session=s, actor=actor(data, "root"), bcrypt_rounds=4, **values)
        assert run(engine, commands.update_user, data, **edit) == data["am"]
        return
    with write_session(engine) as s, pytest.raises(ValidationError) as refused:
        commands.create_user(session=s, actor=actor(data, "root"), bcrypt_rounds=4, **values)
    assert refused.value.errors == {"org_unit_id": f"users.error.org_for_{role}"}
    with pytest.raises(ValidationError) as refused:
        run(engine, commands.update_user, data, **edit)
    assert refused.value.errors == {"org_unit_id": f"users.error.org_for_{role}"}
    assert row(engine, "am").role == "staff"


def test_an_admin_cannot_remove_their_own_admin_role_but_another_admin_can(engine, data):
    """Self-demotion is refused with a clear message; a second admin may do it."""
    with pytest.raises(CommandError) as refused:
        run(
            engine,
            commands.update_user,
            data,
            username="root",
            name="Root",
            email="",
            role="executive",
            org_unit_id=data["national"],
        )
    assert refused.value.code == "users.error.own_admin_role"
    assert row(engine, "root").role == "admin"
    run(
        engine,
        commands.update_user,
        data,
        by="other",
        username="root",
        name="Root",
        email="",
        role="executive",
        org_unit_id=data["national"],
    )
    assert row(engine, "root").role == "executive"


def test_an_admin_keeps_their_role_while_editing_their_own_name(engine, data):
    """Editing oneself is fine as long as the role stays admin."""
    run(
        engine,
        commands.update_user,
        data,
        username="root",
        name="Root Renamed",
        email="",
        role="admin",
        org_unit_id=data["national"],
    )
    assert row(engine, "root").name == "Root Renamed"


def test_a_deactivated_user_cannot_sign_in_and_keeps_their_history(engine, data):
    """Deactivation removes them from the sign-in list only; reactivation brings them back."""
    assert can_sign_in(engine, "am")
    run(engine, commands.set_active, data, username="am", active=False)
    assert not can_sign_in(engine, "am")
    stored = row(engine, "am")
    assert stored.active is False and stored.id == data["am"]
    with engine.connect() as conn:
        listed = users_for_editing(conn, NATIONAL)
        created = conn.scalar(
            select(AuditLog.entity_id).where(AuditLog.action == "create_user").order_by(AuditLog.id.desc())
        )
    assert "am" in listed["username"].tolist() and created == str(data["am"])
    assert [a for a, _, _ in audit_rows(engine)][-1] == "deactivate_user"
    run(engine, commands.set_active, data, username="am", active=True)
    assert can_sign_in(engine, "am") and audit_rows(engine)[-1].action == "reactivate_user"


def test_an_admin_cannot_deactivate_themself(engine, data):
    """Refused with a clear message; they stay active."""
    with pytest.raises(CommandError) as refused:
        run(engine, commands.set_active, data, username="root", active=False)
    assert refused.value.code == "users.error.own_deactivation"
    assert row(engine, "root").active is True


def test_a_reset_password_replaces_the_old_one_and_is_never_recorded(engine, data):
    """The new password works, the old one no longer does, and the audit trail holds no password."""
    run(
        engine,
        commands.reset_password,
        data,
        username="am",
        password=NEW_PASSWORD,
        password_repeat=NEW_PASSWORD,
        bcrypt_rounds=4,
    )
    stored = row(engine, "am").password_hash
    assert bcrypt.checkpw(NEW_PASSWORD.encode(), stored.encode())
    assert not bcrypt.checkpw(STAFF_PASSWORD.encode(), stored.encode())
    action, by, detail = audit_rows(engine)[-1]
    assert (action, by) == ("reset_password", data["root"]) and NEW_PASSWORD not in detail


@pytest.mark.parametrize(
    ("password", "repeat", "field", "code"),
    [
        ("short", None, "password", "users.error.password_short"),
        (" padded password ", None, "password", "users.error.password_spaces"),
        ("x" * 73, None, "password", "users.error.password_long"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "password_repeat", "users.error.password_mismatch"),
    ],
)
def test_a_reset_password_must_follow_the_policy(engine, data, password, repeat, field, code):
    """At least 10 characters, at most 72 bytes, no outer spaces, typed the same twice."""
    before = row(engine, "am").password_hash
    with pytest.raises(ValidationError) as refused:
        run(
            engine,
            commands.reset_password,
            data,
            username="am",
            password=password,
            password_repeat=repeat,
            bcrypt_rounds=4,
        )
    assert refused.value.errors == {field: code}
    assert row(engine, "am").password_hash == before


def test_unlocking_lifts_the_lock_and_restarts_the_count(engine, data):
    """After five failures the user is locked; unlocking lets them sign in again at once."""
    with write_session(engine) as s:
        for _ in range(commands.MAX_FAILED_LOGINS):
            commands.record_failed_login(session=s, username="am", now=NOW)
        commands.record_failed_login(session=s, username="am", now=NOW)
    assert not can_sign_in(engine, "am") and row(engine, "am").failed_logins == 1
    run(engine, commands.unlock_user, data, username="am")
    stored = row(engine, "am")
    assert (stored.locked_until, stored.failed_logins) == (None, 0)
    assert can_sign_in(engine, "am") and audit_rows(engine)[-1].action == "unlock_user"


def test_a_user_of_any_role_changes_their_own_password(engine, data):
    """The account manager proves the current password and sets a new one; audited without the password."""
    assert (
        run(
            engine,
            commands.change_own_password,
            data,
            by="am",
            by_role="staff",
            current_password=STAFF_PASSWORD,
            new_password=NEW_PASSWORD,
            new_password_repeat=NEW_PASSWORD,
            bcrypt_rounds=4,
        )
        == data["am"]
    )
    assert bcrypt.checkpw(NEW_PASSWORD.encode(), row(engine, "am").password_hash.encode())
    action, by, detail = audit_rows(engine)[-1]
    assert (action, by) == ("change_own_password", data["am"])
    assert NEW_PASSWORD not in detail and STAFF_PASSWORD not in detail


@pytest.mark.parametrize(
    ("current", "new", "repeat", "errors"),
    [
        ("wrong password", NEW_PASSWORD, None, {"current_password": "users.error.current_password"}),
        (STAFF_PASSWORD, "short", None, {"new_password": "users.error.password_short"}),
        (STAFF_PASSWORD, NEW_PASSWORD, "different text", {"new_password_repeat": "users.error.password_mismatch"}),
        (STAFF_PASSWORD, STAFF_PASSWORD, None, {"new_password": "users.error.password_same"}),
    ],
)
def test_changing_ones_own_password_needs_the_current_one_and_a_good_new_one(
    engine, data, current, new, repeat, errors
):
    """A wrong current password, a weak or mistyped new one, or the same one again are refused."""
    before = row(engine, "am").password_hash
    with pytest.raises(ValidationError) as refused:
        run(
            engine,
            commands.change_own_password,
            data,
            by="am",
            by_role="staff",
            current_password=current,
            new_password=new,
            new_password_repeat=repeat,
            bcrypt_rounds=4,
        )
    assert refused.value.errors == errors
    assert row(engine, "am").password_hash == before


def test_a_user_without_a_usable_password_cannot_prove_one(engine, data):
    """The unusable hash never matches, so such a user cannot set a password themself."""
    with write_session(engine) as s:
        s.execute(User.__table__.update().where(User.username == "am").values(password_hash="!"))
    with pytest.raises(ValidationError) as refused:
        run(
            engine,
            commands.change_own_password,
            data,
            by="am",
            by_role="staff",
            current_password="!",
            new_password=NEW_PASSWORD,
            bcrypt_rounds=4,
        )
    assert "current_password" in refused.value.errors


def test_every_successful_command_writes_exactly_one_audit_row(engine, data):
    """Edit, deactivate, reactivate, reset and unlock each add one audit entry by the admin."""
    with engine.connect() as conn:
        before = conn.scalar(select(func.count()).select_from(AuditLog))
    run(engine, commands.update_user, data, org_unit_id=data["city"], **EDIT)
    run(engine, commands.set_active, data, username="am", active=False)
    run(engine, commands.set_active, data, username="am", active=True)
    run(engine, commands.reset_password, data, username="am", password=NEW_PASSWORD, bcrypt_rounds=4)
    run(engine, commands.unlock_user, data, username="am")
    rows = audit_rows(engine)[before:]
    assert [a for a, _, _ in rows] == [
        "update_user",
        "deactivate_user",
        "reactivate_user",
        "reset_password",
        "unlock_user",
    ]
    assert {by for _, by, _ in rows} == {data["root"]}
