"""Users: the first administrator, the password policy, and the lockout after failed sign-ins."""

from __future__ import annotations

import datetime as dt

import bcrypt
import pytest
from sqlalchemy import select

from lib import admin_cli
from lib.commands import ValidationError
from lib.commands.users import LOCK_MINUTES, MAX_FAILED_LOGINS, record_failed_login, record_successful_login
from lib.db import make_engine, write_session
from lib.models import HighValueThreshold, OrgUnit, StageTarget, User
from tests.test_app import new_app

STRONG = "correct horse battery"


def test_the_first_administrator_can_be_created_on_an_empty_database(engine):
    """create-admin migrates, adds the national node and default settings, and stores a bcrypt hash."""
    admin_cli.create_admin(engine, username="Root.Admin", name="Root", password=STRONG, bcrypt_rounds=4)
    with engine.connect() as conn:
        user = conn.execute(
            select(User.username, User.role, User.password_hash, OrgUnit.level).join(
                OrgUnit, OrgUnit.id == User.org_unit_id
            )
        ).one()
        assert conn.scalar(select(HighValueThreshold.amount)) == 3000
        assert len(conn.execute(select(StageTarget.id)).all()) == 15
    assert (user.username, user.role, user.level) == ("root.admin", "admin", "national")
    assert bcrypt.checkpw(STRONG.encode(), user.password_hash.encode()) and STRONG not in user.password_hash


@pytest.mark.parametrize(
    ("username", "password", "field"),
    [("ok.name", "short", "password"), ("ok.name", " padded password ", "password"), ("Bad Name!", STRONG, "username")],
)
def test_weak_passwords_and_bad_usernames_are_refused(engine, username, password, field):
    """At least 10 characters, no outer spaces, and a plain username."""
    with pytest.raises(ValidationError) as refused:
        admin_cli.create_admin(engine, username=username, name="X", password=password, bcrypt_rounds=4)
    assert field in refused.value.errors


def test_the_command_asks_twice_and_never_takes_the_password_as_an_argument():
    """The prompt is asked twice; a mismatch is refused; there is no --password option."""
    answers = iter([STRONG, STRONG + "x"])
    assert admin_cli.ask_password(lambda _: next(answers)) is None
    answers = iter([STRONG, STRONG])
    assert admin_cli.ask_password(lambda _: next(answers)) == STRONG
    with pytest.raises(SystemExit):
        admin_cli.main(["create-admin", "--username", "a", "--name", "b", "--password", STRONG])


def test_repeated_failures_lock_the_user_for_a_while_and_success_resets_the_count(engine):
    """Four failures then a success start over; five in a row lock the user for 15 minutes."""
    admin_cli.create_admin(engine, username="boss", name="Boss", password=STRONG, bcrypt_rounds=4)
    now = dt.datetime(2026, 11, 23, 12, 0)
    with write_session(engine) as s:
        assert not any(record_failed_login(session=s, username="boss", now=now) for _ in range(MAX_FAILED_LOGINS - 1))
        record_successful_login(session=s, username="boss")
        locks = [record_failed_login(session=s, username="boss", now=now) for _ in range(MAX_FAILED_LOGINS)]
    assert locks == [False] * (MAX_FAILED_LOGINS - 1) + [True]
    with engine.connect() as conn:
        assert conn.scalar(select(User.locked_until)) == now + dt.timedelta(minutes=LOCK_MINUTES)


def test_five_wrong_passwords_in_the_app_lock_the_user_out(demo_app_env, demo_database):
    """Through the real login form: after five failures even the right password is refused."""
    engine = make_engine(demo_database)
    with write_session(engine) as s:
        national = s.scalar(select(OrgUnit.id).where(OrgUnit.level == "national"))
        s.add(
            User(
                username="lock.me",
                name="Lock Me",
                email="",
                role="executive",
                org_unit_id=national,
                password_hash=bcrypt.hashpw(STRONG.encode(), bcrypt.gensalt(4)).decode(),
                active=True,
                failed_logins=0,
                created_at=dt.datetime(2026, 1, 1),
            )
        )

    def attempt(password: str):
        at = new_app()
        at.run()
        at.text_input[0].input("lock.me")
        at.text_input[1].input(password)
        at.button[0].click().run()
        return at

    for _ in range(MAX_FAILED_LOGINS):
        assert "Username or password is incorrect." in [e.value for e in attempt("wrong password!").error]
    refused = attempt(STRONG)
    assert "Username or password is incorrect." in [e.value for e in refused.error]
    assert not refused.metric
    with engine.connect() as conn:
        assert conn.scalar(select(User.locked_until).where(User.username == "lock.me")) is not None
    engine.dispose()
