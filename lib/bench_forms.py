"""The form half of the benchmark: each form's command run against the benchmark database, timed, rolled back.

A form's commit is the command (its checks, its rows, the rollups it keeps in step, the audit entry)
flushed to the database. Each run is its own transaction and is rolled back, so that the data, and
with it every page's figures, stay as loaded; the COMMIT itself (a write-ahead log flush) is not timed.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import Engine, and_, func, select
from sqlalchemy.orm import Session

from lib.access import CurrentUser, scope_condition, user_from_record
from lib.commands.complaints import allowed_moves, change_complaint_status, log_complaint, raise_order_from_complaint
from lib.commands.orders import advance_order
from lib.commands.plans import save_plan
from lib.commands.revisits import log_revisit
from lib.commands.settings import set_threshold
from lib.domain import OPEN_COMPLAINT_STATUSES
from lib.models import Account, Complaint, Order, OrderEvent, User
from lib.periods import month_start
from lib.queries import common, users
from lib.queries.tiers import threshold_on

FORM_BUDGET_S = 0.05
FORMS = (
    "log_revisit", "log_complaint", "change_complaint_status", "raise_order", "advance_order", "save_plan",
    "set_threshold",
)  # fmt: skip
ADMIN = "admin"
STAFF, LEAD, EXECUTIVE = "am.gz", "lead.gd", "exec"  # demo users: an account manager, a team lead, an executive


@dataclass(frozen=True)
class FormTiming:
    form: str
    username: str
    median_s: float

    @property
    def within_budget(self) -> bool:
        return self.median_s <= FORM_BUDGET_S


def signed_in(session: Session, username: str) -> CurrentUser:
    """The user as the app builds them at sign-in."""
    record = users.user_record(session.connection(), username)
    if record is None:
        raise LookupError(f"no user {username!r} in the benchmark database")
    return user_from_record(record)


class NothingToFill(LookupError):
    """The data has no record that a form needs (a small data set may have no open complaint of a region)."""


def _first(session: Session, stmt) -> Any:
    found = session.execute(stmt.limit(1)).first()
    if found is None:
        raise NothingToFill(str(stmt))
    return found


def _own_account(session: Session, user: CurrentUser) -> int:
    accounts = Account.__table__
    stmt = select(accounts.c.id).where(scope_condition(user.scope, accounts)).order_by(accounts.c.id)
    return _first(session, stmt)[0]


def _lead_of(session: Session, province_id: int) -> str:
    """The username of an active team lead of the province (the demo's lead.gd where it is Guangdong)."""
    people = User.__table__
    stmt = select(people.c.username).where(
        people.c.role == "team_lead", people.c.org_unit_id == province_id, people.c.active.is_(True)
    )
    return _first(session, stmt.order_by(people.c.username != LEAD, people.c.username))[0]


def _open_complaint(session: Session, user: CurrentUser, *, without_order: bool = False):
    """(id, status, province_id) of the latest unfinished complaint the user may see."""
    table = Complaint.__table__
    conditions = [scope_condition(user.scope, table), table.c.status.in_(OPEN_COMPLAINT_STATUSES)]
    if without_order:
        orders = Order.__table__
        conditions.append(~select(orders.c.id).where(orders.c.complaint_id == table.c.id).exists())
    stmt = select(table.c.id, table.c.status, table.c.province_id).where(*conditions).order_by(table.c.id.desc())
    return _first(session, stmt)


def _open_order(session: Session, user: CurrentUser):
    orders, events = Order.__table__, OrderEvent.__table__
    last = (
        select(func.max(events.c.at)).where(events.c.order_id == orders.c.id).scalar_subquery()
    )  # the next step comes after it
    stmt = (
        select(orders.c.id, orders.c.current_stage, orders.c.status, last, orders.c.province_id)
        .where(and_(scope_condition(user.scope, orders), orders.c.status == "open"))
        .order_by(orders.c.id.desc())
    )
    return _first(session, stmt)


def _as_datetime(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def forms(session: Session) -> list[tuple[str, Callable[[], tuple[str, Callable[[Session, CurrentUser], Any]]]]]:
    """(form, prepare) for every form; prepare finds the form's inputs in the data and returns the user who
    fills it in and the command to run (it raises NothingToFill when the data has none). The team lead's
    forms take the latest open complaint or order anywhere, and a lead of its province."""
    staff, everywhere = signed_in(session, STAFF), signed_in(session, EXECUTIVE)

    def key() -> str:
        return f"bench-{uuid.uuid4().hex}"

    def revisit():
        account, as_of = _own_account(session, staff), common.data_as_of(session.connection(), staff.scope)
        return STAFF, lambda s, u: log_revisit(
            session=s, user=u, account_id=account, visited_on=as_of, channel="phone", outcome="interested",
            score=85, idempotency_key=key(), today=as_of,
        )  # fmt: skip

    def complaint():
        account = _own_account(session, staff)
        return STAFF, lambda s, u: log_complaint(
            session=s, user=u, account_id=account, channel="key_account_hotline", category="fault_repair",
            severity="high", green_channel=False, description="Line down since the morning", idempotency_key=key(),
        )  # fmt: skip

    def complaint_step():
        complaint_id, status, province_id = _open_complaint(session, everywhere)
        return _lead_of(session, province_id), lambda s, u: change_complaint_status(
            session=s, user=u, complaint_id=complaint_id, expected_status=status,
            to_status=allowed_moves(status)[0], note="called back", followup_score=80,
        )  # fmt: skip

    def order_from_complaint():
        complaint_id, _, province_id = _open_complaint(session, everywhere, without_order=True)
        return _lead_of(session, province_id), lambda s, u: raise_order_from_complaint(
            session=s, user=u, complaint_id=complaint_id, product="Dedicated line"
        )

    def order_step():
        order_id, stage, status, last, province_id = _open_order(session, everywhere)
        later = _as_datetime(last) + dt.timedelta(hours=1)
        return _lead_of(session, province_id), lambda s, u: advance_order(
            session=s, user=u, order_id=order_id, expected_stage=stage, expected_status=status, now=later
        )

    def plan():
        account = _own_account(session, staff)
        return STAFF, lambda s, u: save_plan(
            session=s, user=u, account_id=account, objectives="Renew the dedicated lines", needs="", products="",
            competitors="",
        )  # fmt: skip

    def threshold():
        # raised by ¥500 from the first of the data's latest month: that month's membership is re-derived
        as_of = common.data_as_of(session.connection(), everywhere.scope)
        amount = threshold_on(session.connection(), as_of) + 500
        return ADMIN, lambda s, u: set_threshold(session=s, user=u, amount=amount, effective_from=month_start(as_of))

    prepares = (revisit, complaint, complaint_step, order_from_complaint, order_step, plan, threshold)
    return list(zip(FORMS, prepares, strict=True))


def measure_forms(engine: Engine, runs: int) -> list[FormTiming]:
    """The median time of each form's command and flush over `runs` rolled-back transactions."""
    plan, people = [], {}
    with Session(engine) as session:
        for form, prepare in forms(session):
            try:
                username, command = prepare()
            except NothingToFill:
                continue  # left out of the table, which says which forms it has
            plan.append((form, username, command))
            people.setdefault(username, signed_in(session, username))
    timings = []
    for form, username, command in plan:
        seconds = []
        for _ in range(runs):
            with engine.connect() as conn, conn.begin() as transaction:
                session = Session(bind=conn, join_transaction_mode="create_savepoint")
                started = time.perf_counter()
                command(session, people[username])
                session.flush()
                seconds.append(time.perf_counter() - started)
                session.close()
                transaction.rollback()
        timings.append(FormTiming(form, username, statistics.median(seconds)))
    return timings


def table(timings: list[FormTiming]) -> str:
    lines = ["| form | user | median (s) | within budget? |", "|---|---|---:|---|"]
    for t in timings:
        lines.append(f"| {t.form} | {t.username} | {t.median_s:.4f} | {'yes' if t.within_budget else 'NO'} |")
    return "\n".join(lines)


def summary(timings: list[FormTiming], runs: int) -> Optional[str]:
    if not timings:
        return None
    within = sum(t.within_budget for t in timings)
    missing = [form for form in FORMS if form not in {t.form for t in timings}]
    unfilled = f" Not measured, as the data has nothing to fill them with: {', '.join(missing)}." if missing else ""
    return (
        f"Form commits (budget ≤ {FORM_BUDGET_S * 1000:.0f} ms): each form's command and flush, median of {runs}"
        f" transactions rolled back afterwards (the COMMIT itself is not timed). Within budget: {within} of"
        f" {len(timings)}.{unfilled}\n\n{table(timings)}"
    )
