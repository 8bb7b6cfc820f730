"""Settings with history: the high-value threshold, revisit cadences, stage targets, complaint targets.

A change adds dated rows (effective_from) with who and when; nothing is overwritten, so the history
is the table itself. Only values that differ from the ones in force on the effective date are
written. A threshold may take effect in the past (from the first of a month): high-value and premium
membership are re-derived from that month in the same transaction. Targets and cadences take effect
from today or later, so performance already measured keeps the targets it was measured against.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from lib import derivation
from lib.access import CurrentUser
from lib.commands import CommandError, ValidationError, audit, utcnow
from lib.commands.complaints import stage_target_seconds
from lib.commands.revisits import cadence_days
from lib.commands.users import require_admin
from lib.derivation import rederive_high_value
from lib.domain import COMPLAINT_SEVERITIES, DEFAULT_COMPLAINT_TARGET_HOURS, GRADES, STAGES
from lib.models import ComplaintTarget, HighValueThreshold, RevisitCadence, StageTarget

EARLIEST = dt.date(2000, 1, 1)
MAX_AHEAD_DAYS = 366
MAX_THRESHOLD = Decimal("10000000")
MAX_CADENCE_DAYS = 730
MAX_TARGET_HOURS = 8760.0  # a year


@dataclass(frozen=True)
class ThresholdSet:
    threshold_id: int
    accounts_changed: int  # accounts whose high-value membership was re-derived differently


def _number(value: Any) -> Optional[float]:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _effective(value: Optional[dt.date], errors: dict[str, str], today: dt.date, *, past: bool) -> Optional[dt.date]:
    if not isinstance(value, dt.date):
        errors["effective_from"] = "form.error.required"
        return None
    if value > today + dt.timedelta(days=MAX_AHEAD_DAYS):
        errors["effective_from"] = "settings.error.too_far_ahead"
    elif past and value < EARLIEST:
        errors["effective_from"] = "settings.error.too_early"
    elif not past and value < today:
        errors["effective_from"] = "settings.error.not_in_past"
    return value


def set_threshold(
    *,
    session: Session,
    user: CurrentUser,
    amount: Any,
    effective_from: Optional[dt.date],
    today: Optional[dt.date] = None,
) -> ThresholdSet:
    """Add a high-value threshold (yuan of average monthly spend) in force from the first of a month, and
    re-derive high-value and premium membership from that month on."""
    require_admin(user)
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        value = None
    if value is None or not value.is_finite():
        errors["amount"] = "settings.error.number"
    elif not Decimal("1") <= value <= MAX_THRESHOLD:
        errors["amount"] = "settings.error.threshold_range"
    day = _effective(effective_from, errors, today, past=True)
    if day is not None and "effective_from" not in errors and day.day != 1:
        errors["effective_from"] = "settings.error.first_of_month"
    if errors:
        raise ValidationError(errors)
    conn = session.connection()
    months = derivation.months_with_spend_from(conn, day)
    before = derivation.threshold_cents(conn, months)
    row = HighValueThreshold(effective_from=day, amount=value, set_by=user.id, set_at=utcnow())
    session.add(row)
    session.flush()
    # Only accounts whose trailing spend lies between the old and the new cut can change membership.
    near = derivation.accounts_near_cuts(conn, months, before, derivation.threshold_cents(conn, months))
    changed = (
        0 if near == [] else rederive_high_value(session, since=day, account_ids=near, actor_id=user.id, today=today)
    )
    audit(
        session, user, "set", "high_value_threshold", row.id, amount=value, effective_from=day, accounts_changed=changed
    )
    return ThresholdSet(threshold_id=row.id, accounts_changed=changed)


def _write_changes(session: Session, user: CurrentUser, entity: str, rows: list[Any], errors: dict[str, str]) -> int:
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise CommandError("settings.error.unchanged")
    session.add_all(rows)
    session.flush()
    for row in rows:
        values = {k: getattr(row, k) for k in row.__table__.columns.keys() if k not in ("id", "set_by", "set_at")}
        audit(session, user, "set", entity, row.id, **values)
    return len(rows)


def set_cadences(
    *,
    session: Session,
    user: CurrentUser,
    days: dict[str, Any],
    effective_from: Optional[dt.date],
    today: Optional[dt.date] = None,
) -> int:
    """Revisit cadence in days per service grade, from a date; returns how many grades changed."""
    errors: dict[str, str] = {}
    day = _target_change(user, effective_from, errors, today)
    rows = []
    for grade in GRADES:
        if grade not in days:
            continue
        value = _number(days[grade])
        if value is None or value != int(value) or not 1 <= value <= MAX_CADENCE_DAYS:
            errors[f"days.{grade}"] = "settings.error.cadence_range"
        elif day is not None and int(value) != cadence_days(session, grade, day):
            rows.append(RevisitCadence(service_grade=grade, days=int(value), **_stamp(user, day)))
    return _write_changes(session, user, "revisit_cadence", rows, errors)


def _target_change(
    user: CurrentUser, effective_from: Optional[dt.date], errors: dict[str, str], today: Optional[dt.date]
) -> Optional[dt.date]:
    """An administrator's change of targets: its effective date, today or later (checked into `errors`)."""
    require_admin(user)
    return _effective(effective_from, errors, today or dt.date.today(), past=False)


def _stamp(user: CurrentUser, day: Optional[dt.date]) -> dict[str, Any]:
    return {"effective_from": day, "set_by": user.id, "set_at": utcnow()}


def _hours(value: Any, field: str, errors: dict[str, str]) -> Optional[float]:
    number = _number(value)
    if number is None or not 0 < number <= MAX_TARGET_HOURS:
        errors[field] = "settings.error.hours_range"
        return None
    return round(number, 2)


def set_stage_targets(
    *,
    session: Session,
    user: CurrentUser,
    hours: dict[tuple[str, str], Any],
    effective_from: Optional[dt.date],
    today: Optional[dt.date] = None,
) -> int:
    """Target hours per (service grade, stage), from a date: orders entering a stage from then on are
    measured against them. Returns how many targets changed."""
    errors: dict[str, str] = {}
    day = _target_change(user, effective_from, errors, today)
    rows = []
    for grade in GRADES:
        for stage in STAGES:
            if (grade, stage) not in hours:
                continue
            value = _hours(hours[(grade, stage)], f"hours.{grade}.{stage}", errors)
            if value is None or day is None:
                continue
            if round(value * 3600) != stage_target_seconds(session, grade, stage, day):
                rows.append(StageTarget(service_grade=grade, stage=stage, target_hours=value, **_stamp(user, day)))
    return _write_changes(session, user, "stage_target", rows, errors)


def complaint_targets_on(session: Session, severity: str, day: dt.date) -> tuple[float, float]:
    """(response hours, resolution hours) in force on a day for a severity (the default when unset)."""
    row = session.execute(
        select(ComplaintTarget.response_hours, ComplaintTarget.resolution_hours)
        .where(ComplaintTarget.severity == severity, ComplaintTarget.effective_from <= day)
        .order_by(ComplaintTarget.effective_from.desc(), ComplaintTarget.id.desc())
        .limit(1)
    ).first()
    response, resolution = row if row is not None else DEFAULT_COMPLAINT_TARGET_HOURS[severity]
    return float(response), float(resolution)


def set_complaint_targets(
    *,
    session: Session,
    user: CurrentUser,
    targets: dict[str, tuple[Any, Any]],
    effective_from: Optional[dt.date],
    today: Optional[dt.date] = None,
) -> int:
    """First-response and resolution targets in hours per severity, for complaints received from a date;
    resolution may not be sooner than the response. Returns how many severities changed."""
    errors: dict[str, str] = {}
    day = _target_change(user, effective_from, errors, today)
    rows = []
    for severity in COMPLAINT_SEVERITIES:
        if severity not in targets:
            continue
        response = _hours(targets[severity][0], f"response.{severity}", errors)
        resolution = _hours(targets[severity][1], f"resolution.{severity}", errors)
        if response is None or resolution is None or day is None:
            continue
        if resolution < response:
            errors[f"resolution.{severity}"] = "settings.error.resolution_before_response"
        elif (response, resolution) != complaint_targets_on(session, severity, day):
            rows.append(
                ComplaintTarget(
                    severity=severity, response_hours=response, resolution_hours=resolution, **_stamp(user, day)
                )
            )
    return _write_changes(session, user, "complaint_target", rows, errors)
