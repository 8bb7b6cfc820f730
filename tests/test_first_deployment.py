"""The first deployment, end to end: from an empty database to what each role sees, on SQLite and PostgreSQL.

What a new administrator does, through the commands the pages use: create the first administrator,
import the regions, create a user of each role, import accounts, monthly spend and designations, raise
the high-value threshold from a past month and shorten a revisit cadence. The high-value and key
accounts are then worked out here, in plain Python over the rows written, and compared with what is
stored and with what the real app (AppTest) shows each user.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

import openpyxl
import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from lib import admin_cli, i18n, imports
from lib.access import CurrentUser, user_from_record
from lib.commands.imports import commit_import
from lib.commands.settings import set_cadences, set_threshold
from lib.commands.users import create_user
from lib.db import make_engine, write_session
from lib.domain import CATEGORY_BITS, INDUSTRIES
from lib.models import Account, Designation, OrgUnit
from lib.periods import add_months
from lib.queries.users import user_record
from tests.conftest import BACKENDS, TEST_COOKIE_KEY

APP = Path(__file__).resolve().parent.parent / "app.py"
TODAY = dt.date.today()
MONTHS = [add_months(TODAY, k) for k in range(-5, 1)]  # six months of spend, up to this one
YEAR_AGO = add_months(TODAY, -12)
DEFAULT_THRESHOLD, RAISED_THRESHOLD = Decimal(3000), Decimal(4500)
RAISED_FROM = MONTHS[3]  # the first of the month before last
PASSWORD = "First-deploy-2026!"
ROUNDS = 4  # cheap hashes for a test

REGIONS_CSV = (
    "code,level,parent_code,name_en,name_zh\n"
    "ZJ-HZ,city,ZJ,Hangzhou,杭州市\n"  # a city before its province: the order of the rows does not matter
    "ZJ,province,,Zhejiang,浙江省\n"
    "ZJ-NB,地市,ZJ,Ningbo,宁波市\n"
    "SC,省,CN,Sichuan,四川省\n"
    "SC-CD,city,SC,Chengdu,成都市\n"
)
CITIES = {  # code: (province, province in Chinese, city in Chinese, city in English)
    "ZJ-HZ": ("ZJ", "浙江省", "杭州市", "Hangzhou"),
    "ZJ-NB": ("ZJ", "浙江省", "宁波市", "Ningbo"),
    "SC-CD": ("SC", "四川省", "成都市", "Chengdu"),
}
MANAGER_IN = {"ZJ-HZ": "am.hz", "ZJ-NB": "lead.zj", "SC-CD": "am.cd"}
USERS = {  # username: (name, role, org node)
    "exec": ("Wang Wei", "executive", "CN"),
    "lead.zj": ("李娜", "team_lead", "ZJ"),
    "am.hz": ("Zhang Min", "staff", "ZJ-HZ"),
    "am.cd": ("陈刚", "staff", "SC-CD"),
}
LEVELS = (1200, 2800, 3600, 4400, 5200, 9000)  # yuan a month around which an account's spend moves
TRADES_ZH = ("数智科技", "港务物流", "城市商业银行", "能源", "医疗健康", "轨道交通")
FORMS_ZH = ("有限公司", "股份有限公司", "集团有限公司", "分公司", "研究院", "服务中心")
TRADES_EN = ("Digital Tech", "Port Logistics", "City Commercial Bank", "Energy", "Health", "Metro Transit")
FORMS_EN = ("Co., Ltd.", "Holdings", "Group", "Branch", "Institute", "Service Centre")


@dataclass(frozen=True)
class AccountRow:
    code: str
    name: str
    industry: str
    city: str
    manager: str  # username, "" for none


def account_rows() -> list[AccountRow]:
    """36 accounts over three cities, half with Chinese names, every fifth without a manager."""
    rows = []
    for i in range(36):
        city = ("ZJ-HZ", "ZJ-NB", "SC-CD")[i % 3]
        _, _, city_zh, city_en = CITIES[city]
        if i % 2 == 0:
            name = f"{city_zh[:-1]}{TRADES_ZH[i % 6]}{FORMS_ZH[i // 6]}"
        else:
            name = f"{city_en} {TRADES_EN[i % 6]} {FORMS_EN[i // 6]}"
        manager = "" if i % 5 == 4 else MANAGER_IN[city]
        rows.append(AccountRow(f"KA26{i:05d}", name, INDUSTRIES[i % len(INDUSTRIES)], city, manager))
    return rows


ACCOUNTS = account_rows()


def spend(i: int, k: int) -> Optional[Decimal]:
    """Account i's spend in MONTHS[k]: flat, rising or falling around its level; three accounts have none,
    and one spends exactly the raised threshold."""
    if i % 11 == 10:
        return None
    if i == 0:
        return Decimal("4500.00")
    percent = (100, 70 + 12 * k, 130 - 12 * k)[(i // 2) % 3]
    return (Decimal(LEVELS[(i // 3) % 6] * percent) / 100 + i * 37 % 90 + Decimal(i % 7) / 10).quantize(Decimal("0.01"))


# (account index, category, valid_from, valid_to)
DESIGNATED = [
    (2, "important", YEAR_AGO, None),
    (15, "important", YEAR_AGO, None),
    (16, "strategic", YEAR_AGO, None),
    (9, "group", YEAR_AGO, None),
    (11, "group", YEAR_AGO, MONTHS[4]),  # ended last month: no longer a key account for it
]
REASONS = {"important": "省级政府机关", "strategic": "Industry exemplar", "group": "集团总部"}


# -- The files, as an administrator would prepare them ----------------------------------------------


def accounts_file() -> bytes:
    """GBK, as Excel saves CSV on Chinese Windows; regions and industries by code or by Chinese name."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["code", "name", "industry", "province", "city", "manager", "parent_code", "created_on"])
    for i, a in enumerate(ACCOUNTS):
        province, province_zh, city_zh, _ = CITIES[a.city]
        place = (province_zh, city_zh) if i % 4 == 0 else (province, a.city)
        industry = i18n.label("zh", "industry", a.industry) if i % 2 else a.industry
        writer.writerow([a.code, a.name, industry, *place, a.manager, "", f"{2024 + i % 2}-{i % 12 + 1:02d}-15"])
    return out.getvalue().encode("gbk")


def spend_file() -> bytes:
    """An Excel workbook, as billing systems export it: months as text, amounts as numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["客户编码", "月份", "消费金额"])
    for i, a in enumerate(ACCOUNTS):
        for k, month in enumerate(MONTHS):
            if (amount := spend(i, k)) is not None:
                sheet.append([a.code, f"{month.year}年{month.month}月" if k % 2 else f"{month:%Y-%m}", float(amount)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def designations_file() -> bytes:
    lines = ["account_code,category,valid_from,valid_to,reason"]
    for i, category, start, end in DESIGNATED:
        lines.append(f"{ACCOUNTS[i].code},{category},{start},{end or ''},{REASONS[category]}")
    return ("\n".join(lines) + "\n").encode()


# -- What should come out, worked out independently ------------------------------------------------


def high_value_by_month(raised: bool = True) -> dict[dt.date, set[str]]:
    """Per month with three months of spend, the accounts whose trailing average reaches the threshold in
    force on the month's first day (the default, or the raised one from RAISED_FROM on)."""
    found = {}
    for k in range(2, len(MONTHS)):
        threshold = RAISED_THRESHOLD if raised and MONTHS[k] >= RAISED_FROM else DEFAULT_THRESHOLD
        found[MONTHS[k]] = {
            a.code for i, a in enumerate(ACCOUNTS) if sum(spend(i, j) or 0 for j in (k - 2, k - 1, k)) >= 3 * threshold
        }
    return found


def categories_now() -> dict[str, set[str]]:
    """Each account's categories today: high-value in the latest month, designations open today."""
    found: dict[str, set[str]] = {a.code: set() for a in ACCOUNTS}
    for code in high_value_by_month()[MONTHS[-1]]:
        found[code].add("high_value")
    for i, category, start, end in DESIGNATED:
        if start <= TODAY and (end is None or TODAY < end):
            found[ACCOUNTS[i].code].add(category)
    return found


def key_accounts(*, province: Optional[str] = None, manager: Optional[str] = None) -> set[str]:
    categories = categories_now()
    return {
        a.code
        for a in ACCOUNTS
        if categories[a.code]
        and (province is None or CITIES[a.city][0] == province)
        and (manager is None or a.manager == manager)
    }


def average_now(code: str) -> float:
    """The trailing 3-month average spend up to this month, as the account list shows it."""
    i = next(i for i, a in enumerate(ACCOUNTS) if a.code == code)
    return float(sum(spend(i, k) or 0 for k in (3, 4, 5)) / 3)


# -- The deployment, once per backend ---------------------------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS, ids=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database for the whole module: deployed once, then looked at by every test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('first_deployment') / 'kam.sqlite3'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = f"kam_first_{uuid.uuid4().hex[:8]}"
    url = server.create_database(name)
    yield url
    server.drop_database(name)


def signed_in_user(engine: Engine, username: str) -> CurrentUser:
    """The user as the app signs them in (lib.auth.current_user), read from the database."""
    with engine.connect() as conn:
        record = user_record(conn, username)
    return user_from_record(record)


def import_file(engine: Engine, user: CurrentUser, kind: str, name: str, data: bytes) -> dict[str, int]:
    """Read, dry-run and commit a file as the Import data page does; the dry run's counts."""
    source = imports.read_file(kind, name, data)
    assert source.problems == ()
    with engine.connect() as conn:
        plan = imports.check(conn, user=user, kind=kind, rows=source.rows)
    assert plan.problems == [], [(p.line, p.column, p.key, p.values) for p in plan.problems]
    with write_session(engine) as session:
        commit_import(session=session, user=user, kind=kind, rows=source.rows, file_name=name)
    return plan.counts()


@dataclass
class Deployment:
    engine: Engine
    steps: dict[str, Any]


@pytest.fixture(scope="module")
def deployment(db_url: str) -> Iterator[Deployment]:
    """Everything a new administrator does on an empty database, in order."""
    engine = make_engine(db_url)
    steps: dict[str, Any] = {}
    try:
        admin_cli.create_admin(engine, username="root", name="System Admin", password=PASSWORD, bcrypt_rounds=ROUNDS)
        admin = signed_in_user(engine, "root")
        steps["regions"] = import_file(engine, admin, "regions", "regions.csv", REGIONS_CSV.encode())
        with engine.connect() as conn:
            org = dict(conn.execute(select(OrgUnit.code, OrgUnit.id)).all())
        for username, (name, role, node) in USERS.items():
            with write_session(engine) as session:
                create_user(
                    session=session,
                    actor=admin,
                    username=username,
                    name=name,
                    role=role,
                    org_unit_id=org[node],
                    password=PASSWORD,
                    password_repeat=PASSWORD,
                    bcrypt_rounds=ROUNDS,
                )
        steps["accounts"] = import_file(engine, admin, "accounts", "客户清单.csv", accounts_file())
        steps["monthly_spend"] = import_file(engine, admin, "monthly_spend", "月度消费.xlsx", spend_file())
        steps["designations"] = import_file(engine, admin, "designations", "designations.csv", designations_file())
        with write_session(engine) as session:
            amount, since = str(RAISED_THRESHOLD), RAISED_FROM
            steps["threshold"] = set_threshold(session=session, user=admin, amount=amount, effective_from=since)
        with write_session(engine) as session:
            steps["cadence"] = set_cadences(session=session, user=admin, days={"premium": 20}, effective_from=TODAY)
        yield Deployment(engine, steps)
    finally:
        engine.dispose()


# -- What is stored ---------------------------------------------------------------------------------


def test_every_step_of_the_first_deployment_is_accepted(deployment):
    """Each file is taken whole; raising the threshold re-derives exactly the accounts it moves."""
    spend_rows = sum(spend(i, k) is not None for i in range(len(ACCOUNTS)) for k in range(len(MONTHS)))
    counts = {kind: (c["rows"], c["new"]) for kind, c in deployment.steps.items() if isinstance(c, dict)}
    assert counts == {
        "regions": (5, 5),
        "accounts": (36, 36),
        "monthly_spend": (spend_rows, spend_rows),
        "designations": (5, 5),
    }
    before, after = high_value_by_month(raised=False), high_value_by_month()
    moved = {code for month in after if month >= RAISED_FROM for code in before[month] ^ after[month]}
    assert moved, "the raised threshold should move some accounts"
    assert deployment.steps["threshold"].accounts_changed == len(moved)
    assert deployment.steps["cadence"] == 1


def test_high_value_designations_follow_the_trailing_average_month_by_month(deployment):
    """For every month, the derived high-value designations in force on its first day are exactly the
    accounts whose trailing 3-month average reaches the threshold of that day; none before three months."""
    des = Designation.__table__
    with deployment.engine.connect() as conn:
        rows = conn.execute(
            select(Account.code, des.c.valid_from, des.c.valid_to)
            .join(Account, Account.id == des.c.account_id)
            .where(des.c.category == "high_value", des.c.source == "derived")
        ).all()
    stored = {
        month: {code for code, start, end in rows if start <= month and (end is None or month < end)}
        for month in MONTHS
    }
    expected = {MONTHS[0]: set(), MONTHS[1]: set(), **high_value_by_month()}
    assert stored == expected
    assert "KA2600000" in expected[MONTHS[-1]]  # exactly at the threshold counts


def test_category_masks_match_the_categories_in_force_today(deployment):
    """accounts.category_mask holds high-value from the latest month and the designations open today."""
    with deployment.engine.connect() as conn:
        stored = dict(conn.execute(select(Account.code, Account.category_mask)).all())
    expected = {code: sum(CATEGORY_BITS[c] for c in categories) for code, categories in categories_now().items()}
    assert stored == expected


# -- What each user sees ----------------------------------------------------------------------------


def _forget_app_caches() -> None:
    import streamlit as st

    from lib import cache

    cache.settings.clear()
    cache.engine.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def app(deployment: Deployment, db_url: str) -> Iterator[None]:
    """The app, in this process, pointed at the deployed database; its caches are forgotten on the way in
    and out, so neither this database nor another module's leaks across."""
    values = {"DATABASE_URL": db_url, "KAM_COOKIE_KEY": TEST_COOKIE_KEY, "KAM_ENV": "development"}
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    _forget_app_caches()
    try:
        yield
    finally:
        from lib import cache

        cache.engine().dispose()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _forget_app_caches()


def signed_in(username: str, page: Optional[str] = None) -> AppTest:
    """An app session in which `username` has signed in, optionally switched to `page`."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    name, role, _ = USERS.get(username, ("System Admin", "admin", "CN"))
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = name
    at.session_state["roles"] = [role]
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, at.exception
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def listed(at: AppTest) -> list[str]:
    """The account codes of the Key accounts table."""
    return at.dataframe[0].value["code"].tolist()


def test_the_executive_overview_counts_the_key_accounts_worked_out_here(app):
    """Key accounts, premium and each category's size, nationally."""
    categories = categories_now()
    sizes = {c: sum(c in cats for cats in categories.values()) for c in CATEGORY_BITS}
    at = signed_in("exec")
    assert "Overview" in [t.value for t in at.title]
    shown = metrics(at)
    assert shown["Key accounts"] == str(len(key_accounts()))
    assert shown["Premium accounts"] == str(sum(len(cats) >= 2 for cats in categories.values()))
    assert {c: shown[i18n.label("en", "category", c)] for c in sizes} == {c: str(n) for c, n in sizes.items()}
    assert int(shown["Premium accounts"]) > 0 and sizes["high_value"] > 0


def test_the_team_lead_sees_only_their_province(app):
    """Zhejiang's lead: the Overview counts, and the account list holds, Zhejiang's key accounts only."""
    expected = key_accounts(province="ZJ")
    assert expected and expected != key_accounts()
    at = signed_in("lead.zj")
    assert metrics(at)["Key accounts"] == str(len(expected))
    at.switch_page("app_pages/accounts.py").run()
    assert not at.exception, at.exception
    assert sorted(listed(at)) == sorted(expected)


@pytest.mark.parametrize("username", ["am.hz", "am.cd"])
def test_each_account_manager_sees_only_their_own_accounts(app, username):
    """An account manager's list: their key accounts, each with its trailing average spend."""
    expected = key_accounts(manager=username)
    assert expected
    at = signed_in(username, "accounts")
    table = at.dataframe[0].value
    assert sorted(table["code"]) == sorted(expected)
    averages = dict(zip(table["code"], table["avg_spend_3m"], strict=True))
    assert averages == {code: pytest.approx(average_now(code)) for code in expected}


def test_the_administrator_opens_users_and_settings_but_not_tiers(app):
    """Users lists everyone created; Settings shows the raised threshold and the new cadence; Tiers is refused."""
    at = signed_in("root", "users")
    assert "Users and roles" in [t.value for t in at.title]
    users = next(d.value for d in at.dataframe if "username" in d.value.columns)
    assert sorted(users["username"]) == sorted(["root", *USERS])

    at.switch_page("app_pages/settings.py").run()
    assert not at.exception, at.exception
    assert "Settings" in [t.value for t in at.title]
    assert metrics(at)["Threshold in force today"] == f"¥{RAISED_THRESHOLD:,.0f}"
    assert next(n.value for n in at.number_input if n.label == "Premium") == 20

    at.switch_page("app_pages/tiers.py").run()
    assert not at.exception, at.exception
    assert "You do not have access to this page. Choose a page from the menu." in [w.value for w in at.warning]
    assert "Tiers & overlaps" not in [t.value for t in at.title] and not at.metric
