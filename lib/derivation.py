"""Derived category membership, kept in step with the data it follows from.

High-value is derived: a month is in when the account's spend over that month and the two before,
averaged, reaches the threshold in force on the month's first day; consecutive months form one
designation stretch (source "derived"), open (valid_to NULL) while it runs to the latest month with
spend. When the threshold or the spend changes, `rederive_high_value` rewrites the stretches from a
month on, for the accounts whose membership actually changes, and `refresh_categories` brings
accounts.category_mask, the service grade and the lifecycle stage in line with the open designations.
Both run inside the caller's write transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Optional

import numpy as np
import pandas as pd
from sqlalchemy import Connection, String, and_, bindparam, delete, func, insert, or_, select, type_coerce, update
from sqlalchemy.orm import Session

from lib import rollups
from lib.domain import (
    CATEGORY_BITS,
    DEFAULT_HIGH_VALUE_THRESHOLD,
    PREMIUM_MIN_CATEGORIES,
    categories_of,
)
from lib.models import Account, Designation, HighValueThreshold, MonthlySpend
from lib.periods import add_months, month_start, month_starts

ACCOUNTS = Account.__table__
DES = Designation.__table__
SPEND = MonthlySpend.__table__
THRESHOLDS = HighValueThreshold.__table__
DERIVED_REASON = "Trailing 3-month average spend at or above the threshold"
MAX_BOUND_IDS = 5000  # longer id lists are filtered after reading rather than bound into IN (...)

Stretch = tuple[dt.date, Optional[dt.date]]  # [valid_from, valid_to); valid_to None while open


def _in_accounts(column, account_ids: Optional[Collection[int]]):
    """A WHERE clause on an account id column, or None when every account (or a long list) is meant."""
    if account_ids is None or len(account_ids) > MAX_BOUND_IDS:
        return None
    return column.in_(sorted(account_ids))


def _where(stmt, column, account_ids):
    clause = _in_accounts(column, account_ids)
    return stmt if clause is None else stmt.where(clause)


def threshold_cents(conn: Connection, months: list[dt.date]) -> np.ndarray:
    """Per month, the trailing three-month spend in cents at which the average reaches the threshold in
    force on the month's first day (the latest effective_from <= that day; the later row on a tie)."""
    rows = conn.execute(
        select(THRESHOLDS.c.effective_from, THRESHOLDS.c.amount).order_by(THRESHOLDS.c.effective_from, THRESHOLDS.c.id)
    ).all()
    cuts = []
    for month in months:
        amount = DEFAULT_HIGH_VALUE_THRESHOLD
        for effective_from, value in rows:
            if effective_from <= month:
                amount = value
        cuts.append(round(3 * 100 * float(amount)))
    return np.array(cuts, dtype=np.int64)


NEAR_CUT_CENTS = 100  # a yuan of slack around the cuts, far more than any rounding of the spend


def months_with_spend_from(conn: Connection, since: dt.date) -> list[dt.date]:
    """The months from the month of `since` to the latest month with spend (none when there is no spend
    from then on)."""
    latest = conn.scalar(select(func.max(SPEND.c.month)))
    if latest is None:
        return []
    return month_starts(month_start(since), dt.date.fromisoformat(str(latest)[:10]))


def accounts_near_cuts(
    conn: Connection, months: list[dt.date], before: np.ndarray, after: np.ndarray
) -> Optional[list[int]]:
    """The accounts whose high-value membership can differ between two sets of per-month cuts (the
    threshold before and after a change): those whose trailing three-month spend in one of `months` lies
    between that month's two cuts. Every other account is in, or out, in every month either way. Read from
    account_snapshots; None when it does not hold all of `months` (then every account must be looked at)."""
    held = rollups.snapshots_held(conn)
    if not months or held is None or months[0] < held[0] or months[-1] > held[1]:
        return None
    snaps = rollups.SNAPSHOTS.c
    lows = np.minimum(before, after) - NEAR_CUT_CENTS
    highs = np.maximum(before, after) + NEAR_CUT_CENTS
    bands = [  # plain ints: the database driver cannot bind numpy's
        and_(snaps.month == month, snaps.trailing_fen >= int(low), snaps.trailing_fen < int(high))
        for month, low, high, same in zip(months, lows, highs, before == after, strict=True)
        if not same
    ]
    if not bands:
        return []
    stmt = select(snaps.account_id).where(snaps.month >= months[0], snaps.month <= months[-1], or_(*bands))
    return sorted({int(a) for a in conn.scalars(stmt.distinct())})


def _spend_cents(
    conn: Connection, account_ids: Optional[Collection[int]], first: dt.date, last: dt.date
) -> pd.DataFrame:
    """Columns account_id, month (a date) and cents (the amount in whole fen, rounded as spend_months and
    account_snapshots round it), for the months [first, last]. The month comes back as text and the cents
    as an integer, so that the driver's rows need no conversion one by one (a million of them for a
    threshold change from two years back)."""
    stmt = select(
        SPEND.c.account_id, type_coerce(SPEND.c.month, String).label("month"), rollups.fen(SPEND.c.amount)
    ).where(SPEND.c.month >= first, SPEND.c.month <= last)
    rows = conn.execute(_where(stmt, SPEND.c.account_id, account_ids)).all()
    frame = pd.DataFrame(list(map(tuple, rows)), columns=["account_id", "month", "cents"])  # tuples: pandas
    if account_ids is not None:  # would probe each Row's attributes
        frame = frame[frame["account_id"].isin(list(account_ids))]
    days = {str(m): m for m in month_starts(first, last)}
    frame["month"] = frame["month"].astype(str).str[:10].map(days)
    frame["cents"] = frame["cents"].astype("int64")
    return frame


def _runs(member: np.ndarray, months: list[dt.date]) -> list[Stretch]:
    """The stretches of consecutive member months; the last one stays open if it reaches the latest month."""
    stretches, start = [], None
    for i, inside in enumerate(member):
        if inside and start is None:
            start = i
        if start is not None and (not inside or i == len(member) - 1):
            end = i if not inside else i + 1
            stretches.append((months[start], months[end] if end < len(months) else None))
            start = None
    return stretches


def _memberships(conn: Connection, account_ids, since: dt.date) -> tuple[dict[int, list[Stretch]], Optional[dt.date]]:
    """Per account with spend, its high-value stretches from the first month that can be evaluated on or
    after `since` (the first two months of spend have no full window), and that month; None when there is
    no month to evaluate."""
    bounds = conn.execute(select(func.min(SPEND.c.month), func.max(SPEND.c.month))).one()
    if bounds[0] is None:
        return {}, None
    evaluated_from = max(since, add_months(bounds[0], 2))
    months = month_starts(evaluated_from, bounds[1])
    if not months:
        return {}, None
    window = month_starts(add_months(evaluated_from, -2), bounds[1])
    spend = _spend_cents(conn, account_ids, window[0], bounds[1])
    if spend.empty:
        return {}, evaluated_from
    grid = spend.pivot_table(index="account_id", columns="month", values="cents", aggfunc="sum", fill_value=0)
    grid = grid.reindex(columns=window, fill_value=0).to_numpy(dtype=np.int64)
    trailing = grid[:, 2:] + grid[:, 1:-1] + grid[:, :-2]
    member = trailing >= threshold_cents(conn, months)
    ids = spend["account_id"].drop_duplicates().sort_values().to_numpy()
    return {int(a): _runs(member[i], months) for i, a in enumerate(ids) if member[i].any()}, evaluated_from


StoredRow = tuple[int, dt.date, Optional[dt.date]]  # id, valid_from, valid_to


def _stored(conn: Connection, account_ids, since: dt.date) -> dict[int, list[StoredRow]]:
    """Per account, the derived high-value stretches open on or after `since`, and those ending right at
    it (which a stretch starting at `since` continues), in order."""
    stmt = select(DES.c.id, DES.c.account_id, DES.c.valid_from, DES.c.valid_to).where(
        DES.c.category == "high_value",
        DES.c.source == "derived",
        (DES.c.valid_to.is_(None)) | (DES.c.valid_to >= since),
    )
    wanted = None if account_ids is None else set(account_ids)
    by_account: dict[int, list[StoredRow]] = {}
    for row_id, account_id, valid_from, valid_to in conn.execute(_where(stmt, DES.c.account_id, account_ids)):
        if wanted is None or account_id in wanted:
            by_account.setdefault(int(account_id), []).append((int(row_id), valid_from, valid_to))
    for rows in by_account.values():
        rows.sort(key=lambda row: row[1])
    return by_account


def _as_stored(rows: list[StoredRow], since: dt.date) -> list[Stretch]:
    """Stored stretches seen from `since` on (one that began earlier is cut to start at `since`)."""
    return [(max(start, since), end) for _, start, end in rows if end is None or end > since]


def rederive_high_value(
    session: Session,
    *,
    since: dt.date,
    account_ids: Optional[Collection[int]] = None,
    actor_id: Optional[int] = None,
    today: Optional[dt.date] = None,
) -> int:
    """Rewrite the derived high-value stretches from the month of `since` on, for `account_ids` (every
    account when None); stretches before that month, and months without three months of spend before
    them, are history and stay. Accounts whose stretches come out the same are not touched. Returns how
    many accounts' stretches changed."""
    conn = session.connection()
    wanted, evaluated_from = _memberships(conn, account_ids, month_start(since))
    if evaluated_from is None:
        return 0
    since = evaluated_from
    by_account = _stored(conn, account_ids, since)
    changed = [
        a
        for a in sorted(set(wanted) | set(by_account))
        if wanted.get(a, []) != _as_stored(by_account.get(a, []), since)
    ]
    if not changed:
        return 0
    doomed, cut, extend, new_rows = [], [], [], []
    places = _places(conn, changed)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    for account_id in changed:
        rows = by_account.get(account_id, [])
        doomed += [row_id for row_id, start, _ in rows if start >= since]
        earlier = next((row_id for row_id, start, _ in rows if start < since), None)
        stretches = wanted.get(account_id, [])
        if earlier is not None:
            if stretches and stretches[0][0] == since:  # the earlier stretch runs on: extend it
                extend.append({"row": earlier, "until": stretches[0][1]})
                stretches = stretches[1:]
            else:
                cut.append({"row": earlier, "until": since})
        province_id, city_id = places[account_id]
        new_rows += [
            {
                "account_id": account_id,
                "category": "high_value",
                "valid_from": start,
                "valid_to": end,
                "source": "derived",
                "set_by": actor_id,
                "set_at": now,
                "reason": DERIVED_REASON,
                "province_id": province_id,
                "city_id": city_id,
            }  # fmt: skip
            for start, end in stretches
        ]
    if doomed:
        for chunk in range(0, len(doomed), MAX_BOUND_IDS):
            conn.execute(delete(DES).where(DES.c.id.in_(doomed[chunk : chunk + MAX_BOUND_IDS])))
    for moves in (cut, extend):
        if moves:
            conn.execute(update(DES).where(DES.c.id == bindparam("row")).values(valid_to=bindparam("until")), moves)
    if new_rows:
        conn.execute(insert(DES), new_rows)
    refresh_categories(session, account_ids=changed, today=today, since=since)
    rollups.refresh_spend(conn, account_ids=changed, since=since)  # key-account spend follows membership
    return len(changed)


def _places(conn: Connection, account_ids: list[int]) -> dict[int, tuple[int, int]]:
    stmt = select(ACCOUNTS.c.id, ACCOUNTS.c.province_id, ACCOUNTS.c.city_id)
    rows = conn.execute(_where(stmt, ACCOUNTS.c.id, account_ids)).all()
    return {int(i): (int(p), int(c)) for i, p, c in rows}


def grade_of(mask: int) -> str:
    """The service grade that follows from an account's categories: premium, key or standard."""
    size = len(categories_of(mask))
    return "premium" if size >= PREMIUM_MIN_CATEGORIES else "key" if size else "standard"


def lifecycle_after(stage: str, old_mask: int, new_mask: int) -> str:
    """A potential or churned account that becomes a key account is new; a key account that leaves every
    category has churned; otherwise the stage stays as it was."""
    if new_mask and not old_mask and stage in ("potential", "churned"):
        return "new"
    if old_mask and not new_mask:
        return "churned"
    return stage


def refresh_categories(
    session: Session,
    *,
    account_ids: Optional[Collection[int]] = None,
    today: Optional[dt.date] = None,
    since: Optional[dt.date] = None,
) -> int:
    """Set accounts.category_mask (and the grade and lifecycle stage that follow) from the designations open
    on `today`, and recompute the membership rollup from the month of `since` on (all months when None);
    returns how many accounts changed."""
    today = today or dt.date.today()
    conn = session.connection()
    open_rows = select(DES.c.account_id, DES.c.category).where(
        DES.c.valid_from <= today, (DES.c.valid_to.is_(None)) | (DES.c.valid_to > today)
    )
    masks: dict[int, int] = {}
    for account_id, category in conn.execute(_where(open_rows, DES.c.account_id, account_ids)).all():
        masks[account_id] = masks.get(account_id, 0) | CATEGORY_BITS[category]
    current = select(ACCOUNTS.c.id, ACCOUNTS.c.category_mask, ACCOUNTS.c.service_grade, ACCOUNTS.c.lifecycle_stage)
    wanted = None if account_ids is None else set(account_ids)
    changes = []
    for account_id, mask, grade, stage in conn.execute(_where(current, ACCOUNTS.c.id, account_ids)).all():
        if wanted is not None and account_id not in wanted:
            continue
        new_mask = masks.get(account_id, 0)
        new = {"mask": new_mask, "grade": grade_of(new_mask), "stage": lifecycle_after(stage, mask or 0, new_mask)}
        if (new["mask"], new["grade"], new["stage"]) != (mask or 0, grade, stage):
            changes.append({"row": account_id, **new})
    rollups.refresh_category_months(conn, account_ids=account_ids, today=today, since=since)
    rollups.refresh_snapshot_designations(conn, account_ids=account_ids, today=today, since=since)
    if changes:
        conn.execute(
            update(ACCOUNTS)
            .where(ACCOUNTS.c.id == bindparam("row"))
            .values(
                category_mask=bindparam("mask"),
                service_grade=bindparam("grade"),
                lifecycle_stage=bindparam("stage"),
            ),
            changes,
        )
    return len(changes)
