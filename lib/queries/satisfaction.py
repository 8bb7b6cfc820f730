"""The Satisfaction page's reads: index, year-on-year change in points, and its breakdowns.

Every read limits surveys (and the revisits and complaints it looks at) to the user's scope and
to accounts in the chosen categories, and aggregates in SQL; only the verbatims and the
not-followed-up list return rows, and those are limited in SQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    or_,
    select,
    union_all,
)

from lib.access import Scope, scope_condition
from lib.domain import CATEGORIES, CATEGORY_BITS, SURVEY_DIMENSIONS, categories_of, is_premium
from lib.models import Account, Complaint, OrgUnit, Revisit, Survey, User
from lib.periods import Period, add_months
from lib.queries import flow, overview, reads
from lib.queries.filters import category_condition
from lib.rollups import BIN_COLUMNS

SURVEYS = Survey.__table__
REVISITS = Revisit.__table__
COMPLAINTS = Complaint.__table__
ACCOUNTS = Account.__table__
USERS = User.__table__
ORG = OrgUnit.__table__

CSAT_MIN = 80  # CSAT counts scores at or above this cut
PROMOTER_MIN = 90  # the NPS-style net score: share >= 90 minus share < 70 (lib/messages/metrics.py)
DETRACTOR_BELOW = 70
LOW_SCORE_BELOW = 60
FOLLOW_UP_DAYS = 7
BIN_WIDTH = 5
DEFAULT_MIN_SURVEYS = 5
DEFAULT_ROW_LIMIT = 200

Categories = tuple[str, ...]


# -- building blocks ------------------------------------------------------------------------------


def days_after(dialect: str, day: ColumnElement, days: int) -> ColumnElement:
    """`day` (a DATE expression) plus `days` days, as a DATE, in the SQL of `dialect`.

    SQLite has no date arithmetic operators (date(x, '+7 days')); PostgreSQL adds an integer
    to a date. The number of days is always a bound parameter.
    """
    if dialect == "sqlite":
        return func.date(day, f"{days:+d} days", type_=Date)
    if dialect == "postgresql":
        return day + cast(literal(days), Integer)
    raise ValueError(f"no date arithmetic for the {dialect!r} dialect")


def within(column: ColumnElement, period: Period, *, timestamps: bool = False) -> ColumnElement[bool]:
    """`column` in [start, end) of the period; `timestamps` for DATETIME columns."""
    start, end = (_midnight(period.start), _midnight(period.end)) if timestamps else (period.start, period.end)
    return and_(column >= start, column < end)


def survey_filter(scope: Scope, categories: Categories) -> ColumnElement[bool]:
    """Surveys of the scope whose account is in any of the categories (all accounts when none)."""
    return and_(scope_condition(scope, SURVEYS), category_condition(SURVEYS, categories))


def _rolled_up(scope: Scope, period: Period, *, by_city: bool = False) -> list[ColumnElement[bool]]:
    """The survey_days rows of the scope in the period."""
    return flow.conditions(scope, period.start, period.end, by_city=by_city, table=flow.SURVEY_DAYS)


def _bins_sum(low: int, high: int, condition: ColumnElement[bool] | None = None) -> ColumnElement:
    """Surveys scoring in [low, high) (100 counts in the last bin), from the rollup's 5-point bins."""
    columns = [flow.SURVEY_DAYS.c[name] for b, name in enumerate(BIN_COLUMNS) if low <= b * BIN_WIDTH < high]
    total = sum(columns[1:], columns[0])
    return func.coalesce(func.sum(total if condition is None else case((condition, total), else_=0)), 0)


def _now_and_earlier(period: Period) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    day = SURVEYS.c.surveyed_on
    return within(day, period), within(day, period.year_earlier())


def _change(now: pd.Series, before: pd.Series) -> pd.Series:
    """Points of change; NaN (shown as "–") when either side has no surveys."""
    return now - before


# -- headline -------------------------------------------------------------------------------------


@reads("surveys", "accounts")
def score_shares(conn: Connection, scope: Scope, *, period: Period, categories: Categories = ()) -> dict[str, Any]:
    """Surveys, index, CSAT % and the NPS-style net score (in points) in the period."""
    if flow.serves(scope, categories):
        days = flow.SURVEY_DAYS.c
        surveys = func.sum(days.surveys)
        stmt = select(
            surveys.label("surveys"),
            flow.mean(func.sum(days.score_centi), surveys).label("index"),
            _bins_sum(CSAT_MIN, 100).label("satisfied"),
            _bins_sum(PROMOTER_MIN, 100).label("promoters"),
            _bins_sum(0, DETRACTOR_BELOW).label("detractors"),
        ).where(*_rolled_up(scope, period))
    else:
        score = SURVEYS.c.score
        stmt = select(
            func.count().label("surveys"),
            func.avg(score).label("index"),
            func.count(case((score >= CSAT_MIN, 1))).label("satisfied"),
            func.count(case((score >= PROMOTER_MIN, 1))).label("promoters"),
            func.count(case((score < DETRACTOR_BELOW, 1))).label("detractors"),
        ).where(within(SURVEYS.c.surveyed_on, period), survey_filter(scope, categories))
    row = {k: v or 0 if k != "index" else v for k, v in conn.execute(stmt).mappings().one().items()}
    n = int(row["surveys"])

    def share(key: str) -> Optional[float]:
        return 100.0 * int(row[key]) / n if n else None

    promoters, detractors = share("promoters"), share("detractors")
    return {
        "surveys": n,
        "index": None if row["index"] is None else float(row["index"]),
        "csat_pct": share("satisfied"),
        "promoters_pct": promoters,
        "detractors_pct": detractors,
        "nps": None if promoters is None else promoters - detractors,
    }


@reads("surveys", "accounts")
def satisfaction_headline(
    conn: Connection, scope: Scope, *, period: Period, categories: Categories = ()
) -> dict[str, Any]:
    """The headline: index, year-on-year change in points, growth rate, CSAT %, net score, surveys.

    The index and its change come from the Overview's own read, so the two pages always agree.
    """
    shares = score_shares(conn, scope, period=period, categories=categories)
    yoy = overview.satisfaction_year_on_year(conn, scope, period, categories)
    change, earlier = yoy["change_points"], yoy["index_year_earlier"]
    growth = None if change is None or not earlier else 100.0 * change / earlier
    return {**shares, **yoy, "growth_pct_of_earlier": growth}


# -- trend and distribution -----------------------------------------------------------------------


def month_buckets(period: Period) -> list[Period]:
    """The calendar months of the period, the first and last cut to the period's own bounds."""
    buckets, start = [], period.start
    while start < period.end:
        end = min(add_months(start, 1), period.end)
        buckets.append(Period(start, end))
        start = end
    return buckets


def _bucket_stats(conn: Connection, scope: Scope, categories: Categories, buckets: list[Period]) -> pd.DataFrame:
    """Surveys and mean score per bucket (by position), one scan of the buckets' date range."""
    if flow.serves(scope, categories):
        days = flow.SURVEY_DAYS.c
        rows = []
        for position, bucket in enumerate(buckets):  # a dozen small sums over a few hundred rows each
            inside = flow.in_days(bucket.start, bucket.end)
            surveys = func.sum(case((inside, days.surveys), else_=0))
            index = flow.mean(func.sum(case((inside, days.score_centi), else_=0)), surveys)
            rows.append(
                select(literal(position).label("bucket"), surveys.label("surveys"), index.label("index")).where(
                    *flow.conditions(scope, bucket.start, bucket.end, table=flow.SURVEY_DAYS)
                )
            )
        frame = pd.DataFrame(conn.execute(union_all(*rows)).all(), columns=["bucket", "surveys", "index"])
        frame = frame[frame["surveys"].fillna(0) > 0]
        return frame.astype({"bucket": "int64", "surveys": "int64"}).set_index("bucket")
    day = SURVEYS.c.surveyed_on
    bucket = case(*[(within(day, b), i) for i, b in enumerate(buckets)]).label("bucket")
    inner = (
        select(bucket, SURVEYS.c.score)
        .where(day >= buckets[0].start, day < buckets[-1].end, survey_filter(scope, categories))
        .subquery()
    )
    # Grouping on the subquery's column: PostgreSQL would not match a repeated CASE with new parameters.
    stmt = select(inner.c.bucket, func.count().label("surveys"), func.avg(inner.c.score).label("index")).group_by(
        inner.c.bucket
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=["bucket", "surveys", "index"])
    return frame.dropna(subset=["bucket"]).astype({"bucket": "int64"}).set_index("bucket")


@reads("surveys", "accounts")
def monthly_index(conn: Connection, scope: Scope, *, period: Period, categories: Categories = ()) -> pd.DataFrame:
    """Per month of the period: index and surveys, the same for the same dates a year earlier, change in points."""
    buckets = month_buckets(period)
    earlier = [b.year_earlier() for b in buckets]
    now, then = (_bucket_stats(conn, scope, categories, b) for b in (buckets, earlier))
    frame = pd.DataFrame({"month": [pd.Timestamp(b.start.replace(day=1)) for b in buckets]})
    positions = pd.RangeIndex(len(buckets))
    frame["index"] = now["index"].reindex(positions).astype("float64").to_numpy()
    frame["surveys"] = now["surveys"].reindex(positions).fillna(0).astype("int64").to_numpy()
    frame["index_year_earlier"] = then["index"].reindex(positions).astype("float64").to_numpy()
    frame["surveys_year_earlier"] = then["surveys"].reindex(positions).fillna(0).astype("int64").to_numpy()
    frame["change_points"] = _change(frame["index"], frame["index_year_earlier"])
    return frame


@reads("surveys", "accounts")
def score_distribution(conn: Connection, scope: Scope, *, period: Period, categories: Categories = ()) -> pd.DataFrame:
    """Surveys per 5-point bin of score (0–5, …, 95–100; 100 falls in the last bin), every bin listed."""
    if flow.serves(scope, categories):
        sums = [func.sum(flow.SURVEY_DAYS.c[name]) for name in BIN_COLUMNS]
        row = conn.execute(select(*sums).where(*_rolled_up(scope, period))).one()
        counts = {b * BIN_WIDTH: int(n or 0) for b, n in enumerate(row)}
    else:
        score = SURVEYS.c.score
        edges = list(range(BIN_WIDTH, 100, BIN_WIDTH))
        bin_start = case(*[(score < e, e - BIN_WIDTH) for e in edges], else_=100 - BIN_WIDTH).label("bin_start")
        inner = (
            select(bin_start).where(within(SURVEYS.c.surveyed_on, period), survey_filter(scope, categories)).subquery()
        )
        stmt = select(inner.c.bin_start, func.count().label("surveys")).group_by(inner.c.bin_start)
        counts = dict(conn.execute(stmt).all())
    frame = pd.DataFrame({"bin_start": range(0, 100, BIN_WIDTH)})
    frame["bin_end"] = frame["bin_start"] + BIN_WIDTH
    frame["surveys"] = frame["bin_start"].map(lambda b: int(counts.get(b, 0))).astype("int64")
    total = frame["surveys"].sum()
    frame["share_pct"] = 100.0 * frame["surveys"] / total if total else 0.0
    return frame


# -- breakdowns -----------------------------------------------------------------------------------


def _yoy_columns(period: Period, column: ColumnElement, name: str) -> list[ColumnElement]:
    in_now, in_then = _now_and_earlier(period)
    return [
        func.avg(case((in_now, column))).label(name),
        func.avg(case((in_then, column))).label(f"{name}_year_earlier"),
    ]


def _count_columns(period: Period) -> list[ColumnElement]:
    in_now, in_then = _now_and_earlier(period)
    return [
        func.count(case((in_now, 1))).label("surveys"),
        func.count(case((in_then, 1))).label("surveys_year_earlier"),
    ]


def _in_either(period: Period) -> ColumnElement[bool]:
    return or_(*_now_and_earlier(period))


@reads("surveys", "accounts")
def dimension_means(conn: Connection, scope: Scope, *, period: Period, categories: Categories = ()) -> pd.DataFrame:
    """Mean of each dimension now and a year earlier, with the change in points (blank answers ignored)."""
    if flow.serves(scope, categories):
        row = _rolled_up_dimensions(conn, scope, period)
    else:
        in_now, in_then = _now_and_earlier(period)
        columns = []
        for dim in SURVEY_DIMENSIONS:
            col = SURVEYS.c[dim]
            columns += [
                *_yoy_columns(period, col, dim),
                func.count(case((in_now, col))).label(f"{dim}_n"),
                func.count(case((in_then, col))).label(f"{dim}_n_year_earlier"),
            ]
        stmt = select(*columns).where(_in_either(period), survey_filter(scope, categories))
        row = conn.execute(stmt).mappings().one()
    frame = pd.DataFrame(
        {
            "dimension": list(SURVEY_DIMENSIONS),
            "mean": [row[d] for d in SURVEY_DIMENSIONS],
            "responses": [int(row[f"{d}_n"] or 0) for d in SURVEY_DIMENSIONS],
            "mean_year_earlier": [row[f"{d}_year_earlier"] for d in SURVEY_DIMENSIONS],
            "responses_year_earlier": [int(row[f"{d}_n_year_earlier"] or 0) for d in SURVEY_DIMENSIONS],
        }
    ).astype({"mean": "float64", "mean_year_earlier": "float64"})
    frame["change_points"] = _change(frame["mean"], frame["mean_year_earlier"])
    return frame


def _rolled_up_dimensions(conn: Connection, scope: Scope, period: Period):
    columns = []
    for dim in SURVEY_DIMENSIONS:
        columns += flow.survey_year_on_year(period, f"{dim}_centi", f"{dim}_n", dim, f"{dim}_n")
    return conn.execute(select(*columns).where(*flow.survey_days_of_both_years(scope, period))).mappings().one()


@reads("surveys", "accounts", "org_units")
def region_index(conn: Connection, scope: Scope, *, period: Period, categories: Categories = ()) -> pd.DataFrame:
    """Index per province (national scope) or per city (narrower scopes), now and a year earlier.

    Sorted by the change in points, largest fall first; regions without a year-earlier figure last.
    Each dimension's change (change_<dimension>) says where a region's fall comes from.
    """
    if flow.serves(scope, categories):
        region = flow.region_column(scope, flow.SURVEY_DAYS)
        index, surveys, index_then, surveys_then = flow.survey_year_on_year(
            period, "score_centi", "surveys", "index", "surveys"
        )
        columns = [region.label("region_id"), surveys, surveys_then, index, index_then]  # the raw read's order
        for dim in SURVEY_DIMENSIONS:
            mean_now, _, mean_then, _ = flow.survey_year_on_year(period, f"{dim}_centi", f"{dim}_n", dim, f"{dim}_n")
            columns += [mean_now, mean_then]
        where = flow.survey_days_of_both_years(scope, period, by_city=not scope.is_national)
        stats = select(*columns).where(*where).group_by(region).subquery()
    else:
        region = SURVEYS.c.province_id if scope.is_national else SURVEYS.c.city_id
        columns = [region.label("region_id"), *_count_columns(period), *_yoy_columns(period, SURVEYS.c.score, "index")]
        for dim in SURVEY_DIMENSIONS:
            columns += _yoy_columns(period, SURVEYS.c[dim], dim)
        stats = select(*columns).where(_in_either(period), survey_filter(scope, categories)).group_by(region).subquery()
    stmt = select(stats, ORG.c.name_en, ORG.c.name_zh).join(ORG, ORG.c.id == stats.c.region_id)
    frame = pd.DataFrame(conn.execute(stmt).mappings().all(), columns=[*stats.c.keys(), "name_en", "name_zh"])
    floats = [c for c in frame.columns if c.startswith(("index", *SURVEY_DIMENSIONS))]
    frame = frame.astype({c: "float64" for c in floats} | {"surveys": "int64", "surveys_year_earlier": "int64"})
    frame["change_points"] = _change(frame["index"], frame["index_year_earlier"])
    for dim in SURVEY_DIMENSIONS:
        frame[f"change_{dim}"] = _change(frame[dim], frame[f"{dim}_year_earlier"])
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith(SURVEY_DIMENSIONS)])
    frame = frame[frame["surveys"] > 0]  # a region seen only a year earlier has no index now
    return frame.sort_values(["change_points", "index", "region_id"], na_position="last").reset_index(drop=True)


def largest_fall(regions: pd.DataFrame) -> Optional[dict[str, Any]]:
    """The region whose index fell most and the dimension that fell most there; None if none fell."""
    fell = regions[regions["change_points"] < 0]
    if fell.empty:
        return None
    worst = fell.loc[fell["change_points"].idxmin()]
    changes = pd.Series({d: worst[f"change_{d}"] for d in SURVEY_DIMENSIONS}, dtype="float64").dropna()
    dimension = changes.idxmin() if not changes.empty and changes.min() < 0 else None
    return {
        "region_id": int(worst["region_id"]),
        "name_en": worst["name_en"],
        "name_zh": worst["name_zh"],
        "change_points": float(worst["change_points"]),
        "dimension": dimension,
        "dimension_change": None if dimension is None else float(changes[dimension]),
    }


@reads("surveys", "accounts", "users")
def group_index(
    conn: Connection,
    scope: Scope,
    *,
    period: Period,
    categories: Categories = (),
    min_surveys: int = DEFAULT_MIN_SURVEYS,
) -> dict[str, pd.DataFrame]:
    """The satisfaction index per category and per exclusive intersection of the accounts' current
    categories (accounts.category_mask; mask 0 is "no category"), and per account manager (the account's
    current manager) with at least `min_surveys` in the period, highest index first; each with the change
    in points against the same accounts a year earlier. Keys: categories, intersections, managers.

    One grouped read of the surveys serves all three, which sum them the same way."""
    sums = _mask_manager_sums(conn, scope, period, categories)
    return {**_mask_indexes(sums), "managers": _manager_indexes(sums, min_surveys)}


PER_ACCOUNT_SUMS = ("surveys", "surveys_year_earlier", "score_sum", "score_sum_year_earlier")
SUM_TYPES = dict(zip(PER_ACCOUNT_SUMS, ("int64", "int64", "float64", "float64"), strict=True))
MANAGER_COLUMNS = ["manager_id", "manager", "surveys", "surveys_year_earlier", "index", "index_year_earlier"]


def _mask_manager_sums(conn: Connection, scope: Scope, period: Period, categories: Categories) -> pd.DataFrame:
    """Survey counts and score sums in the period and a year earlier per (current category mask, current
    manager) of the accounts in scope: a few thousand cells that the category, intersection and manager
    views each add up. Columns: mask, manager_id (None without a manager), manager, then PER_ACCOUNT_SUMS."""
    per_account = _per_account_sums(period, survey_filter(scope, categories))
    stmt = (
        select(
            ACCOUNTS.c.category_mask,
            ACCOUNTS.c.manager_id,
            USERS.c.name,
            *(func.sum(per_account.c[c]) for c in PER_ACCOUNT_SUMS),
        )
        .join_from(per_account, ACCOUNTS, ACCOUNTS.c.id == per_account.c.account_id)
        .outerjoin(USERS, USERS.c.id == ACCOUNTS.c.manager_id)
        .where(scope_condition(scope, ACCOUNTS))
        .group_by(ACCOUNTS.c.category_mask, ACCOUNTS.c.manager_id, USERS.c.name)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=["mask", "manager_id", "manager", *PER_ACCOUNT_SUMS])
    return frame.astype({"mask": "int64", **SUM_TYPES})


def _mask_indexes(sums: pd.DataFrame) -> dict[str, pd.DataFrame]:
    per_mask = sums.groupby("mask", as_index=False)[list(PER_ACCOUNT_SUMS)].sum().astype(SUM_TYPES)
    return {"categories": _per_category(per_mask), "intersections": _per_intersection(per_mask)}


def _manager_indexes(sums: pd.DataFrame, min_surveys: int) -> pd.DataFrame:
    managed = sums[sums["manager_id"].notna()].astype({"manager_id": "int64"})
    frame = managed.groupby(["manager_id", "manager"], as_index=False)[list(PER_ACCOUNT_SUMS)].sum()
    frame = _means(frame[frame["surveys"] >= min_surveys].astype(SUM_TYPES))
    frame = frame[[*MANAGER_COLUMNS, "change_points"]]
    return frame.sort_values(["index", "manager_id"], ascending=[False, True]).reset_index(drop=True)


def _per_account_sums(period: Period, condition: ColumnElement[bool]):
    """Subquery (account_id, surveys, surveys_year_earlier, score_sum, score_sum_year_earlier): each
    account's surveys in the period and a year earlier. Grouping by account first means the join to
    accounts (for the mask or the manager) is per account, not per survey."""
    in_now, in_then = _now_and_earlier(period)
    score = SURVEYS.c.score
    return (
        select(
            SURVEYS.c.account_id,
            func.count(case((in_now, 1))).label("surveys"),
            func.count(case((in_then, 1))).label("surveys_year_earlier"),
            func.coalesce(func.sum(case((in_now, score))), 0).label("score_sum"),
            func.coalesce(func.sum(case((in_then, score))), 0).label("score_sum_year_earlier"),
        )
        .where(_in_either(period), condition)
        .group_by(SURVEYS.c.account_id)
        .subquery("per_account")
    )


def _means(frame: pd.DataFrame) -> pd.DataFrame:
    """index, index_year_earlier and change_points from surveys and score sums (pooled means)."""
    index = frame["score_sum"] / frame["surveys"].where(frame["surveys"] > 0)
    before = frame["score_sum_year_earlier"] / frame["surveys_year_earlier"].where(frame["surveys_year_earlier"] > 0)
    out = frame.assign(index=index.astype("float64"), index_year_earlier=before.astype("float64"))
    out["change_points"] = _change(out["index"], out["index_year_earlier"])
    return out.drop(columns=["score_sum", "score_sum_year_earlier"])


def _per_category(per_mask: pd.DataFrame) -> pd.DataFrame:
    sums = list(PER_ACCOUNT_SUMS)
    rows = [
        {"category": c, **per_mask.loc[(per_mask["mask"] & CATEGORY_BITS[c]) != 0, sums].sum().to_dict()}
        for c in CATEGORIES
    ]
    frame = _means(pd.DataFrame(rows, columns=["category", *sums]))
    return frame[frame["surveys"] > 0].astype({"surveys": "int64", "surveys_year_earlier": "int64"})


def _per_intersection(per_mask: pd.DataFrame) -> pd.DataFrame:
    frame = _means(per_mask[per_mask["surveys"] > 0])
    frame = frame.assign(categories=frame["mask"].map(categories_of), premium=frame["mask"].map(is_premium))
    return frame.sort_values(["index", "mask"], ascending=[False, True]).reset_index(drop=True)


# -- verbatims and low-score follow-up ------------------------------------------------------------

VERBATIM_COLUMNS = ["day", "origin", "kind", "account_code", "account_name", "score", "text"]


def like_pattern(search: str) -> str:
    """A LIKE pattern matching `search` literally anywhere (%, _ and \\ escaped with \\)."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _verbatim_rows(
    conn: Connection,
    table,
    *,
    origin: str,
    day,
    kind,
    score,
    text,
    period_condition,
    scope: Scope,
    categories: Categories,
    search: str,
    limit: int,
) -> list[tuple]:
    conditions = [period_condition, text != "", scope_condition(scope, table), category_condition(table, categories)]
    if search:
        pattern = like_pattern(search)
        conditions.append(
            or_(
                text.ilike(pattern, escape="\\"),
                ACCOUNTS.c.name.ilike(pattern, escape="\\"),
                ACCOUNTS.c.code.ilike(pattern, escape="\\"),
            )
        )
    stmt = (
        select(day, kind, ACCOUNTS.c.code, ACCOUNTS.c.name, score, text)
        .join_from(table, ACCOUNTS, ACCOUNTS.c.id == table.c.account_id)
        .where(*conditions)
        .order_by(day.desc(), table.c.id.desc())
        .limit(limit)
    )
    return [(r[0], origin, *r[1:]) for r in conn.execute(stmt).all()]


@reads("surveys", "revisits", "complaints", "accounts")
def verbatims(
    conn: Connection,
    scope: Scope,
    *,
    period: Period,
    categories: Categories = (),
    search: str = "",
    limit: int = DEFAULT_ROW_LIMIT,
) -> pd.DataFrame:
    """The latest `limit` comments of surveys, notes of revisits and descriptions of complaints in the period.

    `search` matches the text, the account's name or code literally (case-insensitive); it is a
    bound parameter with LIKE's wildcards escaped. Each source is limited in SQL before merging.
    """
    common = {"scope": scope, "categories": categories, "search": search.strip(), "limit": limit}
    rows = _verbatim_rows(
        conn,
        SURVEYS,
        origin="survey",
        day=SURVEYS.c.surveyed_on,
        kind=SURVEYS.c.source,
        score=SURVEYS.c.score,
        text=SURVEYS.c.comment,
        period_condition=within(SURVEYS.c.surveyed_on, period),
        **common,
    )
    rows += _verbatim_rows(
        conn,
        REVISITS,
        origin="revisit",
        day=REVISITS.c.visited_on,
        kind=REVISITS.c.channel,
        score=REVISITS.c.score,
        text=REVISITS.c.notes,
        period_condition=within(REVISITS.c.visited_on, period),
        **common,
    )
    rows += _verbatim_rows(
        conn,
        COMPLAINTS,
        origin="complaint",
        day=COMPLAINTS.c.received_at,
        kind=COMPLAINTS.c.category,
        score=COMPLAINTS.c.followup_score,
        text=COMPLAINTS.c.description,
        period_condition=within(COMPLAINTS.c.received_at, period, timestamps=True),
        **common,
    )
    frame = pd.DataFrame(rows, columns=VERBATIM_COLUMNS)
    frame["day"] = frame["day"].map(_as_date)
    frame["score"] = frame["score"].astype("float64")
    return (
        frame.sort_values(["day", "origin"], ascending=[False, True], kind="stable").head(limit).reset_index(drop=True)
    )


def followed_up_condition(dialect: str, scope: Scope) -> ColumnElement[bool]:
    """A survey followed within 7 days (day 0 to day 7 included) by a revisit of the same account,
    or by a complaint of that account resolved in that window."""
    day = SURVEYS.c.surveyed_on
    revisited = (
        select(REVISITS.c.id)
        .where(
            REVISITS.c.account_id == SURVEYS.c.account_id,
            REVISITS.c.visited_on >= day,
            REVISITS.c.visited_on <= days_after(dialect, day, FOLLOW_UP_DAYS),
            scope_condition(scope, REVISITS),
        )
        .exists()
    )
    resolved = (
        select(COMPLAINTS.c.id)
        .where(
            COMPLAINTS.c.account_id == SURVEYS.c.account_id,
            COMPLAINTS.c.resolved_at >= day,
            COMPLAINTS.c.resolved_at < days_after(dialect, day, FOLLOW_UP_DAYS + 1),  # before day 8 begins
            scope_condition(scope, COMPLAINTS),
        )
        .exists()
    )
    return or_(revisited, resolved)


@reads("surveys", "revisits", "complaints", "accounts", "users")
def low_score_follow_up(
    conn: Connection, scope: Scope, *, period: Period, categories: Categories = (), limit: int = DEFAULT_ROW_LIMIT
) -> dict[str, Any]:
    """Scores below 60 in the period, how many were followed up within 7 days, and the latest not followed up."""
    followed = followed_up_condition(conn.dialect.name, scope)
    low = and_(
        SURVEYS.c.score < LOW_SCORE_BELOW, within(SURVEYS.c.surveyed_on, period), survey_filter(scope, categories)
    )
    counts = conn.execute(select(func.count(), func.count(case((followed, 1)))).select_from(SURVEYS).where(low)).one()
    stmt = (
        select(
            SURVEYS.c.surveyed_on,
            ACCOUNTS.c.code,
            ACCOUNTS.c.name,
            USERS.c.name,
            SURVEYS.c.score,
            SURVEYS.c.source,
            SURVEYS.c.comment,
        )
        .join_from(SURVEYS, ACCOUNTS, ACCOUNTS.c.id == SURVEYS.c.account_id)
        .outerjoin(USERS, USERS.c.id == ACCOUNTS.c.manager_id)
        .where(low, not_(followed), scope_condition(scope, ACCOUNTS))
        .order_by(SURVEYS.c.surveyed_on.desc(), SURVEYS.c.id.desc())
        .limit(limit)
    )
    missed = pd.DataFrame(
        conn.execute(stmt).all(),
        columns=["day", "account_code", "account_name", "manager", "score", "source", "comment"],
    )
    missed["day"] = missed["day"].map(_as_date)
    low_scores, followed_up = int(counts[0]), int(counts[1])
    return {
        "low_scores": low_scores,
        "followed_up": followed_up,
        "rate_pct": 100.0 * followed_up / low_scores if low_scores else None,
        "not_followed": missed,
    }


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
