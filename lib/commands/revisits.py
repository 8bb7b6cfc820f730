"""Logging a revisit (回访)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lib import rollups
from lib.access import CurrentUser
from lib.commands import ValidationError, account_in_scope, audit, clean_text, require_writer, utcnow
from lib.domain import DEFAULT_REVISIT_CADENCE_DAYS, LOW_SCORE, REVISIT_CHANNELS, REVISIT_OUTCOMES
from lib.models import Account, Revisit, RevisitCadence

EARLIEST_DAYS_BACK = 366


@dataclass(frozen=True)
class RevisitLogged:
    id: int
    created: bool  # False when the same form had already been stored (a double submit)
    follow_up: bool  # a low score or a churn risk puts the account on the follow-up list
    next_due: dt.date


def cadence_days(session: Session, grade: str, on: dt.date) -> int:
    """The revisit cadence in force on a day for a service grade."""
    days = session.scalar(
        select(RevisitCadence.days)
        .where(RevisitCadence.service_grade == grade, RevisitCadence.effective_from <= on)
        .order_by(RevisitCadence.effective_from.desc(), RevisitCadence.id.desc())
        .limit(1)
    )
    return int(days or DEFAULT_REVISIT_CADENCE_DAYS.get(grade, 90))


def log_revisit(
    *,
    session: Session,
    user: CurrentUser,
    account_id: Optional[int],
    visited_on: Optional[dt.date],
    channel: Optional[str],
    outcome: Optional[str],
    score: Optional[float] = None,
    needs: str = "",
    products: str = "",
    notes: str = "",
    next_due: Optional[dt.date] = None,
    idempotency_key: str,
    today: Optional[dt.date] = None,
) -> RevisitLogged:
    """Store one revisit; a resubmission with the same idempotency key returns the stored one."""
    require_writer(user)
    existing = _already_stored(session, idempotency_key)
    if existing is not None:
        return existing
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    if visited_on is None:
        errors["visited_on"] = "form.error.required"
    elif visited_on > today:
        errors["visited_on"] = "form.error.future_date"
    elif visited_on < today - dt.timedelta(days=EARLIEST_DAYS_BACK):
        errors["visited_on"] = "form.error.too_old"
    if channel not in REVISIT_CHANNELS:
        errors["channel"] = "form.error.required"
    if outcome not in REVISIT_OUTCOMES:
        errors["outcome"] = "form.error.required"
    if score is not None and not 0 <= score <= 100:
        errors["score"] = "form.error.score_range"
    texts = {
        field: clean_text(value, field, errors)
        for field, value in (("needs", needs), ("products", products), ("notes", notes))
    }
    if not idempotency_key:
        errors["form"] = "form.error.invalid"
    account = account_in_scope(session, user, account_id) if account_id is not None else None
    if account is None:
        errors["account"] = "form.error.required"
    if next_due is not None and visited_on is not None and next_due <= visited_on:
        errors["next_due"] = "form.error.due_after_visit"
    if errors:
        raise ValidationError(errors)
    # One revisit of an account at a time: each keeps the day of the next one (next_visit_on).
    session.execute(select(Account.id).where(Account.id == account.id).with_for_update())
    due = next_due or visited_on + dt.timedelta(days=cadence_days(session, account.service_grade, visited_on))
    revisit = Revisit(
        account_id=account.id,
        province_id=account.province_id,
        city_id=account.city_id,
        manager_id=account.manager_id,
        visited_on=visited_on,
        channel=channel,
        score=score,
        outcome=outcome,
        next_due=due,
        created_by=user.id,
        created_at=utcnow(),
        idempotency_key=idempotency_key,
        **texts,
    )
    try:
        with session.begin_nested():
            session.add(revisit)
    except IntegrityError:  # the same form stored concurrently by another request
        stored = _already_stored(session, idempotency_key)
        if stored is None:
            raise
        return stored
    rollups.revisit_logged(session, revisit)
    follow_up = needs_follow_up(score, outcome)
    audit(
        session,
        user,
        "log_revisit",
        "revisit",
        revisit.id,
        account_id=account.id,
        visited_on=visited_on,
        outcome=outcome,
        score=score,
        follow_up=follow_up,
    )
    return RevisitLogged(id=revisit.id, created=True, follow_up=follow_up, next_due=due)


def needs_follow_up(score: Optional[float], outcome: Optional[str]) -> bool:
    return (score is not None and score < LOW_SCORE) or outcome == "churn_risk"


def _already_stored(session: Session, key: str) -> Optional[RevisitLogged]:
    if not key:
        return None
    found = session.scalar(select(Revisit).where(Revisit.idempotency_key == key))
    if found is None:
        return None
    return RevisitLogged(
        id=found.id, created=False, follow_up=needs_follow_up(found.score, found.outcome), next_due=found.next_due
    )
