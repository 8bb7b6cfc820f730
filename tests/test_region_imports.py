"""Importing the organisation tree (provinces and cities) and loading the built-in one from the shell,
on SQLite and PostgreSQL: every rule with its line number, province ids, idempotency."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lib import admin_cli, imports
from lib.access import NATIONAL, CurrentUser
from lib.commands import CommandError
from lib.commands.imports import ImportRejected
from lib.models import Account, AuditLog, OrgUnit
from lib.regions import PROVINCES
from tests import handmade
from tests.test_imports import commit, dry_run, found, snapshot

HEADER = "code,level,parent_code,name_en,name_zh\n"


@pytest.fixture
def ids(engine):
    return handmade.build(engine)


def units(engine, *codes: str) -> dict[str, tuple]:
    """(level, parent code, province code, name_en, name_zh) of each unit by code."""
    table = OrgUnit.__table__
    parent, province = table.alias("parent"), table.alias("province")
    stmt = (
        select(table.c.code, table.c.level, parent.c.code, province.c.code, table.c.name_en, table.c.name_zh)
        .outerjoin(parent, parent.c.id == table.c.parent_id)
        .outerjoin(province, province.c.id == table.c.province_id)
        .where(table.c.code.in_(codes))
    )
    with engine.connect() as conn:
        return {row[0]: tuple(row[1:]) for row in conn.execute(stmt)}


def count_units(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(OrgUnit))


# -- committing -------------------------------------------------------------------------------------


def test_provinces_and_cities_are_added_with_their_province_ids_in_any_order(engine, ids):
    """Cities before their province in the file, levels in Chinese, codes in lower case: all stored, and
    province_id is the province's own id for a province and its province's id for a city."""
    text = (
        HEADER
        + "g1,地市,gamma,Gamma One,伽马一市\n"
        + "G2,city,GAMMA,Gamma Two,伽马二市\n"
        + "gamma,省,,Gamma,伽马省\n"
        + "DELTA,Province,CN,Delta,德尔塔省\n"
        + "D1,市,DELTA,Delta One,德尔塔一市\n"
        + "A3,city,ALPHA,Alpha Three,阿尔法三市\n"
    )
    result = commit(engine, ids, "regions", text)
    assert (result.inserted, result.updated, result.unchanged) == (6, 0, 0)
    assert units(engine, "GAMMA", "G1", "G2", "DELTA", "D1", "A3") == {
        "GAMMA": ("province", "CN", "GAMMA", "Gamma", "伽马省"),
        "G1": ("city", "GAMMA", "GAMMA", "Gamma One", "伽马一市"),
        "G2": ("city", "GAMMA", "GAMMA", "Gamma Two", "伽马二市"),
        "DELTA": ("province", "CN", "DELTA", "Delta", "德尔塔省"),
        "D1": ("city", "DELTA", "DELTA", "Delta One", "德尔塔一市"),
        "A3": ("city", "ALPHA", "ALPHA", "Alpha Three", "阿尔法三市"),
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_regions_template_imports_as_it_is(engine, ids, lang):
    """Downloaded and uploaded unchanged, the template adds its province and the example city."""
    result = commit(engine, ids, "regions", imports.template_csv("regions", lang).decode("utf-8-sig"))
    assert (result.inserted, result.updated) == (2, 0)
    assert units(engine, "GD", "GD-GZ") == {
        "GD": ("province", "CN", "GD", "Guangdong", "广东省"),
        "GD-GZ": ("city", "GD", "GD", "Guangzhou", "广州市"),
    }


def test_accounts_can_be_imported_into_regions_just_imported(engine, ids):
    """The point of the regions import: an account row naming the new province and city is accepted."""
    commit(engine, ids, "regions", HEADER + "G1,city,GAMMA,Gamma One,伽马一市\nGAMMA,province,,Gamma,伽马省\n")
    result = commit(engine, ids, "accounts", "code,name,industry,province,city\nn1,新客户,finance,伽马省,G1\n")
    assert result.inserted == 1
    with engine.connect() as conn:
        place = conn.execute(
            select(OrgUnit.code).join(Account, Account.city_id == OrgUnit.id).where(Account.code == "n1")
        ).scalar_one()
    assert place == "G1"


def test_a_known_code_updates_its_names_and_an_identical_row_changes_nothing(engine, ids):
    """ALPHA gets new names; A1 as stored is unchanged; the letter case of a code does not matter."""
    text = HEADER + "alpha,province,,Alpha Province,阿尔法省\nA1,city,ALPHA,A1,A1\nb1,city,beta,B1,B1\n"
    result = dry_run(engine, ids, "regions", text)
    assert result.problems == []
    assert result.status == {2: "changed", 3: "unchanged", 4: "unchanged"}
    assert commit(engine, ids, "regions", text).updated == 1
    assert units(engine, "ALPHA")["ALPHA"] == ("province", "CN", "ALPHA", "Alpha Province", "阿尔法省")


def test_a_file_with_one_bad_region_row_writes_nothing(engine, ids):
    """Two good provinces and a city of an unknown province: refused whole, the tree is as it was."""
    before = snapshot(engine)
    text = HEADER + "GAMMA,province,,Gamma,伽马省\nDELTA,province,,Delta,德尔塔省\nE1,city,EPSILON,E1,E1\n"
    with pytest.raises(ImportRejected) as refused:
        commit(engine, ids, "regions", text)
    assert [(p.line, p.column, p.key) for p in refused.value.problems] == [
        (4, "parent_code", "imports.error.unknown_parent_region")
    ]
    assert snapshot(engine) == before


def test_progress_of_a_regions_import_counts_new_and_renamed_units(engine, ids):
    """Progress reaches the total of inserts and updates."""
    text = HEADER + "".join(f"C{i},city,ALPHA,City {i},城市{i}\n" for i in range(1500)) + "BETA,province,,Beta 2,B\n"
    calls = []
    result = commit(engine, ids, "regions", text, progress=lambda done, total: calls.append((done, total)))
    assert (result.inserted, result.updated) == (1500, 1)
    assert calls == [(1000, 1501), (1500, 1501), (1501, 1501)]


def test_a_regions_import_leaves_an_audit_row(engine, ids):
    """Who imported which file and how many units were new."""
    commit(engine, ids, "regions", HEADER + "GAMMA,province,,Gamma,伽马省\n", name="tree.csv")
    with engine.connect() as conn:
        row = conn.execute(select(AuditLog.__table__).where(AuditLog.action == "import")).one()
    assert (row.user_id, row.entity, row.entity_id) == (ids["admin"], "regions", "tree.csv")
    assert '"inserted": 1' in row.detail


# -- the rules --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("province", "province"),
        ("Province", "province"),
        ("省", "province"),
        ("省份", "province"),
        ("city", "city"),
        ("CITY", "city"),
        ("地市", "city"),
        ("市", "city"),
        ("本地网", "city"),
        ("national", None),
        ("county", None),
    ],
)
def test_levels_are_read_in_english_or_chinese(text, level):
    """Only provinces and cities are imported; headquarters is never a row."""
    assert imports.parse_level(text) == level


def test_each_region_row_problem_is_named_with_its_line_and_column(engine, ids):
    """Bad code, unknown level, empty and over-long names, and a province under anything but headquarters."""
    text = (
        HEADER
        + "bad code!,province,,Bad,坏\n"
        + "GAMMA,county,,Gamma,伽马\n"
        + "DELTA,province,,,\n"
        + f"EPSILON,province,,{'x' * 81},伊普西龙\n"
        + "ZETA,province,ALPHA,Zeta,泽塔\n"
        + "ETA,province,cn,Eta,伊塔省\n"
    )
    result = dry_run(engine, ids, "regions", text)
    assert found(result) == [
        (2, "code", "org_code"),
        (3, "level", "level"),
        (4, "name_en", "required"),
        (4, "name_zh", "required"),
        (5, "name_en", "too_long"),
        (6, "parent_code", "province_parent"),
    ]
    assert result.problems[-1].values == {"national": "CN"}
    assert result.status == {7: "new"}


def test_a_code_twice_in_one_file_rejects_the_later_line_whatever_its_case(engine, ids):
    """The second GAMMA (written gamma) is named with the line of the first."""
    text = HEADER + "GAMMA,province,,Gamma,伽马省\ngamma,province,,Gamma 2,伽马省二\n"
    result = dry_run(engine, ids, "regions", text)
    assert found(result) == [(3, "code", "duplicate")]
    assert result.problems[0].values == {"value": "gamma", "first": 2}
    assert result.status == {2: "new"}


def test_a_city_needs_a_province_stored_or_in_the_file(engine, ids):
    """No parent, an unknown parent, a stored city or a city of this file as parent: each rejected."""
    text = (
        HEADER
        + "G1,city,,Gamma One,伽马一\n"
        + "G2,city,NOWHERE,Gamma Two,伽马二\n"
        + "G3,city,A1,Gamma Three,伽马三\n"
        + "G4,city,G5,Gamma Four,伽马四\n"
        + "G5,city,ALPHA,Gamma Five,伽马五\n"
        + "G6,city,CN,Gamma Six,伽马六\n"
    )
    result = dry_run(engine, ids, "regions", text)
    assert found(result) == [
        (2, "parent_code", "city_parent"),
        (3, "parent_code", "unknown_parent_region"),
        (4, "parent_code", "parent_not_province"),
        (5, "parent_code", "parent_not_province"),
        (7, "parent_code", "parent_not_province"),
    ]
    assert [p.values.get("value") for p in result.problems] == [None, "NOWHERE", "A1", "G5", "CN"]
    assert result.status == {6: "new"}


def test_a_stored_unit_keeps_its_level_and_its_province(engine, ids):
    """Accounts and users hang off a unit, so an import may rename it but never move it or change its level."""
    text = (
        HEADER
        + "A1,province,,A1,A1\n"
        + "ALPHA,city,BETA,Alpha,Alpha\n"
        + "A2,city,BETA,A2,A2\n"
        + "B1,city,GAMMA,B1,B1\n"
        + "GAMMA,province,,Gamma,伽马省\n"
        + "CN,province,,China,中国\n"
    )
    result = dry_run(engine, ids, "regions", text)
    assert found(result) == [
        (2, "level", "stored_as_city"),
        (3, "level", "stored_as_province"),
        (4, "parent_code", "parent_change"),
        (5, "parent_code", "parent_change"),
        (7, "code", "national_code"),
    ]
    assert result.problems[2].values == {"value": "A2", "parent": "ALPHA"}
    assert result.problems[3].values == {"value": "B1", "parent": "BETA"}
    assert result.status == {6: "new"}


def test_only_administrators_import_regions(engine, ids):
    """A team lead is refused the kind outright (dry run and commit) and the page does not offer it."""
    before = snapshot(engine)
    text = HEADER + "GAMMA,province,,Gamma,伽马省\n"
    for attempt in (dry_run, commit):
        with pytest.raises(CommandError) as refused:
            attempt(engine, ids, "regions", text, username="lead_alpha")
        assert refused.value.code == "imports.error.role_regions"
    assert snapshot(engine) == before
    assert imports.kinds_for("team_lead") == ("accounts", "monthly_spend", "designations")
    assert imports.kinds_for("admin") == ("regions", "accounts", "monthly_spend", "designations")
    assert imports.kinds_for("staff") == ()


def test_without_a_national_node_regions_are_refused_with_a_clear_message(engine):
    """On a database nobody has set up (no create-admin yet), provinces would have no parent."""
    admin = CurrentUser(1, "admin", "Admin", "admin", "national", "", "", NATIONAL)
    source = imports.read_file("regions", "tree.csv", (HEADER + "GAMMA,province,,Gamma,伽马省\n").encode())
    with engine.connect() as conn, pytest.raises(CommandError) as refused:
        imports.check(conn, user=admin, kind="regions", rows=source.rows)
    assert refused.value.code == "imports.error.no_national"


# -- load-regions from the shell ------------------------------------------------------------------


def test_load_regions_adds_the_built_in_tree_once(db_url, monkeypatch, capsys):
    """On an empty database: the national node, 31 provinces and their cities with province ids; a second
    run adds nothing and says so."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert admin_cli.main(["load-regions"]) == 0
    first = capsys.readouterr().out
    cities = sum(len(p.cities) for p in PROVINCES)
    assert first.startswith(f"Added 31 provinces and {cities} cities:\n")
    assert "  GD Guangdong (广东省), province: GD-GZ, GD-SZ" in first

    from lib.db import make_engine

    engine = make_engine(db_url)
    try:
        assert count_units(engine) == 1 + 31 + cities
        tree = units(engine, "CN", "GD", "GD-GZ", "XJ-WLMQ")
        assert tree == {
            "CN": ("national", None, None, "National", "全国"),
            "GD": ("province", "CN", "GD", "Guangdong", "广东省"),
            "GD-GZ": ("city", "GD", "GD", "Guangzhou", "广州市"),
            "XJ-WLMQ": ("city", "XJ", "XJ", "Urumqi", "乌鲁木齐市"),
        }
        before = snapshot(engine)
        assert admin_cli.main(["load-regions"]) == 0
        assert capsys.readouterr().out == "Nothing to add: the 31 provinces and their cities are stored already.\n"
        assert snapshot(engine) == before and count_units(engine) == 1 + 31 + cities
    finally:
        engine.dispose()


def test_load_regions_adds_only_what_is_missing(engine, ids):
    """Next to a hand-made tree and an imported Guangdong with one city, only the missing units are added,
    and a stored unit keeps its names."""
    commit(engine, ids, "regions", HEADER + "GD,province,,Canton,粤\nGD-GZ,city,GD,Guangzhou,广州市\n")
    added = admin_cli.load_regions(engine)
    guangdong = next(a for a in added if a.code == "GD")
    assert not guangdong.province_added and "GD-GZ" not in guangdong.cities and "GD-SZ" in guangdong.cities
    assert units(engine, "GD", "GD-SZ", "ALPHA") == {
        "GD": ("province", "CN", "GD", "Canton", "粤"),
        "GD-SZ": ("city", "GD", "GD", "Shenzhen", "深圳市"),
        "ALPHA": ("province", "CN", "ALPHA", "Alpha", "ALPHA"),
    }
    assert admin_cli.load_regions(engine) == []
