"""An account manager's work queue: revisits due, and accounts to follow up."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, and_, case, func, literal, or_, select

from lib.access import Scope, scope_condition
from lib.domain import LOW_SCORE
from lib.models import Account, OrgUnit, Revisit, RevisitCadence, Survey
from lib.queries import reads
from lib.queries.filters import text_search

ACCOUNTS = Account.__table__
REVISITS = Revisit.__table__
SURVEYS = Survey.__table__
LOW_SURVEY_LOOKBACK_DAYS = 30
DUE_COLUMNS = ["account_id", "code", "name", "service_grade", "category_mask", "last_visit", "due", "days_overdue"]
FOLLOW_UP_COLUMNS = ["account_id", "code", "name", "reason", "on", "score"]


@reads("accounts", "revisits")
def revisits_due(
    conn: Connection, scope: Scope, *, today: dt.date, horizon_days: int = 14, limit: int = 500
) -> pd.DataFrame:
    """Key accounts whose next revisit is due within `horizon_days` (or overdue, or never visited).

    The due date is the latest revisit's next_due; a key account never revisited is due today.
    """
    latest = (
        select(
            REVISITS.c.account_id,
            func.max(REVISITS.c.visited_on).label("last_visit"),
            func.max(REVISITS.c.next_due).label("next_due"),
        )
        .group_by(REVISITS.c.account_id)
        .subquery()
    )
    due = func.coalesce(latest.c.next_due, literal(today))
    stmt = (
        select(
            ACCOUNTS.c.id,
            ACCOUNTS.c.code,
            ACCOUNTS.c.name,
            ACCOUNTS.c.service_grade,
            ACCOUNTS.c.category_mask,
            latest.c.last_visit,
            due.label("due"),
        )
        .outerjoin(latest, latest.c.account_id == ACCOUNTS.c.id)
        .where(
            ACCOUNTS.c.category_mask != 0,
            scope_condition(scope, ACCOUNTS),
            or_(latest.c.next_due.is_(None), latest.c.next_due <= today + dt.timedelta(days=horizon_days)),
        )
        .order_by(due, ACCOUNTS.c.name)
        .limit(limit)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=DUE_COLUMNS[:-1])
    frame["due"] = pd.to_datetime(frame["due"]).dt.date
    frame["days_overdue"] = [(today - d).days for d in frame["due"]]  # a few hundred rows at most
    return frame


@reads("accounts", "revisits", "surveys")
def follow_ups(conn: Connection, scope: Scope, *, today: dt.date, limit: int = 500) -> pd.DataFrame:
    """Accounts to follow up: the latest revisit scored low or flagged a churn risk, or a recent low
    survey score has had no revisit since."""
    ranked = (
        select(
            REVISITS.c.account_id,
            REVISITS.c.visited_on,
            REVISITS.c.score,
            REVISITS.c.outcome,
            func.row_number()
            .over(partition_by=REVISITS.c.account_id, order_by=(REVISITS.c.visited_on.desc(), REVISITS.c.id.desc()))
            .label("rn"),
        )
        .where(scope_condition(scope, REVISITS))
        .subquery()
    )
    flagged = or_(ranked.c.score < LOW_SCORE, ranked.c.outcome == "churn_risk")
    from_revisits = select(
        ranked.c.account_id,
        case((ranked.c.outcome == "churn_risk", "churn_risk"), else_="low_revisit_score").label("reason"),
        ranked.c.visited_on.label("on"),
        ranked.c.score,
    ).where(ranked.c.rn == 1, flagged)
    later_revisit = (
        select(REVISITS.c.id)
        .where(REVISITS.c.account_id == SURVEYS.c.account_id, REVISITS.c.visited_on >= SURVEYS.c.surveyed_on)
        .exists()
    )
    from_surveys = select(
        SURVEYS.c.account_id,
        literal("low_survey_score").label("reason"),
        SURVEYS.c.surveyed_on.label("on"),
        SURVEYS.c.score,
    ).where(
        SURVEYS.c.score < LOW_SCORE,
        SURVEYS.c.surveyed_on >= today - dt.timedelta(days=LOW_SURVEY_LOOKBACK_DAYS),
        SURVEYS.c.surveyed_on <= today,
        ~later_revisit,
        scope_condition(scope, SURVEYS),
    )
    both = from_revisits.union_all(from_surveys).subquery()
    stmt = (
        select(ACCOUNTS.c.id, ACCOUNTS.c.code, ACCOUNTS.c.name, both.c.reason, both.c.on, both.c.score)
        .join(both, and_(both.c.account_id == ACCOUNTS.c.id))
        .where(scope_condition(scope, ACCOUNTS))
        .order_by(both.c.on.desc(), ACCOUNTS.c.name)
        .limit(limit)
    )
    return pd.DataFrame(conn.execute(stmt).all(), columns=FOLLOW_UP_COLUMNS)


@reads("accounts", "org_units")
def writable_accounts(conn: Connection, scope: Scope, *, search: str = "", limit: int = 200) -> pd.DataFrame:
    """Accounts the user may write for (their scope) whose code or name contains `search`, for a form's
    picker: id, code, name, service grade and city; key accounts first, then by name."""
    city = OrgUnit.__table__.alias("city")
    stmt = (
        select(
            ACCOUNTS.c.id,
            ACCOUNTS.c.code,
            ACCOUNTS.c.name,
            ACCOUNTS.c.service_grade,
            city.c.name_en.label("city_en"),
            city.c.name_zh.label("city_zh"),
        )
        .join(city, city.c.id == ACCOUNTS.c.city_id)
        .where(scope_condition(scope, ACCOUNTS), text_search(search, ACCOUNTS.c.name, ACCOUNTS.c.code))
        .order_by(case((ACCOUNTS.c.category_mask != 0, 0), else_=1), ACCOUNTS.c.name, ACCOUNTS.c.code)
        .limit(limit)
    )
    frame = pd.DataFrame(
        conn.execute(stmt).all(), columns=["id", "code", "name", "service_grade", "city_en", "city_zh"]
    )
    return frame.astype({"id": "int64"})


@reads("revisit_cadences")
def cadence_days(conn: Connection, scope: Scope, *, on: dt.date) -> dict[str, int]:
    """The revisit cadence in force on a day, per service grade (a settings table, not scoped)."""
    latest = (
        select(RevisitCadence.service_grade, func.max(RevisitCadence.effective_from).label("since"))
        .where(RevisitCadence.effective_from <= on)
        .group_by(RevisitCadence.service_grade)
        .subquery()
    )
    stmt = select(RevisitCadence.service_grade, RevisitCadence.days).join(
        latest,
        and_(latest.c.service_grade == RevisitCadence.service_grade, latest.c.since == RevisitCadence.effective_from),
    )
    return {grade: int(days) for grade, days in conn.execute(stmt).all()}
