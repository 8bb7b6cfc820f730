"""Account plans (一户一案): saving the texts, adding and updating actions; scope, validation, versions, audit."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from lib.access import CurrentUser
from lib.commands import CommandError, OutOfScope, ValidationError
from lib.commands.plans import NEW_PLAN, add_action, save_plan, update_action
from lib.db import write_session
from lib.models import AccountPlan, AuditLog, PlanAction
from tests import handmade
from tests.test_access import scope_of

T0 = dt.datetime(2026, 10, 30, 9, 0, 0)
TEXTS = {"objectives": "Win the SD-WAN tender", "needs": "Two sites", "products": "专线", "competitors": "Unicom"}
ROLES = {"am_a": "staff", "am_b": "staff", "lead_alpha": "team_lead", "exec": "executive", "admin": "admin"}


@pytest.fixture
def data(engine):
    return handmade.build(engine)


def user(data, username: str) -> CurrentUser:
    role = ROLES[username]
    scope = scope_of(username, data) if username != "admin" else scope_of("exec", data)
    return CurrentUser(
        id=data[username], username=username, name=username, role=role, org_level="", org_en="", org_zh="", scope=scope
    )


def run(engine, data, command, username="am_a", **values):
    with write_session(engine) as s:
        return command(session=s, user=user(data, username), **values)


def save(engine, data, username="am_a", account="a1", **overrides):
    values = {"account_id": data[account], **TEXTS, "now": T0, **overrides}
    return run(engine, data, save_plan, username, **values)


def add(engine, data, username="am_a", account="a1", **overrides):
    values = {"account_id": data[account], "action": "Demo SD-WAN on site", "owner": "Solutions team", "now": T0}
    return run(engine, data, add_action, username, **{**values, **overrides})


def stored_plan(engine, data, account="a1"):
    with engine.connect() as conn:
        return conn.execute(select(AccountPlan).where(AccountPlan.account_id == data[account])).one_or_none()


def actions(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(PlanAction).order_by(PlanAction.id)).all()


def audit_rows(engine) -> list:
    with engine.connect() as conn:
        return conn.execute(select(AuditLog.user_id, AuditLog.action, AuditLog.entity_id, AuditLog.detail)).all()


def count(engine, model) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


# -- save_plan --------------------------------------------------------------------------------------


def test_a_first_save_creates_the_plan_with_its_texts_and_who_wrote_it(engine, data):
    """The four texts are stored as typed, with the writer and the time; the audit row names the plan."""
    result = save(engine, data)
    plan = stored_plan(engine, data)
    assert (plan.objectives, plan.needs, plan.products, plan.competitors) == tuple(TEXTS.values())
    assert (plan.updated_by, plan.updated_at) == (data["am_a"], T0)
    assert (result.changed, result.previous, result.updated_at) == (True, NEW_PLAN, T0)
    [(who, action, entity_id, detail)] = audit_rows(engine)
    assert (who, action, entity_id) == (data["am_a"], "save_plan", str(plan.id))
    assert json.loads(detail)["changes"]["objectives"] == ["", TEXTS["objectives"]]
    assert json.loads(detail)["created"] is True


def test_a_team_lead_updates_the_plan_of_an_account_in_the_province(engine, data):
    """The Alpha lead rewrites am_a's plan: the texts, updated_by and updated_at change; one plan row remains."""
    save(engine, data)
    later = T0 + dt.timedelta(hours=2)
    result = save(engine, data, "lead_alpha", objectives="Renew for three years", competitors="", now=later)
    plan = stored_plan(engine, data)
    assert (plan.objectives, plan.competitors, plan.needs) == ("Renew for three years", "", TEXTS["needs"])
    assert (plan.updated_by, plan.updated_at) == (data["lead_alpha"], later)
    assert (result.previous, result.updated_at) == (T0, later)
    assert count(engine, AccountPlan) == 1
    changes = json.loads(audit_rows(engine)[-1].detail)["changes"]
    assert changes == {"objectives": [TEXTS["objectives"], "Renew for three years"], "competitors": ["Unicom", ""]}


def test_an_account_manager_cannot_save_the_plan_of_another_managers_account(engine, data):
    """am_a writing for a3 (am_b's account) is refused, and nothing is stored or audited."""
    with pytest.raises(OutOfScope):
        save(engine, data, account="a3")
    assert count(engine, AccountPlan) == 0 and count(engine, AuditLog) == 0


def test_a_team_lead_cannot_save_a_plan_outside_the_province(engine, data):
    """The Alpha lead may not write for a5, an account in Beta."""
    with pytest.raises(OutOfScope):
        save(engine, data, "lead_alpha", account="a5")
    assert count(engine, AccountPlan) == 0


@pytest.mark.parametrize("username", ["exec", "admin"])
def test_executives_and_administrators_cannot_edit_plans(engine, data, username):
    """Only account managers and team leads write plans, whatever their scope."""
    with pytest.raises(CommandError) as refused:
        save(engine, data, username)
    assert refused.value.code == "form.error.role"
    with pytest.raises(CommandError) as refused:
        add(engine, data, username)
    assert refused.value.code == "form.error.role"
    assert count(engine, AccountPlan) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"objectives": "   "}, "objectives", "form.error.required"),
        ({"objectives": None}, "objectives", "form.error.required"),
        ({"needs": "x" * 4001}, "needs", "form.error.too_long"),
        ({"products": "a\x00b"}, "products", "form.error.bad_characters"),
    ],
)
def test_bad_plan_texts_name_the_field_and_store_nothing(engine, data, overrides, field, code):
    """Objectives are required; every text has a length limit and must be storable."""
    with pytest.raises(ValidationError) as refused:
        save(engine, data, **overrides)
    assert refused.value.errors == {field: code}
    assert count(engine, AccountPlan) == 0 and count(engine, AuditLog) == 0


def test_saving_over_a_plan_changed_by_someone_else_is_refused(engine, data):
    """am_a edits the version they saw; the lead saved since, so am_a's save is refused and the lead's text stays."""
    seen = save(engine, data).updated_at
    save(engine, data, "lead_alpha", objectives="The lead's objectives", now=T0 + dt.timedelta(minutes=5))
    with pytest.raises(CommandError) as refused:
        save(engine, data, objectives="am_a's objectives", expected_updated_at=seen, now=T0 + dt.timedelta(minutes=6))
    assert refused.value.code == "plan.error.stale"
    assert stored_plan(engine, data).objectives == "The lead's objectives"
    assert [r.action for r in audit_rows(engine)] == ["save_plan", "save_plan"]


def test_creating_a_plan_someone_else_created_meanwhile_is_refused(engine, data):
    """A form filled in when there was no plan (NEW_PLAN) cannot overwrite a plan created since."""
    save(engine, data, "lead_alpha", objectives="First")
    with pytest.raises(CommandError) as refused:
        save(engine, data, objectives="Second", expected_updated_at=NEW_PLAN)
    assert refused.value.code == "plan.error.stale"
    assert stored_plan(engine, data).objectives == "First"


def test_saving_the_version_one_saw_succeeds(engine, data):
    """With no write in between, the expected version matches and the save goes through."""
    seen = save(engine, data, expected_updated_at=NEW_PLAN).updated_at
    save(engine, data, objectives="Next", expected_updated_at=seen, now=T0 + dt.timedelta(days=1))
    assert stored_plan(engine, data).objectives == "Next"


def test_the_same_save_submitted_twice_writes_once(engine, data):
    """A double click resends the same texts with the old version: nothing is refused, nothing written twice."""
    first = save(engine, data, expected_updated_at=NEW_PLAN)
    second = save(engine, data, expected_updated_at=NEW_PLAN, now=T0 + dt.timedelta(seconds=3))
    assert (second.changed, second.updated_at) == (False, first.updated_at)
    assert stored_plan(engine, data).updated_at == T0
    assert count(engine, AuditLog) == 1


def test_two_writes_in_the_same_second_are_still_different_versions(engine, data):
    """The version moves on by at least a second, so a save in the same second as another is still caught."""
    seen = save(engine, data).updated_at
    save(engine, data, "lead_alpha", objectives="Same second")  # now=T0 again
    assert stored_plan(engine, data).updated_at == T0 + dt.timedelta(seconds=1)
    with pytest.raises(CommandError):
        save(engine, data, objectives="Lost?", expected_updated_at=seen)
    assert stored_plan(engine, data).objectives == "Same second"


@pytest.mark.parametrize("text", ['O\'Brien said "hi" 🙂', "'); DROP TABLE account_plans; --", "<b>专线</b>\nline 2"])
def test_plan_text_is_stored_exactly_as_typed(engine, data, text):
    """Quotes, emoji, Chinese, SQL- and HTML-looking text come back unchanged."""
    save(engine, data, objectives=text, competitors=f"  {text}  ")
    plan = stored_plan(engine, data)
    assert plan.objectives == plan.competitors == text


# -- add_action -------------------------------------------------------------------------------------


def test_adding_an_action_to_an_account_without_a_plan_creates_the_plan(engine, data):
    """The action is stored as planned with its owner and due date, under a new, empty plan stamped by the writer."""
    result = add(engine, data, due_on=dt.date(2026, 12, 1))
    [row] = actions(engine)
    plan = stored_plan(engine, data)
    assert (row.plan_id, row.action, row.owner, row.due_on, row.status) == (
        plan.id,
        "Demo SD-WAN on site",
        "Solutions team",
        dt.date(2026, 12, 1),
        "planned",
    )
    assert (plan.objectives, plan.updated_by, plan.updated_at) == ("", data["am_a"], T0)
    assert (result.action_id, result.changed, result.previous) == (row.id, True, NEW_PLAN)
    [(who, action, entity_id, detail)] = audit_rows(engine)
    assert (who, action, entity_id, json.loads(detail)["plan_id"]) == (
        data["am_a"],
        "add_plan_action",
        str(row.id),
        plan.id,
    )


def test_adding_an_action_touches_the_plan_and_keeps_its_texts(engine, data):
    """The lead adds an action to am_a's plan: updated_by/updated_at move on, the texts stay, due date is optional."""
    save(engine, data)
    later = T0 + dt.timedelta(hours=1)
    result = add(engine, data, "lead_alpha", status="in_progress", now=later)
    plan = stored_plan(engine, data)
    assert (plan.updated_by, plan.updated_at, plan.objectives) == (data["lead_alpha"], later, TEXTS["objectives"])
    assert (result.previous, result.updated_at) == (T0, later)
    assert [(r.status, r.due_on) for r in actions(engine)] == [("in_progress", None)]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"action": ""}, "action", "form.error.required"),
        ({"action": None}, "action", "form.error.required"),
        ({"owner": "  "}, "owner", "form.error.required"),
        ({"owner": "x" * 121}, "owner", "plan.error.owner_too_long"),
        ({"status": "finished"}, "status", "form.error.required"),
        ({"status": None}, "status", "form.error.required"),
    ],
)
def test_a_bad_action_names_the_field_and_stores_nothing(engine, data, overrides, field, code):
    """Action text and owner are required, the owner fits its column, the status is one of the four."""
    with pytest.raises(ValidationError) as refused:
        add(engine, data, **overrides)
    assert refused.value.errors == {field: code}
    assert count(engine, PlanAction) == 0 and count(engine, AccountPlan) == 0 and count(engine, AuditLog) == 0


def test_an_account_manager_cannot_add_an_action_to_another_managers_account(engine, data):
    """am_b adding to a1 (am_a's account) is refused and creates no plan."""
    with pytest.raises(OutOfScope):
        add(engine, data, "am_b")
    assert count(engine, PlanAction) == 0 and count(engine, AccountPlan) == 0


def test_the_same_add_form_submitted_twice_stores_one_action(engine, data):
    """The second submit with the same form key returns the first action; another key adds another action."""
    first = add(engine, data, idempotency_key="form-1")
    second = add(engine, data, idempotency_key="form-1", now=T0 + dt.timedelta(seconds=2))
    assert (second.action_id, second.changed) == (first.action_id, False)
    assert count(engine, PlanAction) == 1 and count(engine, AuditLog) == 1
    assert add(engine, data, idempotency_key="FORM-1").action_id != first.action_id  # keys are exact
    assert count(engine, PlanAction) == 2


def test_concurrent_adds_lose_nothing_and_duplicate_nothing(engine, data):
    """Eight threads send 6 add forms 4 times each to an account without a plan: one plan, 6 actions, 6 audit rows."""
    from concurrent.futures import ThreadPoolExecutor

    keys = [f"form-{i % 6}" for i in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda key: add(engine, data, action=key, idempotency_key=key), keys))
    assert count(engine, AccountPlan) == 1 and count(engine, PlanAction) == 6 and count(engine, AuditLog) == 6
    assert sorted(r.action for r in actions(engine)) == sorted({*keys})
    assert sum(r.changed for r in results) == 6


# -- update_action ----------------------------------------------------------------------------------


def one_action(engine, data, **overrides) -> int:
    return add(engine, data, due_on=dt.date(2026, 12, 1), **overrides).action_id


def test_updating_an_action_changes_only_the_fields_given_and_touches_the_plan(engine, data):
    """A status change keeps the due date, owner and text; the plan's updated_by/updated_at move on."""
    action_id = one_action(engine, data)
    later = T0 + dt.timedelta(days=1)
    result = run(engine, data, update_action, "lead_alpha", action_id=action_id, status="done", now=later)
    [row] = actions(engine)
    assert (row.status, row.due_on, row.owner, row.action) == (
        "done",
        dt.date(2026, 12, 1),
        "Solutions team",
        "Demo SD-WAN on site",
    )
    plan = stored_plan(engine, data)
    assert (plan.updated_by, plan.updated_at) == (data["lead_alpha"], later)
    assert (result.changed, result.previous, result.updated_at) == (True, T0, later)
    who, action, entity_id, detail = audit_rows(engine)[-1]
    assert (who, action, entity_id) == (data["lead_alpha"], "update_plan_action", str(action_id))
    assert json.loads(detail)["changes"] == {"status": ["planned", "done"]}


def test_an_action_can_be_rescheduled_reassigned_reworded_and_its_due_date_cleared(engine, data):
    """Due date, owner and text change when given; None clears the due date."""
    action_id = one_action(engine, data)
    run(engine, data, update_action, action_id=action_id, due_on=dt.date(2027, 1, 15), owner="Network ops", now=T0)
    run(engine, data, update_action, action_id=action_id, action="Demo at HQ", now=T0)
    assert [(r.due_on, r.owner, r.action) for r in actions(engine)] == [
        (dt.date(2027, 1, 15), "Network ops", "Demo at HQ")
    ]
    run(engine, data, update_action, action_id=action_id, due_on=None, now=T0)
    assert actions(engine)[0].due_on is None


def test_an_action_of_another_managers_account_cannot_be_updated(engine, data):
    """am_b may not touch an action of a1's plan, nor name an action that does not exist."""
    action_id = one_action(engine, data)
    with pytest.raises(OutOfScope):
        run(engine, data, update_action, "am_b", action_id=action_id, status="dropped")
    with pytest.raises(OutOfScope):
        run(engine, data, update_action, "am_b", action_id=action_id + 1000, status="dropped")
    assert actions(engine)[0].status == "planned" and count(engine, AuditLog) == 1


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"status": "finished"}, "status", "form.error.required"),
        ({"status": None}, "status", "form.error.required"),
        ({"owner": ""}, "owner", "form.error.required"),
        ({"action": "  "}, "action", "form.error.required"),
        ({"action_id": None}, "action_id", "form.error.required"),
    ],
)
def test_a_bad_update_names_the_field_and_changes_nothing(engine, data, changes, field, code):
    """The status must be one of the four; owner and text cannot be emptied; an action must be named."""
    values = {"action_id": one_action(engine, data), **changes}
    with pytest.raises(ValidationError) as refused:
        run(engine, data, update_action, **values)
    assert refused.value.errors == {field: code}
    [row] = actions(engine)
    assert (row.status, row.owner, row.action) == ("planned", "Solutions team", "Demo SD-WAN on site")


def test_a_status_change_over_someone_elses_change_is_refused(engine, data):
    """am_a saw "planned" and picks "done"; the lead dropped the action meanwhile, so am_a is told to reload."""
    action_id = one_action(engine, data)
    run(engine, data, update_action, "lead_alpha", action_id=action_id, status="dropped", expected_status="planned")
    with pytest.raises(CommandError) as refused:
        run(engine, data, update_action, action_id=action_id, status="done", expected_status="planned")
    assert refused.value.code == "plan.error.stale"
    assert actions(engine)[0].status == "dropped"


def test_the_same_status_change_submitted_twice_writes_once(engine, data):
    """A double click repeats planned -> in_progress: the second finds it done and writes no audit row."""
    action_id = one_action(engine, data)
    first = run(engine, data, update_action, action_id=action_id, status="in_progress", expected_status="planned")
    second = run(engine, data, update_action, action_id=action_id, status="in_progress", expected_status="planned")
    assert (first.changed, second.changed) == (True, False)
    assert [r.action for r in audit_rows(engine)] == ["add_plan_action", "update_plan_action"]
    assert stored_plan(engine, data).updated_at == first.updated_at
