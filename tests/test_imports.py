"""Data import: reading CSV and Excel files, every validation rule with its line number, and committing
all rows or none, idempotently, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from lib import domain, imports, rollups
from lib.access import CurrentUser, scope_for
from lib.commands import CommandError
from lib.commands.imports import ImportRejected, commit_import
from lib.db import write_session
from lib.imports import FileRejected
from lib.models import Account, AuditLog, Designation, MonthlySpend, OrgUnit
from tests import handmade
from tests.test_access import scope_of

TODAY = dt.date.today()  # the derivation judges membership on the real today
ACCOUNTS_HEADER = "code,name,industry,province,city,manager,parent_code,created_on\n"
TABLES = (OrgUnit, Account, MonthlySpend, Designation, AuditLog)


# -- helpers ----------------------------------------------------------------------------------------


def read(kind: str, text: str, name: str = "file.csv", encoding: str = "utf-8"):
    return imports.read_file(kind, name, text.encode(encoding))


def user(ids: dict, username: str, role: str | None = None) -> CurrentUser:
    """A signed-in user of the hand-made data set (admin sees the nation)."""
    if username == "admin":
        scope = scope_for(role="admin", user_id=ids["admin"], org_level="national", province_id=None, city_id=None)
        role = role or "admin"
    else:
        scope = scope_of(username, ids)
    roles = {"exec": "executive", "lead_alpha": "team_lead", "lead_a1": "team_lead"}
    return CurrentUser(
        id=ids[username],
        username=username,
        name=username,
        role=role or roles.get(username, "staff"),
        org_level=scope.level,
        org_en="",
        org_zh="",
        scope=scope,
    )


def dry_run(engine, ids, kind: str, text: str, username: str = "admin", encoding: str = "utf-8"):
    source = read(kind, text, encoding=encoding)
    assert source.problems == ()
    with engine.connect() as conn:
        return imports.check(conn, user=user(ids, username), kind=kind, rows=source.rows)


def found(result) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.key.removeprefix("imports.error.")) for p in result.problems]


def commit(engine, ids, kind: str, text: str, username: str = "admin", **kwargs):
    source = read(kind, text, name=kwargs.pop("name", "file.csv"), encoding=kwargs.pop("encoding", "utf-8"))
    with write_session(engine) as session:
        return commit_import(
            session=session, user=user(ids, username), kind=kind, rows=source.rows, file_name=source.name, **kwargs
        )


def snapshot(engine) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row, per table an import may write."""
    out = {}
    with engine.connect() as conn:
        for model in TABLES:
            table = model.__table__
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            out[table.name] = (len(rows), hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest())
    return out


def account(engine, code: str):
    with engine.connect() as conn:
        return conn.execute(select(Account.__table__).where(Account.code == code)).mappings().one_or_none()


def months_back(n: int) -> dt.date:
    """The first day of the month n months before this one."""
    year, month = divmod(TODAY.year * 12 + TODAY.month - 1 - n, 12)
    return dt.date(year, month + 1, 1)


@pytest.fixture
def ids(engine):
    return handmade.build(engine)


# -- reading files ----------------------------------------------------------------------------------


def test_a_csv_file_is_read_with_the_line_numbers_the_user_sees():
    """Blank lines and a quoted value over two lines still count, so row numbers match the editor's."""
    text = 'code,name,industry,province,city\r\na1,"Account\r\na1",finance,ALPHA,A1\r\n\r\nn1,New,finance,ALPHA,A1\r\n'
    source = read("accounts", text)
    assert [row.line for row in source.rows] == [2, 5]
    assert source.rows[0].values["name"] == "Account\r\na1"
    assert source.columns == ("code", "name", "industry", "province", "city")


def test_a_utf8_file_with_a_bom_has_clean_headers():
    """Excel's "CSV UTF-8" starts with a byte-order mark; the first header is still recognised."""
    data = "code,name,industry,province,city\nn1,北京示例,finance,ALPHA,A1\n".encode("utf-8-sig")
    source = imports.read_file("accounts", "bom.csv", data)
    assert source.problems == ()
    assert source.rows[0].values == {
        "code": "n1",
        "name": "北京示例",
        "industry": "finance",
        "province": "ALPHA",
        "city": "A1",
    }


def test_a_gbk_file_with_chinese_headers_and_names_is_read_correctly():
    """Excel on Chinese Windows saves CSV in GBK: Chinese headers and values come back intact."""
    text = "客户编码,客户名称,行业,省份,地市\nn1,广州示例科技有限公司,金融,广东省,广州市\n"
    data = text.encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test really is about a non-UTF-8 file
    source = imports.read_file("accounts", "gbk.csv", data)
    assert source.problems == ()
    assert source.rows[0].values == {
        "code": "n1",
        "name": "广州示例科技有限公司",
        "industry": "金融",
        "province": "广东省",
        "city": "广州市",
    }


def test_a_file_in_neither_utf8_nor_gbk_is_refused():
    """Bytes that are text in no accepted encoding get a message that says how to save the file."""
    with pytest.raises(FileRejected) as refused:
        imports.read_file("accounts", "odd.csv", b"code,name\n\x80\x80abc\n")
    assert refused.value.code == "imports.error.encoding"


@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"\r\n\n  \n", b",,,\n"])
def test_an_empty_file_is_refused(data):
    """No header at all: the file is empty."""
    with pytest.raises(FileRejected) as refused:
        imports.read_file("accounts", "empty.csv", data)
    assert refused.value.code == "imports.error.empty"


def test_a_header_without_rows_is_refused():
    """A header alone imports nothing and says so."""
    with pytest.raises(FileRejected) as refused:
        imports.read_file("monthly_spend", "header.csv", b"account_code,month,amount\n\n")
    assert refused.value.code == "imports.error.no_rows"


def test_a_file_over_the_row_limit_is_refused():
    """One row more than the limit refuses the whole file, before any check runs."""
    data = b"account_code,month,amount\n" + b"a1,2026-01,1\n" * (imports.MAX_ROWS + 1)
    with pytest.raises(FileRejected) as refused:
        imports.read_file("monthly_spend", "huge.csv", data)
    assert (refused.value.code, refused.value.values) == ("imports.error.too_many_rows", {"limit": "100,000"})


def test_the_row_limit_counts_data_rows_not_the_header_or_blank_lines():
    """Exactly the limit is accepted; one more is not."""
    rows = "account_code,month,amount\na1,2026-01,1\n\na1,2026-02,1\na1,2026-03,1\n"
    assert len(imports.read_file("monthly_spend", "f.csv", rows.encode(), max_rows=3).rows) == 3
    with pytest.raises(FileRejected):
        imports.read_file("monthly_spend", "f.csv", (rows + "a1,2026-04,1\n").encode(), max_rows=3)


def test_a_file_over_the_size_limit_is_refused():
    """A file larger than the byte limit is refused with the limit in megabytes."""
    with pytest.raises(FileRejected) as refused:
        imports.read_file("accounts", "big.csv", b"x" * (imports.MAX_BYTES + 1))
    assert (refused.value.code, refused.value.values) == ("imports.error.too_big", {"limit": 25})


def test_unknown_missing_and_repeated_columns_are_reported_on_the_header_line():
    """Every header problem is listed on line 1; the rows are not checked while there are any."""
    source = read("accounts", "code,name,industy,城市,code,province\nn1,x,finance,A1,n1,ALPHA\n")
    problems = [(p.line, p.column, p.key, p.values.get("value")) for p in source.problems]
    assert problems == [
        (1, "", "imports.error.unknown_column", "industy"),
        (1, "", "imports.error.unknown_column", "城市"),
        (1, "code", "imports.error.duplicate_column", "code"),
        (1, "industry", "imports.error.missing_column", "industry"),
        (1, "city", "imports.error.missing_column", "city"),
    ]
    assert "industry (行业)" in source.problems[0].values["accepted"]


def test_headers_are_accepted_in_english_or_chinese_in_any_case_and_order():
    """The template's English or Chinese names, in any order and letter case, name the columns."""
    source = read("designations", "Reason,类别,ACCOUNT CODE,生效日期\nok,important,a4,2026-01-01\n")
    assert source.problems == ()
    assert source.columns == ("reason", "category", "account_code", "valid_from")
    assert source.rows[0].values["account_code"] == "a4"


def xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_is_read_with_excel_row_numbers_and_typed_cells():
    """Dates, numbers and Chinese text in Excel cells become the same text a CSV would hold."""
    data = xlsx(
        [
            ["客户编码", "月份", "消费金额"],
            ["a1", dt.datetime(2026, 3, 1), 3250.5],
            [None, None, None],
            [12345, "2026-04", 1000],
        ]
    )
    source = imports.read_file("monthly_spend", "spend.xlsx", data)
    assert source.problems == ()
    assert [(r.line, r.values) for r in source.rows] == [
        (2, {"account_code": "a1", "month": "2026-03-01", "amount": "3250.5"}),
        (4, {"account_code": "12345", "month": "2026-04", "amount": "1000"}),
    ]


def test_a_damaged_xlsx_file_is_refused():
    """A file named .xlsx that is not a workbook gets a clear message, not a crash."""
    with pytest.raises(FileRejected) as refused:
        imports.read_file("accounts", "broken.xlsx", b"PK\x03\x04 not really a zip")
    assert refused.value.code == "imports.error.bad_excel"


def test_another_file_type_is_refused():
    """Only .csv and .xlsx files are read."""
    with pytest.raises(FileRejected) as refused:
        imports.read_file("accounts", "old.xls", b"code\nn1\n")
    assert refused.value.code == "imports.error.file_type"


@pytest.mark.parametrize("kind", imports.KINDS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_template_has_a_bom_and_reads_back_without_problems(kind, lang):
    """The downloadable template opens in Excel (BOM) and its header is accepted as it is."""
    data = imports.template_csv(kind, lang)
    assert data.startswith(b"\xef\xbb\xbf")
    source = imports.read_file(kind, "template.csv", data)
    assert source.problems == ()
    assert source.columns == tuple(c.name for c in imports.COLUMNS[kind])
    assert len(source.rows) == (2 if kind == "regions" else 1)  # a city comes with its province


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-03", dt.date(2026, 3, 1)),
        ("2026/3", dt.date(2026, 3, 1)),
        ("2026年3月", dt.date(2026, 3, 1)),
        ("2026-03-17", dt.date(2026, 3, 1)),
        ("20260317", dt.date(2026, 3, 1)),
        ("2026-13", None),
        ("March 2026", None),
        ("2026-02-30", None),
    ],
)
def test_months_are_read_in_the_usual_ways_and_normalised_to_the_first(text, month):
    """Any day of a month, or the month alone, means that month's first day."""
    assert imports.parse_month(text) == month


@pytest.mark.parametrize(
    ("text", "amount", "problem"),
    [
        ("3250", Decimal("3250.00"), None),
        ("1,234.565", Decimal("1234.57"), None),
        ("0", Decimal("0.00"), None),
        ("-5", None, "imports.error.negative"),
        ("abc", None, "imports.error.number"),
        ("NaN", None, "imports.error.number"),
        ("1e12", None, "imports.error.too_large"),
    ],
)
def test_amounts_are_non_negative_numbers_rounded_to_the_cent(text, amount, problem):
    assert imports.parse_amount(text) == (amount, problem)


# -- checking accounts ------------------------------------------------------------------------------


def test_a_good_accounts_file_is_planned_as_new_changed_and_unchanged_rows(engine, ids):
    """A new code is new, a stored one with a different name is changed, an identical one is unchanged."""
    text = (
        ACCOUNTS_HEADER
        + "n1,New One,finance,ALPHA,A1,am_a,,2025-02-01\n"
        + "a1,Account a1 renamed,finance,ALPHA,A1,,,\n"
        + "a2,Account a2,Finance,Alpha,a1,AM_A,,2024-01-01\n"
    )
    result = dry_run(engine, ids, "accounts", text)
    assert result.problems == []
    assert result.status == {2: "new", 3: "changed", 4: "unchanged"}
    assert result.counts() == {"rows": 3, "new": 1, "changed": 1, "unchanged": 1, "rejected": 0}


def test_every_problem_of_a_row_is_listed_with_its_line_and_column(engine, ids):
    """One bad row shows all its problems at once, in column order; the good row is not rejected."""
    text = ACCOUNTS_HEADER + "n1,ok,finance,ALPHA,A1,,,\n" + "bad code!,,farming,ALPHA,A1,nobody,,next week\n"
    result = dry_run(engine, ids, "accounts", text)
    assert found(result) == [
        (3, "code", "code"),
        (3, "name", "required"),
        (3, "industry", "industry"),
        (3, "manager", "unknown_manager"),
        (3, "created_on", "date"),
    ]
    assert result.counts()["rejected"] == 1 and result.status == {2: "new"}


def test_regions_are_named_by_code_or_name_and_a_city_must_lie_in_its_province(engine, ids):
    """Unknown province, unknown city and a city of another province are each named."""
    text = (
        ACCOUNTS_HEADER
        + "n1,x,finance,GAMMA,A1,,,\n"
        + "n2,x,finance,ALPHA,Nowhere,,,\n"
        + "n3,x,finance,ALPHA,B1,,,\n"
        + "n4,x,finance,Beta,b1,,,\n"
    )
    result = dry_run(engine, ids, "accounts", text)
    assert found(result) == [
        (2, "province", "unknown_province"),
        (3, "city", "unknown_city"),
        (4, "city", "city_province"),
    ]
    assert result.problems[2].values == {"value": "B1", "province": "ALPHA"}
    assert result.status == {5: "new"}


def test_a_city_name_shared_by_two_provinces_is_resolved_by_the_province(engine, ids):
    """A name used in two provinces is found through the row's province; alone it is ambiguous."""
    with write_session(engine) as s:
        for code, province in (("A9", "ALPHA"), ("B9", "BETA")):
            s.add(
                OrgUnit(
                    code=code,
                    level="city",
                    parent_id=ids[province],
                    province_id=ids[province],
                    name_en="Twin",
                    name_zh="双城",
                )
            )
    text = (
        ACCOUNTS_HEADER
        + "n1,x,finance,BETA,Twin,,,\n"
        + "n2,x,finance,ALPHA,双城,,,\n"
        + "n3,x,finance,Nowhere,Twin,,,\n"
    )
    result = dry_run(engine, ids, "accounts", text)
    assert found(result) == [(4, "province", "unknown_province"), (4, "city", "ambiguous_region")]
    inserted = {row["code"]: row["city_id"] for row in result.inserts}
    with engine.connect() as conn:
        cities = dict(conn.execute(select(OrgUnit.code, OrgUnit.id).where(OrgUnit.code.in_(["A9", "B9"]))).all())
    assert inserted == {"n1": cities["B9"], "n2": cities["A9"]}


def test_a_manager_must_be_an_active_manager_or_lead_working_in_the_city(engine, ids):
    """am_c works in B1, not A1; exec is no account manager; lead_alpha covers every city of Alpha."""
    text = (
        ACCOUNTS_HEADER
        + "n1,x,finance,ALPHA,A1,am_c,,\n"
        + "n2,x,finance,ALPHA,A1,exec,,\n"
        + "n3,x,finance,ALPHA,A2,lead_alpha,,\n"
    )
    result = dry_run(engine, ids, "accounts", text)
    assert found(result) == [(2, "manager", "manager_region"), (3, "manager", "unknown_manager")]
    assert result.inserts[0]["manager_id"] == ids["lead_alpha"]


def test_a_code_twice_in_one_file_rejects_the_later_line(engine, ids):
    """The duplicate names the line where the code first appeared."""
    text = ACCOUNTS_HEADER + "n1,x,finance,ALPHA,A1,,,\n" + "n2,x,finance,ALPHA,A1,,,\n" + "n1,y,finance,ALPHA,A1,,,\n"
    result = dry_run(engine, ids, "accounts", text)
    assert found(result) == [(4, "code", "duplicate")]
    assert result.problems[0].values == {"value": "n1", "first": 2}


def test_an_import_cannot_move_an_account_to_another_region(engine, ids):
    """a4 is in Alpha/A2: the same code with A1 is refused (the facts of an account carry its region)."""
    result = dry_run(engine, ids, "accounts", ACCOUNTS_HEADER + "a4,Account a4,finance,ALPHA,A1,,,\n")
    assert found(result) == [(2, "city", "region_change")]
    assert result.problems[0].values == {"region": "ALPHA / A2"}


def test_group_parents_are_top_level_accounts_and_never_the_account_itself(engine, ids):
    """An unknown parent, the account itself, and a parent that is a member unit are refused."""
    text = (
        ACCOUNTS_HEADER
        + "g1,Group,finance,ALPHA,A1,,,\n"  # a new parent, used below
        + "m1,Member,finance,ALPHA,A1,,g1,\n"  # fine
        + "m2,Member,finance,ALPHA,A1,,zz,\n"  # unknown parent
        + "m3,Member,finance,ALPHA,A1,,m3,\n"  # itself
        + "m4,Member,finance,ALPHA,A1,,m1,\n"  # m1 is a member unit
        + "a1,Account a1,finance,ALPHA,A1,,a2,\n"  # a2 becomes a member below, so it cannot be a parent
        + "a2,Account a2,finance,ALPHA,A1,,a3,\n"  # fine on its own
    )
    result = dry_run(engine, ids, "accounts", text)
    assert found(result) == [
        (4, "parent_code", "unknown_parent"),
        (5, "parent_code", "parent_self"),
        (6, "parent_code", "parent_nested"),
        (7, "parent_code", "parent_nested"),
    ]


def test_an_account_with_member_units_cannot_join_a_group(engine, ids):
    """Once m1 is a member of a3, a3 cannot be made a member of a4: groups are one level deep."""
    commit(engine, ids, "accounts", ACCOUNTS_HEADER + "m1,Member,finance,ALPHA,A2,,a3,\n")
    result = dry_run(engine, ids, "accounts", ACCOUNTS_HEADER + "a3,Account a3,finance,ALPHA,A2,,a4,\n")
    assert found(result) == [(2, "parent_code", "has_members")]
    assert result.problems[0].values == {"value": "a3"}


def test_a_province_lead_imports_only_accounts_of_their_province(engine, ids):
    """lead_alpha may add accounts in Alpha's cities, not in Beta, and may not take over Beta's codes."""
    text = ACCOUNTS_HEADER + "n1,x,finance,ALPHA,A2,,,\n" + "n2,x,finance,BETA,B1,,,\n" + "a5,x,finance,ALPHA,A1,,,\n"
    result = dry_run(engine, ids, "accounts", text, username="lead_alpha")
    assert found(result) == [(3, "city", "out_of_scope"), (4, "code", "code_out_of_scope")]


def test_a_city_lead_imports_only_accounts_of_their_city(engine, ids):
    """lead_a1's region is the city A1: A2 of the same province is outside it."""
    text = ACCOUNTS_HEADER + "n1,x,finance,ALPHA,A1,,,\n" + "n2,x,finance,ALPHA,A2,,,\n"
    result = dry_run(engine, ids, "accounts", text, username="lead_a1")
    assert found(result) == [(3, "city", "out_of_scope")]


@pytest.mark.parametrize("username", ["am_a", "exec"])
def test_roles_other_than_admin_and_team_lead_cannot_import(engine, ids, username):
    """Account managers and executives are refused before any row is read or written."""
    before = snapshot(engine)
    with pytest.raises(CommandError) as refused:
        dry_run(engine, ids, "accounts", ACCOUNTS_HEADER + "n1,x,finance,ALPHA,A1,,,\n", username=username)
    assert refused.value.code == "imports.error.role"
    with pytest.raises(CommandError):
        commit(engine, ids, "accounts", ACCOUNTS_HEADER + "n1,x,finance,ALPHA,A1,,,\n", username=username)
    assert snapshot(engine) == before


def test_a_row_with_more_values_than_the_header_is_rejected(engine, ids):
    """A stray comma shifts values; the row is rejected rather than guessed."""
    result = dry_run(engine, ids, "monthly_spend", "account_code,month,amount\na1,2026-01,100\na1,2026-02,1,000\n")
    assert found(result) == [(3, "", "extra_values")]


# -- checking spend and designations ----------------------------------------------------------------


def test_spend_rows_are_checked_for_account_month_amount_and_duplicates(engine, ids):
    """Each spend rule on its own line; the same month written two ways is a duplicate."""
    future = months_back(-1).strftime("%Y-%m")
    text = (
        "account_code,month,amount\n"
        "a1,2026-01,3000\n"
        "zz,2026-01,10\n"
        "a1,January,10\n"
        "a1,2026-02,lots\n"
        "a1,2026-03,-1\n"
        f"a1,{future},10\n"
        "a1,2026/1/15,20\n"
    )
    result = dry_run(engine, ids, "monthly_spend", text)
    assert found(result) == [
        (3, "account_code", "unknown_account"),
        (4, "month", "month"),
        (5, "amount", "number"),
        (6, "amount", "negative"),
        (7, "month", "future"),
        (8, "month", "duplicate"),
    ]
    assert result.inserts == [
        {
            "account_id": ids["a1"],
            "month": dt.date(2026, 1, 1),
            "amount": Decimal("3000.00"),
            "province_id": ids["ALPHA"],
            "city_id": ids["A1"],
        }
    ]


def test_a_team_lead_cannot_import_spend_of_accounts_outside_their_region(engine, ids):
    """a5 is in Beta: for lead_alpha it does not exist."""
    result = dry_run(
        engine, ids, "monthly_spend", "account_code,month,amount\na1,2026-01,1\na5,2026-01,1\n", "lead_alpha"
    )
    assert found(result) == [(3, "account_code", "unknown_account")]


def test_high_value_cannot_be_imported_as_a_designation(engine, ids):
    """High-value follows from spend; in either language it is refused with its own message."""
    text = (
        "account_code,category,valid_from,reason\n"
        "a4,high_value,2026-01-01,x\n"
        "a4,高值客户,2026-01-01,x\n"
        "a4,重要客户,2026-01-01,x\n"
    )
    result = dry_run(engine, ids, "designations", text)
    assert found(result) == [(2, "category", "derived_category"), (3, "category", "derived_category")]
    assert [row["category"] for row in result.inserts] == ["important"]


def test_designation_dates_and_categories_are_checked(engine, ids):
    """An unknown category, a bad date and an end not after the start are each named."""
    text = (
        "account_code,category,valid_from,valid_to,reason\n"
        "a4,vip,2026-01-01,,x\n"
        "a4,group,2026-02-30,,x\n"
        "a4,group,2026-03-01,2026-03-01,x\n"
        "a4,group,2026-04-01,,\n"
    )
    result = dry_run(engine, ids, "designations", text)
    assert found(result) == [
        (2, "category", "category"),
        (3, "valid_from", "date"),
        (4, "valid_to", "valid_to"),
        (5, "reason", "required"),
    ]


def test_designations_that_overlap_a_stored_or_another_row_are_rejected(engine, ids):
    """a1 has been important since 2025-01-01 (open); a4's two strategic rows overlap each other."""
    text = (
        "account_code,category,valid_from,valid_to,reason\n"
        "a1,important,2026-01-01,,again\n"
        "a4,strategic,2026-01-01,2026-06-01,x\n"
        "a4,strategic,2026-05-01,,y\n"
        "a4,strategic,2026-06-01,,z\n"
    )
    result = dry_run(engine, ids, "designations", text)
    assert found(result) == [
        (2, "valid_from", "overlap_stored"),
        (4, "valid_from", "overlap_file"),
        (5, "valid_from", "overlap_file"),
    ]
    assert result.problems[0].values == {"start": "2025-01-01"}
    assert [p.values for p in result.problems[1:]] == [{"other": 3}, {"other": 4}]


# -- committing -------------------------------------------------------------------------------------


def test_a_file_with_one_bad_row_writes_nothing(engine, ids):
    """Nine good rows and one bad one: the commit is refused and no table changes."""
    good = "".join(f"n{i},Name {i},finance,ALPHA,A1,,,\n" for i in range(9))
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as refused:
        commit(engine, ids, "accounts", ACCOUNTS_HEADER + good + "n9,Name 9,finance,ALPHA,Z9,,,\n")
    assert [(p.line, p.column) for p in refused.value.problems] == [(11, "city")]
    assert refused.value.values == {"n": 1}
    assert snapshot(engine) == before


IMPORTS = {
    "regions": "code,level,parent_code,name_en,name_zh\nG1,city,GAMMA,Gamma One,伽马一\nGAMMA,province,,Gamma,伽马省\n",
    "accounts": ACCOUNTS_HEADER + "n1,新客户,manufacturing,ALPHA,A2,am_b,,2025-03-01\na1,Renamed,finance,ALPHA,A1,,,\n",
    "monthly_spend": "account_code,month,amount\na1,2026-01,3100\na4,2026-01,200.5\n",
    "designations": "account_code,category,valid_from,valid_to,reason\na4,group,2026-01-01,,Group HQ\n",
}


@pytest.mark.parametrize("kind", imports.KINDS)
def test_importing_the_same_file_twice_changes_nothing_the_second_time(engine, ids, kind):
    """The second import finds every row stored as it is and writes nothing, not even an audit row."""
    before_all = snapshot(engine)
    rows = IMPORTS[kind].count("\n") - 1
    first = commit(engine, ids, kind, IMPORTS[kind])
    assert (first.inserted + first.updated, first.unchanged) == (rows, 0)
    after_first = snapshot(engine)
    assert after_first != before_all
    second = commit(engine, ids, kind, IMPORTS[kind])
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, rows)
    assert snapshot(engine) == after_first


def test_an_accounts_import_inserts_new_codes_and_updates_only_what_differs(engine, ids):
    """A new account gets the defaults; a stored one keeps what the file leaves blank."""
    result = commit(engine, ids, "accounts", IMPORTS["accounts"])
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 0)
    new = account(engine, "n1")
    assert (new["name"], new["industry"], new["province_id"], new["city_id"], new["manager_id"]) == (
        "新客户",
        "manufacturing",
        ids["ALPHA"],
        ids["A2"],
        ids["am_b"],
    )
    assert (new["category_mask"], new["service_grade"], new["lifecycle_stage"], new["created_on"]) == (
        0,
        "standard",
        "potential",
        dt.date(2025, 3, 1),
    )
    a1 = account(engine, "a1")
    assert (a1["name"], a1["manager_id"], a1["created_on"]) == ("Renamed", ids["am_a"], dt.date(2024, 1, 1))


def test_a_parent_new_in_the_same_file_is_linked_to_its_members(engine, ids):
    """Members may name a group that the same file creates, whatever the row order."""
    text = (
        ACCOUNTS_HEADER
        + "m1,Member,finance,ALPHA,A1,,g1,\n"
        + "g1,Group,finance,ALPHA,A1,,,\n"
        + "a4,Account a4,finance,ALPHA,A2,,g1,\n"
    )
    commit(engine, ids, "accounts", text)
    group = account(engine, "g1")
    assert account(engine, "m1")["parent_id"] == group["id"] == account(engine, "a4")["parent_id"]
    assert group["parent_id"] is None


def test_each_import_that_writes_leaves_one_audit_row_with_its_counts(engine, ids):
    """Who imported which file, and how many rows were new, changed and unchanged."""
    text = "account_code,month,amount\na1,2026-01,100\na2,2026-01,100\n"
    commit(engine, ids, "monthly_spend", text, name="spend january.csv")
    commit(engine, ids, "monthly_spend", text.replace("a2,2026-01,100", "a2,2026-01,150"), name="fix.csv")
    with engine.connect() as conn:
        rows = conn.execute(select(AuditLog.__table__).where(AuditLog.action == "import").order_by(AuditLog.id)).all()
    assert [(r.user_id, r.entity, r.entity_id) for r in rows] == [
        (ids["admin"], "monthly_spend", "spend january.csv"),
        (ids["admin"], "monthly_spend", "fix.csv"),
    ]
    assert '"inserted": 2' in rows[0].detail and '"updated": 1' in rows[1].detail and '"unchanged": 1' in rows[1].detail


def test_a_team_lead_is_refused_rows_outside_their_province_and_nothing_is_written(engine, ids):
    """lead_alpha's file with one Beta account is refused whole."""
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as refused:
        commit(engine, ids, "monthly_spend", "account_code,month,amount\na1,2026-01,1\na6,2026-01,1\n", "lead_alpha")
    assert [(p.line, p.key) for p in refused.value.problems] == [(3, "imports.error.unknown_account")]
    assert snapshot(engine) == before
    result = commit(
        engine, ids, "monthly_spend", "account_code,month,amount\na1,2026-01,1\na3,2026-01,1\n", "lead_alpha"
    )
    assert result.inserted == 2


def spend_file(amounts: dict[str, list[float]]) -> str:
    months = [months_back(2), months_back(1), months_back(0)]
    lines = [
        f"{code},{month:%Y-%m},{amount}"
        for code, values in amounts.items()
        for month, amount in zip(months, values, strict=True)
    ]
    return "account_code,month,amount\n" + "\n".join(lines) + "\n"


def high_value_now(engine, code: str) -> tuple[bool, bool]:
    """(the mask has the high-value bit, an open derived high-value stretch exists) for an account."""
    row = account(engine, code)
    with engine.connect() as conn:
        stretches = conn.scalar(
            select(func.count())
            .select_from(Designation)
            .where(
                Designation.account_id == row["id"],
                Designation.category == "high_value",
                Designation.source == "derived",
                Designation.valid_to.is_(None),
            )
        )
    return bool(row["category_mask"] & domain.CATEGORY_BITS["high_value"]), stretches == 1


def test_a_spend_import_makes_accounts_high_value_from_the_trailing_average(engine, ids):
    """The three latest months average at least the default ¥3,000 for a4 only, so only a4 becomes high-value."""
    amounts = {"a4": [2500.0, 3200.0, 3400.0], "a2": [3000.0, 3000.0, 2990.0]}
    expected = {code: sum(values) / 3 >= domain.DEFAULT_HIGH_VALUE_THRESHOLD for code, values in amounts.items()}
    assert expected == {"a4": True, "a2": False}  # the data set is what the test says it is
    commit(engine, ids, "monthly_spend", spend_file(amounts))
    assert high_value_now(engine, "a4") == (True, True)
    assert high_value_now(engine, "a2") == (False, False)
    a4 = account(engine, "a4")
    assert (a4["service_grade"], a4["category_mask"]) == ("key", domain.CATEGORY_BITS["high_value"])


def test_lower_spend_imported_later_takes_high_value_away(engine, ids):
    """Correcting the latest month downwards re-derives the membership from that month on."""
    commit(engine, ids, "monthly_spend", spend_file({"a4": [2500.0, 3200.0, 3400.0]}))
    result = commit(engine, ids, "monthly_spend", spend_file({"a4": [2500.0, 3200.0, 3000.0]}))
    assert (result.updated, result.unchanged) == (1, 2)
    assert (2500 + 3200 + 3000) / 3 < domain.DEFAULT_HIGH_VALUE_THRESHOLD
    assert high_value_now(engine, "a4") == (False, False)
    assert account(engine, "a4")["service_grade"] == "standard"
    with engine.connect() as conn:
        assert rollups.differences(conn) == []  # the spend rollup follows the imports and the re-derivation


def test_a_designations_import_refreshes_the_categories_of_the_accounts(engine, ids):
    """a4 becomes strategic and group; a1's important stretch is ended and a new strategic one starts."""
    text = (
        "account_code,category,valid_from,valid_to,reason\n"
        "a4,strategic,2025-06-01,,Industry exemplar\n"
        "a4,集团客户,2025-06-01,,Group HQ\n"
        "a1,important,2025-01-01,2025-12-01,No longer a government body\n"
        "a1,strategic,2025-12-01,,Exemplar\n"
    )
    result = commit(engine, ids, "designations", text)
    assert (result.inserted, result.updated) == (3, 1)
    with engine.connect() as conn:
        assert rollups.differences(conn) == []  # key-account spend follows the new memberships
    bits = domain.CATEGORY_BITS
    assert account(engine, "a4")["category_mask"] == bits["strategic"] | bits["group"]
    assert account(engine, "a4")["service_grade"] == "premium"
    assert account(engine, "a1")["category_mask"] == bits["high_value"] | bits["strategic"]
    with engine.connect() as conn:
        stored = conn.execute(
            select(
                Designation.category, Designation.valid_to, Designation.source, Designation.set_by, Designation.reason
            )
            .where(Designation.account_id == ids["a1"], Designation.category.in_(["important", "strategic"]))
            .order_by(Designation.valid_from)
        ).all()
    assert [tuple(r) for r in stored] == [
        ("important", dt.date(2025, 12, 1), "designated", ids["admin"], "No longer a government body"),
        ("strategic", None, "designated", ids["admin"], "Exemplar"),
    ]


def test_progress_is_reported_between_chunks_up_to_the_total(engine, ids):
    """2,500 new accounts are written in chunks of 1,000, and the bar reaches the end."""
    text = ACCOUNTS_HEADER + "".join(f"k{i:05d},Name {i},retail,ALPHA,A1,,,\n" for i in range(2500))
    calls = []
    result = commit(engine, ids, "accounts", text, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert result.inserted == 2500
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Account).where(Account.code.like("k%"))) == 2500


def test_a_gbk_file_is_stored_with_its_chinese_text_exactly(engine, ids):
    """Names read from a GBK file are stored as the same characters."""
    text = "客户编码,客户名称,行业,省份,地市\nn1,广州示例科技有限公司,医疗卫生,ALPHA,A1\n"
    commit(engine, ids, "accounts", text, encoding="gbk", name="客户.csv")
    stored = account(engine, "n1")
    assert (stored["name"], stored["industry"]) == ("广州示例科技有限公司", "healthcare")
