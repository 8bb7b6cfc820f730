"""Typed SQLAlchemy models for the whole domain (DESIGN.md section 2).

Conventions: timestamps are naive UTC; every fact row carries the province and city of its
account so that the scope filter (lib/access.py) needs no join; order stage events are stored
as intervals (exit time and hold-free duration written when the order leaves the stage).
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite for the high-volume tables.
BigId = BigInteger().with_variant(Integer(), "sqlite")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OrgUnit(Base):
    """A node of the organisation tree: national, province or city (local network)."""

    __tablename__ = "org_units"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    level: Mapped[str] = mapped_column(String(16))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("org_units.id"))
    province_id: Mapped[Optional[int]] = mapped_column(Integer)  # self for a province
    name_en: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80))
    __table_args__ = (CheckConstraint("level IN ('national', 'province', 'city')", name="level"),)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    __table_args__ = (CheckConstraint("role IN ('executive', 'team_lead', 'staff', 'admin')", name="role"),)


class Account(Base):
    """A customer; a key account when it is in at least one category."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    industry: Mapped[str] = mapped_column(String(32))
    province_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    city_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    manager_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("accounts.id"))
    lifecycle_stage: Mapped[str] = mapped_column(String(16))
    service_grade: Mapped[str] = mapped_column(String(16))
    # Current categories as a bit mask (lib.domain.CATEGORY_BITS); history is in designations.
    category_mask: Mapped[int] = mapped_column(Integer, default=0)
    created_on: Mapped[dt.date] = mapped_column(Date)
    __table_args__ = (
        Index("ix_accounts_province_city", "province_id", "city_id"),
        Index("ix_accounts_manager", "manager_id"),
        Index("ix_accounts_mask", "category_mask"),
    )


class MonthlySpend(Base):
    __tablename__ = "monthly_spend"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # first day of the month
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    amount: Mapped[float] = mapped_column(Numeric(14, 2))
    __table_args__ = (Index("ix_monthly_spend_month_province", "month", "province_id"),)


class Designation(Base):
    """One stretch of an account's membership of a category: who set it, when, until when."""

    __tablename__ = "designations"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    category: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[Optional[dt.date]] = mapped_column(Date)  # exclusive; NULL while current
    source: Mapped[str] = mapped_column(String(16))  # designated | derived
    set_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    __table_args__ = (
        Index("ix_designations_account", "account_id", "category", "valid_from"),
        Index("ix_designations_window", "valid_from", "valid_to"),
        Index("ix_designations_span", "account_id", "valid_from", "valid_to"),  # "is it key on that day?"
    )


class HighValueThreshold(Base):
    """The dated high-value threshold: the row with the latest effective_from <= d is in force."""

    __tablename__ = "high_value_thresholds"
    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[float] = mapped_column(Numeric(12, 2))
    set_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime)


class RevisitCadence(Base):
    __tablename__ = "revisit_cadences"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_grade: Mapped[str] = mapped_column(String(16))
    days: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    set_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime)


class StageTarget(Base):
    """Target duration (OLA) of a stage for a service grade, in hours."""

    __tablename__ = "stage_targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    service_grade: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(24))
    target_hours: Mapped[float] = mapped_column(Float)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    set_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ComplaintTarget(Base):
    """Response and resolution targets per complaint severity, in hours."""

    __tablename__ = "complaint_targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    severity: Mapped[str] = mapped_column(String(16))
    response_hours: Mapped[float] = mapped_column(Float)
    resolution_hours: Mapped[float] = mapped_column(Float)
    effective_from: Mapped[dt.date] = mapped_column(Date)
    set_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Order(Base):
    """A demand order (dispatch ticket) raised by a local network for a key account."""

    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    raised_by_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    service_grade: Mapped[str] = mapped_column(String(16))
    product: Mapped[str] = mapped_column(String(40))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    current_stage: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16))
    complaint_id: Mapped[Optional[int]] = mapped_column(ForeignKey("complaints.id"))
    __table_args__ = (
        Index("ix_orders_province_received", "province_id", "received_at"),
        Index("ix_orders_received", "received_at"),
        Index("ix_orders_status_stage", "status", "current_stage"),
        Index("ix_orders_closed", "closed_at"),
        Index("ix_orders_province_closed", "province_id", "closed_at"),
        Index("ix_orders_account", "account_id"),
        Index("ix_orders_complaint", "complaint_id"),  # a complaint's orders, counted on every workbench row
    )


class OrderEvent(Base):
    """A stage event of an order.

    kind 'enter' rows are stage intervals: exited_at, hold_seconds and duration_seconds
    (exit - entry - holds) are written when the order leaves the stage. Other kinds
    (transfer, hold, resume, urge) are points in time within the current stage.
    """

    __tablename__ = "order_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    kind: Mapped[str] = mapped_column(String(12))
    stage: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    exited_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    hold_seconds: Mapped[int] = mapped_column(Integer, default=0)
    duration_seconds: Mapped[Optional[int]] = mapped_column(Integer)
    target_seconds: Mapped[Optional[int]] = mapped_column(Integer)  # target in force on entry
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    service_grade: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        Index("ix_order_events_order", "order_id", "at"),
        # An order's open interval: the order desk joins it for every unfinished order.
        Index("ix_order_events_order_open", "order_id", "kind", "exited_at"),
        Index("ix_order_events_exit", "kind", "exited_at", "stage"),
        Index("ix_order_events_open", "kind", "stage", "exited_at", "at"),
        # Finds the k-th shortest interval of a stage and grade within a duration class (time in stage).
        Index(
            "ix_order_events_duration", "kind", "stage", "service_grade", "duration_seconds", "exited_at", "province_id"
        ),
    )


# Tables that summarise others (rollups): derived, never generated, loaded or imported as data.
# Columns computed from other rows, kept by the commands and rebuilt with the rollups (lib/rollups.py).
DERIVED_COLUMNS = {"revisits": frozenset({"next_visit_on"})}
DERIVED_TABLES = frozenset(
    {
        "stage_flow_days",
        "stage_duration_months",
        "open_stage_intervals",
        "survey_days",
        "spend_months",
        "order_days",
        "account_stage_months",
        "category_months",
        "account_snapshots",
    }
)


class StageFlowDay(Base):
    """Rollup of the stage intervals of order_events: per day, region, stage and service grade, how many
    intervals entered the stage, how many left it, and how many of those left within their target.

    Kept in the same transaction as every write of an interval (lib/rollups.py) and rebuilt from the
    raw rows by `python -m lib.rollups rebuild`. Rows with city_id 0 hold the province's total, and the row
    with province_id 0 too the national total, so that national and province reads add up one row per day
    instead of every city.
    """

    __tablename__ = "stage_flow_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: the province's total
    stage: Mapped[str] = mapped_column(String(24), primary_key=True)
    service_grade: Mapped[str] = mapped_column(String(16), primary_key=True)
    entered: Mapped[int] = mapped_column(Integer, default=0)
    exited: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    # One region's days: a city's rows, a province's total or the national total.
    __table_args__ = (
        Index("ix_stage_flow_days_region", "city_id", "province_id", "day"),
        Index("ix_stage_flow_days_province", "province_id", "day"),  # a province's cities
    )


class OpenStageInterval(Base):
    """Rollup of the stage intervals still open (one per unfinished order in a working stage): the
    interval's own columns and what its hold and resume points add up to so far, so that its time in
    stage at a later moment needs no other event. hold_epochs is the sum of the resume times minus the sum
    of the hold times (whole seconds since 1970), holds_running the holds not yet resumed, changed_at the
    entry or the latest hold or resume. Kept by the order commands and rebuilt like stage_flow_days."""

    __tablename__ = "open_stage_intervals"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)  # the interval's order_events id
    order_id: Mapped[int] = mapped_column(BigId)
    stage: Mapped[str] = mapped_column(String(24))
    service_grade: Mapped[str] = mapped_column(String(16))
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    target_seconds: Mapped[Optional[int]] = mapped_column(Integer)
    hold_epochs: Mapped[int] = mapped_column(BigInteger, default=0)
    holds_running: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)


class StageDurationMonth(Base):
    """Rollup of the hold-free durations of the stage intervals that ended in a month, per province, stage
    and service grade: how many fell in each duration class (lib/rollups.py has the classes, 12 per
    doubling). It tells in which class the k-th shortest interval lies, so a percentile needs to read
    only that class's intervals. Rows with province_id 0 hold the national total. Kept and rebuilt like
    stage_flow_days."""

    __tablename__ = "stage_duration_months"
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(24), primary_key=True)
    service_grade: Mapped[str] = mapped_column(String(16), primary_key=True)
    duration_class: Mapped[int] = mapped_column(Integer, primary_key=True)
    intervals: Mapped[int] = mapped_column(Integer, default=0)


SCORE_BINS = 20  # 5-point bins of a 0-100 score; 100 falls in the last


class SurveyDay(Base):
    """Rollup of surveys per day and region: how many, the sum of their scores, how many fell in each
    5-point bin, and per dimension how many answered and the sum of the answers. Sums are in hundredths
    of a point (floor(score * 100 + 0.5)), so that they add up exactly. Rows with city_id 0 hold the
    province's total. Kept by the commands that record a survey and rebuilt like the other rollups."""

    __tablename__ = "survey_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: the province's total
    surveys: Mapped[int] = mapped_column(Integer, default=0)
    score_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    bin_00: Mapped[int] = mapped_column(Integer, default=0)
    bin_01: Mapped[int] = mapped_column(Integer, default=0)
    bin_02: Mapped[int] = mapped_column(Integer, default=0)
    bin_03: Mapped[int] = mapped_column(Integer, default=0)
    bin_04: Mapped[int] = mapped_column(Integer, default=0)
    bin_05: Mapped[int] = mapped_column(Integer, default=0)
    bin_06: Mapped[int] = mapped_column(Integer, default=0)
    bin_07: Mapped[int] = mapped_column(Integer, default=0)
    bin_08: Mapped[int] = mapped_column(Integer, default=0)
    bin_09: Mapped[int] = mapped_column(Integer, default=0)
    bin_10: Mapped[int] = mapped_column(Integer, default=0)
    bin_11: Mapped[int] = mapped_column(Integer, default=0)
    bin_12: Mapped[int] = mapped_column(Integer, default=0)
    bin_13: Mapped[int] = mapped_column(Integer, default=0)
    bin_14: Mapped[int] = mapped_column(Integer, default=0)
    bin_15: Mapped[int] = mapped_column(Integer, default=0)
    bin_16: Mapped[int] = mapped_column(Integer, default=0)
    bin_17: Mapped[int] = mapped_column(Integer, default=0)
    bin_18: Mapped[int] = mapped_column(Integer, default=0)
    bin_19: Mapped[int] = mapped_column(Integer, default=0)
    network_n: Mapped[int] = mapped_column(Integer, default=0)
    network_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    service_n: Mapped[int] = mapped_column(Integer, default=0)
    service_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    billing_n: Mapped[int] = mapped_column(Integer, default=0)
    billing_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    account_manager_n: Mapped[int] = mapped_column(Integer, default=0)
    account_manager_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    after_sales_n: Mapped[int] = mapped_column(Integer, default=0)
    after_sales_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    __table_args__ = (
        Index("ix_survey_days_city", "city_id", "day"),
        Index("ix_survey_days_province", "province_id", "day"),  # a province's cities
    )


class SpendMonth(Base):
    """Rollup of monthly spend per month and region: all accounts' spend and the spend of the accounts
    that were key accounts on the month's first day, in fen (hundredths of a yuan). Rows with city_id 0
    hold the province's total. Spend and category membership change only through imports and the
    re-derivation of high-value, which refresh the cities they touch (lib/rollups.refresh_spend)."""

    __tablename__ = "spend_months"
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: the province's total
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    key_fen: Mapped[int] = mapped_column(BigInteger, default=0)


class AccountStageMonth(Base):
    """Rollup of the stage intervals that ended in a month, per account: how many, and how many within
    their target. Lets per-account figures (the on-time rate of each intersection of categories) skip the
    raw intervals. Kept and rebuilt like stage_flow_days."""

    __tablename__ = "account_stage_months"
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    exited: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (Index("ix_account_stage_months_account", "account_id", "month"),)


class OrderDay(Base):
    """Rollup of orders received and closed per day and region (rows with city_id 0 hold the province's
    total), kept by the commands that create and close orders (lib/rollups.py)."""

    __tablename__ = "order_days"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: the province's total
    received: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (
        Index("ix_order_days_city", "city_id", "day"),
        Index("ix_order_days_province", "province_id", "day"),
    )


class CategoryMonth(Base):
    """Rollup of category membership on the first day of each month, per region: key accounts (in any
    category), premium ones (in two or more) and high-value ones. Rows with city_id 0 hold the province's
    total. Refreshed for the cities whose accounts' designations change (lib/rollups.py)."""

    __tablename__ = "category_months"
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    province_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[int] = mapped_column(Integer, primary_key=True)  # 0: the province's total
    key_accounts: Mapped[int] = mapped_column(Integer, default=0)
    premium: Mapped[int] = mapped_column(Integer, default=0)
    high_value: Mapped[int] = mapped_column(Integer, default=0)


class AccountSnapshot(Base):
    """Rollup of each account at the end of each month: its categories on the month's last day (a bit
    mask), the spend of the month and the two before (the trailing sum that high-value and potential are
    judged on), how many designations start in the next month (whether an account potential at the
    month's end converted in the next), and running totals up to the month's end of designations
    started, spend, surveys and their scores, and stage intervals ended and ended on time. Money in fen,
    scores in hundredths. A period's figures per account are the difference of two months' running
    totals, so the Tiers page reads two rows per account instead of its spend, surveys and intervals.

    Every account has a row for every month of the range held (25 months back at least, up to the
    current month). Refreshed for the accounts whose designations or spend change, bumped by the
    commands that record a survey or end a stage interval (lib/rollups.py)."""

    __tablename__ = "account_snapshots"
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    account_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    mask: Mapped[int] = mapped_column(Integer, default=0)
    trailing_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    designations_next: Mapped[int] = mapped_column(Integer, default=0)  # starting in the next month
    designations: Mapped[int] = mapped_column(Integer, default=0)  # running totals from here on
    spend_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    surveys: Mapped[int] = mapped_column(Integer, default=0)
    score_centi: Mapped[int] = mapped_column(BigInteger, default=0)
    exited: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    # Stored in month order on SQLite (a table without rowid is kept in its key's order), so that one
    # month's rows are read together; the potential accounts (no category, trailing spend from a cut) are
    # found through an index, and one account's months (the commands' bumps) through another.
    __table_args__ = (
        Index(
            "ix_account_snapshots_potential",
            "month",
            "mask",
            "trailing_fen",
            "designations_next",
            "province_id",
            "city_id",
        ),
        Index("ix_account_snapshots_account", "account_id", "month"),
        {"sqlite_with_rowid": False},
    )


class Complaint(Base):
    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(24))
    category: Mapped[str] = mapped_column(String(24))
    severity: Mapped[str] = mapped_column(String(12))
    green_channel: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime)
    first_response_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    resolved_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    followup_score: Mapped[Optional[float]] = mapped_column(Float)
    raised_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    __table_args__ = (
        Index("ix_complaints_province_status", "province_id", "status"),
        Index("ix_complaints_received", "received_at"),
        Index("ix_complaints_account", "account_id"),
    )


class ComplaintEvent(Base):
    """One status change of a complaint: who moved it, from what, to what, when."""

    __tablename__ = "complaint_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id"))
    from_status: Mapped[Optional[str]] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_complaint_events_complaint", "complaint_id", "at"),)


class Revisit(Base):
    __tablename__ = "revisits"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    manager_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    visited_on: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(16))
    score: Mapped[Optional[float]] = mapped_column(Float)
    needs: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(24))
    notes: Mapped[str] = mapped_column(Text, default="")
    next_due: Mapped[Optional[dt.date]] = mapped_column(Date)
    # The day of the account's next revisit after this one (NULL while there is none): whether a due
    # date was met without a search per revisit. Kept by the revisit command, rebuilt with the rollups.
    next_visit_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    created_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    idempotency_key: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    __table_args__ = (
        Index("ix_revisits_account", "account_id", "visited_on"),
        Index("ix_revisits_province_visited", "province_id", "visited_on"),
        Index("ix_revisits_due", "next_due", "account_id", "next_visit_on", "province_id", "city_id"),
    )


class Survey(Base):
    """A satisfaction survey: an overall 0-100 score and the five dimension scores."""

    __tablename__ = "surveys"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    province_id: Mapped[int] = mapped_column(Integer)
    city_id: Mapped[int] = mapped_column(Integer)
    surveyed_on: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    network: Mapped[Optional[float]] = mapped_column(Float)
    service: Mapped[Optional[float]] = mapped_column(Float)
    billing: Mapped[Optional[float]] = mapped_column(Float)
    account_manager: Mapped[Optional[float]] = mapped_column(Float)
    after_sales: Mapped[Optional[float]] = mapped_column(Float)
    comment: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (
        CheckConstraint("score >= 0 AND score <= 100", name="score_range"),
        Index("ix_surveys_province_date", "province_id", "surveyed_on"),
        Index("ix_surveys_date", "surveyed_on"),
        Index("ix_surveys_account", "account_id", "surveyed_on", "score"),  # per-account sums without the rows
    )


class AccountPlan(Base):
    """One customer, one plan (一户一案)."""

    __tablename__ = "account_plans"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), unique=True)
    objectives: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    products: Mapped[str] = mapped_column(Text, default="")
    competitors: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class PlanAction(Base):
    __tablename__ = "plan_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("account_plans.id"))
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # planned | in_progress | done | dropped


class AuditLog(Base):
    """Every write: who, when, what."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[Optional[str]] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (Index("ix_audit_log_at", "at"),)
