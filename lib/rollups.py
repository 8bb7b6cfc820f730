"""Rollup tables: small summaries of the big fact tables, kept exactly in step with them.

stage_flow_days counts the stage intervals of order_events per day, region, stage and service grade:
entered (by the day of `at`), exited and on_time (by the day of `exited_at`; on time when the
hold-free duration is within the target stored on entry). stage_duration_months counts the intervals
that ended in a month per province, stage, grade and duration class (DURATION_CLASSES). Both hold a
national total (province NATIONAL_TOTAL), so that a national read adds up one row per day or month
instead of 31. Every command
that enters or leaves an interval calls `interval_entered` / `interval_left` in its own transaction;
bulk loads call `rebuild`. A test checks after random writes that the tables equal a recomputation.

Run `python -m lib.rollups rebuild` after loading order events by any other means, and
`python -m lib.rollups check` to compare the table with a recomputation.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import math
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Collection
from typing import Optional

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Integer,
    Select,
    and_,
    case,
    cast,
    delete,
    extract,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lib.domain import CATEGORY_BITS, STAGES, SURVEY_DIMENSIONS
from lib.models import (
    SCORE_BINS,
    Account,
    AccountSnapshot,
    AccountStageMonth,
    CategoryMonth,
    Designation,
    MonthlySpend,
    OpenStageInterval,
    Order,
    OrderDay,
    OrderEvent,
    Revisit,
    SpendMonth,
    StageDurationMonth,
    StageFlowDay,
    Survey,
    SurveyDay,
)
from lib.periods import add_months, month_start, month_starts

SURVEYS = Survey.__table__
SPEND = MonthlySpend.__table__
SPEND_MONTHS = SpendMonth.__table__
DES = Designation.__table__
ACCOUNTS = Account.__table__
CATEGORY_MONTHS = CategoryMonth.__table__
CATEGORY_MONTH_COLUMNS = ["month", "province_id", "city_id", "key_accounts", "premium", "high_value"]
CATEGORY_MONTHS_KEPT = 36  # months back from the current one that the rollup covers at least
ORDERS = Order.__table__
REVISITS = Revisit.__table__
ORDER_DAYS = OrderDay.__table__
ORDER_DAY_KEYS = ("day", "province_id", "city_id")
ORDER_DAY_COUNTS = ("received", "closed")
ACCOUNT_MONTHS = AccountStageMonth.__table__
ACCOUNT_MONTH_COLUMNS = ["month", "account_id", "province_id", "city_id", "exited", "on_time"]
SURVEY_DAYS = SurveyDay.__table__
SNAPSHOTS = AccountSnapshot.__table__
SNAPSHOT_KEYS = ["account_id", "month", "province_id", "city_id", "mask", "trailing_fen", "designations_next"]
RUNNING_TOTALS = ["designations", "spend_fen", "surveys", "score_centi", "exited", "on_time"]
SNAPSHOT_COLUMNS = SNAPSHOT_KEYS + RUNNING_TOTALS
SNAPSHOT_MONTHS_KEPT = 25  # months back from the current one that account_snapshots covers at least
SNAPSHOT_LOCK_KEY = zlib.crc32(b"kam.account_snapshots")
BIN_WIDTH = 100 // SCORE_BINS
BIN_COLUMNS = tuple(f"bin_{b:02d}" for b in range(SCORE_BINS))
SURVEY_COUNTS = (
    "surveys",
    "score_centi",
    *BIN_COLUMNS,
    *(f"{d}_{part}" for d in SURVEY_DIMENSIONS for part in ("n", "centi")),
)
EVENTS = OrderEvent.__table__
FLOW = StageFlowDay.__table__
DURATIONS = StageDurationMonth.__table__
OPEN = OpenStageInterval.__table__
OPEN_COLUMNS = ("id", "order_id", "stage", "service_grade", "province_id", "city_id", "at", "target_seconds")
OPEN_SUMS = ("hold_epochs", "holds_running", "changed_at")
KEYS = ("day", "province_id", "city_id", "stage", "service_grade")
COUNTS = ("entered", "exited", "on_time")
PROVINCE_TOTAL = 0  # the city_id of a province's total row
NATIONAL_TOTAL = 0  # the province_id of the national total row (its city_id is PROVINCE_TOTAL too)
MAX_REFRESH_ACCOUNTS = 5000  # more accounts than this: recompute everything rather than their cities


def day_of(conn: Connection, column):
    """The calendar day of a datetime column: a date on PostgreSQL, its 'YYYY-MM-DD' text on SQLite (how
    SQLite stores a date). Grouping by the stored text's first ten characters is several times cheaper
    on SQLite than any date function."""
    if conn.dialect.name == "postgresql":
        return func.cast(column, FLOW.c.day.type)
    return func.substr(column, 1, 10)


def epoch_seconds(conn: Connection, column: ColumnElement) -> ColumnElement:
    """Whole seconds since 1970-01-01 of a naive UTC datetime column, as an integer, on either dialect.

    SQLite's strftime('%s') rounds fractional seconds, so they are cut off first, as PostgreSQL's
    floor() does: an entry at 23:59:59.7 is 23:59:59 on both.
    """
    if conn.dialect.name == "postgresql":
        return cast(func.floor(extract("epoch", column)), BigInteger)
    return cast(func.strftime("%s", func.substr(column, 1, 19)), BigInteger)


def epoch(moment: dt.datetime) -> int:
    """Whole seconds since 1970-01-01 of a naive UTC datetime (as `epoch_seconds` in SQL)."""
    return math.floor((moment - dt.datetime(1970, 1, 1)).total_seconds())


def _moves(conn: Connection):
    """One row per interval entry and one per exit, with its day and counts."""
    base = [EVENTS.c.kind == "enter", EVENTS.c.stage.in_(STAGES)]
    where = [EVENTS.c.province_id, EVENTS.c.city_id, EVENTS.c.stage, EVENTS.c.service_grade]
    on_time = case((EVENTS.c.duration_seconds <= EVENTS.c.target_seconds, 1), else_=0)
    entries = select(
        day_of(conn, EVENTS.c.at).label("day"),
        *where,
        literal(1, Integer).label("entered"),
        literal(0, Integer).label("exited"),
        literal(0, Integer).label("on_time"),
    ).where(*base)
    exits = select(
        day_of(conn, EVENTS.c.exited_at).label("day"),
        *where,
        literal(0, Integer).label("entered"),
        literal(1, Integer).label("exited"),
        on_time.label("on_time"),
    ).where(*base, EVENTS.c.exited_at.is_not(None))
    return union_all(entries, exits).cte("moves")


def recompute(conn: Connection) -> Select:
    """The whole of stage_flow_days computed from order_events: city rows, province totals and the national
    total."""
    moves = _moves(conn)
    sums = [func.sum(moves.c[c]).label(c) for c in COUNTS]
    per_city = [moves.c.day, moves.c.province_id, moves.c.city_id, moves.c.stage, moves.c.service_grade]
    per_province = [moves.c.day, moves.c.province_id, moves.c.stage, moves.c.service_grade]
    per_day = [moves.c.day, moves.c.stage, moves.c.service_grade]
    by_city = select(*per_city, *sums).group_by(*per_city)
    total = literal(PROVINCE_TOTAL, Integer).label("city_id")
    by_province = select(moves.c.day, moves.c.province_id, total, moves.c.stage, moves.c.service_grade, *sums).group_by(
        *per_province
    )
    national = select(
        moves.c.day, literal(NATIONAL_TOTAL, Integer), total, moves.c.stage, moves.c.service_grade, *sums
    ).group_by(*per_day)
    return union_all(by_city, by_province, national)


# Duration classes: class 0 is under a minute; from there 12 classes per doubling (each about 6 % wide).
CLASSES_PER_DOUBLING = 12
FIRST_CLASS_SECONDS = 60
LAST_CLASS = 1 + CLASSES_PER_DOUBLING * 20  # from 60 s x 2^20 (about two years) on, one open class
CLASS_STARTS = [0] + [
    math.ceil(FIRST_CLASS_SECONDS * 2 ** (c / CLASSES_PER_DOUBLING)) for c in range(LAST_CLASS)
]  # class c holds durations in [CLASS_STARTS[c], CLASS_STARTS[c + 1])


def duration_class(seconds: int) -> int:
    """The class of a hold-free duration in seconds."""
    return bisect.bisect_right(CLASS_STARTS, max(0, int(seconds))) - 1


def class_range(duration_class_: int) -> tuple[int, Optional[int]]:
    """[first, end) seconds of a class; end None for the last, open class."""
    end = CLASS_STARTS[duration_class_ + 1] if duration_class_ + 1 < len(CLASS_STARTS) else None
    return CLASS_STARTS[duration_class_], end


def rebuild_flow(conn: Connection) -> int:
    """Replace stage_flow_days with a recomputation; returns its row count."""
    conn.execute(delete(FLOW))
    conn.execute(insert(FLOW).from_select([*KEYS, *COUNTS], recompute(conn)))
    return int(conn.scalar(select(func.count()).select_from(FLOW)) or 0)


def month_of(conn: Connection, column):
    """The first day of the month of a datetime column (a date on PostgreSQL, 'YYYY-MM-01' on SQLite)."""
    if conn.dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", column), DURATIONS.c.month.type)
    return func.substr(column, 1, 7).concat("-01")


DURATION_KEYS = ("month", "province_id", "stage", "service_grade", "duration_class")


def recompute_durations(conn: Connection, chunk_rows: int = 200_000) -> Counter:
    """stage_duration_months computed from order_events: (month text, province, stage, grade, class) ->
    intervals, with the national total under province NATIONAL_TOTAL. Read in chunks; classes are worked
    out here, with the same function as the writes use."""
    counts: Counter = Counter()
    stmt = select(
        month_of(conn, EVENTS.c.exited_at),
        EVENTS.c.province_id,
        EVENTS.c.stage,
        EVENTS.c.service_grade,
        EVENTS.c.duration_seconds,
    ).where(
        EVENTS.c.kind == "enter",
        EVENTS.c.stage.in_(STAGES),
        EVENTS.c.exited_at.is_not(None),
        EVENTS.c.duration_seconds.is_not(None),
    )
    result = conn.execute(stmt.execution_options(yield_per=chunk_rows))
    for rows in result.partitions():
        keys = [(str(m)[:10], p, s, g, duration_class(d)) for m, p, s, g, d in rows]
        counts.update(keys)
        counts.update((m, NATIONAL_TOTAL, s, g, c) for m, _, s, g, c in keys)
    return counts


def rebuild_durations(conn: Connection) -> int:
    """Replace stage_duration_months with a recomputation; returns its row count."""
    counts = recompute_durations(conn)
    conn.execute(delete(DURATIONS))
    rows = [
        {"month": dt.date.fromisoformat(k[0]), **dict(zip(DURATION_KEYS[1:], k[1:], strict=True)), "intervals": n}
        for k, n in counts.items()
    ]
    for start in range(0, len(rows), 50_000):
        conn.execute(insert(DURATIONS), rows[start : start + 50_000])
    return len(rows)


def centi(value: float) -> int:
    """A score in hundredths of a point, rounded half up: the same arithmetic as `_centi` in SQL."""
    return math.floor(value * 100 + 0.5)


def _centi(column):
    return func.cast(func.floor(column * 100 + 0.5), SURVEY_DAYS.c.score_centi.type)


def score_bin(score: float) -> int:
    """The 5-point bin of a score (100 in the last), as `_bin` in SQL."""
    return min(int(bisect.bisect_right(range(BIN_WIDTH, 100, BIN_WIDTH), score)), SCORE_BINS - 1)


def _bin(column):
    return case(*[(column < edge, i) for i, edge in enumerate(range(BIN_WIDTH, 100, BIN_WIDTH))], else_=SCORE_BINS - 1)


def recompute_surveys(conn: Connection) -> Select:
    """The whole of survey_days computed from surveys: city rows and province totals."""
    s = SURVEYS.c
    per_survey = select(
        s.surveyed_on.label("day"),
        s.province_id,
        s.city_id,
        _centi(s.score).label("score_centi"),
        _bin(s.score).label("bin"),
        *(s[d] for d in SURVEY_DIMENSIONS),
    ).cte("per_survey")
    p = per_survey.c
    counts = [
        func.count().label("surveys"),
        func.sum(p.score_centi).label("score_centi"),
        *(func.count(case((p.bin == b, 1))).label(name) for b, name in enumerate(BIN_COLUMNS)),
    ]
    for d in SURVEY_DIMENSIONS:
        answered = case((p[d].is_not(None), _centi(p[d])), else_=0)  # floor() of NULL fails in SQLAlchemy's SQLite
        counts += [func.count(p[d]).label(f"{d}_n"), func.sum(answered).label(f"{d}_centi")]
    by_city = select(p.day, p.province_id, p.city_id, *counts).group_by(p.day, p.province_id, p.city_id)
    by_province = select(p.day, p.province_id, literal(PROVINCE_TOTAL, Integer).label("city_id"), *counts).group_by(
        p.day, p.province_id
    )
    return union_all(by_city, by_province)


def rebuild_surveys(conn: Connection) -> int:
    """Replace survey_days with a recomputation; returns its row count."""
    conn.execute(delete(SURVEY_DAYS))
    conn.execute(
        insert(SURVEY_DAYS).from_select(["day", "province_id", "city_id", *SURVEY_COUNTS], recompute_surveys(conn))
    )
    return int(conn.scalar(select(func.count()).select_from(SURVEY_DAYS)) or 0)


def _add(session: Session, table, rows: list[dict], keys: list[str], counts: list[str]) -> None:
    """Add `rows`' counts to a rollup's rows of the same key, creating rows that are not there yet (one
    INSERT ... ON CONFLICT DO UPDATE, in the caller's transaction)."""
    conn = session.connection()
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    stmt = dialect_insert(table).values(rows)
    conn.execute(
        stmt.on_conflict_do_update(index_elements=keys, set_={c: table.c[c] + stmt.excluded[c] for c in counts})
    )


def survey_recorded(session: Session, survey: Survey) -> None:
    """A survey was stored: add it to its day's city row and province total."""
    counts = {"surveys": 1, "score_centi": centi(survey.score), BIN_COLUMNS[score_bin(survey.score)]: 1}
    for d in SURVEY_DIMENSIONS:
        value = getattr(survey, d)
        if value is not None:
            counts[f"{d}_n"], counts[f"{d}_centi"] = 1, centi(value)
    rows = [
        {"day": survey.surveyed_on, "province_id": survey.province_id, "city_id": city_id,
         **{c: counts.get(c, 0) for c in SURVEY_COUNTS}}
        for city_id in (survey.city_id, PROVINCE_TOTAL)
    ]  # fmt: skip
    _add(session, SURVEY_DAYS, rows, ["day", "province_id", "city_id"], list(counts))
    _running_totals(session, survey.account_id, survey.surveyed_on, surveys=1, score_centi=centi(survey.score))


def _spend_by_city(city_ids: Optional[list[int]] = None, since: Optional[dt.date] = None) -> Select:
    """spend_months' city rows computed from monthly_spend and designations (of some cities, or all)."""
    fen = func.cast(func.floor(SPEND.c.amount * 100 + 0.5), SPEND_MONTHS.c.total_fen.type)
    key_then = (
        select(DES.c.id)
        .where(
            DES.c.account_id == SPEND.c.account_id,
            DES.c.valid_from <= SPEND.c.month,
            (DES.c.valid_to.is_(None)) | (DES.c.valid_to > SPEND.c.month),
        )
        .exists()
    )
    keys = [SPEND.c.month, SPEND.c.province_id, SPEND.c.city_id]
    stmt = select(*keys, func.sum(fen).label("total_fen"), func.sum(case((key_then, fen), else_=0)).label("key_fen"))
    if city_ids is not None:
        stmt = stmt.where(SPEND.c.city_id.in_(city_ids))
    if since is not None:
        stmt = stmt.where(SPEND.c.month >= since)
    return stmt.group_by(*keys)


def recompute_spend() -> Select:
    """The whole of spend_months from monthly_spend and designations: city rows and province totals."""
    by_city = _spend_by_city().cte("by_city")
    keys = [by_city.c.month, by_city.c.province_id]
    totals = select(
        *keys, literal(PROVINCE_TOTAL, Integer), func.sum(by_city.c.total_fen), func.sum(by_city.c.key_fen)
    ).group_by(*keys)
    return union_all(select(by_city), totals)


SPEND_COLUMNS = ["month", "province_id", "city_id", "total_fen", "key_fen"]


def _refresh_regions(
    conn: Connection,
    table,
    columns: list[str],
    by_city: Callable[[Optional[list[int]], Optional[dt.date]], Select],
    account_ids: Optional[Collection[int]],
    since: Optional[dt.date] = None,
) -> None:
    """Recompute a monthly per-region rollup for the cities of `account_ids` (every city when None, or
    when there are many) from `by_city(cities, since)`, then its provinces' totals from the city rows;
    only the months from `since` on when given (the earlier ones did not change)."""
    if account_ids is not None and not account_ids:
        return
    months = [] if since is None else [table.c.month >= since]
    cities = provinces = None
    if account_ids is None or len(account_ids) > MAX_REFRESH_ACCOUNTS:
        conn.execute(delete(table).where(*months))
    else:
        places = conn.execute(
            select(ACCOUNTS.c.city_id, ACCOUNTS.c.province_id).where(ACCOUNTS.c.id.in_(sorted(account_ids))).distinct()
        ).all()
        cities, provinces = sorted({c for c, _ in places}), sorted({p for _, p in places})
        conn.execute(delete(table).where(table.c.city_id.in_(cities), *months))
        conn.execute(
            delete(table).where(table.c.city_id == PROVINCE_TOTAL, table.c.province_id.in_(provinces), *months)
        )
    conn.execute(insert(table).from_select(columns, by_city(cities, since)))
    conn.execute(insert(table).from_select(columns, _totals(table, columns, provinces).where(*months)))


def _totals(table, columns: list[str], province_ids: Optional[list[int]]) -> Select:
    """Province total rows (city_id 0) summed from a rollup's city rows."""
    keys = [table.c[columns[0]], table.c.province_id]
    stmt = select(
        *keys, literal(PROVINCE_TOTAL, Integer).label("city_id"), *(func.sum(table.c[c]) for c in columns[3:])
    ).where(table.c.city_id != PROVINCE_TOTAL)
    if province_ids is not None:
        stmt = stmt.where(table.c.province_id.in_(province_ids))
    return stmt.group_by(*keys)


def refresh_spend(
    conn: Connection, *, account_ids: Optional[Collection[int]] = None, since: Optional[dt.date] = None
) -> None:
    """Recompute spend_months for the cities of `account_ids` (every city when None) and their provinces'
    totals, from the month of `since` on when given: after spend or category membership changed."""
    _refresh_regions(conn, SPEND_MONTHS, SPEND_COLUMNS, _spend_by_city, account_ids, since)


def rebuild_spend(conn: Connection) -> int:
    refresh_spend(conn)
    return int(conn.scalar(select(func.count()).select_from(SPEND_MONTHS)) or 0)


def recompute_account_months(conn: Connection) -> Select:
    """account_stage_months computed from order_events and their orders."""
    month = month_of(conn, EVENTS.c.exited_at).label("month")
    keys = [month, ORDERS.c.account_id, EVENTS.c.province_id, EVENTS.c.city_id]
    on_time = case((EVENTS.c.duration_seconds <= EVENTS.c.target_seconds, 1), else_=0)
    return (
        select(*keys, func.count().label("exited"), func.sum(on_time).label("on_time"))
        .select_from(EVENTS.join(ORDERS, ORDERS.c.id == EVENTS.c.order_id))
        .where(EVENTS.c.kind == "enter", EVENTS.c.stage.in_(STAGES), EVENTS.c.exited_at.is_not(None))
        .group_by(*keys)
    )


def rebuild_account_months(conn: Connection) -> int:
    conn.execute(delete(ACCOUNT_MONTHS))
    conn.execute(insert(ACCOUNT_MONTHS).from_select(ACCOUNT_MONTH_COLUMNS, recompute_account_months(conn)))
    return int(conn.scalar(select(func.count()).select_from(ACCOUNT_MONTHS)) or 0)


def category_months_range(conn: Connection, today: Optional[dt.date] = None) -> list[dt.date]:
    """The months the rollup covers: from the earliest it holds (or 36 months back) to the latest it holds
    (or the current month). The range only grows, so every region's rows cover the same months."""
    last = (today or dt.date.today()).replace(day=1)
    first = add_months(last, 1 - CATEGORY_MONTHS_KEPT)
    earliest, latest = conn.execute(select(func.min(CATEGORY_MONTHS.c.month), func.max(CATEGORY_MONTHS.c.month))).one()
    if earliest is not None:
        first = min(first, dt.date.fromisoformat(str(earliest)[:10]))
        last = max(last, dt.date.fromisoformat(str(latest)[:10]))
    return month_starts(first, last)


def membership_by_city(months: list[dt.date], city_ids: Optional[list[int]] = None, where=None) -> Select:
    """category_months' city rows for `months` computed from the designations (of some cities, or all;
    only the designations meeting `where` when given, e.g. a user's scope)."""
    calendar = union_all(*(select(literal(m, CATEGORY_MONTHS.c.month.type).label("month")) for m in months)).cte(
        "calendar"
    )
    open_then = (DES.c.valid_from <= calendar.c.month) & (
        (DES.c.valid_to.is_(None)) | (DES.c.valid_to > calendar.c.month)
    )
    per_account = select(
        calendar.c.month,
        DES.c.account_id,
        DES.c.province_id,
        DES.c.city_id,
        func.count(func.distinct(DES.c.category)).label("categories"),
        func.max(case((DES.c.category == "high_value", 1), else_=0)).label("high_value"),
    ).select_from(calendar.join(DES, open_then))
    if city_ids is not None:
        per_account = per_account.where(DES.c.city_id.in_(city_ids))
    if where is not None:
        per_account = per_account.where(where)
    per_account = per_account.group_by(calendar.c.month, DES.c.account_id, DES.c.province_id, DES.c.city_id).subquery()
    keys = [per_account.c.month, per_account.c.province_id, per_account.c.city_id]
    return select(
        *keys,
        func.count().label("key_accounts"),
        func.sum(case((per_account.c.categories >= 2, 1), else_=0)).label("premium"),
        func.sum(per_account.c.high_value).label("high_value"),
    ).group_by(*keys)


def refresh_category_months(
    conn: Connection,
    *,
    account_ids: Optional[Collection[int]] = None,
    today: Optional[dt.date] = None,
    since: Optional[dt.date] = None,
) -> None:
    """Recompute category_months for the cities of `account_ids` (every city when None) and their
    provinces' totals, from the month of `since` on when given: after designations of those accounts
    changed."""
    months = [m for m in category_months_range(conn, today) if since is None or m >= since]
    if not months:
        return

    def by_city(cities: Optional[list[int]], _since: Optional[dt.date]) -> Select:
        return membership_by_city(months, cities)

    _refresh_regions(conn, CATEGORY_MONTHS, CATEGORY_MONTH_COLUMNS, by_city, account_ids, since)


def rebuild_category_months(conn: Connection, today: Optional[dt.date] = None) -> int:
    conn.execute(delete(CATEGORY_MONTHS))
    refresh_category_months(conn, today=today)
    return int(conn.scalar(select(func.count()).select_from(CATEGORY_MONTHS)) or 0)


def recompute_order_days(conn: Connection) -> Select:
    """The whole of order_days computed from orders: city rows and province totals."""
    received = select(
        day_of(conn, ORDERS.c.received_at).label("day"),
        ORDERS.c.province_id,
        ORDERS.c.city_id,
        literal(1, Integer).label("received"),
        literal(0, Integer).label("closed"),
    )
    closed = select(
        day_of(conn, ORDERS.c.closed_at).label("day"),
        ORDERS.c.province_id,
        ORDERS.c.city_id,
        literal(0, Integer).label("received"),
        literal(1, Integer).label("closed"),
    ).where(ORDERS.c.closed_at.is_not(None))
    moves = union_all(received, closed).cte("order_moves")
    sums = [func.sum(moves.c[c]).label(c) for c in ORDER_DAY_COUNTS]
    by_city = select(moves.c.day, moves.c.province_id, moves.c.city_id, *sums).group_by(
        moves.c.day, moves.c.province_id, moves.c.city_id
    )
    by_province = select(
        moves.c.day, moves.c.province_id, literal(PROVINCE_TOTAL, Integer).label("city_id"), *sums
    ).group_by(moves.c.day, moves.c.province_id)
    return union_all(by_city, by_province)


def rebuild_order_days(conn: Connection) -> int:
    conn.execute(delete(ORDER_DAYS))
    columns = [*ORDER_DAY_KEYS, *ORDER_DAY_COUNTS]
    return conn.execute(insert(ORDER_DAYS).from_select(columns, recompute_order_days(conn))).rowcount or 0


def _bump_order(session: Session, order: Order, at: dt.datetime, counts: str) -> None:
    rows = [
        {"day": at.date(), "province_id": order.province_id, "city_id": city_id,
         **{c: int(c == counts) for c in ORDER_DAY_COUNTS}}
        for city_id in (order.city_id, PROVINCE_TOTAL)
    ]  # fmt: skip
    _add(session, ORDER_DAYS, rows, list(ORDER_DAY_KEYS), [counts])


def order_received(session: Session, order: Order) -> None:
    """An order was created: count it on the day it was received."""
    _bump_order(session, order, order.received_at, "received")


def order_closed(session: Session, order: Order) -> None:
    """An order was closed (closed_at set): count it on that day."""
    _bump_order(session, order, order.closed_at, "closed")


def _next_visit(revisits) -> ColumnElement:
    """SQL: the day of the account's first revisit after the revisit row `revisits` (NULL when none)."""
    later = REVISITS.alias("later")
    return (
        select(func.min(later.c.visited_on))
        .where(later.c.account_id == revisits.c.account_id, later.c.visited_on > revisits.c.visited_on)
        .scalar_subquery()
    )


def rebuild_next_visits(conn: Connection) -> int:
    """Set every revisit's next_visit_on from the revisits; returns how many revisits there are."""
    return conn.execute(update(REVISITS).values(next_visit_on=_next_visit(REVISITS))).rowcount or 0


def revisit_logged(session: Session, revisit: Revisit) -> None:
    """Keep next_visit_on exact when `revisit` is added (call after it is flushed, with its account
    locked): the account's earlier revisits whose next one was later now have this one next, and this
    one gets the first revisit after it (one exists when it was logged for a past day)."""
    day = revisit.visited_on
    session.execute(
        update(REVISITS)
        .where(
            REVISITS.c.account_id == revisit.account_id,
            REVISITS.c.visited_on < day,
            or_(REVISITS.c.next_visit_on.is_(None), REVISITS.c.next_visit_on > day),
        )
        .values(next_visit_on=day)
    )
    session.execute(update(REVISITS).where(REVISITS.c.id == revisit.id).values(next_visit_on=_next_visit(REVISITS)))
    session.expire(revisit, ["next_visit_on"])


def recompute_open(conn: Connection) -> Select:
    """open_stage_intervals computed from order_events: the open intervals of the working stages, each with
    the hold and resume points of its order in its stage from its entry on."""
    iv, ev = EVENTS, EVENTS.alias("ev")
    ev_epoch = epoch_seconds(conn, ev.c.at)
    pauses = and_(ev.c.order_id == iv.c.order_id, ev.c.kind.in_(("hold", "resume")), ev.c.stage == iv.c.stage,
                  ev.c.at >= iv.c.at)  # fmt: skip
    columns = [iv.c[c] for c in OPEN_COLUMNS]
    return (
        select(
            *columns,
            func.coalesce(func.sum(case((ev.c.kind == "resume", ev_epoch), else_=-ev_epoch)), 0).label("hold_epochs"),
            (func.count(case((ev.c.kind == "hold", 1))) - func.count(case((ev.c.kind == "resume", 1)))).label(
                "holds_running"
            ),
            func.coalesce(func.max(ev.c.at), iv.c.at).label("changed_at"),
        )
        .select_from(iv.outerjoin(ev, pauses))
        .where(iv.c.kind == "enter", iv.c.stage.in_(STAGES), iv.c.exited_at.is_(None))
        .group_by(*columns)
    )


def rebuild_open(conn: Connection) -> int:
    """Replace open_stage_intervals with a recomputation; returns its row count."""
    conn.execute(delete(OPEN))
    conn.execute(insert(OPEN).from_select([*OPEN_COLUMNS, *OPEN_SUMS], recompute_open(conn)))
    return int(conn.scalar(select(func.count()).select_from(OPEN)) or 0)


def _open_rows(rows) -> dict[tuple, tuple]:
    """open_stage_intervals rows keyed by id, datetimes made comparable across dialects."""

    def value(name: str, v):
        return dt.datetime.fromisoformat(str(v)) if name in ("at", "changed_at") and v is not None else v

    names = (*OPEN_COLUMNS, *OPEN_SUMS)
    return {(r[0],): tuple(value(n, v) for n, v in zip(names[1:], r[1:], strict=True)) for r in rows}


def fen(column):
    """An amount in fen (hundredths of a yuan), rounded half up, as spend_months counts it."""
    return func.cast(func.floor(column * 100 + 0.5), BigInteger)


def recompute_snapshots(conn: Connection, months: list[dt.date], account_ids=None) -> Select:
    """account_snapshots rows for the consecutive `months` (first days), of `account_ids` (every account when
    None), from accounts, designations, monthly_spend, surveys and account_stage_months.

    The running totals are window sums over a grid of every account and month that starts three months
    before the first wanted month, whose first month carries everything earlier; so the trailing
    three-month spend of every wanted month is a sum of three real months.
    """
    first, end = months[0], add_months(months[-1], 2)  # and one month more, for designations_next
    lead_in = add_months(first, -3)
    grid_months = month_starts(lead_in, add_months(months[-1], 1))
    date = SNAPSHOTS.c.month.type
    calendar = union_all(
        *(
            select(
                literal(m, date).label("month"), literal(add_months(m, 1) - dt.timedelta(days=1), date).label("last")
            )
            for m in grid_months
        )
    ).cte("calendar")

    def only(column):
        return true() if account_ids is None else column.in_(sorted(account_ids))

    def bucket(month):  # the months before the grid count in its first month
        return case((month < literal(lead_in, date), literal(lead_in, date)), else_=month)

    zero = literal(0, BigInteger)
    moves = union_all(
        select(SPEND.c.account_id, bucket(SPEND.c.month).label("month"), fen(SPEND.c.amount).label("spend"),
               zero.label("surveys"), zero.label("score"), zero.label("exited"), zero.label("on_time"),
               zero.label("designations"))
        .where(SPEND.c.month < end, only(SPEND.c.account_id)),
        select(SURVEYS.c.account_id, bucket(month_of(conn, SURVEYS.c.surveyed_on)), zero, literal(1, BigInteger),
               fen(SURVEYS.c.score), zero, zero, zero)
        .where(SURVEYS.c.surveyed_on < end, only(SURVEYS.c.account_id)),
        select(ACCOUNT_MONTHS.c.account_id, bucket(ACCOUNT_MONTHS.c.month), zero, zero, zero,
               ACCOUNT_MONTHS.c.exited, ACCOUNT_MONTHS.c.on_time, zero)
        .where(ACCOUNT_MONTHS.c.month < end, only(ACCOUNT_MONTHS.c.account_id)),
        select(DES.c.account_id, bucket(month_of(conn, DES.c.valid_from)), zero, zero, zero, zero, zero,
               literal(1, BigInteger))
        .where(DES.c.valid_from < end, only(DES.c.account_id)),
    ).subquery("moves")  # fmt: skip
    sums = ["spend", "surveys", "score", "exited", "on_time", "designations"]
    per_month = (
        select(moves.c.account_id, moves.c.month, *(func.sum(moves.c[c]).label(c) for c in sums))
        .group_by(moves.c.account_id, moves.c.month)
        .cte("per_month")
    )
    bit = case(CATEGORY_BITS, value=DES.c.category, else_=0)
    open_after = or_(DES.c.valid_to.is_(None), DES.c.valid_to > calendar.c.last)
    masks = (
        select(calendar.c.month, DES.c.account_id, func.sum(func.distinct(bit)).label("mask"))
        .select_from(calendar.join(DES, and_(DES.c.valid_from <= calendar.c.last, open_after)))
        .where(calendar.c.month >= literal(first, date), only(DES.c.account_id))
        .group_by(calendar.c.month, DES.c.account_id)
        .cte("masks")
    )
    grid = (
        select(calendar.c.month, ACCOUNTS.c.id.label("account_id"), ACCOUNTS.c.province_id, ACCOUNTS.c.city_id)
        .select_from(calendar.join(ACCOUNTS, true()))
        .where(only(ACCOUNTS.c.id))
        .subquery("grid")
    )
    joined = grid.outerjoin(
        per_month, and_(per_month.c.account_id == grid.c.account_id, per_month.c.month == grid.c.month)
    ).outerjoin(masks, and_(masks.c.account_id == grid.c.account_id, masks.c.month == grid.c.month))

    def value(name):
        return func.coalesce(per_month.c[name], 0)

    order = {"partition_by": grid.c.account_id, "order_by": grid.c.month}
    rows = (
        select(
            grid.c.account_id,
            grid.c.month,
            grid.c.province_id,
            grid.c.city_id,
            func.coalesce(masks.c.mask, 0).label("mask"),
            func.sum(value("spend")).over(**order, rows=(-2, 0)).label("trailing_fen"),
            func.lead(value("designations"), 1, 0).over(**order).label("designations_next"),
            func.sum(value("designations")).over(**order).label("designations"),
            func.sum(value("spend")).over(**order).label("spend_fen"),
            func.sum(value("surveys")).over(**order).label("surveys"),
            func.sum(value("score")).over(**order).label("score_centi"),
            func.sum(value("exited")).over(**order).label("exited"),
            func.sum(value("on_time")).over(**order).label("on_time"),
        )
        .select_from(joined)
        .subquery("rows")
    )
    return (
        select(*(rows.c[c] for c in SNAPSHOT_COLUMNS))
        .where(rows.c.month >= literal(first, date), rows.c.month <= literal(months[-1], date))
        .order_by(rows.c.month, rows.c.account_id)  # stored in this order, one month's rows together
    )


def snapshots_held(conn: Connection) -> Optional[tuple[dt.date, dt.date]]:
    """The first and last month account_snapshots holds (every account has a row for each), or None."""
    ends = (select(f(SNAPSHOTS.c.month)).scalar_subquery() for f in (func.min, func.max))
    first, last = conn.execute(select(*ends)).one()  # apart, each is one step down the key's index
    if first is None:
        return None
    return dt.date.fromisoformat(str(first)[:10]), dt.date.fromisoformat(str(last)[:10])


def _snapshot_rows(conn: Connection, months: list[dt.date], account_ids=None) -> None:
    if months:
        conn.execute(insert(SNAPSHOTS).from_select(SNAPSHOT_COLUMNS, recompute_snapshots(conn, months, account_ids)))


def _lock_snapshots(conn: Connection, *, exclusive: bool) -> None:
    """On PostgreSQL, until the transaction ends: exclusive for a transaction that deletes and recomputes
    account_snapshots rows (or adds months), shared for one that adds to their running totals. Without it,
    an addition waiting on a row that a recomputation then replaces would be lost (under READ COMMITTED
    its UPDATE finds the old row gone and cannot see the new one), and two transactions could add the
    same new month. SQLite runs one writer at a time already."""
    if conn.dialect.name == "postgresql":
        lock = func.pg_advisory_xact_lock if exclusive else func.pg_advisory_xact_lock_shared
        conn.execute(select(lock(SNAPSHOT_LOCK_KEY)))


def _grown_snapshots(conn: Connection, today: Optional[dt.date]) -> Optional[list[dt.date]]:
    """Grow the range account_snapshots holds to the current month (and SNAPSHOT_MONTHS_KEPT back), for every
    account; returns the months held before that, or None when it held none (it is built whole then)."""
    _lock_snapshots(conn, exclusive=True)
    last = (today or dt.date.today()).replace(day=1)
    first = add_months(last, 1 - SNAPSHOT_MONTHS_KEPT)
    held = snapshots_held(conn)
    if held is None:
        _snapshot_rows(conn, month_starts(first, last))
        return None
    _snapshot_rows(conn, month_starts(first, add_months(held[0], -1)))  # months that are new to the range
    _snapshot_rows(conn, month_starts(add_months(held[1], 1), last))
    return month_starts(min(first, held[0]), max(last, held[1]))


def refresh_snapshots(
    conn: Connection,
    *,
    account_ids: Optional[Collection[int]] = None,
    since: Optional[dt.date] = None,
    today: Optional[dt.date] = None,
) -> None:
    """Recompute account_snapshots for `account_ids` (every account when None, or when there are many), from
    the month of `since` on when given: after their spend changed, or they were added.
    First the range held grows to the current month (and SNAPSHOT_MONTHS_KEPT back), for every account."""
    if account_ids is not None and not account_ids:
        return
    months = _grown_snapshots(conn, today)
    if months is None:
        return
    months = [m for m in months if since is None or m >= add_months(since, -1)]  # designations_next
    if not months:
        return
    if account_ids is None or len(account_ids) > MAX_REFRESH_ACCOUNTS:
        account_ids = None
        conn.execute(delete(SNAPSHOTS).where(SNAPSHOTS.c.month >= months[0]))
    else:
        conn.execute(
            delete(SNAPSHOTS).where(SNAPSHOTS.c.account_id.in_(sorted(account_ids)), SNAPSHOTS.c.month >= months[0])
        )
    _snapshot_rows(conn, months, account_ids)


def refresh_snapshot_designations(
    conn: Connection,
    *,
    account_ids: Optional[Collection[int]] = None,
    since: Optional[dt.date] = None,
    today: Optional[dt.date] = None,
) -> None:
    """Bring the columns of account_snapshots that follow the designations (mask, designations,
    designations_next) in line with them for `account_ids` (every account when None), from the month of
    `since` on: after designations alone changed (a designation import, a threshold change). The spend,
    survey and stage columns stay as they are, so each month is one UPDATE of those accounts' rows."""
    if account_ids is not None and not account_ids:
        return
    months = _grown_snapshots(conn, today)
    if months is None:
        return
    kept = [m for m in months if since is None or m >= add_months(since, -1)]  # designations_next
    rows, date = SNAPSHOTS.c, SNAPSHOTS.c.month.type
    ids = None if account_ids is None else sorted(account_ids)
    step = MAX_REFRESH_ACCOUNTS  # ids bound per statement
    chunks = [None] if ids is None else [ids[i : i + step] for i in range(0, len(ids), step)]
    bit = case(CATEGORY_BITS, value=DES.c.category, else_=0)
    for month in kept:
        after, later = literal(add_months(month, 1), date), literal(add_months(month, 2), date)
        mine = DES.c.account_id == rows.account_id
        values = {  # as recompute_snapshots has them: open on the month's last day, started by then, next month
            "mask": func.coalesce(
                select(func.sum(func.distinct(bit)))
                .where(mine, DES.c.valid_from < after, or_(DES.c.valid_to.is_(None), DES.c.valid_to >= after))
                .scalar_subquery(),
                0,
            ),
            "designations": select(func.count()).where(mine, DES.c.valid_from < after).scalar_subquery(),
            "designations_next": select(func.count())
            .where(mine, DES.c.valid_from >= after, DES.c.valid_from < later)
            .scalar_subquery(),
        }
        for chunk in chunks:
            where = [rows.month == literal(month, date)] + ([] if chunk is None else [rows.account_id.in_(chunk)])
            conn.execute(update(SNAPSHOTS).where(*where).values(values))


def rebuild_snapshots(conn: Connection, today: Optional[dt.date] = None) -> int:
    _lock_snapshots(conn, exclusive=True)
    conn.execute(delete(SNAPSHOTS))
    refresh_snapshots(conn, today=today)
    return int(conn.scalar(select(func.count()).select_from(SNAPSHOTS)) or 0)


def _running_totals(session: Session, account_id: int, day: dt.date, **deltas: int) -> None:
    """Add `deltas` to an account's running totals from the month of `day` on."""
    values = {c: SNAPSHOTS.c[c] + n for c, n in deltas.items()}
    _lock_snapshots(session.connection(), exclusive=False)
    session.connection().execute(
        update(SNAPSHOTS)
        .where(SNAPSHOTS.c.account_id == account_id, SNAPSHOTS.c.month >= month_start(day))
        .values(values)
    )


def rebuild(conn: Connection) -> int:
    """Replace every rollup with a recomputation from the raw rows; returns the rows written."""
    return (
        rebuild_open(conn)
        + rebuild_flow(conn)
        + rebuild_durations(conn)
        + rebuild_surveys(conn)
        + rebuild_spend(conn)
        + rebuild_account_months(conn)
        + rebuild_category_months(conn)
        + rebuild_order_days(conn)
        + rebuild_next_visits(conn)
        + rebuild_snapshots(conn)
    )


def differences(conn: Connection) -> list[tuple]:
    """Rows where a rollup and a recomputation from order_events disagree (empty when in step):
    (table, key, stored or None, recomputed or None)."""

    def keyed(rows) -> dict[tuple, tuple]:
        return {(str(r[0])[:10], *r[1:5]): tuple(int(v) for v in r[5:]) for r in rows}

    found = []
    stored = keyed(conn.execute(select(*(FLOW.c[c] for c in (*KEYS, *COUNTS)))).all())
    recomputed = keyed(conn.execute(recompute(conn)).all())
    durations = keyed(conn.execute(select(*(DURATIONS.c[c] for c in (*DURATION_KEYS, "intervals")))).all())

    def keyed_days(rows) -> dict[tuple, tuple]:
        return {(str(r[0])[:10], *r[1:3]): tuple(int(v) for v in r[3:]) for r in rows}

    survey_columns = ("day", "province_id", "city_id", *SURVEY_COUNTS)
    held = sorted(
        {dt.date.fromisoformat(str(m)[:10]) for m in conn.scalars(select(CATEGORY_MONTHS.c.month).distinct())}
    )
    membership = keyed_days(conn.execute(select(membership_by_city(held).subquery())).all()) if held else {}
    by_province: dict[tuple, list[int]] = {}
    for (month, province, _), counts in membership.items():
        total = by_province.setdefault((month, province, PROVINCE_TOTAL), [0, 0, 0])
        for i, n in enumerate(counts):
            total[i] += n
    membership.update({k: tuple(v) for k, v in by_province.items()})
    for table, have, want in (
        (
            "category_months",
            keyed_days(conn.execute(select(*(CATEGORY_MONTHS.c[c] for c in CATEGORY_MONTH_COLUMNS))).all()),
            membership,
        ),
        (
            "account_stage_months",
            {(str(r[0])[:10], *r[1:4]): tuple(map(int, r[4:])) for r in conn.execute(select(ACCOUNT_MONTHS)).all()},
            {
                (str(r[0])[:10], *r[1:4]): tuple(map(int, r[4:]))
                for r in conn.execute(recompute_account_months(conn)).all()
            },
        ),
        (
            "spend_months",
            keyed_days(conn.execute(select(*(SPEND_MONTHS.c[c] for c in SPEND_COLUMNS))).all()),
            keyed_days(conn.execute(recompute_spend()).all()),
        ),
        (
            "order_days",
            keyed_days(conn.execute(select(*(ORDER_DAYS.c[c] for c in (*ORDER_DAY_KEYS, *ORDER_DAY_COUNTS)))).all()),
            keyed_days(conn.execute(recompute_order_days(conn)).all()),
        ),
        (
            "survey_days",
            keyed_days(conn.execute(select(*(SURVEY_DAYS.c[c] for c in survey_columns))).all()),
            keyed_days(conn.execute(recompute_surveys(conn)).all()),
        ),
        ("account_snapshots", *_snapshots_and_recomputation(conn)),
        ("stage_flow_days", stored, recomputed),
        (
            "open_stage_intervals",
            _open_rows(conn.execute(select(*(OPEN.c[c] for c in (*OPEN_COLUMNS, *OPEN_SUMS)))).all()),
            _open_rows(conn.execute(recompute_open(conn)).all()),
        ),
        ("stage_duration_months", durations, {k: (n,) for k, n in recompute_durations(conn).items()}),
    ):
        found += [
            (table, key, have.get(key), want.get(key))
            for key in sorted(set(have) | set(want))
            if have.get(key) != want.get(key)
        ]
    found += [
        ("revisits.next_visit_on", (revisit_id,), have, want)
        for revisit_id, have, want in conn.execute(
            select(REVISITS.c.id, REVISITS.c.next_visit_on, _next_visit(REVISITS).label("want")).order_by(REVISITS.c.id)
        )
        if have != want
    ]
    return found


def _snapshots_and_recomputation(conn: Connection) -> tuple[dict[tuple, tuple], dict[tuple, tuple]]:
    """account_snapshots as stored and recomputed over the months it holds, keyed (account, month)."""

    def keyed(rows) -> dict[tuple, tuple]:
        return {(int(r[0]), str(r[1])[:10]): tuple(int(v) for v in r[2:]) for r in rows}

    held = snapshots_held(conn)
    if held is None:
        return {}, keyed(conn.execute(select(ACCOUNTS.c.id, literal("-"))).all())  # every account lacks rows
    stored = keyed(conn.execute(select(*(SNAPSHOTS.c[c] for c in SNAPSHOT_COLUMNS))).all())
    return stored, keyed(conn.execute(recompute_snapshots(conn, month_starts(*held))).all())


def _bump(session: Session, event: OrderEvent, day, **deltas: int) -> None:
    """Add `deltas` to the event's city row, its province's total row and the national total row (creating
    them at zero)."""
    if event.stage not in STAGES:
        return
    rows = [
        {
            "day": day,
            "province_id": province_id,
            "city_id": city_id,
            "stage": event.stage,
            "service_grade": event.service_grade,
            **{c: deltas.get(c, 0) for c in COUNTS},
        }
        for province_id, city_id in (
            (event.province_id, event.city_id),
            (event.province_id, PROVINCE_TOTAL),
            (NATIONAL_TOTAL, PROVINCE_TOTAL),
        )
    ]
    _add(session, FLOW, rows, list(KEYS), list(deltas))


def interval_entered(session: Session, event: OrderEvent) -> None:
    """An order entered a stage: count it on the day of its entry, and hold it as open."""
    _bump(session, event, event.at.date(), entered=1)
    if event.stage in STAGES:
        if event.id is None:
            session.flush()  # the open row is keyed by the interval's id
        row = {c: getattr(event, c) for c in OPEN_COLUMNS}
        session.connection().execute(insert(OPEN).values(**row, hold_epochs=0, holds_running=0, changed_at=event.at))


def interval_paused(session: Session, event: OrderEvent) -> None:
    """A hold or resume point was recorded: add it to its order's open interval of the same stage."""
    sign = 1 if event.kind == "resume" else -1
    session.connection().execute(
        update(OPEN)
        .where(OPEN.c.order_id == event.order_id, OPEN.c.stage == event.stage, OPEN.c.at <= event.at)
        .values(
            hold_epochs=OPEN.c.hold_epochs + sign * epoch(event.at),
            holds_running=OPEN.c.holds_running - sign,
            changed_at=case((OPEN.c.changed_at > event.at, OPEN.c.changed_at), else_=event.at),
        )
    )


def interval_left(session: Session, event: OrderEvent) -> None:
    """An order left a stage (exited_at, duration_seconds and target_seconds set): count it and whether
    it was on time, on the day it left, and its duration class in the month it left."""
    on_time = (
        event.duration_seconds is not None
        and event.target_seconds is not None
        and event.duration_seconds <= event.target_seconds
    )
    _bump(session, event, event.exited_at.date(), exited=1, on_time=int(on_time))
    if event.stage not in STAGES:
        return
    session.connection().execute(delete(OPEN).where(OPEN.c.id == event.id))
    month = event.exited_at.date().replace(day=1)
    account = {
        "month": month, "account_id": session.get(Order, event.order_id).account_id,
        "province_id": event.province_id, "city_id": event.city_id, "exited": 1, "on_time": int(on_time),
    }  # fmt: skip
    _add(session, ACCOUNT_MONTHS, [account], ["month", "account_id"], ["exited", "on_time"])
    _running_totals(session, account["account_id"], month, exited=1, on_time=int(on_time))
    if event.duration_seconds is None:
        return
    durations = [
        {"month": month, "province_id": province_id, "stage": event.stage, "service_grade": event.service_grade,
         "duration_class": duration_class(event.duration_seconds), "intervals": 1}
        for province_id in (event.province_id, NATIONAL_TOTAL)
    ]  # fmt: skip
    _add(session, DURATIONS, durations, list(DURATION_KEYS), ["intervals"])


def main(argv: Optional[list[str]] = None) -> int:
    from lib.config import load_settings
    from lib.db import make_engine

    parser = argparse.ArgumentParser(prog="python -m lib.rollups", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["rebuild", "check"], help="rebuild from the raw rows, or compare")
    command = parser.parse_args(argv).command
    engine = make_engine(load_settings().database_url)
    started = time.perf_counter()
    if command == "check":
        with engine.connect() as conn:
            wrong = differences(conn)
        seconds = time.perf_counter() - started
        print(f"rollups: {len(wrong):,} rows differ from a recomputation ({seconds:.1f} s)")
        return 1 if wrong else 0
    with engine.begin() as conn:
        rows = rebuild(conn)
    print(f"rollups rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
