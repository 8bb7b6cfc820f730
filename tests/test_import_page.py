"""The Import data page through AppTest, with real uploads, on a private copy of the demo database."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from sqlalchemy import func, select

from lib.models import Account, AuditLog, MonthlySpend, OrgUnit
from tests.test_app import signed_in

pytestmark = pytest.mark.usefixtures("demo_app_env")
HEADER = "code,name,industry,province,city,manager\n"
WAITING = "Choose a file: you will see a preview and every rejected row before anything is stored."


@pytest.fixture(scope="module")
def db(writable_demo_db):
    """This module writes accounts and spend, so it works on its own copy of the demo database."""
    return writable_demo_db


def upload(at, name: str, data: bytes, mime: str = "text/csv"):
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, at.exception
    return at


def shown(markdown: str) -> str:
    """Markdown as the user reads it: escaped characters (file names are escaped) without their backslash."""
    return re.sub(r"\\(.)", r"\1", markdown)


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def import_button(at, label: str = "Import"):
    return next(b for b in at.button if b.label == label)


def count(db, model, *where) -> int:
    with db.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model).where(*where))


def test_the_page_offers_regions_first_and_waits_for_a_file(db):
    """An administrator starts on regions (an empty database needs them first); before a file is chosen the
    page explains what happens and offers nothing to import."""
    at = signed_in("admin", "import_data")
    assert "Import data" in [t.value for t in at.title]
    kinds = at.segmented_control(key="kind")
    assert kinds.options == ["Regions", "Accounts", "Monthly spend", "Designations"]
    assert kinds.value == "regions"
    assert any("first on a new database" in c.value for c in at.caption)
    assert WAITING in [i.value for i in at.info]
    assert "Import" not in [b.label for b in at.button]


def test_a_team_lead_is_not_offered_regions_even_by_link(db):
    """The organisation tree is the administrators'; a link naming regions opens accounts for a team lead."""
    at = signed_in("lead.gd", "import_data", kind="regions")
    kinds = at.segmented_control(key="kind")
    assert kinds.options == ["Accounts", "Monthly spend", "Designations"]
    assert kinds.value == "accounts"


def test_an_admin_imports_a_city_and_every_page_offers_it_at_once(db):
    """A new city and an unchanged province: previewed, imported, and the cached tree refreshed, so the
    users form of the same session lists the new city right away."""
    at = signed_in("admin", "import_data")
    rows = "code,level,parent_code,name_en,name_zh\nGD-ST,city,GD,Shantou,汕头市\nGD,省,,Guangdong,广东省\n"
    upload(at, "regions.csv", rows.encode())
    assert metrics(at) == {"Rows": "2", "New": "1", "Changed": "0", "Unchanged": "1", "Rejected": "0"}
    assert at.dataframe[0].value["status"].tolist() == ["new", "unchanged"]
    import_button(at).click().run()
    assert not at.exception, at.exception
    assert [shown(s.value) for s in at.success] == ["Imported regions.csv: 1 new, 0 changed, 1 unchanged."]
    with db.connect() as conn:
        stored = conn.execute(
            select(OrgUnit.level, OrgUnit.parent_id, OrgUnit.province_id).where(OrgUnit.code == "GD-ST")
        ).one()
        guangdong = conn.scalar(select(OrgUnit.id).where(OrgUnit.code == "GD"))
    assert tuple(stored) == ("city", guangdong, guangdong)
    at.switch_page("app_pages/users.py").run()
    assert not at.exception, at.exception
    organisations = next(s for s in at.selectbox if s.label == "Organisation node")
    assert "Guangdong · Shantou" in organisations.options


def test_a_rejected_region_row_is_explained_in_chinese(db):
    """A city under an unknown province, in a GBK file with Chinese headers: the reason is in Chinese."""
    at = signed_in("admin", "import_data", lang="zh")
    data = "机构编码,层级,上级机构编码,英文名称,中文名称\nXX-A1,地市,XX,Nowhere,无名市\n".encode("gbk")
    upload(at, "区域.csv", data)
    assert at.dataframe[1].value.to_dict("records") == [
        {"line": 2, "column": "上级机构编码", "reason": "数据库和本文件中都没有编码为“XX”的省份。"}
    ]
    assert import_button(at, "导入").disabled


def test_a_team_lead_previews_then_imports_new_accounts_of_their_province(db):
    """Two good rows are previewed as new; Import stores both, says so, and empties the uploader."""
    at = signed_in("lead.gd", "import_data")
    rows = (
        HEADER
        + "KA9100001,Guangzhou Port Logistics,transport,GD,GD-GZ,am.gz\nKA9100002,深圳示例银行,金融,广东省,深圳市,\n"
    )
    upload(at, "accounts.csv", rows.encode())
    assert metrics(at) == {"Rows": "2", "New": "2", "Changed": "0", "Unchanged": "0", "Rejected": "0"}
    preview = at.dataframe[0].value
    assert preview["line"].tolist() == [2, 3] and preview["status"].tolist() == ["new", "new"]
    assert not import_button(at).disabled

    import_button(at).click().run()
    assert not at.exception, at.exception
    assert [shown(s.value) for s in at.success] == ["Imported accounts.csv: 2 new, 0 changed, 0 unchanged."]
    assert WAITING in [i.value for i in at.info]  # a fresh uploader: the file is not offered twice
    with db.connect() as conn:
        stored = conn.execute(
            select(Account.code, Account.name, OrgUnit.code)
            .join(OrgUnit, OrgUnit.id == Account.city_id)
            .where(Account.code.in_(["KA9100001", "KA9100002"]))
            .order_by(Account.code)
        ).all()
    assert [tuple(r) for r in stored] == [
        ("KA9100001", "Guangzhou Port Logistics", "GD-GZ"),
        ("KA9100002", "深圳示例银行", "GD-SZ"),
    ]
    assert count(db, AuditLog, AuditLog.action == "import", AuditLog.entity_id == "accounts.csv") == 1


def test_the_same_file_again_has_nothing_to_change(db):
    """Re-uploading an imported file shows every row unchanged and offers no import."""
    at = signed_in("lead.gd", "import_data")
    rows = HEADER + "KA9100003,Foshan Ceramics,manufacturing,GD,GD-FS,\n"
    upload(at, "once.csv", rows.encode())
    import_button(at).click().run()
    upload(at, "once.csv", rows.encode())
    assert metrics(at)["Unchanged"] == "1"
    assert "Nothing to change: every row (1) is already stored as it is in the file." in [i.value for i in at.info]
    assert import_button(at).disabled


def test_a_rejected_row_is_listed_with_its_line_and_reason_and_blocks_the_import(db):
    """A Beijing account in a Guangdong lead's file: the row is named, Import is disabled, nothing is stored."""
    at = signed_in("lead.gd", "import_data")
    rows = HEADER + "KA9100004,Zhuhai Yachts,retail,GD,GD-ZH,\nKA9100005,Beijing Test,retail,BJ,BJ-DC,\n"
    upload(at, "mixed.csv", rows.encode())
    assert metrics(at)["Rejected"] == "1"
    assert at.error[0].value.startswith("Rejected rows: 1.")
    rejected = at.dataframe[1].value
    assert rejected.to_dict("records") == [
        {"line": 3, "column": "city", "reason": "This region is outside yours: you cannot import accounts there."}
    ]
    assert import_button(at).disabled
    assert count(db, Account, Account.code.in_(["KA9100004", "KA9100005"])) == 0


def test_choosing_designations_explains_them_and_refuses_high_value_rows(db):
    """High-value follows from spend: a designation file naming it is rejected with that reason."""
    at = signed_in("admin", "import_data")
    at.segmented_control(key="kind").set_value("designations").run()
    assert any("high-value is derived from spend and cannot be imported" in c.value for c in at.caption)
    rows = "account_code,category,valid_from,reason\nKA0000001,high_value,2026-01-01,Big spender\n"
    upload(at, "designations.csv", rows.encode())
    assert at.dataframe[1].value.to_dict("records") == [
        {
            "line": 2,
            "column": "category",
            "reason": "High-value is worked out from spend every month; it cannot be imported as a designation.",
        }
    ]
    assert import_button(at).disabled


def test_an_empty_file_gets_a_clear_message(db):
    """An empty upload is refused with a message, not an error trace."""
    at = signed_in("admin", "import_data")
    upload(at, "empty.csv", b"")
    assert [e.value for e in at.error] == ["The file is empty."]


def test_a_gbk_spend_file_is_checked_and_imported_in_chinese(db):
    """A GBK file with Chinese headers, on the Chinese page: preview and result in Chinese, amount stored."""
    with db.connect() as conn:
        code, account_id = conn.execute(
            select(Account.code, Account.id).where(Account.province_id == 20).order_by(Account.id).limit(1)
        ).one()
    at = signed_in("lead.gd", "import_data", lang="zh", kind="monthly_spend")  # the kind as a copied link has it
    assert at.segmented_control(key="kind").value == "monthly_spend"
    data = f'客户编码,月份,消费金额\n{code},2026年10月,"12,345.67"\n'.encode("gbk")
    upload(at, "消费.csv", data)
    assert metrics(at)["被拒绝"] == "0"
    preview = at.dataframe[0].value
    assert list(preview.columns) == ["line", "status", "客户编码", "月份", "消费金额"]
    assert preview["月份"].tolist() == ["2026年10月"]
    import_button(at, "导入").click().run()
    assert not at.exception, at.exception
    assert shown(at.success[0].value) == "已导入 消费.csv：新增 0 行，修改 1 行，无变化 0 行。"
    with db.connect() as conn:
        amount = conn.scalar(
            select(MonthlySpend.amount).where(MonthlySpend.account_id == account_id, MonthlySpend.month == "2026-10-01")
        )
    assert Decimal(str(amount)) == Decimal("12345.67")


def test_an_excel_file_is_previewed_with_its_row_numbers(db):
    """An .xlsx upload is read like a CSV; a blank Excel row keeps the numbering."""
    book = openpyxl.Workbook()
    for row in (
        ["code", "name", "industry", "province", "city"],
        [],
        ["KA9100006", "Huizhou Energy", "energy", "GD", "GD-HZ"],
    ):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    at = signed_in("admin", "import_data", kind="accounts")
    upload(at, "accounts.xlsx", out.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    preview = at.dataframe[0].value
    assert preview["line"].tolist() == [3] and preview["status"].tolist() == ["new"]
    assert metrics(at)["New"] == "1"


def test_an_account_manager_cannot_open_the_page(db):
    """Staff get the refusal and no uploader."""
    at = signed_in("am.gz", "import_data")
    assert "You do not have access to this page. Choose a page from the menu." in [w.value for w in at.warning]
    assert not at.file_uploader
