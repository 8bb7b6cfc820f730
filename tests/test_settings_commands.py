"""Settings with history: the threshold and its re-derivation of high-value and premium, cadences,
stage targets and complaint targets; validation, who-and-when, and the portfolio over time."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lib import rollups
from lib.access import CurrentUser, Scope
from lib.commands import CommandError, ValidationError
from lib.commands.complaints import stage_target_seconds
from lib.commands.revisits import cadence_days
from lib.commands.settings import (
    complaint_targets_on,
    set_cadences,
    set_complaint_targets,
    set_stage_targets,
    set_threshold,
)
from lib.db import make_engine, write_session
from lib.derivation import rederive_high_value
from lib.models import Account, AuditLog, Designation, HighValueThreshold, MonthlySpend, StageTarget
from lib.queries.settings import settings_history
from lib.queries.tiers import membership_over_time
from tests import handmade

D = dt.date
TODAY = D(2026, 6, 15)
MONTHS = [D(2026, m, 1) for m in range(1, 7)]
SPEND = {  # account -> amount per month, January to June 2026
    "a2": [4000] * 6,
    "a4": [3500] * 6,
    "a5": [1000, 2000, 6000, 6000, 0, 0],
}


@pytest.fixture
def data(engine):
    ids = handmade.build(engine)
    with write_session(engine) as s:
        s.add(HighValueThreshold(effective_from=D(2024, 1, 1), amount=3000, set_at=dt.datetime(2024, 1, 1)))
        for code, amounts in SPEND.items():
            account = s.get(Account, ids[code])
            for month, amount in zip(MONTHS, amounts, strict=True):
                s.add(
                    MonthlySpend(
                        account_id=account.id,
                        month=month,
                        province_id=account.province_id,
                        city_id=account.city_id,
                        amount=amount,
                    )
                )
    with engine.begin() as conn:  # spend loaded in bulk: the rollups follow
        rollups.rebuild(conn)
    with write_session(engine) as s:
        rederive_high_value(s, since=D(2026, 1, 1), today=TODAY)
    return ids


def admin(data, role: str = "admin") -> CurrentUser:
    return CurrentUser(
        id=data["admin"], username="admin", name="admin", role=role, org_level="national",
        org_en="", org_zh="", scope=Scope("national"),
    )  # fmt: skip


def run(engine, command, data, role: str = "admin", **values):
    with write_session(engine) as s:
        return command(session=s, user=admin(data, role), today=TODAY, **values)


def derived(engine, data, code: str) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(Designation.valid_from, Designation.valid_to)
            .where(Designation.account_id == data[code], Designation.category == "high_value")
            .order_by(Designation.valid_from)
        ).all()
    return [tuple(r) for r in rows]


def account_state(engine, data, code: str) -> tuple:
    with engine.connect() as conn:
        row = conn.execute(
            select(Account.category_mask, Account.service_grade, Account.lifecycle_stage).where(
                Account.id == data[code]
            )
        ).one()
    return tuple(row)


def test_membership_follows_the_trailing_three_month_average(engine, data):
    """Worked by hand: months are evaluated from March (January and February have no full window);
    a5 averages 3000, 4667, 4000, then 2000 in June, so it is in from March until June."""
    assert derived(engine, data, "a2") == [(D(2026, 3, 1), None)]
    assert derived(engine, data, "a4") == [(D(2026, 3, 1), None)]
    assert derived(engine, data, "a5") == [(D(2026, 3, 1), D(2026, 6, 1))]
    # a2 is important and high-value: premium; a4 only high-value: key; a5's stretch ended: strategic only.
    assert account_state(engine, data, "a2")[:2] == (1 | 2, "premium")
    assert account_state(engine, data, "a4")[:2] == (2, "key")
    assert account_state(engine, data, "a5")[:2] == (8, "key")


def test_raising_the_threshold_re_derives_from_its_month_and_records_who_and_when(engine, data):
    """At 3,800 from May, a4 (3,500 a month) leaves high-value from May; a2 (4,000) stays; the months
    before May keep their history; a4 is no longer a key account, so it is standard and churned."""
    with engine.connect() as conn:
        a2_row = conn.scalar(select(Designation.id).where(Designation.account_id == data["a2"]))
    result = run(engine, set_threshold, data, amount="3800", effective_from=D(2026, 5, 1))
    assert result.accounts_changed == 1
    assert derived(engine, data, "a4") == [(D(2026, 3, 1), D(2026, 5, 1))]
    with engine.connect() as conn:
        assert rollups.differences(conn) == []  # key-account spend follows the re-derivation
    assert account_state(engine, data, "a4") == (0, "standard", "churned")
    assert derived(engine, data, "a2") == [(D(2026, 3, 1), None)]
    with engine.connect() as conn:
        assert conn.scalar(select(Designation.id).where(Designation.account_id == data["a2"])) == a2_row
        stored = conn.execute(
            select(HighValueThreshold.amount, HighValueThreshold.set_by).where(
                HighValueThreshold.effective_from == D(2026, 5, 1)
            )
        ).one()
        action, detail = conn.execute(
            select(AuditLog.action, AuditLog.detail).where(AuditLog.entity == "high_value_threshold")
        ).one()
        history = settings_history(conn, Scope("national"))["thresholds"]
    assert (float(stored.amount), stored.set_by) == (3800.0, data["admin"])
    assert action == "set" and json.loads(detail)["accounts_changed"] == 1
    assert history.iloc[0]["amount"] == 3800.0 and history.iloc[0]["set_by"] == "admin"
    assert pd.isna(history.iloc[1]["set_by"])  # the initial setting has nobody behind it


def test_lowering_it_again_rejoins_the_stretch_into_one(engine, data):
    run(engine, set_threshold, data, amount=3800, effective_from=D(2026, 5, 1))
    result = run(engine, set_threshold, data, amount=3000, effective_from=D(2026, 5, 1))
    assert result.accounts_changed == 1
    assert derived(engine, data, "a4") == [(D(2026, 3, 1), None)]
    assert account_state(engine, data, "a4")[:2] == (2, "key")


def test_a_threshold_in_the_future_changes_no_membership_yet(engine, data):
    assert run(engine, set_threshold, data, amount=9000, effective_from=D(2026, 7, 1)).accounts_changed == 0
    assert derived(engine, data, "a2") == [(D(2026, 3, 1), None)]


@pytest.mark.parametrize(
    ("amount", "effective_from", "field", "message"),
    [
        ("abc", D(2026, 5, 1), "amount", "settings.error.number"),
        (0, D(2026, 5, 1), "amount", "settings.error.threshold_range"),
        (20_000_000, D(2026, 5, 1), "amount", "settings.error.threshold_range"),
        (3000, D(2026, 5, 15), "effective_from", "settings.error.first_of_month"),
        (3000, None, "effective_from", "form.error.required"),
        (3000, D(2028, 1, 1), "effective_from", "settings.error.too_far_ahead"),
    ],
)
def test_a_bad_threshold_is_refused_and_nothing_changes(engine, data, amount, effective_from, field, message):
    with pytest.raises(ValidationError) as refused:
        run(engine, set_threshold, data, amount=amount, effective_from=effective_from)
    assert refused.value.errors[field] == message
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(HighValueThreshold)) == 1


@pytest.mark.parametrize("role", ["executive", "team_lead", "staff"])
def test_only_an_administrator_changes_settings(engine, data, role):
    with pytest.raises(CommandError) as refused:
        run(engine, set_threshold, data, role=role, amount=5000, effective_from=D(2026, 5, 1))
    assert refused.value.code == "form.error.role"
    with pytest.raises(CommandError):
        run(engine, set_cadences, data, role=role, days={"premium": 10}, effective_from=TODAY)


def test_a_cadence_change_applies_from_its_date_only(engine, data):
    assert run(engine, set_cadences, data, days={"premium": 20, "key": 90}, effective_from=D(2026, 7, 1)) == 1
    with Session(engine) as s:
        assert cadence_days(s, "premium", D(2026, 7, 1)) == 20
        assert cadence_days(s, "premium", D(2026, 6, 30)) == 30  # the default before
        assert cadence_days(s, "key", D(2026, 7, 1)) == 90


def test_saving_the_values_already_in_force_says_so(engine, data):
    with pytest.raises(CommandError) as refused:
        run(engine, set_cadences, data, days={"premium": 30, "key": 90, "standard": 180}, effective_from=TODAY)
    assert refused.value.code == "settings.error.unchanged"


@pytest.mark.parametrize(("days", "effective_from"), [(0, TODAY), (1.5, TODAY), (731, TODAY), ("x", TODAY)])
def test_a_bad_cadence_is_named_under_its_field(engine, data, days, effective_from):
    with pytest.raises(ValidationError) as refused:
        run(engine, set_cadences, data, days={"premium": days}, effective_from=effective_from)
    assert refused.value.errors == {"days.premium": "settings.error.cadence_range"}


def test_targets_cannot_be_changed_in_the_past(engine, data):
    with pytest.raises(ValidationError) as refused:
        run(engine, set_stage_targets, data, hours={("premium", "received"): 2}, effective_from=TODAY - dt.timedelta(1))
    assert refused.value.errors == {"effective_from": "settings.error.not_in_past"}


def test_a_stage_target_change_is_used_for_stages_entered_from_its_date(engine, data):
    written = run(
        engine,
        set_stage_targets,
        data,
        hours={("premium", "received"): 2, ("key", "received"): 8},
        effective_from=TODAY,
    )
    assert written == 1  # key/received is 8 hours already (the default)
    with Session(engine) as s:
        assert stage_target_seconds(s, "premium", "received", TODAY) == 2 * 3600
        assert stage_target_seconds(s, "premium", "received", TODAY - dt.timedelta(1)) == 4 * 3600
        assert s.scalar(select(StageTarget.set_by)) == data["admin"]


def test_a_bad_stage_target_is_named_under_its_field(engine, data):
    with pytest.raises(ValidationError) as refused:
        run(engine, set_stage_targets, data, hours={("key", "provisioning"): -1}, effective_from=TODAY)
    assert refused.value.errors == {"hours.key.provisioning": "settings.error.hours_range"}


def test_complaint_targets_need_resolution_after_response(engine, data):
    with pytest.raises(ValidationError) as refused:
        run(engine, set_complaint_targets, data, targets={"critical": (2, 1)}, effective_from=TODAY)
    assert refused.value.errors == {"resolution.critical": "settings.error.resolution_before_response"}
    assert run(engine, set_complaint_targets, data, targets={"critical": (2, 30)}, effective_from=TODAY) == 1
    with Session(engine) as s:
        assert complaint_targets_on(s, "critical", TODAY) == (2.0, 30.0)
        assert complaint_targets_on(s, "critical", TODAY - dt.timedelta(1)) == (1.0, 24.0)
    with engine.connect() as conn:
        entities = conn.scalars(select(AuditLog.entity).where(AuditLog.action == "set")).all()
    assert entities == ["complaint_target"]


def test_the_portfolio_over_time_counts_the_designations_open_on_each_first_of_month(engine):
    """Worked by hand from the hand-made designations (no spend, so nothing derived)."""
    ids = handmade.build(engine)
    with engine.connect() as conn:
        moved = membership_over_time(conn, Scope("national"), day=D(2026, 6, 30))["months"]
        mine = membership_over_time(conn, Scope("manager", ids["ALPHA"], ids["A1"], ids["am_a"]), day=D(2026, 6, 30))
    by_month = moved.set_index("month")
    assert len(moved) == 24 and moved["month"].iloc[0] == D(2024, 7, 1) and moved["month"].iloc[-1] == D(2026, 6, 1)
    assert tuple(by_month.loc[D(2024, 12, 1)]) == (0, 0, 0)
    assert tuple(by_month.loc[D(2025, 3, 1)]) == (6, 3, 3)  # a3 is not high-value until June 2025
    assert tuple(by_month.loc[D(2026, 2, 1)]) == (6, 3, 4)  # a7 is high-value until March 2026
    assert tuple(by_month.loc[D(2026, 6, 1)]) == (5, 3, 3)
    assert tuple(mine["months"].set_index("month").loc[D(2026, 6, 1)]) == (2, 1, 1)


def test_re_deriving_the_demo_data_at_its_own_thresholds_changes_nothing(demo_database):
    """The shipped high-value stretches follow the same rule: re-deriving all of them from the first
    month changes no account (the work is rolled back)."""
    engine = make_engine(demo_database)
    try:
        with engine.connect() as conn, Session(bind=conn) as s:
            assert rederive_high_value(s, since=D(2020, 1, 1), today=D(2026, 11, 1)) == 0
            s.rollback()
    finally:
        engine.dispose()
