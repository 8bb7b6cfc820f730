"""Regions: every KPI per region row at each drill level, against numbers worked out by hand.

Data: tests/fixture_regions.py (on tests/handmade.py). Period 2025-11-01..2026-10-31.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from lib.access import NATIONAL, NOTHING, Scope
from lib.periods import Period
from lib.province_grid import PROVINCE_TILES, tile_positions
from lib.queries import regions
from lib.regions import PROVINCES
from tests import fixture_regions
from tests.test_access import scope_of

PERIOD = Period(dt.date(2025, 11, 1), dt.date(2026, 11, 1))
NAN = math.nan
FIELDS = (
    "key_accounts",
    "premium",
    "satisfaction",
    "yoy_points",
    "ended_intervals",
    "on_time_intervals",
    "on_time_rate",
    "open_complaints",
    "spend",
)

# By hand (see the comments in tests/fixture_regions.py and tests/handmade.py):
# key accounts on 2026-10-31: a1 (I+H), a2 (I), a3 (G+S+H), a5 (S), a6 (all four); premium a1, a3, a6.
# surveys in the period: a1 90, 80; a3 70; a5 60; a6 100. A year earlier: a1 85; a3 65; a5 55.
# intervals ended in the period: o1 5 (3 on time), o2 1 (on time), o3 2 (1 on time).
# open at the end: c2 (a3), c3 (a6, resolved after the end), c4 (a1).
ALPHA = (3, 2, 80.0, 80.0 - 75.0, 6, 4, 4 / 6, 2, 18000 + 2500.5 + 3000 + 3100)
BETA = (2, 1, 80.0, 80.0 - 55.0, 2, 1, 1 / 2, 1, 1200 + 8000 + 100.25)
A1 = (2, 1, 85.0, 0.0, 5, 3, 3 / 5, 1, 18000 + 2500.5 + 3100)
A2 = (1, 1, 70.0, 5.0, 1, 1, 1.0, 1, 3000.0)
B1 = BETA
ACCOUNTS_OF_AM_A = {
    "a1": (1, 1, 85.0, 0.0, 5, 3, 3 / 5, 1, 18000.0),
    "a2": (1, 0, NAN, NAN, 0, 0, NAN, 0, 2500.5),
    "a7": (0, 0, NAN, NAN, 0, 0, NAN, 0, 3100.0),
}


@pytest.fixture
def data(engine):
    return fixture_regions.build(engine)


def figures(frame) -> dict[str, tuple]:
    return {row["code"]: tuple(row[f] for f in FIELDS) for _, row in frame.iterrows()}


def assert_rows(frame, expected: dict[str, tuple]) -> None:
    got = figures(frame)
    assert set(got) == set(expected)
    for code, values in expected.items():
        for field, want, have in zip(FIELDS, values, got[code], strict=True):
            if isinstance(want, float) and math.isnan(want):
                assert math.isnan(have), (code, field, have)
            else:
                assert have == pytest.approx(want), (code, field, have)


def read(engine, fn, scope, **filters):
    with engine.connect() as conn:
        return fn(conn, scope, period=PERIOD, **filters)


def test_province_rows_hold_every_kpi_worked_out_by_hand(engine, data):
    """National: one row per province with key accounts, premium, index, YoY, on-time rate, complaints, spend."""
    assert_rows(read(engine, regions.province_kpis, NATIONAL), {"ALPHA": ALPHA, "BETA": BETA})


def test_city_rows_hold_every_kpi_worked_out_by_hand(engine, data):
    """Within Alpha: A1 and A2; nationally the three cities."""
    assert_rows(read(engine, regions.city_kpis, Scope("province", data["ALPHA"])), {"A1": A1, "A2": A2})
    assert_rows(read(engine, regions.city_kpis, NATIONAL), {"A1": A1, "A2": A2, "B1": B1})


def test_manager_rows_hold_every_kpi_worked_out_by_hand(engine, data):
    """Each manager manages one city's accounts, so their rows equal the city rows."""
    assert_rows(read(engine, regions.manager_kpis, NATIONAL), {"am_a": A1, "am_b": A2, "am_c": B1})
    city = read(engine, regions.manager_kpis, Scope("city", data["ALPHA"], data["A1"]))
    assert_rows(city, {"am_a": A1})
    assert city["key"].tolist() == [data["am_a"]]


def test_account_rows_of_a_manager_hold_every_kpi_worked_out_by_hand(engine, data):
    """am_a's accounts: a7 is no longer a key account, a2 has no surveys or ended intervals, c5 came too late."""
    frame = read(engine, regions.account_kpis, Scope("city", data["ALPHA"], data["A1"]), manager_id=data["am_a"])
    assert_rows(frame, ACCOUNTS_OF_AM_A)


def test_levels_add_up_to_the_level_above(engine, data):
    """Counts and spend of the rows below a region add up to that region's row."""
    provinces = read(engine, regions.province_kpis, NATIONAL).set_index("code")
    cities = read(engine, regions.city_kpis, Scope("province", data["ALPHA"]))
    for column in ("key_accounts", "premium", "open_complaints", "ended_intervals", "spend"):
        assert cities[column].sum() == pytest.approx(provinces.at["ALPHA", column])


def test_a_region_without_activity_still_has_a_row_with_no_index(engine, data):
    """A period with no data lists the regions with zero counts and no index or rate."""
    with engine.connect() as conn:
        frame = regions.province_kpis(conn, NATIONAL, period=Period(dt.date(2020, 1, 1), dt.date(2020, 2, 1)))
    assert frame["code"].tolist() == ["ALPHA", "BETA"]
    assert (frame[["key_accounts", "premium", "open_complaints", "spend"]] == 0).all().all()
    assert frame[["satisfaction", "yoy_points", "on_time_rate"]].isna().all().all()


SCOPED_ROWS = [  # user, level, the rows they may see
    ("lead_alpha", "province", {"ALPHA"}),
    ("lead_alpha", "city", {"A1", "A2"}),
    ("lead_alpha", "manager", {"am_a", "am_b"}),
    ("lead_a1", "province", {"ALPHA"}),
    ("lead_a1", "city", {"A1"}),
    ("lead_a1", "manager", {"am_a"}),
    ("am_b", "city", {"A2"}),
    ("am_b", "manager", {"am_b"}),
]


def test_a_user_sees_only_rows_of_their_scope(engine, data):
    """A team lead never gets a row of another province or city, a manager only their own."""
    levels = {"province": regions.province_kpis, "city": regions.city_kpis, "manager": regions.manager_kpis}
    for username, level, expected in SCOPED_ROWS:
        got = set(read(engine, levels[level], scope_of(username, data))["code"])
        assert got == expected, (username, level)


def test_a_team_lead_province_row_counts_only_their_subtree(engine, data):
    """The A1 lead's Alpha row holds A1's figures, not Alpha's."""
    assert_rows(read(engine, regions.province_kpis, scope_of("lead_a1", data)), {"ALPHA": A1})


def test_an_account_manager_sees_only_their_own_accounts_in_the_account_rows(engine, data):
    """am_b's scope reads only a3 and a4, even when another manager is asked for."""
    own = read(engine, regions.account_kpis, scope_of("am_b", data))
    assert set(own["code"]) == {"a3", "a4"}
    assert read(engine, regions.account_kpis, scope_of("am_b", data), manager_id=data["am_a"]).empty


def test_a_team_lead_cannot_read_the_accounts_of_another_provinces_manager(engine, data):
    """Asking for am_c (Beta) within the Alpha lead's scope returns no rows."""
    assert read(engine, regions.account_kpis, scope_of("lead_alpha", data), manager_id=data["am_c"]).empty


def test_an_empty_scope_reads_no_rows(engine, data):
    """The NOTHING scope yields no region rows at any level."""
    for fn in (regions.province_kpis, regions.city_kpis, regions.manager_kpis, regions.account_kpis):
        assert read(engine, fn, NOTHING).empty, fn.__name__


def test_the_tile_grid_has_one_distinct_position_per_province():
    """31 tiles, one per province of lib/regions.py, no two on the same square."""
    assert set(PROVINCE_TILES) == {p.code for p in PROVINCES}
    assert len(PROVINCES) == 31
    assert len(set(PROVINCE_TILES.values())) == 31
    tiles = tile_positions()
    assert len(tiles) == 31 and not tiles.duplicated(["row", "col"]).any()


def test_the_tile_grid_puts_provinces_roughly_where_they_are():
    """Heilongjiang top right, Xinjiang at the left, Hainan at the bottom."""
    rows = {code: r for code, (r, _) in PROVINCE_TILES.items()}
    cols = {code: c for code, (_, c) in PROVINCE_TILES.items()}
    assert rows["HL"] == min(rows.values()) and cols["HL"] == max(cols.values())
    assert cols["XJ"] == min(cols.values())
    assert rows["HI"] == max(rows.values())
