"""The complaint form, the complaint workbench and the order desk through AppTest, on a private copy of the demo
database (these tests write, and complaints move the data's "as of" date that other page tests rely on)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

import ui
from lib.access import CurrentUser, scope_for
from lib.commands.complaints import change_complaint_status, log_complaint, raise_order_from_complaint
from lib.commands.orders import advance_order
from lib.db import write_session
from lib.models import Account, AuditLog, Complaint, ComplaintEvent, Order, OrderEvent, OrgUnit, Survey, User
from tests.test_app import signed_in

TEXT = "客户说：'专线 <b>中断</b>' 🙂; DROP TABLE complaints; **not bold**"
OUT_OF_SCOPE = "This account is not in your portfolio or region, so you cannot write for it. Nothing was saved."
STALE = "Someone else changed this record meanwhile; reload and try again."
REQUIRED = ":red[Required.]"


@pytest.fixture(scope="module")
def db(writable_demo_db):
    """A copy of the demo database that the app uses while this module runs; the shared one stays untouched."""
    return writable_demo_db


def person(db, username: str) -> CurrentUser:
    """The demo user as the app sees them after signing in."""
    with db.connect() as conn:
        row = conn.execute(
            select(User.id, User.role, OrgUnit.level, OrgUnit.province_id, OrgUnit.id.label("unit"))
            .join(OrgUnit, OrgUnit.id == User.org_unit_id)
            .where(User.username == username)
        ).one()
    scope = scope_for(
        role=row.role,
        user_id=row.id,
        org_level=row.level,
        province_id=row.province_id,
        city_id=row.unit if row.level == "city" else None,
    )
    return CurrentUser(
        id=row.id,
        username=username,
        name=username,
        role=row.role,
        org_level=row.level,
        org_en="",
        org_zh="",
        scope=scope,
    )


def accounts_of(db, username: str) -> list[tuple[int, str]]:
    with db.connect() as conn:
        manager = conn.scalar(select(User.id).where(User.username == username))
        return [
            tuple(r)
            for r in conn.execute(
                select(Account.id, Account.code).where(Account.manager_id == manager).order_by(Account.id)
            )
        ]


def count(db, model, *where) -> int:
    with db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def fields(at) -> dict:
    widgets = [
        *at.selectbox,
        *at.text_area,
        *at.text_input,
        *at.number_input,
        *at.date_input,
        *at.time_input,
        *at.checkbox,
        *at.radio,
    ]
    return {w.label: w for w in widgets}


def click(at, label: str):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def open_page(page: str, username: str, **params):
    at = signed_in(username)
    for name, value in params.items():
        at.query_params[name] = value
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def new_complaint(db, username="am.gz", account: int | None = None, key: str | None = None, **values):
    who = person(db, username)
    defaults = dict(
        channel="hotline_10000",
        category="billing",
        severity="medium",
        green_channel=False,
        description="Invoice is wrong",
    )
    defaults.update(values)
    with write_session(db) as s:
        return log_complaint(
            session=s,
            user=who,
            account_id=account or accounts_of(db, username)[0][0],
            idempotency_key=key or os.urandom(8).hex(),
            **defaults,
        )


def reassign(db, account_id: int, username: str) -> None:
    with write_session(db) as s:
        manager = s.scalar(select(User.id).where(User.username == username))
        s.execute(update(Account).where(Account.id == account_id).values(manager_id=manager))


def complaint_row(db, complaint_id: int):
    with db.connect() as conn:
        return conn.execute(select(Complaint.__table__).where(Complaint.id == complaint_id)).mappings().one()


# -- log a complaint ------------------------------------------------------------------------------


def fill_complaint(at, description: str = TEXT):
    f = fields(at)
    f["Channel"].select("key_account_hotline")
    f["Category"].select("network_quality")
    f["Severity"].select("high")
    f["Description"].input(description)
    return at


def test_a_complaint_for_the_linked_account_is_logged_once_with_its_targets(db, demo_tables):
    """?account= preselects the account; the saved complaint keeps the text and the form starts afresh."""
    account_id, code = accounts_of(db, "am.gz")[1]
    at = open_page("log_complaint", "am.gz", account=code)
    assert fields(at)["Account"].value == account_id
    before = count(db, Complaint)
    click(fill_complaint(at), "Log the complaint")
    targets = demo_tables["complaint_targets"].set_index("severity")  # the shipped settings, read independently
    response, resolution = targets.at["high", "response_hours"], targets.at["high", "resolution_hours"]
    with db.connect() as conn:
        row = conn.execute(select(Complaint.__table__).order_by(Complaint.id.desc()).limit(1)).mappings().one()
    expected = (
        f"Complaint {row['code']} logged: first response due within {response:.1f} h, resolution within "
        f"{resolution:.1f} h."
    )
    assert expected in [s.value for s in at.success]
    assert count(db, Complaint) == before + 1
    assert (row["account_id"], row["severity"], row["channel"], row["status"]) == (
        account_id,
        "high",
        "key_account_hotline",
        "open",
    )
    assert row["description"] == TEXT and row["raised_by"] == person(db, "am.gz").id
    assert fields(at)["Description"].value == "" and fields(at)["Channel"].value is None
    assert count(db, AuditLog, AuditLog.action == "log_complaint", AuditLog.entity_id == str(row["id"])) == 1


def test_an_incomplete_complaint_is_refused_with_messages_and_keeps_what_was_typed(db):
    """Without channel, category and severity the form says what to fix and stores nothing."""
    before = count(db, Complaint)
    at = open_page("log_complaint", "am.gz")
    fields(at)["Description"].input("typed before the error")
    fields(at)["Green channel (urgent handling)"].check()
    click(at, "Log the complaint")
    assert "Some fields need fixing; see the messages below them." in [e.value for e in at.error]
    assert sum(m.value == REQUIRED for m in at.markdown) == 3
    assert fields(at)["Description"].value == "typed before the error"
    assert fields(at)["Green channel (urgent handling)"].value is True
    assert count(db, Complaint) == before


def test_green_channel_for_a_low_complaint_is_refused_next_to_the_field(db):
    """The green channel is for urgent cases: a low complaint with it is refused with that reason."""
    at = fill_complaint(open_page("log_complaint", "am.gz"))
    fields(at)["Severity"].select("low")
    fields(at)["Green channel (urgent handling)"].check()
    click(at, "Log the complaint")
    assert ":red[The green channel is for high and critical complaints only.]" in [m.value for m in at.markdown]


def test_an_account_reassigned_while_the_form_is_open_is_refused_by_the_command(db):
    """The account was offered, then moved to am.sz: the submit is refused with the reason, nothing stored."""
    account_id, code = accounts_of(db, "am.gz")[0]
    at = fill_complaint(open_page("log_complaint", "am.gz", account=code))
    reassign(db, account_id, "am.sz")
    try:
        before = count(db, Complaint)
        click(at, "Log the complaint")
        assert OUT_OF_SCOPE in [e.value for e in at.error]
        assert count(db, Complaint) == before
        assert fields(at)["Description"].value == TEXT
    finally:
        reassign(db, account_id, "am.gz")


def test_another_managers_account_is_not_offered_by_link(db):
    """A link naming am.sz's account offers am.gz nothing to write for."""
    _, code = accounts_of(db, "am.sz")[0]
    at = open_page("log_complaint", "am.gz", account=code)
    assert "No account in your scope matches this search." in [i.value for i in at.info]
    assert not any(b.label == "Log the complaint" for b in at.button)


def test_a_resubmitted_complaint_form_is_stored_once(db):
    """The same rendered form sent again (same idempotency key) says it was already saved and stores nothing."""
    at = fill_complaint(open_page("log_complaint", "am.gz"))
    first_key = at.session_state["form_key:complaint"]
    before = count(db, Complaint)
    click(at, "Log the complaint")
    assert count(db, Complaint) == before + 1
    at.session_state["form_key:complaint"] = first_key  # the second click of a double click carries the old key
    at.run()
    click(fill_complaint(at), "Log the complaint")
    assert "This form had already been saved; it was not stored twice." in [i.value for i in at.info]
    assert count(db, Complaint) == before + 1


def test_an_unreachable_database_keeps_the_input_and_the_next_submit_works(db, monkeypatch):
    """During an outage the form says so and keeps what was typed; once the database is back it saves."""

    def unreachable(_engine):
        raise OperationalError("BEGIN IMMEDIATE", {}, Exception("unable to open database file"))

    at = fill_complaint(open_page("log_complaint", "am.gz"), "typed during an outage")
    before = count(db, Complaint)
    with monkeypatch.context() as patch:
        patch.setattr(ui, "write_session", unreachable)
        click(at, "Log the complaint")
    assert any("The database cannot be reached" in e.value for e in at.error)
    assert fields(at)["Description"].value == "typed during an outage" and count(db, Complaint) == before
    click(at, "Log the complaint")
    assert count(db, Complaint) == before + 1


# -- the workbench --------------------------------------------------------------------------------


def history_of(at):
    return next(d.value for d in at.dataframe if "to_status" in d.value.columns)


def test_moving_a_complaint_records_the_step_and_shows_it(db):
    """open → in progress from the workbench: status, first response, an event by am.gz, a success message."""
    logged = new_complaint(db)
    at = open_page("complaints", "am.gz", complaint=logged.code)
    assert fields(at)["Complaint to work on"].value == logged.code
    assert history_of(at)["to_status"].tolist() == ["Open"]  # the history so far
    fields(at)["New status"].select("in_progress")
    fields(at)["Note"].input(TEXT)
    click(at, "Save the status")
    assert f"Complaint {logged.code} moved from Open to In progress." in [s.value for s in at.success]
    row = complaint_row(db, logged.id)
    assert row["status"] == "in_progress" and row["first_response_at"] is not None
    with db.connect() as conn:
        actor, note = conn.execute(
            select(ComplaintEvent.actor_id, ComplaintEvent.note)
            .where(ComplaintEvent.complaint_id == logged.id)
            .order_by(ComplaintEvent.id.desc())
            .limit(1)
        ).one()
    assert (actor, note) == (person(db, "am.gz").id, TEXT.strip())
    history = history_of(at)
    assert history["to_status"].tolist() == ["Open", "In progress"] and history["note"].iloc[-1] == TEXT.strip()


def test_closing_without_a_score_is_refused_and_keeps_the_note(db):
    """A resolved complaint cannot be closed without the follow-up score; the note typed stays."""
    logged = new_complaint(db)
    with write_session(db) as s:
        change_complaint_status(
            session=s, user=person(db, "am.gz"), complaint_id=logged.id, expected_status="open", to_status="resolved"
        )
    at = open_page("complaints", "am.gz", complaint=logged.code)
    fields(at)["New status"].select("closed")
    fields(at)["Note"].input("customer happy")
    click(at, "Save the status")
    assert REQUIRED in [m.value for m in at.markdown]
    assert fields(at)["Note"].value == "customer happy"
    assert complaint_row(db, logged.id)["status"] == "resolved"
    fields(at)["Customer's follow-up satisfaction (0–100)"].set_value(88)
    click(at, "Save the status")
    assert any(s.value.endswith("The follow-up score was recorded as a satisfaction survey.") for s in at.success)
    with db.connect() as conn:
        survey = conn.execute(
            select(Survey.account_id, Survey.source, Survey.score).order_by(Survey.id.desc()).limit(1)
        ).one()
    assert tuple(survey) == (complaint_row(db, logged.id)["account_id"], "after_complaint", 88)


def test_a_status_change_on_a_reassigned_account_is_refused(db):
    """The complaint's account moved to am.sz while the workbench was open: refused with the reason."""
    logged = new_complaint(db)
    account_id = complaint_row(db, logged.id)["account_id"]
    at = open_page("complaints", "am.gz", complaint=logged.code)
    fields(at)["New status"].select("in_progress")
    reassign(db, account_id, "am.sz")
    try:
        click(at, "Save the status")
        assert OUT_OF_SCOPE in [e.value for e in at.error]
        assert complaint_row(db, logged.id)["status"] == "open"
    finally:
        reassign(db, account_id, "am.gz")


def test_a_second_submit_of_a_status_change_is_refused_as_stale(db):
    """Someone moved the complaint after the page was shown: the submit is refused and nothing is added."""
    logged = new_complaint(db)
    at = open_page("complaints", "lead.gd", complaint=logged.code)
    fields(at)["New status"].select("in_progress")
    with write_session(db) as s:  # the first click of a double click, or a colleague
        change_complaint_status(
            session=s, user=person(db, "am.gz"), complaint_id=logged.id, expected_status="open", to_status="in_progress"
        )
    click(at, "Save the status")
    assert STALE in [e.value for e in at.error]
    assert count(db, ComplaintEvent, ComplaintEvent.complaint_id == logged.id) == 2


def test_the_workbench_lists_only_the_users_own_complaints(db, demo_tables):
    """Every complaint am.gz's workbench lists is of an account am.gz manages (demo files plus new ones)."""
    new_complaint(db)
    at = open_page("complaints", "am.gz", status="open,in_progress,resolved,closed,reopened")
    table = at.dataframe[0].value
    mine = {code for _, code in accounts_of(db, "am.gz")}
    assert len(table) > 0 and {a.rsplit(" · ", 1)[1] for a in table["account"]} <= mine


def test_the_overdue_filter_counts_what_an_independent_computation_counts(db, demo_tables):
    """For lead.gd, the overdue complaints listed agree with the shipped files and targets, computed in pandas."""
    import pandas as pd

    complaints, accounts, units = demo_tables["complaints"], demo_tables["accounts"], demo_tables["org_units"]
    gd = int(units.loc[units["code"] == "GD", "id"].iloc[0])
    targets = demo_tables["complaint_targets"].set_index("severity")
    now = pd.Timestamp(dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0, microsecond=0))
    c = complaints[
        (complaints["province_id"] == gd) & complaints["status"].isin(["open", "in_progress", "resolved", "reopened"])
    ]
    received = pd.to_datetime(c["received_at"])
    response_due = received + pd.to_timedelta(c["severity"].map(targets["response_hours"]), unit="h")
    resolution_due = received + pd.to_timedelta(c["severity"].map(targets["resolution_hours"]), unit="h")
    unresolved = c["resolved_at"].isna()
    overdue = (unresolved & c["first_response_at"].isna() & (response_due < now)) | (
        unresolved & (resolution_due < now)
    )
    expected = set(c.loc[overdue, "code"])
    assert set(accounts["id"]) >= set(c["account_id"])
    at = open_page("complaints", "lead.gd", overdue="true")
    shown = set(at.dataframe[0].value["code"]) if at.dataframe else set()
    assert expected <= shown  # complaints logged by earlier tests may add to the list
    with db.connect() as conn:
        demo_ids = set(complaints["id"])
        added = set(conn.scalars(select(Complaint.code).where(Complaint.id.not_in(demo_ids))))
    assert shown - expected <= added


def test_raising_an_order_from_a_complaint_and_a_second_request_is_refused(db):
    """The order is stored with the complaint; a request the page did not know was done is refused once more."""
    logged = new_complaint(db)
    at = open_page("complaints", "am.gz", complaint=logged.code)
    click(at, "Raise the order")
    assert REQUIRED in [m.value for m in at.markdown]
    fields(at)["Product or service"].input("Cloud private line")
    click(at, "Raise the order")
    with db.connect() as conn:
        order = conn.execute(
            select(Order.code, Order.status, Order.current_stage, Order.product).where(Order.complaint_id == logged.id)
        ).one()
    assert tuple(order)[1:] == ("open", "received", "Cloud private line")
    assert f"Order {order.code} raised; it starts in Received." in [s.value for s in at.success]
    assert not any(b.label == "Raise the order" for b in at.button)

    other = new_complaint(db)
    at = open_page("complaints", "am.gz", complaint=other.code)
    fields(at)["Product or service"].input("SD-WAN")
    with write_session(db) as s:  # the first click, processed while the page still shows the form
        raise_order_from_complaint(session=s, user=person(db, "am.gz"), complaint_id=other.id, product="SD-WAN")
    click(at, "Raise the order")
    assert "An order has already been raised from this complaint, so no second one was raised." in [
        e.value for e in at.error
    ]
    assert count(db, Order, Order.complaint_id == other.id) == 1


def test_raising_an_order_for_a_reassigned_account_is_refused(db):
    """The complaint's account moved to am.sz while the form was open: no order, the reason is shown."""
    logged = new_complaint(db)
    account_id = complaint_row(db, logged.id)["account_id"]
    at = open_page("complaints", "am.gz", complaint=logged.code)
    fields(at)["Product or service"].input("SD-WAN")
    reassign(db, account_id, "am.sz")
    try:
        click(at, "Raise the order")
        assert OUT_OF_SCOPE in [e.value for e in at.error]
        assert fields(at)["Product or service"].value == "SD-WAN"
        assert count(db, Order, Order.complaint_id == logged.id) == 0
    finally:
        reassign(db, account_id, "am.gz")


# -- the order desk -------------------------------------------------------------------------------


def desk_order(db, lead: str = "lead.gd") -> tuple[int, str, str]:
    """A fresh order in the lead's province, raised from a new complaint of am.gz's."""
    logged = new_complaint(db)
    with write_session(db) as s:
        raised = raise_order_from_complaint(
            session=s, user=person(db, lead), complaint_id=logged.id, product="MPLS VPN"
        )
    return raised.id, raised.code, logged.code


def intervals(db, order_id: int):
    with db.connect() as conn:
        return (
            conn.execute(
                select(OrderEvent.__table__)
                .where(OrderEvent.order_id == order_id, OrderEvent.kind == "enter")
                .order_by(OrderEvent.id)
            )
            .mappings()
            .all()
        )


def test_a_team_lead_advances_an_order_and_the_interval_is_closed(db):
    """Advancing from the desk closes the received interval (duration = exit - entry - holds) and opens the next."""
    order_id, code, _ = desk_order(db)
    at = open_page("orders", "lead.gd", order=code)
    fields(at)["Action"].set_value("advance")
    click(at, "Apply")
    assert f"Order {code} moved to Needs confirmed." in [s.value for s in at.success]
    received, needs = intervals(db, order_id)
    assert received["exited_at"] is not None and needs["stage"] == "needs_confirmed"
    expected = int((received["exited_at"] - received["at"]).total_seconds()) - received["hold_seconds"]
    assert received["duration_seconds"] == expected


def test_closing_an_order_after_acceptance_takes_it_off_the_desk(db):
    """At acceptance the action closes the order; the desk says so and no longer offers it."""
    order_id, code, _ = desk_order(db)
    lead = person(db, "lead.gd")
    for stage in ("received", "needs_confirmed", "resource_check", "provisioning"):
        with write_session(db) as s:
            advance_order(session=s, user=lead, order_id=order_id, expected_stage=stage, expected_status="open")
    at = open_page("orders", "lead.gd", order=code)
    fields(at)["Action"].set_value("advance")
    click(at, "Apply")
    assert f"Order {code} closed." in [s.value for s in at.success]
    assert fields(at)["Order to act on"].value is None and not at.warning
    with db.connect() as conn:
        assert tuple(conn.execute(select(Order.status, Order.current_stage).where(Order.id == order_id)).one()) == (
            "closed",
            "closed",
        )


def test_the_desk_refuses_incomplete_actions_with_messages(db):
    """No action, or a hold without a reason, names the field; the order does not change."""
    order_id, code, _ = desk_order(db)
    at = open_page("orders", "lead.gd", order=code)
    click(at, "Apply")
    assert REQUIRED in [m.value for m in at.markdown]
    fields(at)["Action"].set_value("hold")
    click(at, "Apply")
    assert REQUIRED in [m.value for m in at.markdown]
    with db.connect() as conn:
        assert conn.scalar(select(Order.status).where(Order.id == order_id)) == "open"
    fields(at)["Note"].input("site closed for the holiday")
    click(at, "Apply")
    with db.connect() as conn:
        assert conn.scalar(select(Order.status).where(Order.id == order_id)) == "on_hold"


def test_an_order_moved_out_of_the_scope_is_refused(db):
    """The order was handed to another province while the desk showed it: refused with the reason."""
    order_id, code, _ = desk_order(db)
    at = open_page("orders", "lead.gd", order=code)
    fields(at)["Action"].set_value("urge")
    with db.connect() as conn:
        province, city = conn.execute(select(Order.province_id, Order.city_id).where(Order.id == order_id)).one()
        elsewhere = conn.scalar(select(OrgUnit.id).where(OrgUnit.level == "province", OrgUnit.id != province))
    with write_session(db) as s:
        s.execute(update(Order).where(Order.id == order_id).values(province_id=elsewhere))
    try:
        click(at, "Apply")
        assert OUT_OF_SCOPE in [e.value for e in at.error]
        assert count(db, OrderEvent, OrderEvent.order_id == order_id, OrderEvent.kind == "urge") == 0
    finally:
        with write_session(db) as s:
            s.execute(update(Order).where(Order.id == order_id).values(province_id=province))


def test_a_double_submitted_advance_moves_one_stage(db):
    """The first click advanced the order; the second, still expecting "received", is refused as stale."""
    order_id, code, _ = desk_order(db)
    at = open_page("orders", "lead.gd", order=code)
    fields(at)["Action"].set_value("advance")
    with write_session(db) as s:
        advance_order(
            session=s, user=person(db, "lead.gd"), order_id=order_id, expected_stage="received", expected_status="open"
        )
    click(at, "Apply")
    assert STALE in [e.value for e in at.error]
    assert [i["stage"] for i in intervals(db, order_id)] == ["received", "needs_confirmed"]


def test_a_transfer_from_the_desk_records_the_chosen_unit(db):
    """Transferring to the province office stores a transfer event with that unit."""
    order_id, code, _ = desk_order(db)
    with db.connect() as conn:
        province = conn.scalar(select(Order.province_id).where(Order.id == order_id))
    at = open_page("orders", "lead.gd", order=code)
    fields(at)["Action"].set_value("transfer")
    fields(at)["Transfer to"].select(province)
    click(at, "Apply")
    with db.connect() as conn:
        unit = conn.scalar(
            select(OrderEvent.unit_id).where(OrderEvent.order_id == order_id, OrderEvent.kind == "transfer")
        )
    assert unit == province and f"Order {code} transferred." in [s.value for s in at.success]


def test_the_desk_lists_only_open_orders_of_the_leads_province(db, demo_tables):
    """lead.gd sees exactly the demo's open and held Guangdong orders (plus those raised by these tests)."""
    orders, units = demo_tables["orders"], demo_tables["org_units"]
    gd = int(units.loc[units["code"] == "GD", "id"].iloc[0])
    expected = set(orders.loc[(orders["province_id"] == gd) & (orders["status"] != "closed"), "code"])
    at = open_page("orders", "lead.gd")
    shown = set(at.dataframe[0].value["code"])
    with db.connect() as conn:
        added = set(
            conn.scalars(
                select(Order.code).where(
                    Order.id.not_in(set(orders["id"])), Order.status != "closed", Order.province_id == gd
                )
            )
        )
    assert shown == expected | added


def test_account_managers_cannot_open_the_order_desk(db):
    """The desk is for team leads; an account manager sees the refusal and no data."""
    at = open_page("orders", "am.gz")
    assert "You do not have access to this page. Choose a page from the menu." in [w.value for w in at.warning]
    assert not at.dataframe
