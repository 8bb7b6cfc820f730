"""The stage-flow rollup stays exactly equal to a recomputation from the raw intervals, through random writes."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pandas as pd
import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from lib import derivation, imports, rollups, sample_data
from lib.access import NATIONAL, CurrentUser, Scope
from lib.commands import CommandError
from lib.commands.complaints import (
    allowed_moves,
    change_complaint_status,
    log_complaint,
    raise_order_from_complaint,
)
from lib.commands.imports import commit_import
from lib.commands.orders import advance_order, hold_order, resume_order, urge_order
from lib.commands.revisits import log_revisit
from lib.commands.settings import set_threshold
from lib.db import make_engine, write_session
from lib.models import (
    Account,
    Complaint,
    Designation,
    MonthlySpend,
    Order,
    OrderEvent,
    OrgUnit,
    StageFlowDay,
    Survey,
    User,
)
from lib.periods import Period, add_months, default_period
from lib.queries import flow, order_flow, overview, regions, satisfaction, tiers

WRITES = 80
START = dt.datetime(2026, 10, 20, 9)


@pytest.fixture(scope="module")
def tiny():
    return sample_data.generate("tiny")


@pytest.fixture
def loaded(engine, tiny):
    sample_data.load_dataset(engine, tiny, bcrypt_rounds=4)
    return engine


def writer(engine) -> CurrentUser:
    """A team lead over the whole country, so that every order of the small data set can be moved."""
    with engine.connect() as conn:
        user_id = conn.scalar(select(User.id).where(User.username == "lead.gd"))
    return CurrentUser(user_id, "lead.gd", "lead.gd", "team_lead", "national", "", "", NATIONAL)


def totals(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        row = conn.execute(
            select(func.sum(StageFlowDay.entered), func.sum(StageFlowDay.exited), func.sum(StageFlowDay.on_time)).where(
                StageFlowDay.city_id != rollups.PROVINCE_TOTAL
            )  # each move also counts in its province's total
        ).one()
    return tuple(int(v or 0) for v in row)


def raise_new_order(engine, user: CurrentUser, rng: random.Random, step: int) -> None:
    """A complaint on a random account, and an order raised from it."""
    now = START + dt.timedelta(hours=step)
    with engine.connect() as conn:
        accounts = conn.scalars(select(Account.id).order_by(Account.id)).all()
    with write_session(engine) as s:
        complaint = log_complaint(
            session=s, user=user, account_id=rng.choice(accounts), channel="web_app", category="fault_repair",
            severity="high", green_channel=False, description="Line down", received_at=now,
            idempotency_key=f"rollup-{step}", now=now,
        )  # fmt: skip
        raise_order_from_complaint(session=s, user=user, complaint_id=complaint.id, product="SD-WAN", now=now)


def move_a_complaint(engine, user: CurrentUser, rng: random.Random, step: int) -> bool:
    """One step of a random unfinished complaint (closing one records a follow-up survey)."""
    with engine.connect() as conn:
        open_ones = conn.execute(
            select(Complaint.id, Complaint.status).where(Complaint.status != "closed").order_by(Complaint.id)
        ).all()
    if not open_ones:
        return False
    complaint_id, status = rng.choice(open_ones)
    to_status = rng.choice(allowed_moves(status))
    with write_session(engine) as s:
        change_complaint_status(
            session=s, user=user, complaint_id=complaint_id, expected_status=status, to_status=to_status,
            note="called back", followup_score=rng.choice([55.5, 72.25, 80, 91.3, 100]),
            now=START + dt.timedelta(hours=step, minutes=30),
        )  # fmt: skip
    return True


def log_a_revisit(engine, user: CurrentUser, rng: random.Random, step: int) -> None:
    """A revisit of one of a few accounts on a random day of the last two months, often before revisits
    already logged (so that their next visit changes)."""
    with engine.connect() as conn:
        accounts = conn.scalars(select(Account.id).order_by(Account.id).limit(5)).all()
    with write_session(engine) as s:
        log_revisit(
            session=s, user=user, account_id=rng.choice(accounts), channel="phone", outcome="interested", score=80,
            visited_on=START.date() - dt.timedelta(days=rng.randrange(60)), idempotency_key=f"revisit-{step}",
            today=START.date(),
        )  # fmt: skip


def random_write(engine, user: CurrentUser, rng: random.Random, step: int) -> str:
    """One order command on a random unfinished order at a random later time, a new order, a step of a
    complaint, or a revisit."""
    if rng.random() < 0.3 and move_a_complaint(engine, user, rng, step):
        return "complaint"
    if rng.random() < 0.15:
        log_a_revisit(engine, user, rng, step)
        return "revisit"
    with engine.connect() as conn:
        orders = conn.execute(
            select(Order.id, Order.current_stage, Order.status, func.max(OrderEvent.at))
            .join(OrderEvent, OrderEvent.order_id == Order.id)
            .where(Order.status != "closed")
            .group_by(Order.id, Order.current_stage, Order.status)
            .order_by(Order.id)
        ).all()
    if not orders or rng.random() < 0.2:
        raise_new_order(engine, user, rng, step)
        return "raise"
    order_id, stage, status, last = rng.choice(orders)
    last = last if isinstance(last, dt.datetime) else dt.datetime.fromisoformat(str(last))
    now = last + dt.timedelta(hours=rng.uniform(0.5, 200))
    if status == "on_hold":
        command = resume_order
    else:
        command = rng.choices([advance_order, hold_order, urge_order], weights=[6, 2, 1])[0]
    note = "waiting for the customer" if command is hold_order else ""
    with write_session(engine) as s:
        command(
            session=s, user=user, order_id=order_id, expected_stage=stage, expected_status=status, note=note, now=now
        )
    return command.__name__


@pytest.mark.parametrize("seed", [1, 2])
def test_the_rollup_equals_a_recomputation_after_random_writes(loaded, seed):
    engine, rng = loaded, random.Random(seed)
    with engine.connect() as conn:
        assert rollups.differences(conn) == []
    before = totals(engine)
    done: dict[str, int] = {}
    user = writer(engine)
    for step in range(WRITES):
        try:
            name = random_write(engine, user, rng, step)
        except CommandError:
            continue
        done[name] = done.get(name, 0) + 1
    assert done.get("advance_order", 0) > 10 and done.get("raise", 0) > 0 and done.get("hold_order", 0) > 0
    assert done.get("revisit", 0) > 3
    with engine.connect() as conn:
        assert conn.scalar(
            select(func.count()).where(Survey.source == "after_complaint", Survey.surveyed_on >= START.date())
        )
    entered, exited, _ = totals(engine)
    assert exited - before[1] == done["advance_order"]
    assert entered > before[0]
    with engine.connect() as conn:
        assert rollups.differences(conn) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_open_intervals_read_from_the_rollup_equal_the_raw_read_after_random_writes(loaded, monkeypatch, seed):
    """After holds, resumes and moves, the orders at risk and the overdue counts at a moment after the last
    write are the same from open_stage_intervals as from the raw hold and resume points."""
    engine, rng = loaded, random.Random(seed)
    user = writer(engine)
    for step in range(WRITES):
        try:
            random_write(engine, user, rng, step)
        except CommandError:
            continue
    with engine.connect() as conn:
        # the last write: an entry, a hold or resume, or a closing (which only sets an exit)
        last = max(
            v if isinstance(v, dt.datetime) else dt.datetime.fromisoformat(str(v))
            for v in conn.execute(select(func.max(OrderEvent.at), func.max(OrderEvent.exited_at))).one()
        )
        moment = last + dt.timedelta(days=2)
        period = Period(moment.date() - dt.timedelta(days=30), moment.date())
        moment = dt.datetime.combine(period.end, dt.time())

        def reads():
            at_risk, total = order_flow.orders_at_risk(conn, NATIONAL, moment=moment, percent=0)
            return at_risk, total, order_flow.on_time_scorecard(conn, NATIONAL, period=period)

        assert order_flow._open_now_serves(conn, NATIONAL, (), moment)
        rolled = reads()
        monkeypatch.setattr(flow, "serves", lambda *args, **kwargs: False)
        raw = reads()
    assert rolled[1] == raw[1] > 0
    pd.testing.assert_frame_equal(rolled[0], raw[0])
    pd.testing.assert_frame_equal(rolled[2], raw[2])


def test_a_damaged_rollup_is_found_and_rebuilt(loaded):
    engine = loaded
    with engine.begin() as conn:
        conn.execute(delete(StageFlowDay).where(StageFlowDay.city_id == 0))
        assert rollups.differences(conn)
        rollups.rebuild(conn)
        assert rollups.differences(conn) == []


def _demo_scopes(conn) -> list[Scope]:
    gd = conn.scalar(select(OrgUnit.id).where(OrgUnit.code == "GD"))
    city = conn.scalar(select(OrgUnit.id).where(OrgUnit.level == "city", OrgUnit.province_id == gd).limit(1))
    return [NATIONAL, Scope("province", province_id=gd), Scope("city", province_id=gd, city_id=city)]


READS = {
    "on_time_rate": lambda conn, scope, period, grade: overview.on_time_rate(conn, scope, period),
    "order_counts": lambda conn, scope, period, grade: overview.order_counts(conn, scope, period),
    "throughput": lambda conn, scope, period, grade: order_flow.throughput_per_week(
        conn, scope, period=period, grade=grade
    ),
    "scorecard": lambda conn, scope, period, grade: order_flow.on_time_scorecard(
        conn, scope, period=period, grade=grade
    ),
    "time_in_stage": lambda conn, scope, period, grade: order_flow.time_in_stage(
        conn, scope, period=period, grade=grade
    ),
    "cfd": lambda conn, scope, period, grade: order_flow.cumulative_flow(conn, scope, period=period, grade=grade),
    "orders_at_risk": lambda conn, scope, period, grade: (lambda frame, total: frame.assign(total=total))(
        *order_flow.orders_at_risk(conn, scope, moment=dt.datetime.combine(period.end, dt.time()), grade=grade)
    ),
    "satisfaction_yoy": lambda conn, scope, period, grade: overview.satisfaction_year_on_year(conn, scope, period),
    "score_shares": lambda conn, scope, period, grade: satisfaction.score_shares(conn, scope, period=period),
    "monthly_index": lambda conn, scope, period, grade: satisfaction.monthly_index(conn, scope, period=period),
    "score_distribution": lambda conn, scope, period, grade: satisfaction.score_distribution(
        conn, scope, period=period
    ),
    "dimension_means": lambda conn, scope, period, grade: satisfaction.dimension_means(conn, scope, period=period),
    "region_index": lambda conn, scope, period, grade: satisfaction.region_index(conn, scope, period=period),
    "intersections": lambda conn, scope, period, grade: tiers.intersections(conn, scope, period),
    "membership_over_time": lambda conn, scope, period, grade: tiers.membership_over_time(
        conn, scope, day=period.last_day
    )["months"],
    "province_kpis": lambda conn, scope, period, grade: regions.province_kpis(conn, scope, period=period),
    "city_kpis": lambda conn, scope, period, grade: regions.city_kpis(conn, scope, period=period),
}


@pytest.mark.parametrize("name", list(READS))
def test_reads_from_the_rollup_equal_the_same_reads_from_the_raw_intervals(demo_database, monkeypatch, name):
    """On the demo data, for national, province and city scopes, two periods and with or without a grade,
    each read gives the same answer from the rollup as from order_events."""
    engine = make_engine(demo_database)
    periods = [default_period(dt.date(2026, 10, 31)), Period(dt.date(2026, 7, 15), dt.date(2026, 9, 3))]
    try:
        with engine.connect() as conn:
            cases = [(s, p, g) for s in _demo_scopes(conn) for p in periods for g in (None, "premium")]
            rolled = [READS[name](conn, *case) for case in cases]
            monkeypatch.setattr(flow, "serves", lambda *args, **kwargs: False)
            monkeypatch.setattr(flow, "serves_durations", lambda *args, **kwargs: False)
            monkeypatch.setattr(flow, "serves_accounts", lambda *args, **kwargs: False)
            raw = [READS[name](conn, *case) for case in cases]
    finally:
        engine.dispose()
    for case, a, b in zip(cases, rolled, raw, strict=True):
        if isinstance(a, pd.DataFrame):  # means agree to float precision (the rollup sums hundredths)
            pd.testing.assert_frame_equal(
                a.reset_index(drop=True), b.reset_index(drop=True), obj=str(case), check_dtype=False, rtol=1e-9
            )
        else:
            assert a == pytest.approx(b, rel=1e-9), case
    assert any(len(a) if isinstance(a, pd.DataFrame) else any(a.values()) for a in rolled)  # something to compare


def _with(frame: pd.DataFrame, **values) -> pd.DataFrame:
    """A read's table with its other results as columns, so that one comparison covers them all."""
    return frame.assign(**{k: [v] * len(frame) for k, v in values.items()}) if len(frame) else pd.DataFrame([values])


def _accounts(conn, scope, period, **filters):
    frame, total = tiers.intersection_accounts(conn, scope, period, limit=40, **filters)
    return _with(frame, total=total)


def _workload(conn, scope, period):
    frame, stats = tiers.manager_workload(conn, scope, period, threshold=2400.0, limit=15)
    return _with(frame, **stats)


def _potential(conn, scope, period):
    frame, total, threshold = tiers.potential_accounts(conn, scope, period, limit=60)
    return _with(frame, total=total, threshold=threshold)


TIERS_READS = {
    "category_combinations": lambda conn, scope, period: overview.category_combinations(conn, scope, period.last_day),
    "intersections": lambda conn, scope, period: tiers.intersections(conn, scope, period),
    "intersection_accounts": _accounts,
    "intersection_accounts_combo": lambda conn, scope, period: _accounts(conn, scope, period, combo="3"),
    "intersection_accounts_category": lambda conn, scope, period: _accounts(
        conn, scope, period, combo="high_value", categories=("group", "strategic")
    ),
    **{
        f"distribution_by_{by}": lambda conn, scope, period, by=by: tiers.key_account_distribution(
            conn, scope, period.last_day, by=by
        )
        for by in tiers.GROUPINGS
    },
    "distribution_of_categories": lambda conn, scope, period: tiers.key_account_distribution(
        conn, scope, period.last_day, by="industry", categories=("important",)
    ),
    "threshold_what_if": lambda conn, scope, period: tiers.threshold_what_if(conn, scope, period, threshold=2400.0),
    "threshold_what_if_higher": lambda conn, scope, period: tiers.threshold_what_if(
        conn, scope, period, threshold=4100.0
    ),
    "manager_workload": _workload,
    "potential_accounts": _potential,
    "potential_conversion": lambda conn, scope, period: tiers.potential_conversion(conn, scope, period),
    "potential_conversion_by_month": lambda conn, scope, period: tiers.potential_conversion_by_month(
        conn, scope, period
    ),
}
TIERS_PERIODS = [
    default_period(dt.date(2026, 10, 31)),  # whole months, as the page opens
    Period(dt.date(2026, 7, 15), dt.date(2026, 10, 1)),  # ends on a month's last day, starts inside a month
    Period(dt.date(2026, 4, 1), dt.date(2026, 9, 3)),  # starts on a month's first day, ends inside one
    Period(dt.date(2025, 2, 1), dt.date(2025, 3, 1)),  # one month, as far back as the rollup goes
]


def _tiers_scopes(conn) -> list[Scope]:
    manager = conn.scalar(select(Account.manager_id).where(Account.manager_id.is_not(None)).limit(1))
    return [*_demo_scopes(conn), Scope("manager", manager_id=manager)]


@pytest.mark.parametrize("name", list(TIERS_READS))
def test_tiers_reads_from_account_snapshots_equal_the_raw_reads(demo_database, monkeypatch, name):
    """On the demo data, for national, province, city and one manager's scope and periods that do and do not
    start and end with a month, each Tiers read gives the same answer from account_snapshots as from the
    designations, spend, surveys and intervals."""
    engine = make_engine(demo_database)
    try:
        with engine.connect() as conn:
            cases = [(s, p) for s in _tiers_scopes(conn) for p in TIERS_PERIODS]
            rolled = [TIERS_READS[name](conn, *case) for case in cases]
            monkeypatch.setattr(flow, "serves", lambda *args, **kwargs: False)
            monkeypatch.setattr(flow, "serves_accounts", lambda *args, **kwargs: False)
            raw = [TIERS_READS[name](conn, *case) for case in cases]
    finally:
        engine.dispose()
    for case, a, b in zip(cases, rolled, raw, strict=True):
        if isinstance(a, pd.DataFrame):
            pd.testing.assert_frame_equal(
                a.reset_index(drop=True), b.reset_index(drop=True), obj=str(case), check_dtype=False, rtol=1e-9
            )
        else:
            assert a == pytest.approx(b, rel=1e-9), case
    assert any(len(a) if isinstance(a, pd.DataFrame) else any(a.values()) for a in rolled)


def test_tiers_reads_use_account_snapshots_for_whole_months(demo_database):
    """The default period is answered from account_snapshots: emptied, the rollup changes the answers."""
    engine = make_engine(demo_database)
    period = default_period(dt.date(2026, 10, 31))
    try:
        with engine.connect() as conn:
            assert flow.snapshot_month(conn, NATIONAL, period.last_day, period.start) == dt.date(2026, 10, 1)
            assert flow.snapshot_month(conn, NATIONAL, dt.date(2026, 10, 30)) is None
            before = tiers.intersections(conn, NATIONAL, period)["accounts"].sum()
            conn.execute(rollups.SNAPSHOTS.update().where(rollups.SNAPSHOTS.c.month == period.start).values(mask=0))
            assert (
                tiers.intersections(conn, NATIONAL, default_period(dt.date(2026, 10, 31)))["accounts"].sum() == before
            )
            conn.execute(
                rollups.SNAPSHOTS.update().where(rollups.SNAPSHOTS.c.month == dt.date(2026, 10, 1)).values(mask=0)
            )
            assert tiers.intersections(conn, NATIONAL, period)["accounts"].sum() == 0 < before
            conn.rollback()
    finally:
        engine.dispose()


def admin(engine) -> CurrentUser:
    with engine.connect() as conn:
        user_id = conn.scalar(select(User.id).where(User.username == "admin"))
    return CurrentUser(user_id, "admin", "admin", "admin", "national", "", "", NATIONAL)


def import_text(engine, user: CurrentUser, kind: str, text: str) -> None:
    source = imports.read_file(kind, "f.csv", text.encode())
    with write_session(engine) as s:
        commit_import(session=s, user=user, kind=kind, rows=source.rows, file_name="f.csv")


def tiers_write(engine, users: tuple[CurrentUser, CurrentUser], rng: random.Random, step: int) -> str:
    """A spend or designation import, a threshold change or a new account (what account_snapshots is
    refreshed for), or else an order or complaint command (what bumps its running totals)."""
    boss, lead = users
    with engine.connect() as conn:
        codes = conn.scalars(select(Account.code).order_by(Account.id)).all()
        province, city = conn.execute(
            select(OrgUnit.code, OrgUnit.id).where(OrgUnit.level == "province").order_by(OrgUnit.id).limit(1)
        ).one()
        city = conn.scalar(select(OrgUnit.code).where(OrgUnit.parent_id == city).limit(1))
    months = [dt.date(2025, 8, 1) + dt.timedelta(days=31 * i) for i in range(15)]
    pick = rng.random() if step >= 4 else (0.1, 0.4, 0.55, 0.62)[step]  # each kind at least once, then at random
    if pick < 0.3:
        rows = [
            f"{rng.choice(codes)},{rng.choice(months):%Y-%m},{rng.choice([0, 480, 2100.5, 4000, 9100.25])}"
            for _ in range(rng.randint(1, 4))
        ]
        import_text(engine, boss, "monthly_spend", "account_code,month,amount\n" + "\n".join(sorted(set(rows))))
        return "spend"
    if pick < 0.5:
        day = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randrange(480))
        category = rng.choice(["important", "group", "strategic"])
        text = f"account_code,category,valid_from,valid_to,reason\n{rng.choice(codes)},{category},{day},,test\n"
        import_text(engine, boss, "designations", text)
        return "designation"
    if pick < 0.6:
        with write_session(engine) as s:
            amount = rng.choice([1800, 2500, 3300, 4200])
            set_threshold(session=s, user=boss, amount=amount, effective_from=rng.choice(months).replace(day=1))
        return "threshold"
    if pick < 0.65:
        row = f"new{step},New,finance,{province},{city},,,2026-01-05"
        import_text(engine, boss, "accounts", "code,name,industry,province,city,manager,parent_code,created_on\n" + row)
        return "account"
    return random_write(engine, lead, rng, step)


@pytest.mark.parametrize("seed", [5, 6])
def test_account_snapshots_equal_a_recomputation_after_imports_thresholds_and_commands(loaded, seed):
    """After random spend and designation imports, threshold changes, new accounts, and order and complaint
    commands, every rollup (account_snapshots among them) equals a recomputation from the raw rows."""
    engine, rng = loaded, random.Random(seed)
    users = (admin(engine), writer(engine))
    done: dict[str, int] = {}
    for step in range(60):
        try:
            name = tiers_write(engine, users, rng, step)
        except CommandError:
            continue
        done[name] = done.get(name, 0) + 1
    assert {"spend", "designation", "threshold", "advance_order"} <= set(done), done
    with engine.connect() as conn:
        assert rollups.differences(conn) == []


def test_account_snapshots_grow_to_a_new_month_for_every_account(loaded):
    """A refresh in a month the rollup does not hold yet adds that month for every account, not only the
    refreshed ones, so that a read of it is exact for all."""
    engine = loaded
    later = dt.date.today() + dt.timedelta(days=70)
    with engine.begin() as conn:
        first, last = rollups.snapshots_held(conn)
        account = conn.scalar(select(Account.id).limit(1))
        rollups.refresh_snapshots(conn, account_ids=[account], today=later)
        assert rollups.snapshots_held(conn) == (first, later.replace(day=1))
        assert conn.scalar(
            select(func.count()).where(rollups.SNAPSHOTS.c.month == later.replace(day=1))
        ) == conn.scalar(select(func.count()).select_from(Account))
        assert rollups.differences(conn) == []


def test_tiers_reads_from_account_snapshots_equal_the_raw_reads_on_both_databases(loaded, monkeypatch):
    """On the small data set, on SQLite and on PostgreSQL, every Tiers read gives the same answer from
    account_snapshots as from the raw rows (the SQL of both paths differs by dialect)."""
    with loaded.connect() as conn:
        cases = [(s, p) for s in _demo_scopes(conn)[:2] for p in TIERS_PERIODS[:2]]
        rolled = {name: [read(conn, *case) for case in cases] for name, read in TIERS_READS.items()}
        monkeypatch.setattr(flow, "serves_accounts", lambda *args, **kwargs: False)
        monkeypatch.setattr(flow, "serves", lambda *args, **kwargs: False)
        raw = {name: [read(conn, *case) for case in cases] for name, read in TIERS_READS.items()}
    for name in TIERS_READS:
        for case, a, b in zip(cases, rolled[name], raw[name], strict=True):
            if isinstance(a, pd.DataFrame):
                pd.testing.assert_frame_equal(
                    a.reset_index(drop=True), b.reset_index(drop=True), obj=f"{name} {case}", check_dtype=False
                )
            else:
                assert a.keys() == b.keys() and all(
                    a[k] == b[k] if a[k] is None or b[k] is None else a[k] == pytest.approx(b[k], rel=1e-9) for k in a
                ), (name, case, a, b)


def derived_state(conn) -> tuple[list[tuple], list[tuple]]:
    """The high-value stretches and each account's categories and grade, in a comparable form."""
    stretches = conn.execute(
        select(Designation.account_id, Designation.valid_from, Designation.valid_to)
        .where(Designation.category == "high_value")
        .order_by(Designation.account_id, Designation.valid_from)
    ).all()
    accounts = conn.execute(
        select(Account.id, Account.category_mask, Account.service_grade, Account.lifecycle_stage).order_by(Account.id)
    ).all()
    return [tuple(map(str, r)) for r in stretches], [tuple(r) for r in accounts]


@pytest.mark.parametrize("amount, effective_from", [(3600, dt.date(2026, 10, 1)), (1500, dt.date(2026, 3, 1))])
def test_a_threshold_change_rederives_only_the_accounts_near_the_cuts_and_gets_the_same_result(
    loaded, monkeypatch, amount, effective_from
):
    """The threshold change looks only at accounts whose trailing spend lies between the old and the new
    cut (from account_snapshots); the memberships it writes are those a re-derivation of every account
    writes."""
    engine = loaded
    outcomes, looked_at = [], []
    original = derivation.accounts_near_cuts

    def near(*args):
        found = original(*args)
        looked_at.append(found)
        return found

    for restricted in (True, False):
        monkeypatch.setattr(derivation, "accounts_near_cuts", near if restricted else lambda *args: None)
        with engine.connect() as conn, conn.begin() as transaction:
            session = Session(bind=conn, join_transaction_mode="create_savepoint")
            result = set_threshold(session=session, user=admin(engine), amount=amount, effective_from=effective_from)
            session.flush()
            outcomes.append((result.accounts_changed, derived_state(conn), rollups.differences(conn)))
            transaction.rollback()
    (changed, state, wrong), (changed_all, state_all, _) = outcomes
    assert looked_at[0] is not None and 0 < changed <= len(looked_at[0])
    with engine.connect() as conn:
        assert len(looked_at[0]) < conn.scalar(select(func.count()).select_from(Account))
    assert changed == changed_all and state == state_all and wrong == []


def test_an_addition_to_the_running_totals_waits_for_a_recomputation_and_is_not_lost(loaded):
    """A survey recorded while another transaction recomputes the account's snapshot rows (a spend import)
    waits for it, then adds to the recomputed rows: nothing is lost (on PostgreSQL the recomputation
    replaces the rows an addition would otherwise be waiting on)."""
    engine = loaded
    with engine.connect() as conn:
        account_id, province_id, city_id = conn.execute(
            select(Account.id, Account.province_id, Account.city_id).order_by(Account.id).limit(1)
        ).one()
        held = rollups.snapshots_held(conn)
    finished = threading.Event()

    def record_a_survey():
        with write_session(engine) as s:
            survey = Survey(
                account_id=account_id, province_id=province_id, city_id=city_id, surveyed_on=held[1],
                source="after_complaint", score=80.0, comment="",
            )  # fmt: skip
            s.add(survey)
            s.flush()
            rollups.survey_recorded(s, survey)
        finished.set()

    with write_session(engine) as s:
        rollups.refresh_snapshots(s.connection(), account_ids={account_id}, since=held[0])
        writer = threading.Thread(target=record_a_survey)
        writer.start()
        assert not finished.wait(1.0)  # it waits for the recomputation to commit
    writer.join(30)
    assert finished.is_set()
    with engine.connect() as conn:
        assert rollups.differences(conn) == []


def test_a_spend_import_of_a_new_month_keeps_every_accounts_high_value_stretches_derived(loaded):
    """A month later than any before moves the latest month with spend for every account, also those
    not in the file: afterwards a re-derivation of every account changes nothing, so a threshold change
    (which looks only at accounts near the cut) still writes what a full re-derivation would."""
    engine = loaded
    with engine.connect() as conn:
        code = conn.scalar(select(Account.code).order_by(Account.id).limit(1))
        latest = conn.scalar(select(func.max(MonthlySpend.month)))
    new_month = add_months(dt.date.fromisoformat(str(latest)[:10]), 1)
    import_text(engine, admin(engine), "monthly_spend", f"account_code,month,amount\n{code},{new_month:%Y-%m},9000\n")
    with write_session(engine) as s:
        assert derivation.rederive_high_value(s, since=dt.date(2000, 1, 1)) == 0
        s.rollback()
    with engine.connect() as conn:
        assert rollups.differences(conn) == []
