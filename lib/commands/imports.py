"""Committing an import of regions, accounts, monthly spend or designations: all rows or none, in one
transaction."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from lib import derivation, imports, rollups
from lib.access import CurrentUser
from lib.commands import CommandError, audit, utcnow
from lib.imports import Check, Problem, SourceRow
from lib.models import Account, Designation, MonthlySpend, OrgUnit
from lib.periods import add_months

CHUNK = 1000  # rows per executemany, and per step of the progress bar
ACCOUNTS = Account.__table__
SPEND = MonthlySpend.__table__
DESIGNATIONS = Designation.__table__
ORG = OrgUnit.__table__
# Imports queue behind one another on PostgreSQL (SQLite's BEGIN IMMEDIATE already does this).
LOCK_KEY = zlib.crc32(b"kam.imports")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportResult:
    kind: str
    inserted: int
    updated: int
    unchanged: int


class ImportRejected(CommandError):
    """Some rows failed the checks when committing; nothing was written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("imports.error.rejected", n=len({p.line for p in problems}))
        self.problems = list(problems)


def commit_import(
    *,
    session: Session,
    user: CurrentUser,
    kind: str,
    rows: Sequence[SourceRow],
    file_name: str = "",
    progress: Optional[Progress] = None,
    today: Optional[dt.date] = None,
) -> ImportResult:
    """Check the rows again and write them all, or raise ImportRejected and write nothing.

    Rows already stored as they are write nothing; an import with nothing to change writes nothing at
    all, not even an audit row, so importing the same file twice leaves the database as it was.
    """
    imports.require_importer(user, kind)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    plan = imports.check(session, user=user, kind=kind, rows=rows, today=today)
    if plan.problems:
        raise ImportRejected(plan.problems)
    unchanged = plan.counts()["unchanged"]
    if not plan.writes:
        return ImportResult(kind, 0, 0, unchanged)
    steps = _Steps(plan.writes, progress)
    if kind == "regions":
        _write_regions(session, plan, steps)
    elif kind == "accounts":
        _write_accounts(session, plan, steps)
        added = _ids_by_code(session, {row["code"] for row in plan.inserts})
        rollups.refresh_snapshots(session.connection(), account_ids=set(added.values()), today=today)
    elif kind == "monthly_spend":
        latest = session.scalar(select(func.max(MonthlySpend.month)))
        _write_spend(session, plan, steps)
        moved = session.scalar(select(func.max(MonthlySpend.month))) != latest
        # A month later than any before moves "the latest month with spend" for every account: an open
        # high-value stretch of an account outside the file may end there, so every account is re-derived.
        since = plan.earliest_month if not moved or latest is None else min(plan.earliest_month, add_months(latest, 1))
        derivation.rederive_high_value(
            session,
            since=since,
            account_ids=None if moved else sorted(plan.account_ids),
            actor_id=user.id,
            today=today,
        )
        rollups.refresh_spend(session.connection(), account_ids=plan.account_ids)
        rollups.refresh_snapshots(
            session.connection(), account_ids=plan.account_ids, since=plan.earliest_month, today=today
        )
    else:
        _write_designations(session, plan, user, steps)
        derivation.refresh_categories(session, account_ids=sorted(plan.account_ids), today=today)
        rollups.refresh_spend(session.connection(), account_ids=plan.account_ids)
    audit(
        session,
        user,
        "import",
        kind,
        file_name[:64],
        file_name=file_name[:200],
        inserted=len(plan.inserts),
        updated=len(plan.updates),
        unchanged=unchanged,
    )
    return ImportResult(kind, len(plan.inserts), len(plan.updates), unchanged)


class _Steps:
    """Runs a statement over a list of parameter sets in chunks and reports progress between them."""

    def __init__(self, total: int, progress: Optional[Progress]) -> None:
        self.total, self.done, self.progress = total, 0, progress

    def run(self, session: Session, stmt, params: list[dict[str, Any]], *, counts: bool = True) -> None:
        conn = session.connection()
        for start in range(0, len(params), CHUNK):
            chunk = params[start : start + CHUNK]
            conn.execute(stmt, chunk)
            if counts:
                self.done += len(chunk)
                if self.progress is not None:
                    self.progress(self.done, self.total)


def add_regions(session: Session, units: Sequence[dict[str, Any]]) -> None:
    """Insert org units, provinces before cities. Each has code, level, name_en, name_zh and parent_id (for a
    province the national node, for a city its stored province), or for a city whose province is among
    `units`, parent_id None and parent_code. province_id is set as everywhere: a province's own id, a city's
    province's id."""
    _insert_units(session, units, _Steps(len(units), None))


def _insert_units(session: Session, units: Sequence[dict[str, Any]], steps: _Steps) -> None:
    columns = ("code", "level", "parent_id", "name_en", "name_zh")
    provinces = [{c: unit[c] for c in columns} for unit in units if unit["level"] == "province"]
    steps.run(session, insert(ORG), provinces)
    for chunk in imports._chunks([unit["code"] for unit in provinces]):
        session.execute(
            update(ORG).where(ORG.c.code.in_(chunk), ORG.c.level == "province").values(province_id=ORG.c.id)
        )
    cities = [unit for unit in units if unit["level"] == "city"]
    ids = _unit_ids(session, {city["parent_code"] for city in cities if city["parent_id"] is None})
    rows = []
    for city in cities:
        parent = city["parent_id"] if city["parent_id"] is not None else ids[city["parent_code"]]
        rows.append({c: city[c] for c in columns} | {"parent_id": parent, "province_id": parent})
    steps.run(session, insert(ORG), rows)


def _unit_ids(session: Session, codes: set[str]) -> dict[str, int]:
    found = {}
    for chunk in imports._chunks(codes):
        found |= dict(session.execute(select(ORG.c.code, ORG.c.id).where(ORG.c.code.in_(chunk))).all())
    return found


def _write_regions(session: Session, plan: Check, steps: _Steps) -> None:
    _insert_units(session, plan.inserts, steps)
    names = {"name_en": bindparam("b_name_en"), "name_zh": bindparam("b_name_zh")}
    stmt = update(ORG).where(ORG.c.id == bindparam("b_id")).values(names)
    steps.run(session, stmt, [{f"b_{key}": value for key, value in row.items()} for row in plan.updates])


def _write_accounts(session: Session, plan: Check, steps: _Steps) -> None:
    columns = ("code", "name", "industry", "province_id", "city_id", "manager_id", "parent_id", "created_on")
    steps.run(session, insert(ACCOUNTS), [{c: row[c] for c in columns} | imports.NEW_ACCOUNT for row in plan.inserts])
    # A parent that is new in this file has an id only now (parents are top-level, so one pass does).
    waiting = [row for row in (*plan.inserts, *plan.updates) if row["parent_code"] and row["parent_id"] is None]
    ids = _ids_by_code(session, {row["parent_code"] for row in waiting})
    for row in waiting:
        row["parent_id"] = ids[row["parent_code"]]
    late = [{"b_code": row["code"], "b_parent": row["parent_id"]} for row in waiting if "code" in row]
    if late:
        stmt = update(ACCOUNTS).where(ACCOUNTS.c.code == bindparam("b_code")).values(parent_id=bindparam("b_parent"))
        steps.run(session, stmt, late, counts=False)
    names = ("name", "industry", "manager_id", "parent_id", "created_on")
    stmt = update(ACCOUNTS).where(ACCOUNTS.c.id == bindparam("b_id")).values({c: bindparam(f"b_{c}") for c in names})
    steps.run(session, stmt, [{f"b_{c}": row[c] for c in ("id", *names)} for row in plan.updates])


def _ids_by_code(session: Session, codes: set[str]) -> dict[str, int]:
    found = {}
    for chunk in imports._chunks(codes):
        found |= dict(session.execute(select(ACCOUNTS.c.code, ACCOUNTS.c.id).where(ACCOUNTS.c.code.in_(chunk))).all())
    return found


def _write_spend(session: Session, plan: Check, steps: _Steps) -> None:
    steps.run(session, insert(SPEND), plan.inserts)
    stmt = (
        update(SPEND)
        .where(SPEND.c.account_id == bindparam("b_account_id"), SPEND.c.month == bindparam("b_month"))
        .values(amount=bindparam("b_amount"))
    )
    steps.run(session, stmt, [{f"b_{key}": value for key, value in row.items()} for row in plan.updates])


def _write_designations(session: Session, plan: Check, user: CurrentUser, steps: _Steps) -> None:
    who = {"set_by": user.id, "set_at": utcnow()}
    steps.run(session, insert(DESIGNATIONS), [row | {"source": "designated"} | who for row in plan.inserts])
    stmt = (
        update(DESIGNATIONS)
        .where(DESIGNATIONS.c.id == bindparam("b_id"))
        .values(valid_to=bindparam("b_valid_to"), reason=bindparam("b_reason"), **who)
    )
    steps.run(session, stmt, [{f"b_{key}": value for key, value in row.items()} for row in plan.updates])
