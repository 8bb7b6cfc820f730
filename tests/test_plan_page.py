"""The account plan page through AppTest, on a private copy of the demo database."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select

from lib import auth
from lib.commands.plans import save_plan
from lib.db import write_session
from lib.models import Account, AccountPlan, PlanAction
from tests.test_app import signed_in

pytestmark = pytest.mark.usefixtures("demo_app_env")
REQUIRED = ":red[Required.]"


@pytest.fixture(scope="module")
def db(writable_demo_db):
    """This module writes plans, so it works on its own copy of the demo database."""
    return writable_demo_db


def accounts_of(demo_tables, username: str, *, with_plan: bool) -> list[str]:
    """Codes of the accounts `username` manages, with or without a plan in the shipped data."""
    users, accounts, plans = demo_tables["users"], demo_tables["accounts"], demo_tables["account_plans"]
    manager = int(users.loc[users["username"] == username, "id"].iloc[0])
    mine = accounts[accounts["manager_id"] == manager]
    return mine.loc[mine["id"].isin(plans["account_id"]) == with_plan, "code"].tolist()


def stored(db, code: str):
    with db.connect() as conn:
        return conn.execute(
            select(AccountPlan).join(Account, Account.id == AccountPlan.account_id).where(Account.code == code)
        ).one_or_none()


def action_count(db, code: str) -> int:
    with db.connect() as conn:
        return conn.scalar(
            select(func.count())
            .select_from(PlanAction)
            .join(AccountPlan, AccountPlan.id == PlanAction.plan_id)
            .join(Account, Account.id == AccountPlan.account_id)
            .where(Account.code == code)
        )


def widget(at, kind: str, label: str, nth: int = 0):
    return [w for w in getattr(at, kind) if w.label == label][nth]


def button(at, label: str):
    return next(b for b in at.button if b.label == label)


def test_an_account_manager_edits_a_plan_and_account_360_shows_it(db, demo_tables):
    """am.gz rewrites the objectives of one of their plans; the page says so and Account 360 shows the new text."""
    code = accounts_of(demo_tables, "am.gz", with_plan=True)[0]
    at = signed_in("am.gz", "plan", account=code)
    assert not at.exception
    assert widget(at, "text_area", "Objectives").value == stored(db, code).objectives  # prefilled
    new_text = "拓展 5G 专网：三个分支机构 <b>年内</b> 上线"
    widget(at, "text_area", "Objectives").input(new_text)
    button(at, "Save the plan").click().run()
    assert not at.exception
    assert "Plan saved." in [s.value for s in at.success]
    assert widget(at, "text_area", "Objectives").value == new_text  # the fresh form shows what is stored
    assert stored(db, code).objectives == new_text

    at.query_params["account"] = code
    at.switch_page("app_pages/account.py").run()
    assert not at.exception
    assert new_text in [t.value for t in at.text]


def test_an_added_action_appears_in_the_table(db, demo_tables):
    """Adding an action to an account without a plan stores it and lists it with its owner and status."""
    code = accounts_of(demo_tables, "am.gz", with_plan=False)[0]
    at = signed_in("am.gz", "plan", account=code)
    assert "No actions in this plan yet." in [i.value for i in at.info]
    widget(at, "text_area", "Action").input("Site survey for the SD-WAN pilot")
    widget(at, "text_input", "Owner").input("政企解决方案中心")
    widget(at, "selectbox", "Status").select("in_progress")
    button(at, "Add the action").click().run()
    assert not at.exception
    assert "Action added." in [s.value for s in at.success]
    table = pd.concat([d.value for d in at.dataframe])
    row = table[table["action"] == "Site survey for the SD-WAN pilot"]
    assert row[["owner", "status"]].values.tolist() == [["政企解决方案中心", "In progress"]]
    assert action_count(db, code) == 1


def test_an_action_status_is_changed_from_the_page(db, demo_tables):
    """Choosing an action and a new status stores it; the table shows the new status."""
    code = accounts_of(demo_tables, "am.gz", with_plan=True)[1]
    at = signed_in("am.gz", "plan", account=code)
    picked = widget(at, "selectbox", "Action to change")
    first = picked.value
    before = widget(at, "selectbox", "Status", 1).value
    target = "dropped" if before != "dropped" else "done"
    widget(at, "selectbox", "Status", 1).select(target)
    button(at, "Save the change").click().run()
    assert not at.exception
    assert "Action updated." in [s.value for s in at.success]
    with db.connect() as conn:
        assert conn.scalar(select(PlanAction.status).where(PlanAction.id == first)) == target


def test_a_missing_required_field_is_shown_under_it_and_the_input_stays(db, demo_tables):
    """An action without an owner is refused with the message under the owner; the typed action text stays."""
    code = accounts_of(demo_tables, "am.gz", with_plan=True)[2]
    before = action_count(db, code)
    at = signed_in("am.gz", "plan", account=code)
    widget(at, "text_area", "Action").input("Call the CIO about renewal")
    button(at, "Add the action").click().run()
    assert not at.exception
    assert "Some fields need fixing; see the messages below them." in [e.value for e in at.error]
    assert [m.value for m in at.markdown].count(REQUIRED) == 1
    assert widget(at, "text_area", "Action").value == "Call the CIO about renewal"
    assert action_count(db, code) == before


def test_emptied_objectives_are_refused_and_nothing_is_saved(db, demo_tables):
    """Objectives are required: clearing them shows the message and keeps the other edits in the form."""
    code = accounts_of(demo_tables, "am.gz", with_plan=True)[3]
    objectives = stored(db, code).objectives
    at = signed_in("am.gz", "plan", account=code)
    widget(at, "text_area", "Objectives").input("")
    widget(at, "text_area", "Needs").input("typed before the error")
    button(at, "Save the plan").click().run()
    assert not at.exception
    assert REQUIRED in [m.value for m in at.markdown]
    assert widget(at, "text_area", "Needs").value == "typed before the error"
    assert stored(db, code).objectives == objectives


def test_a_plan_changed_by_someone_else_meanwhile_is_not_overwritten(db, demo_tables):
    """The lead saves while am.gz edits: am.gz's save is refused, their text stays, and they can load the lead's."""
    code = accounts_of(demo_tables, "am.gz", with_plan=True)[4]
    at = signed_in("am.gz", "plan", account=code)
    widget(at, "text_area", "Objectives").input("am.gz's objectives")
    with db.connect() as conn:
        account_id = conn.scalar(select(Account.id).where(Account.code == code))
    lead = auth.current_user("lead.gd")  # the Guangdong lead, whose province holds am.gz's accounts
    with write_session(db) as s:
        plan = stored(db, code)
        texts = {f: getattr(plan, f) for f in ("needs", "products", "competitors")}
        save_plan(session=s, user=lead, account_id=account_id, objectives="The lead's objectives", **texts)
    button(at, "Save the plan").click().run()
    assert not at.exception
    assert any(e.value.startswith("Someone else changed this plan") for e in at.error)
    assert widget(at, "text_area", "Objectives").value == "am.gz's objectives"
    assert stored(db, code).objectives == "The lead's objectives"
    button(at, "Load the current plan (discards your edits)").click().run()
    assert not at.exception
    assert widget(at, "text_area", "Objectives").value == "The lead's objectives"


def test_an_account_manager_cannot_open_the_plan_of_another_managers_account(db, demo_tables):
    """am.gz opening one of am.sz's accounts by URL gets a refusal and no form."""
    code = accounts_of(demo_tables, "am.sz", with_plan=True)[0]
    at = signed_in("am.gz", "plan", account=code)
    assert not at.exception
    assert "This account is not in your portfolio or region, so you cannot edit its plan." in [
        w.value for w in at.warning
    ]
    assert not at.text_area and not at.dataframe
    assert not any(b.label in ("Save the plan", "Add the action") for b in at.button)


def test_an_executive_is_refused_the_plan_page(db, demo_tables):
    """The page is for account managers and team leads; an executive opening it by URL sees a refusal."""
    code = accounts_of(demo_tables, "am.gz", with_plan=True)[0]
    at = signed_in("exec", "plan", account=code)
    assert "You do not have access to this page. Choose a page from the menu." in [w.value for w in at.warning]
    assert not at.text_area and "Account plan" not in [t.value for t in at.title]


def test_account_360_links_to_the_plan_only_for_those_who_may_edit_it(db, demo_tables):
    """am.gz sees "Edit the plan" on Account 360's plan tab; an executive does not."""
    code = accounts_of(demo_tables, "am.gz", with_plan=True)[0]
    for username, shown in (("am.gz", True), ("exec", False)):
        at = signed_in(username, "account", account=code)
        assert not at.exception
        links = [link.label for link in at.get("page_link")]
        assert ("Edit the plan" in links) == shown


def test_the_page_renders_in_chinese(db, demo_tables):
    """Title and form labels come from the catalogue in Simplified Chinese."""
    code = accounts_of(demo_tables, "am.gz", with_plan=True)[0]
    at = signed_in("am.gz", "plan", lang="zh", account=code)
    assert not at.exception
    assert "客户方案" in [t.value for t in at.title]
    assert {"目标", "需求", "产品", "竞争对手"} <= {w.label for w in at.text_area}
