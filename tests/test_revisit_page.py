"""The revisit form and the work queue through AppTest, on the demo database."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from lib.models import Revisit, User
from tests.test_app import signed_in

pytestmark = pytest.mark.usefixtures("demo_app_env")
NOTE = "客户说：'专线 <b>扩容</b>' 🙂; DROP TABLE revisits;"


@pytest.fixture(scope="module")
def db(writable_demo_db):
    """This module writes revisits, so it works on its own copy of the demo database."""
    return writable_demo_db


def revisits_of(db, username: str) -> int:
    with db.connect() as conn:
        manager = conn.scalar(select(User.id).where(User.username == username))
        return conn.scalar(select(func.count()).select_from(Revisit).where(Revisit.created_by == manager))


def fields(at) -> dict:
    return {w.label: w for w in [*at.selectbox, *at.text_area, *at.number_input, *at.date_input]}


def test_an_incomplete_revisit_is_refused_with_messages_and_keeps_what_was_typed(db):
    """Without channel and outcome the form says what to fix, stores nothing, and the notes stay."""
    before = revisits_of(db, "am.gz")
    at = signed_in("am.gz", "log_revisit")
    fields(at)["Notes"].input("typed before the error")
    next(b for b in at.button if b.label == "Save the revisit").click().run()
    assert not at.exception
    assert "Some fields need fixing; see the messages below them." in [e.value for e in at.error]
    assert sum(m.value == ":red[Required.]" for m in at.markdown) == 2
    assert fields(at)["Notes"].value == "typed before the error"
    assert revisits_of(db, "am.gz") == before


def test_a_valid_revisit_is_saved_once_with_its_text_exactly_and_the_form_is_fresh(db):
    """A complete form stores one revisit with the notes as typed, says so, and shows an empty form."""
    before = revisits_of(db, "am.gz")
    at = signed_in("am.gz", "log_revisit")
    f = fields(at)
    f["Channel"].select("on_site")
    f["Outcome"].select("interested")
    f["Notes"].input(NOTE)
    next(b for b in at.button if b.label == "Save the revisit").click().run()
    assert not at.exception
    assert any(s.value.startswith("Revisit saved. Next revisit due") for s in at.success)
    assert revisits_of(db, "am.gz") == before + 1
    assert fields(at)["Notes"].value == ""
    with db.connect() as conn:
        assert conn.scalar(select(Revisit.notes).order_by(Revisit.id.desc()).limit(1)) == NOTE.strip()


def test_an_account_of_another_manager_cannot_be_chosen(db, demo_tables):
    """Opening the form for one of am.sz's accounts by URL offers nothing to am.gz."""
    users, accounts = demo_tables["users"], demo_tables["accounts"]
    other = int(users.loc[users["username"] == "am.sz", "id"].iloc[0])
    code = accounts.loc[accounts["manager_id"] == other, "code"].iloc[0]
    at = signed_in("am.gz")
    at.query_params["account"] = code
    at.switch_page("app_pages/log_revisit.py").run()
    assert not at.exception
    assert "No account in your scope matches this search." in [i.value for i in at.info]
    assert not any(b.label == "Save the revisit" for b in at.button)


def test_the_work_queue_lists_only_the_managers_own_key_accounts(db, demo_tables):
    """Every account in am.gz's queue is one they manage."""
    users, accounts = demo_tables["users"], demo_tables["accounts"]
    mine = set(
        accounts.loc[accounts["manager_id"] == int(users.loc[users["username"] == "am.gz", "id"].iloc[0]), "code"]
    )
    at = signed_in("am.gz", "work_queue")
    assert not at.exception
    shown = pd.concat([d.value for d in at.dataframe])
    assert len(shown) > 0 and set(shown["code"]) <= mine


def test_a_database_outage_keeps_the_input_and_the_form_works_again_afterwards(db, monkeypatch):
    """While writes fail the form says the database is unreachable and keeps the input; then it saves."""
    from contextlib import contextmanager

    from sqlalchemy.exc import OperationalError

    import ui

    @contextmanager
    def unreachable(_engine):
        raise OperationalError("connect", {}, ConnectionRefusedError("connection refused"))
        yield  # pragma: no cover

    before = revisits_of(db, "am.gz")
    at = signed_in("am.gz", "log_revisit")
    f = fields(at)
    f["Channel"].select("phone")
    f["Outcome"].select("no_change")
    f["Notes"].input("typed during the outage")
    with monkeypatch.context() as patch:
        patch.setattr(ui, "write_session", unreachable)
        next(b for b in at.button if b.label == "Save the revisit").click().run()
    assert not at.exception
    assert any(e.value.startswith("The database cannot be reached") for e in at.error)
    assert fields(at)["Notes"].value == "typed during the outage"
    assert revisits_of(db, "am.gz") == before
    next(b for b in at.button if b.label == "Save the revisit").click().run()
    assert any(s.value.startswith("Revisit saved.") for s in at.success)
    assert revisits_of(db, "am.gz") == before + 1
