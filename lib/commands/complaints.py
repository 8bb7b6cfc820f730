"""Complaints (投诉): logging one, moving it through its statuses, raising an order from it.

Status changes are checked optimistically: the caller says which status the user saw, and the
command refuses ("form.error.stale") when the stored status differs, so a double click or two
people acting at once cannot apply a step twice. The complaint row is locked (SELECT ... FOR
UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers) before the check.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lib import rollups
from lib.access import CurrentUser, scope_condition
from lib.commands import (
    CommandError,
    OutOfScope,
    ValidationError,
    account_in_scope,
    audit,
    clean_text,
    require_writer,
    utcnow,
)
from lib.domain import (
    COMPLAINT_CATEGORIES,
    COMPLAINT_CHANNELS,
    COMPLAINT_SEVERITIES,
    COMPLAINT_STATUSES,
    DEFAULT_STAGE_TARGET_HOURS,
    STAGES,
)
from lib.models import Complaint, ComplaintEvent, Order, OrderEvent, StageTarget, Survey

EARLIEST_DAYS_BACK = 366
PRODUCT_MAX = 40  # orders.product is VARCHAR(40)
GREEN_CHANNEL_SEVERITIES = ("high", "critical")  # the green channel is for urgent cases only

# from status -> the statuses it may move to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("in_progress", "resolved"),
    "in_progress": ("resolved",),
    "resolved": ("closed", "reopened"),
    "closed": ("reopened",),
    "reopened": ("in_progress", "resolved"),
}

COMPLAINTS = Complaint.__table__


@dataclass(frozen=True)
class ComplaintLogged:
    id: int
    code: str
    created: bool  # False when the same form had already been stored (a double submit)


@dataclass(frozen=True)
class ComplaintMoved:
    id: int
    code: str
    from_status: str
    to_status: str
    survey_id: Optional[int]  # the follow-up satisfaction record written on closure


@dataclass(frozen=True)
class OrderRaised:
    id: int
    code: str
    complaint_id: int


def allowed_moves(status: str) -> tuple[str, ...]:
    """The statuses a complaint in `status` may move to."""
    return TRANSITIONS.get(status, ())


def log_complaint(
    *,
    session: Session,
    user: CurrentUser,
    account_id: Optional[int],
    channel: Optional[str],
    category: Optional[str],
    severity: Optional[str],
    green_channel: bool,
    description: Optional[str],
    received_at: Optional[dt.datetime] = None,
    idempotency_key: str,
    now: Optional[dt.datetime] = None,
) -> ComplaintLogged:
    """Store one complaint (status open) with its opening event; a resubmitted form returns the stored one."""
    require_writer(user)
    existing = _already_logged(session, idempotency_key)
    if existing is not None:
        return existing
    now = now or utcnow()
    received_at = received_at or now
    errors: dict[str, str] = {}
    if channel not in COMPLAINT_CHANNELS:
        errors["channel"] = "form.error.required"
    if category not in COMPLAINT_CATEGORIES:
        errors["category"] = "form.error.required"
    if severity not in COMPLAINT_SEVERITIES:
        errors["severity"] = "form.error.required"
    elif green_channel and severity not in GREEN_CHANNEL_SEVERITIES:
        errors["green_channel"] = "complaints.error.green_channel"
    text = clean_text(description, "description", errors, required=True)
    if received_at > now:
        errors["received_at"] = "form.error.future_date"
    elif received_at < now - dt.timedelta(days=EARLIEST_DAYS_BACK):
        errors["received_at"] = "form.error.too_old"
    if not idempotency_key:
        errors["form"] = "form.error.invalid"
    account = account_in_scope(session, user, account_id) if account_id is not None else None
    if account is None:
        errors["account"] = "form.error.required"
    if errors:
        raise ValidationError(errors)
    complaint = Complaint(
        code=_provisional_code(),
        account_id=account.id,
        province_id=account.province_id,
        city_id=account.city_id,
        channel=channel,
        category=category,
        severity=severity,
        green_channel=bool(green_channel),
        description=text,
        status="open",
        received_at=received_at,
        reopened_count=0,
        raised_by=user.id,
        idempotency_key=idempotency_key,
    )
    try:
        with session.begin_nested():
            session.add(complaint)
            session.flush()
            complaint.code = f"CP{complaint.id:08d}"
            session.add(
                ComplaintEvent(
                    complaint_id=complaint.id,
                    from_status=None,
                    to_status="open",
                    at=received_at,
                    actor_id=user.id,
                    note="",
                )
            )
            session.flush()
    except IntegrityError:  # the same form stored concurrently by another request
        stored = _already_logged(session, idempotency_key)
        if stored is None:
            raise
        return stored
    audit(
        session,
        user,
        "log_complaint",
        "complaint",
        complaint.id,
        account_id=account.id,
        code=complaint.code,
        channel=channel,
        category=category,
        severity=severity,
        green_channel=bool(green_channel),
    )
    return ComplaintLogged(id=complaint.id, code=complaint.code, created=True)


def change_complaint_status(
    *,
    session: Session,
    user: CurrentUser,
    complaint_id: Optional[int],
    expected_status: str,
    to_status: Optional[str],
    note: str = "",
    followup_score: Optional[float] = None,
    now: Optional[dt.datetime] = None,
) -> ComplaintMoved:
    """Move a complaint one step, recording who and when; refuses if its status is no longer `expected_status`."""
    require_writer(user)
    complaint = _locked_complaint(session, user, complaint_id)
    if complaint.status != expected_status:
        raise CommandError("form.error.stale")
    errors: dict[str, str] = {}
    if to_status not in COMPLAINT_STATUSES:
        errors["to_status"] = "form.error.required"
    elif to_status not in allowed_moves(complaint.status):
        errors["to_status"] = "form.error.transition"
    text = clean_text(note, "note", errors, required=to_status == "reopened")
    if to_status == "closed":
        if followup_score is None:
            errors["followup_score"] = "form.error.required"
        elif not 0 <= followup_score <= 100:
            errors["followup_score"] = "form.error.score_range"
    if errors:
        raise ValidationError(errors)
    now = now or utcnow()
    from_status = complaint.status
    if complaint.first_response_at is None and from_status == "open":
        complaint.first_response_at = now  # the first move out of open is the first response
    survey_id = None
    if to_status == "resolved":
        complaint.resolved_at = now
    elif to_status == "reopened":
        complaint.resolved_at = None  # counts as open again until it is resolved again
        complaint.closed_at = None
        complaint.reopened_count = (complaint.reopened_count or 0) + 1
    elif to_status == "closed":
        complaint.closed_at = now
        complaint.followup_score = float(followup_score)
        survey = Survey(
            account_id=complaint.account_id,
            province_id=complaint.province_id,
            city_id=complaint.city_id,
            surveyed_on=now.date(),
            source="after_complaint",
            score=float(followup_score),
            comment=text,
        )
        session.add(survey)
        session.flush()
        rollups.survey_recorded(session, survey)
        survey_id = survey.id
    complaint.status = to_status
    session.add(
        ComplaintEvent(
            complaint_id=complaint.id, from_status=from_status, to_status=to_status, at=now, actor_id=user.id, note=text
        )
    )
    session.flush()
    audit(
        session,
        user,
        "change_complaint_status",
        "complaint",
        complaint.id,
        code=complaint.code,
        from_status=from_status,
        to_status=to_status,
        followup_score=followup_score,
        survey_id=survey_id,
    )
    return ComplaintMoved(
        id=complaint.id, code=complaint.code, from_status=from_status, to_status=to_status, survey_id=survey_id
    )


def raise_order_from_complaint(
    *,
    session: Session,
    user: CurrentUser,
    complaint_id: Optional[int],
    product: Optional[str],
    idempotency_key: Optional[str] = None,
    now: Optional[dt.datetime] = None,
) -> OrderRaised:
    """Open a demand order for the complaint's account, in stage "received" with its first stage interval.

    A complaint spawns at most one order: orders have no idempotency column, so the complaint is the key,
    and a second request (a double click, another user) is refused with "complaints.error.order_exists".
    `idempotency_key` is accepted for symmetry with the other forms and recorded in the audit trail.
    """
    require_writer(user)
    complaint = _locked_complaint(session, user, complaint_id)
    existing = session.scalar(select(Order.id).where(Order.complaint_id == complaint.id).limit(1))
    if existing is not None:
        raise CommandError("complaints.error.order_exists")
    if complaint.status == "closed":
        raise CommandError("complaints.error.order_closed")
    errors: dict[str, str] = {}
    name = clean_text(product, "product", errors, required=True, limit=PRODUCT_MAX)
    if errors:
        raise ValidationError(errors)
    account = account_in_scope(session, user, complaint.account_id)
    now = now or utcnow()
    order = Order(
        code=_provisional_code(),
        account_id=account.id,
        province_id=account.province_id,
        city_id=account.city_id,
        raised_by_unit_id=account.city_id,
        service_grade=account.service_grade,
        product=name,
        received_at=now,
        closed_at=None,
        current_stage=STAGES[0],
        status="open",
        complaint_id=complaint.id,
    )
    session.add(order)
    session.flush()
    rollups.order_received(session, order)
    order.code = f"WO{order.id:08d}"
    entered = OrderEvent(
        order_id=order.id,
        kind="enter",
        stage=STAGES[0],
        at=now,
        exited_at=None,
        hold_seconds=0,
        duration_seconds=None,
        target_seconds=stage_target_seconds(session, order.service_grade, STAGES[0], now.date()),
        unit_id=order.raised_by_unit_id,
        actor_id=user.id,
        province_id=order.province_id,
        city_id=order.city_id,
        service_grade=order.service_grade,
        note="",
    )
    session.add(entered)
    session.flush()
    rollups.interval_entered(session, entered)
    audit(
        session,
        user,
        "raise_order",
        "order",
        order.id,
        code=order.code,
        complaint_id=complaint.id,
        complaint_code=complaint.code,
        account_id=account.id,
        product=name,
        idempotency_key=idempotency_key,
    )
    return OrderRaised(id=order.id, code=order.code, complaint_id=complaint.id)


def stage_target_seconds(session: Session, grade: str, stage: str, on: dt.date) -> Optional[int]:
    """The target of a stage for a service grade in force on a day, in seconds (the default when unset)."""
    hours = session.scalar(
        select(StageTarget.target_hours)
        .where(StageTarget.service_grade == grade, StageTarget.stage == stage, StageTarget.effective_from <= on)
        .order_by(StageTarget.effective_from.desc(), StageTarget.id.desc())
        .limit(1)
    )
    if hours is None:
        hours = DEFAULT_STAGE_TARGET_HOURS.get(grade, {}).get(stage)
    return None if hours is None else round(float(hours) * 3600)


def _locked_complaint(session: Session, user: CurrentUser, complaint_id: Optional[int]) -> Complaint:
    """The complaint, locked for this transaction, if the user's scope covers it; OutOfScope otherwise."""
    if complaint_id is None:
        raise ValidationError({"complaint": "form.error.required"})
    found = session.scalar(
        select(Complaint)
        .where(COMPLAINTS.c.id == complaint_id, scope_condition(user.scope, COMPLAINTS))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if found is None:
        raise OutOfScope()
    return found


def _provisional_code() -> str:
    """A unique placeholder replaced by the id-based code within the same transaction."""
    return "~" + uuid.uuid4().hex[:30]


def _already_logged(session: Session, key: Optional[str]) -> Optional[ComplaintLogged]:
    if not key:
        return None
    found: Any = session.execute(select(Complaint.id, Complaint.code).where(Complaint.idempotency_key == key)).first()
    if found is None:
        return None
    return ComplaintLogged(id=found.id, code=found.code, created=False)
