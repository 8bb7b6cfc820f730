"""The users page's administration forms through AppTest, on a private copy of the demo database."""

from __future__ import annotations

import bcrypt
import pytest
from sqlalchemy import func, select

from lib.models import OrgUnit, User
from lib.sample_data import DEMO_PASSWORD
from tests.test_app import new_app, signed_in

pytestmark = pytest.mark.usefixtures("demo_app_env")
NEW_PASSWORD = "a brand new secret"
REFUSED = "You do not have access to this page. Choose a page from the menu."


@pytest.fixture(scope="module")
def db(writable_demo_db):
    """This module writes users, so it works on its own copy of the demo database."""
    return writable_demo_db


def tab(at, label: str):
    return next(t for t in at.tabs if t.label == label)


def fields(element) -> dict:
    return {w.label: w for w in [*element.text_input, *element.selectbox]}


def click(element, label: str):
    return next(b for b in element.button if b.label == label).click()


def count_users(db, username: str) -> int:
    with db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(User).where(User.username == username))


def sign_in(username: str, password: str):
    """The real login form, as a new visitor."""
    at = new_app()
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_an_admin_creates_a_user_who_then_appears_in_the_table(db):
    """A complete form stores the user with a bcrypt hash, says so, and lists them."""
    with db.connect() as conn:
        city = conn.scalar(select(OrgUnit.id).where(OrgUnit.level == "city").order_by(OrgUnit.id).limit(1))
    at = signed_in("admin", "users")
    f = fields(tab(at, "New user"))
    f["Username"].input("New.Person")
    f["Name"].input("新 同事")
    f["E-mail"].input("new.person@example.com")
    f["Role"].select("staff")
    f["Organisation node"].select(city)
    f["Password"].input(NEW_PASSWORD)
    f["Password again"].input(NEW_PASSWORD)
    click(tab(at, "New user"), "Create the user").run()
    assert not at.exception, at.exception
    assert "User new.person created." in [s.value for s in at.success]
    assert "new.person" in at.dataframe[0].value["username"].tolist()
    assert fields(tab(at, "New user"))["Username"].value == ""
    with db.connect() as conn:
        stored = conn.execute(select(User).where(User.username == "new.person")).one()
    assert (stored.name, stored.role, stored.org_unit_id, stored.active) == ("新 同事", "staff", city, True)
    assert bcrypt.checkpw(NEW_PASSWORD.encode(), stored.password_hash.encode())


def test_a_rejected_form_keeps_the_typed_values_and_shows_the_message_under_the_field(db):
    """A short password and a missing role are named under their fields; nothing is stored; typing stays."""
    at = signed_in("admin", "users")
    f = fields(tab(at, "New user"))
    f["Username"].input("kept.typing")
    f["Name"].input("Kept Typing")
    f["Password"].input("short")
    f["Password again"].input("short")
    click(tab(at, "New user"), "Create the user").run()
    assert not at.exception, at.exception
    assert "Some fields need fixing; see the messages below them." in [e.value for e in at.error]
    messages = [m.value for m in tab(at, "New user").markdown]
    assert ":red[At least 10 characters.]" in messages and ":red[Required.]" in messages
    f = fields(tab(at, "New user"))
    assert (f["Username"].value, f["Name"].value) == ("kept.typing", "Kept Typing")
    assert count_users(db, "kept.typing") == 0


def test_a_deactivated_user_can_no_longer_sign_in_through_the_login_form(db):
    """am.sz signs in; the admin deactivates them; the real login form then refuses the right password."""
    assert not sign_in("am.sz", DEMO_PASSWORD).error
    at = signed_in("admin", "users")
    access = tab(at, "Deactivate, unlock")
    fields(access)["User"].select("am.sz").run()
    click(tab(at, "Deactivate, unlock"), "Deactivate").run()
    assert not at.exception, at.exception
    assert "am.sz is deactivated and can no longer sign in." in [s.value for s in at.success]
    refused = sign_in("am.sz", DEMO_PASSWORD)
    assert "Username or password is incorrect." in [e.value for e in refused.error]
    assert not refused.metric
    with db.connect() as conn:
        assert conn.scalar(select(User.active).where(User.username == "am.sz")) is False


def test_an_admin_cannot_deactivate_themself_on_the_page(db):
    """The page says why and the admin stays active."""
    at = signed_in("admin", "users")
    fields(tab(at, "Deactivate, unlock"))["User"].select("admin").run()
    click(tab(at, "Deactivate, unlock"), "Deactivate").run()
    assert not at.exception, at.exception
    assert "You cannot deactivate your own account; ask another administrator." in [e.value for e in at.error]
    with db.connect() as conn:
        assert conn.scalar(select(User.active).where(User.username == "admin")) is True


@pytest.mark.parametrize("username", ["exec", "lead.gd", "am.gz"])
def test_non_admins_are_refused_the_page(username):
    """Executives, team leads and account managers see a refusal and no user list or forms."""
    at = signed_in(username, "users")
    assert REFUSED in [w.value for w in at.warning]
    assert not at.dataframe and not at.tabs


def test_an_admin_edits_a_name_and_resets_a_password_that_then_signs_in(db):
    """The edit form changes am.gz's name; the reset form sets a password the login form accepts."""
    at = signed_in("admin", "users")
    fields(tab(at, "Edit"))["User"].select("am.gz").run()
    fields(tab(at, "Edit"))["Name"].input("Renamed Manager")
    click(tab(at, "Edit"), "Save the changes").run()
    assert not at.exception, at.exception
    assert "Changes to am.gz saved." in [s.value for s in at.success]
    fields(tab(at, "Reset password"))["User"].select("am.gz").run()
    f = fields(tab(at, "Reset password"))
    f["Password"].input(NEW_PASSWORD)
    f["Password again"].input(NEW_PASSWORD)
    click(tab(at, "Reset password"), "Set the password").run()
    assert "New password set for am.gz." in [s.value for s in at.success]
    with db.connect() as conn:
        assert conn.scalar(select(User.name).where(User.username == "am.gz")) == "Renamed Manager"
    assert not sign_in("am.gz", NEW_PASSWORD).error
    assert "Username or password is incorrect." in [e.value for e in sign_in("am.gz", DEMO_PASSWORD).error]


def test_the_administration_forms_render_in_chinese(db):
    """Every tab renders its labels from the catalogue in Simplified Chinese."""
    at = signed_in("admin", "users", lang="zh")
    assert not at.exception, at.exception
    assert [t.label for t in at.tabs] == ["新建用户", "编辑", "停用与解锁", "重置密码"]
