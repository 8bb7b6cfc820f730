"""The sample-data generator: determinism, the calibrated demo figures, categories, order events, loading.

Expectations are recomputed here from the frames with plain pandas, not taken from the generator.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import bcrypt
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lib import domain, rollups, sample_data
from lib.db import make_engine
from lib.models import DERIVED_COLUMNS, DERIVED_TABLES, Base, StageFlowDay
from lib.sample_data import (
    ANCHOR,
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DEMO_USERS,
    generate,
    load_dataset,
    read_dataset,
    write_dataset,
)

SHIPPED = Path(__file__).resolve().parent.parent / "sample_data"
LATEST = (pd.Timestamp("2025-11-01"), pd.Timestamp("2026-11-01"))
YEAR_BEFORE = (pd.Timestamp("2024-11-01"), pd.Timestamp("2025-11-01"))


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return read_dataset(SHIPPED)


@pytest.fixture(scope="module")
def tiny() -> dict[str, pd.DataFrame]:
    return generate("tiny")


@pytest.fixture()
def engine(tmp_path):
    engine = make_engine("sqlite:///" + str(tmp_path / "t.db"))
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _surveys_in(surveys: pd.DataFrame, period: tuple[pd.Timestamp, pd.Timestamp]) -> pd.DataFrame:
    day = pd.to_datetime(surveys["surveyed_on"])
    return surveys.loc[(day >= period[0]) & (day < period[1])]


def _masks_at_anchor(designations: pd.DataFrame) -> pd.Series:
    """Each account's category bits from the designations open at the anchor."""
    start, end = pd.to_datetime(designations["valid_from"]), pd.to_datetime(designations["valid_to"])
    anchor = pd.Timestamp(ANCHOR)
    current = designations[(start <= anchor) & (end.isna() | (end > anchor))]
    current = current.drop_duplicates(["account_id", "category"])
    return current["category"].map(domain.CATEGORY_BITS).groupby(current["account_id"]).sum()


def test_same_seed_gives_identical_frames(tiny):
    """Generating twice with the same seed gives identical frames, table by table."""
    again = generate("tiny")
    assert list(again) == list(tiny)
    for name, frame in tiny.items():
        pd.testing.assert_frame_equal(again[name], frame, obj=name)


def test_different_seed_gives_different_data(tiny):
    """Another seed changes the accounts and the survey scores."""
    other = generate("tiny", seed=DEFAULT_SEED + 1)
    assert not other["accounts"]["name"].equals(tiny["accounts"]["name"])
    assert not other["surveys"]["score"].equals(tiny["surveys"]["score"])


DATA_TABLES = {name: table for name, table in Base.metadata.tables.items() if name not in DERIVED_TABLES}


def test_every_model_table_has_exactly_its_columns(tiny):
    """Every table of the models is generated, with exactly the model's columns in order, except the
    columns derived from other rows, which the load computes."""
    assert set(tiny) == set(Base.metadata.tables) - DERIVED_TABLES
    for name, table in DATA_TABLES.items():
        derived = DERIVED_COLUMNS.get(name, ())
        assert list(tiny[name].columns) == [c.name for c in table.columns if c.name not in derived], name
    assert "next_visit_on" not in tiny["revisits"]


def test_written_files_read_back_to_identical_frames(tiny, tmp_path):
    """write_dataset then read_dataset restores the same values and dtypes."""
    write_dataset(tiny, tmp_path, size="tiny", seed=DEFAULT_SEED)
    back = read_dataset(tmp_path)
    for name, frame in tiny.items():
        pd.testing.assert_frame_equal(back[name], frame, obj=name)


def test_demo_index_is_84_6_up_0_68_points_year_on_year(demo):
    """The shipped demo set's satisfaction index is 84.6 over the latest 12 months, +0.68 points YoY."""
    latest = _surveys_in(demo["surveys"], LATEST)["score"].mean()
    before = _surveys_in(demo["surveys"], YEAR_BEFORE)["score"].mean()
    assert latest == pytest.approx(84.6, abs=0.5)
    assert latest - before == pytest.approx(0.68, abs=0.1)


def test_provinces_differ_and_some_fell_year_on_year(demo):
    """Province indexes spread over several points and at least three provinces fell year on year."""
    latest = _surveys_in(demo["surveys"], LATEST).groupby("province_id")["score"].mean()
    before = _surveys_in(demo["surveys"], YEAR_BEFORE).groupby("province_id")["score"].mean()
    assert latest.max() - latest.min() > 5
    assert ((latest - before) < 0).sum() >= 3


def test_all_15_intersections_are_non_empty_and_sum_to_the_key_accounts(demo):
    """Every exact combination of the four categories has accounts; together they are the key accounts."""
    masks = _masks_at_anchor(demo["designations"])
    counts = masks[masks > 0].value_counts()
    assert sorted(counts.index) == list(range(1, 16))
    assert counts.sum() == (demo["accounts"]["category_mask"] > 0).sum()


def test_tiny_set_also_has_all_15_intersections(tiny):
    """Even the tiny set covers every combination of categories."""
    assert sorted(tiny["accounts"]["category_mask"].unique()) == list(range(16))


def test_premium_is_a_realistic_minority_and_grades_follow_categories(demo):
    """Premium (two or more categories) is 10-25 % of key accounts; grades follow the category count."""
    accounts = demo["accounts"]
    size = accounts["category_mask"].map(lambda m: bin(m).count("1"))
    expected = np.select([size >= 2, size == 1], ["premium", "key"], "standard")
    assert (accounts["service_grade"] == expected).all()
    assert 0.10 <= (size >= 2).sum() / (size >= 1).sum() <= 0.25
    assert 0.25 <= (size == 0).mean() <= 0.35


def test_category_mask_agrees_with_designations_open_at_anchor(demo):
    """accounts.category_mask equals the bits of the designations open at the anchor."""
    masks = _masks_at_anchor(demo["designations"]).reindex(demo["accounts"]["id"], fill_value=0)
    assert (masks.to_numpy() == demo["accounts"]["category_mask"].to_numpy()).all()


def test_derived_high_value_matches_trailing_three_month_average(demo):
    """A month is high-value exactly when its trailing 3-month average reaches the threshold in force."""
    spend = demo["monthly_spend"].assign(month=lambda f: pd.to_datetime(f["month"]))
    spend = spend.sort_values(["account_id", "month"])
    spend["avg3"] = spend.groupby("account_id")["amount"].transform(lambda s: s.rolling(3).mean())
    thresholds = demo["high_value_thresholds"].assign(effective_from=lambda f: pd.to_datetime(f["effective_from"]))
    spend = pd.merge_asof(
        spend.sort_values("month"),
        thresholds.sort_values("effective_from"),
        left_on="month",
        right_on="effective_from",
        suffixes=("", "_threshold"),
    )
    expected = spend[spend["avg3"].notna() & (spend["avg3"] >= spend["amount_threshold"] - 1e-9)]
    derived = demo["designations"].query("source == 'derived'")
    assert (derived["category"] == "high_value").all()
    months = [
        (row.account_id, month)
        for row in derived.itertuples()
        for month in pd.date_range(
            row.valid_from, pd.Timestamp(row.valid_to or ANCHOR) - pd.Timedelta(days=1), freq="MS"
        )
    ]
    assert set(months) == set(zip(expected["account_id"], expected["month"], strict=True))


def test_potential_accounts_are_close_to_the_threshold(demo):
    """Accounts in the 'potential' stage are in no category and spend at least 70 % of the threshold."""
    spend = pd.to_datetime(demo["monthly_spend"]["month"]) >= pd.Timestamp("2026-08-01")
    recent = demo["monthly_spend"][spend].groupby("account_id")["amount"].mean()
    potential = demo["accounts"].query("lifecycle_stage == 'potential'")
    assert len(potential) > 0 and (potential["category_mask"] == 0).all()
    assert (recent.reindex(potential["id"]) >= 0.7 * domain.DEFAULT_HIGH_VALUE_THRESHOLD).all()


def test_enter_interval_duration_is_exit_minus_entry_minus_hold(demo):
    """For every closed stage interval, duration = exited_at - at - hold_seconds (seconds)."""
    events = demo["order_events"]
    closed = events[(events["kind"] == "enter") & events["exited_at"].notna()]
    elapsed = (closed["exited_at"] - closed["at"]).dt.total_seconds().astype("int64")
    assert (closed["duration_seconds"].astype("int64") == elapsed - closed["hold_seconds"]).all()
    assert (closed["duration_seconds"] > 0).all()


def test_open_orders_have_their_current_stage_open(demo):
    """Each open order has exactly one open interval, in its current stage; closed orders have none."""
    events, orders = demo["order_events"], demo["orders"].set_index("id")
    open_intervals = events[(events["kind"] == "enter") & events["exited_at"].isna()]
    assert open_intervals["order_id"].is_unique
    unfinished = orders[orders["status"] != "closed"]
    assert set(open_intervals["order_id"]) == set(unfinished.index)
    assert (open_intervals.set_index("order_id")["stage"] == unfinished["current_stage"]).all()
    closed = orders[orders["status"] == "closed"]
    last_exit = events[events["kind"] == "enter"].groupby("order_id")["exited_at"].max()
    assert (last_exit.reindex(closed.index) == closed["closed_at"]).all()


def test_on_time_share_of_each_stage_is_realistic(demo):
    """Each stage's share of intervals ending within target is between 65 % and 97 %."""
    events = demo["order_events"]
    closed = events[(events["kind"] == "enter") & events["exited_at"].notna()]
    share = (closed["duration_seconds"] <= closed["target_seconds"]).groupby(closed["stage"]).mean()
    assert set(share.index) == set(domain.STAGES)
    assert share.between(0.65, 0.97).all(), share


def test_nothing_is_recorded_on_or_after_the_anchor(demo):
    """All activity lies in the two years before the anchor."""
    anchor = pd.Timestamp(ANCHOR)
    assert pd.to_datetime(demo["surveys"]["surveyed_on"]).max() < anchor
    assert pd.to_datetime(demo["revisits"]["visited_on"]).max() < anchor
    assert demo["orders"]["received_at"].max() < anchor
    assert demo["order_events"]["at"].max() < anchor
    assert demo["complaints"]["received_at"].min() >= pd.Timestamp("2024-11-01")


def test_org_tree_has_31_provinces_with_cities(demo):
    """One national node, 31 provinces pointing at it, and 2-6 cities under each province."""
    org = demo["org_units"]
    national = org[org["level"] == "national"]
    provinces = org[org["level"] == "province"]
    cities = org[org["level"] == "city"]
    assert len(national) == 1 and national["parent_id"].isna().all()
    assert len(provinces) == 31 and (provinces["parent_id"] == national["id"].iloc[0]).all()
    assert (provinces["province_id"] == provinces["id"]).all()
    assert (cities["province_id"] == cities["parent_id"]).all()
    assert cities.groupby("parent_id").size().between(2, 6).all()
    assert {"GD-GZ", "GD-SZ"} <= set(cities["code"])


def test_accounts_have_a_manager_in_their_city_and_groups_stay_in_a_province(demo):
    """Every account's manager is a staff user of its city; group parents are in the member's province."""
    accounts = demo["accounts"]
    users = demo["users"].set_index("id")
    managers = users.loc[accounts["manager_id"]]
    assert (managers["role"] == "staff").all()
    assert (managers["org_unit_id"].to_numpy() == accounts["city_id"].to_numpy()).all()
    members = accounts[accounts["parent_id"].notna()]
    parents = accounts.set_index("id").loc[members["parent_id"].astype("int64")]
    assert len(members) > 0
    assert (parents["province_id"].to_numpy() == members["province_id"].to_numpy()).all()


def test_demo_users_have_their_roles_org_nodes_and_portfolios(demo):
    """The demo logins exist with the right role and org node; the two account managers have portfolios."""
    users = demo["users"].set_index("username")
    codes = demo["org_units"].set_index("id")["code"]
    for user in DEMO_USERS:
        row = users.loc[user.username]
        assert (row["name"], row["role"], codes[row["org_unit_id"]]) == (user.name, user.role, user.org_code)
    portfolio = demo["accounts"]["manager_id"].value_counts()
    for username in ("am.gz", "am.sz"):
        assert 15 <= portfolio[users.loc[username, "id"]] <= 30
    assert (demo["users"]["password_hash"] == "!").all()


def test_tiny_set_loads_into_sqlite_with_matching_row_counts(tiny, engine):
    """Loading the tiny set puts every frame's rows in the database; only demo users can sign in."""
    load_dataset(engine, tiny, bcrypt_rounds=4)
    with engine.connect() as conn:
        for name, table in DATA_TABLES.items():
            assert conn.scalar(select(func.count()).select_from(table)) == len(tiny[name]), name
        assert conn.scalar(select(func.count()).select_from(StageFlowDay)) > 0
        assert rollups.differences(conn) == []  # the rollup is built as the data loads
        users = Base.metadata.tables["users"]
        hashes = dict(conn.execute(select(users.c.username, users.c.password_hash)).all())
    for user in DEMO_USERS:
        assert bcrypt.checkpw(DEMO_PASSWORD.encode(), hashes.pop(user.username).encode())
    assert set(hashes.values()) == {"!"}


def test_a_failed_load_leaves_the_database_as_it_was(tiny, engine, monkeypatch):
    """One transaction: when a late table fails, nothing is stored and dropped indexes are back."""
    monkeypatch.setattr(sample_data, "INDEX_REBUILD_ROWS", 1)  # exercise the index rebuild path
    broken = dict(tiny, order_events=tiny["order_events"].assign(unit_id=10**6))  # no such org unit
    with engine.connect() as conn:
        indexes_before = _index_names(conn)
    with pytest.raises(IntegrityError):
        load_dataset(engine, broken, bcrypt_rounds=4)
    with engine.connect() as conn:
        assert _index_names(conn) == indexes_before
        for table in Base.metadata.sorted_tables:
            assert conn.scalar(select(func.count()).select_from(table)) == 0, table.name


def _index_names(conn) -> set[str]:
    return set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'index'").scalars())


def test_loaded_dates_and_times_compare_like_sqlalchemy_values(tiny, engine):
    """Stored dates and timestamps compare (even for equality) as the frames' values do."""
    load_dataset(engine, tiny, bcrypt_rounds=4)
    orders, surveys = Base.metadata.tables["orders"], Base.metadata.tables["surveys"]
    first = tiny["orders"]["received_at"].iloc[0].to_pydatetime()
    since = dt.date(2025, 11, 1)
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(orders).where(orders.c.received_at == first)) == 1
        recent = conn.scalar(select(func.count()).select_from(surveys).where(surveys.c.surveyed_on >= since))
        open_orders = conn.scalar(select(func.count()).select_from(orders).where(orders.c.closed_at.is_(None)))
    assert recent == (pd.to_datetime(tiny["surveys"]["surveyed_on"]) >= pd.Timestamp(since)).sum()
    assert open_orders == tiny["orders"]["closed_at"].isna().sum()


def test_loading_refuses_a_database_that_already_has_accounts(tiny, engine):
    """A second load into the same database is refused and changes nothing."""
    load_dataset(engine, tiny, bcrypt_rounds=4)
    with pytest.raises(ValueError, match="already has accounts"):
        load_dataset(engine, tiny, bcrypt_rounds=4)
    with engine.connect() as conn:
        accounts = Base.metadata.tables["accounts"]
        assert conn.scalar(select(func.count()).select_from(accounts)) == len(tiny["accounts"])


def test_anchor_is_fixed():
    """The history is anchored to a fixed date, not today."""
    assert ANCHOR == dt.date(2026, 11, 1)
