"""Deterministic sample data: the demo set shipped in sample_data/, and larger sets on demand.

Everything comes from one seed and a fixed anchor date (nothing depends on today): two years
of history in [HISTORY_START, ANCHOR). Generation is vectorised with numpy/pandas (loops run
over stages, grades, categories or provinces, never over orders or events), so the
'province' size (a million orders, five million stage events) takes minutes.

    python -m lib.sample_data generate --size demo --out sample_data
    python -m lib.sample_data load --size province --database-url sqlite:///data/province.sqlite3
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import math
import statistics
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Optional

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    Numeric,
    Table,
    func,
    select,
    text,
)

from lib import domain, rollups
from lib.models import DERIVED_COLUMNS, DERIVED_TABLES, Account, Base
from lib.regions import PROVINCES

Progress = Callable[[float, str], None]

ANCHOR = dt.date(2026, 11, 1)
HISTORY_START = dt.date(2024, 11, 1)
DEFAULT_SEED = 20261101
DEMO_PASSWORD = "Demo-2026!kam"
UNUSABLE_PASSWORD = "!"  # generated users cannot sign in until an admin sets a password
SETTINGS_FROM = dt.date(2024, 1, 1)
# The dated high-value threshold; the earlier, lower row is there to show the setting's history.
THRESHOLDS = ((dt.date(2023, 1, 1), 2500.0), (SETTINGS_FROM, float(domain.DEFAULT_HIGH_VALUE_THRESHOLD)))
INDEX_TARGET = 84.6  # mean survey score over the latest 12 months
YOY_TARGET = 0.68  # points above the 12 months before
PORTFOLIO = 22  # accounts per account manager
DATETIME = "datetime64[us]"
INDEX_REBUILD_ROWS = 100_000  # on SQLite, tables this long get their indexes built after loading
GENERATOR_VERSION = 1  # bump when the generated data changes, so cached copies are regenerated


@dataclass(frozen=True)
class Size:
    accounts: int
    orders: int
    surveys: int
    revisits: int
    complaints: int


SIZES: dict[str, Size] = {
    "tiny": Size(accounts=200, orders=800, surveys=1_500, revisits=600, complaints=120),
    "demo": Size(accounts=2_000, orders=16_000, surveys=15_000, revisits=8_000, complaints=1_500),
    # A tenth of a province: the middle step of the benchmark's scaling runs.
    "medium": Size(accounts=5_000, orders=100_000, surveys=50_000, revisits=20_000, complaints=5_000),
    "province": Size(accounts=50_000, orders=1_000_000, surveys=500_000, revisits=200_000, complaints=50_000),
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    name: str
    role: str
    org_code: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("exec", "Wang Lei", "executive", "CN"),
    DemoUser("lead.gd", "Chen Jing", "team_lead", "GD"),
    DemoUser("am.gz", "Li Na", "staff", "GD-GZ"),
    DemoUser("am.sz", "Zhang Wei", "staff", "GD-SZ"),
    DemoUser("admin", "System Admin", "admin", "CN"),
)

# ---------------------------------------------------------------------------------------------
# Time: days and seconds since 1970-01-01, as int64 arrays until the frames are built.

DAY_S = 86_400
HOUR_S = 3_600
EPOCH = dt.date(1970, 1, 1)
START_DAY = (HISTORY_START - EPOCH).days
ANCHOR_DAY = (ANCHOR - EPOCH).days
SPAN = ANCHOR_DAY - START_DAY  # 730 days: two years of history
START_S = START_DAY * DAY_S
ANCHOR_S = ANCHOR_DAY * DAY_S
MONTHS = np.arange(np.datetime64(HISTORY_START, "M"), np.datetime64(ANCHOR, "M")).astype("datetime64[D]")
NAT = np.iinfo(np.int64).min
SPRING_FESTIVALS = (dt.date(2025, 1, 29), dt.date(2026, 2, 17))


def _day(d: dt.date) -> int:
    return (d - EPOCH).days


def _dates(days: np.ndarray, valid: Optional[np.ndarray] = None) -> np.ndarray:
    days = np.asarray(days, dtype=np.int64)
    return (days if valid is None else np.where(valid, days, NAT)).astype("datetime64[D]")


def _times(seconds: np.ndarray, valid: Optional[np.ndarray] = None) -> np.ndarray:
    seconds = np.asarray(seconds, dtype=np.int64)
    return (seconds if valid is None else np.where(valid, seconds, NAT)).astype("datetime64[s]").astype(DATETIME)


def _nullable(values: np.ndarray, valid: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.where(valid, values, 0).astype(np.int64), ~np.asarray(valid, dtype=bool))


def _weekday(days: np.ndarray) -> np.ndarray:
    return (np.asarray(days) + 3) % 7  # 1970-01-01 was a Thursday; Monday is 0


def _day_weights(growth: float = 0.25, weekend: float = 0.3) -> np.ndarray:
    """Relative activity per history day: slow growth, quiet weekends and Spring Festival."""
    days = START_DAY + np.arange(SPAN)
    weights = (1 + growth * np.arange(SPAN) / SPAN) * np.where(_weekday(days) >= 5, weekend, 1.0)
    for festival in SPRING_FESTIVALS:
        weights[np.abs(days - _day(festival)) <= 7] *= 0.4
    return weights / weights.sum()


def _office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds into the day: mostly office hours, a few at any time."""
    office = 8 * HOUR_S + rng.integers(0, 11 * HOUR_S, n)
    return np.where(rng.random(n) < 0.92, office, rng.integers(0, DAY_S, n))


def _rng(seed: int, name: str) -> np.random.Generator:
    """One independent stream per table, so changing one table leaves the others alone."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _pick(rng: np.random.Generator, options: tuple | list, n: int, p: Optional[list | np.ndarray] = None) -> np.ndarray:
    weights = None if p is None else np.asarray(p, dtype=float) / np.sum(p)
    return np.asarray(options, dtype=object)[rng.choice(len(options), size=n, p=weights)]


def _threshold_at(days: np.ndarray) -> np.ndarray:
    """The high-value threshold in force on each day (the latest effective_from <= day)."""
    starts = np.array([_day(d) for d, _ in THRESHOLDS])
    amounts = np.array([a for _, a in THRESHOLDS])
    return amounts[np.clip(np.searchsorted(starts, days, side="right") - 1, 0, None)]


THRESHOLD = THRESHOLDS[-1][1]
IMPORTANT, HIGH_VALUE, GROUP, STRATEGIC = (domain.CATEGORY_BITS[c] for c in domain.CATEGORIES)
GRADE_INDEX = {g: i for i, g in enumerate(domain.GRADES)}
STAGE_TARGET_HOURS = np.array([[domain.DEFAULT_STAGE_TARGET_HOURS[g][s] for s in domain.STAGES] for g in domain.GRADES])
CADENCE_DAYS = np.array([domain.DEFAULT_REVISIT_CADENCE_DAYS[g] for g in domain.GRADES])

# Share of accounts per exact set of categories (bit mask); about 30 % are in none.
MASK_SHARES = {
    0: 30.0, HIGH_VALUE: 24.0, IMPORTANT: 12.5, GROUP: 12.5, STRATEGIC: 8.0,
    IMPORTANT | HIGH_VALUE: 2.0, IMPORTANT | GROUP: 0.9, IMPORTANT | STRATEGIC: 0.9, HIGH_VALUE | GROUP: 2.2,
    HIGH_VALUE | STRATEGIC: 1.7, GROUP | STRATEGIC: 0.9, IMPORTANT | HIGH_VALUE | GROUP: 0.7,
    IMPORTANT | HIGH_VALUE | STRATEGIC: 0.6, IMPORTANT | GROUP | STRATEGIC: 0.4,
    HIGH_VALUE | GROUP | STRATEGIC: 0.7, 15: 0.35,
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Text: names and short verbatims, English and Chinese.

SURNAMES = tuple(
    "Wang Li Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Hu Zhu Gao Lin He Guo Ma Luo Liang "
    "Song Zheng Xie Han Tang Feng Deng".split()
)
GIVEN = tuple(
    "Wei Fang Na Min Jing Li Qiang Lei Jun Yang Yong Yan Jie Juan Tao Ming Chao Xiu Xia Ping "
    "Gang Hui Hao Yu Xin Ting Bo Peng Hua".split()
)
BRAND_SYLLABLES = tuple(
    "Hua Xin Zhong Tian Hai Da Jin Long Feng Rui Cheng Kang Yuan Tong Sheng Heng Guo Mei Bo "
    "Hong Ming Tai An Jia".split()
)
NAME_PATTERNS = {
    "government": (
        "{city} Municipal Bureau of Commerce",
        "{city} Public Security Bureau",
        "{city} Tax Service",
        "{city} Data Resources Bureau",
        "{city} Emergency Management Bureau",
        "{city} Transport Commission",
        "{city} Intermediate People's Court",
        "{city} Housing Provident Fund Centre",
    ),
    "finance": (
        "{brand} Bank {city} Branch",
        "{city} Rural Commercial Bank",
        "{brand} Securities",
        "{brand} Life Insurance {city} Branch",
    ),
    "manufacturing": (
        "{brand} Precision Manufacturing",
        "{brand} Electronics",
        "{brand} Auto Parts",
        "{brand} New Materials",
        "{brand} Machinery",
    ),
    "education": (
        "{city} University",
        "{city} Vocational College",
        "{city} No. 1 Middle School",
        "{brand} International School",
    ),
    "healthcare": (
        "{city} People's Hospital",
        "{city} Maternal and Child Health Hospital",
        "{city} Hospital of Traditional Chinese Medicine",
        "{brand} Medical Group",
    ),
    "energy": ("{city} Power Supply Bureau", "{brand} Gas", "{brand} New Energy", "{brand} Petrochemical"),
    "transport": ("{city} Metro", "{brand} Logistics", "{city} Port Group", "{brand} Express"),
    "retail": ("{brand} Supermarkets", "{brand} Department Store", "{brand} Pharmacy Chain"),
    "internet": ("{brand} Technology", "{brand} Cloud", "{brand} Network Technology", "{brand} Games"),
    "media": ("{city} Radio and Television", "{brand} Culture Media", "{city} Daily"),
}
INDUSTRY_SHARES = (8, 14, 22, 8, 8, 7, 8, 10, 9, 6)  # in domain.INDUSTRIES order
ZONES = (
    "High-tech Zone",
    "Economic Development Zone",
    "Eastern District",
    "Western District",
    "New Area",
    "Free Trade Zone",
    "Southern District",
    "Northern District",
)
MEMBER_UNITS = (
    "Branch",
    "Subsidiary",
    "Regional Office",
    "Plant",
    "Service Centre",
    "R&D Centre",
    "Sales Company",
)
PRODUCTS = (
    "Dedicated internet line",
    "MPLS VPN",
    "Cloud private line",
    "SD-WAN",
    "IDC colocation",
    "5G private network",
    "IoT connectivity",
    "Cloud hosting",
)
PRODUCT_SHARES = (24, 16, 12, 12, 8, 10, 10, 8)
DESIGNATION_REASONS = {
    "important": ("Party and government body", "党政军机关客户"),
    "group": ("Enterprise group subscribing as one", "集团统一签约客户"),
    "strategic": ("Industry exemplar contested by competitors", "行业标杆，竞争激烈"),
}
HOLD_NOTES = (
    "Waiting for customer site access",
    "等待客户机房准入",
    "Pending right-of-way approval",
    "等待客户确认需求变更",
    "Customer asked to postpone installation",
)
URGE_NOTES = (
    "Customer urged progress",
    "客户催单：要求本周开通",
    "Account manager escalated on customer's request",
)
TRANSFER_NOTES = (
    "Transferred to province network operations",
    "转派省公司网络部",
    "Reassigned to a neighbouring local network",
)
COMPLAINT_TEXTS = {
    "network_quality": (
        "Intermittent packet loss on the dedicated line.",
        "专线频繁中断，影响视频会议。",
        "Poor 5G coverage in the new factory building.",
    ),
    "fault_repair": (
        "Fault ticket open for two days without a site visit.",
        "故障报修后迟迟无人上门。",
        "Repeated fibre cuts at the branch office.",
    ),
    "provisioning_delay": (
        "New circuit not delivered on the promised date.",
        "新开专线超过承诺时间未开通。",
        "Cloud resources still not provisioned.",
    ),
    "billing": (
        "Charged twice for the same service.",
        "账单金额与合同不符。",
        "Contract discount not applied.",
    ),
    "service_attitude": (
        "Hotline agent was unhelpful.",
        "客户经理回复不及时，态度冷淡。",
        "No call back as promised.",
    ),
    "other": (
        "Request to change the contract holder.",
        "要求提供详细的用量报表。",
        "Unhappy with the renewal process.",
    ),
}
SURVEY_COMMENTS = {
    "low": (
        "Repeated outages on the dedicated line this month.",
        "故障处理太慢，影响业务。",
        "Order was delayed twice without explanation.",
        "账单有误，多次沟通未解决。",
        "Account manager hard to reach.",
        "投诉后没有回访。",
    ),
    "mid": (
        "Service is fine but the invoice arrives late.",
        "网络总体稳定，偶尔有抖动。",
        "Would like more proactive updates on orders.",
        "希望能提供更优惠的套餐。",
        "Response is OK, resolution takes a while.",
    ),
    "high": (
        "Stable network, quick response from our account manager.",
        "专线很稳定，客户经理响应及时。",
        "Provisioning was faster than promised.",
        "服务态度好，问题当天解决。",
        "Billing is clear and accurate.",
        "5G专网上线顺利，非常满意。",
    ),
}
NEEDS = (
    "Bandwidth upgrade for headquarters",
    "新园区网络覆盖",
    "Backup line for the data centre",
    "视频会议系统升级",
    "Cloud migration of the ERP system",
    "物联网设备接入",
    "SD-WAN for branch offices",
    "网络安全等保测评",
)
REVISIT_NOTES = (
    "Discussed renewal terms.",
    "客户对新报价感兴趣。",
    "Raised concern about last month's outage.",
    "下季度有扩容计划。",
    "Met the new IT director.",
    "建议安排技术交流会。",
    "Customer is comparing offers from competitors.",
    "客户希望简化账单。",
)
OBJECTIVES = (
    "Renew the framework contract and grow revenue by 10%.",
    "保持续约，提升5G专网渗透率。",
    "Win the new campus network tender.",
    "将云业务份额提升到50%。",
    "Reduce churn risk after last year's outages.",
    "拓展分支机构组网业务。",
)
COMPETITORS = (
    "China Mobile",
    "China Unicom",
    "China Mobile, China Unicom",
    "China Broadnet",
    "Alibaba Cloud",
    "Huawei Cloud",
    "",
)
ACTIONS = (
    "Schedule a technical exchange on SD-WAN",
    "安排高层拜访",
    "Prepare a renewal quotation",
    "完成专线扩容方案",
    "Run a network health check",
    "组织满意度回访",
    "Pilot a 5G private network",
    "Review last quarter's fault tickets",
    "制定云迁移方案",
)
PLAN_OWNERS = ("Solutions team", "Province network operations", "政企解决方案中心")


# ---------------------------------------------------------------------------------------------
# Organisation and people


def _org_units() -> pd.DataFrame:
    """National node, the 31 provinces (ids 2..32), then their cities."""
    rows = [
        dict(
            id=1,
            code="CN",
            level="national",
            parent_id=None,
            province_id=None,
            name_en="National",
            name_zh="全国",
            weight=0.0,
        )
    ]
    for i, prov in enumerate(PROVINCES):
        rows.append(
            dict(
                id=2 + i,
                code=prov.code,
                level="province",
                parent_id=1,
                province_id=2 + i,
                name_en=prov.name_en,
                name_zh=prov.name_zh,
                weight=prov.weight,
            )
        )
    for i, prov in enumerate(PROVINCES):
        for city in prov.cities:
            rows.append(
                dict(
                    id=len(rows) + 1,
                    code=city.code,
                    level="city",
                    parent_id=2 + i,
                    province_id=2 + i,
                    name_en=city.name_en,
                    name_zh=city.name_zh,
                    weight=city.weight,
                )
            )
    return pd.DataFrame(rows).astype({"parent_id": "Int64", "province_id": "Int64"})


def _cities(org: pd.DataFrame) -> pd.DataFrame:
    cities = org[org["level"] == "city"].reset_index(drop=True)
    cities["prov_pos"] = cities["province_id"].astype(np.int64) - 2
    return cities


def _province_traits(rng: np.random.Generator) -> pd.DataFrame:
    """Per-province character: slower order flow goes with lower satisfaction and more complaints."""
    n = len(PROVINCES)
    speed = rng.uniform(-0.2, 0.2, n)  # added to every stage's log-duration
    offset = -6 * speed + rng.normal(0, 1.5, n)
    trend = rng.normal(0.9, 0.7, n)  # satisfaction points per year
    larger = np.argsort([-p.weight for p in PROVINCES])[:18]
    falling = rng.choice(larger, 4, replace=False)  # provinces whose index fell: something to drill into
    trend[falling] = -rng.uniform(1.6, 2.8, 4)
    return pd.DataFrame(
        {"speed": speed, "sat_offset": offset, "sat_trend": trend, "complaint_rate": np.exp(-offset / 4)}
    )


def _allocate(total: int, weights: np.ndarray, floor: int, rng: np.random.Generator) -> np.ndarray:
    floor = min(floor, total // len(weights))
    return floor + rng.multinomial(total - floor * len(weights), weights / weights.sum())


def _city_account_counts(cities: pd.DataFrame, size: Size, rng: np.random.Generator) -> np.ndarray:
    """Accounts per city: provinces by (flattened) economic size, a floor so small ones are not empty."""
    prov_weights = np.array([p.weight for p in PROVINCES]) ** 0.75
    per_province = _allocate(size.accounts, prov_weights, max(2, size.accounts // 250), rng)
    counts = np.zeros(len(cities), dtype=np.int64)
    for pos, n in enumerate(per_province):
        rows = np.flatnonzero(cities["prov_pos"].to_numpy() == pos)
        counts[rows] = _allocate(int(n), cities["weight"].to_numpy()[rows], min(n // (3 * len(rows)), 50), rng)
    return counts


def _person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    given = _pick(rng, GIVEN, n) + np.where(rng.random(n) < 0.4, np.char.lower(_pick(rng, GIVEN, n).astype(str)), "")
    return _pick(rng, SURNAMES, n) + " " + given


def _users(org: pd.DataFrame, cities: pd.DataFrame, counts: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Admin, executive, one team lead per province, then the account managers of each city.

    Managers of a city have consecutive ids; at least one per city.
    """
    managers = np.maximum(1, -(-counts // PORTFOLIO))
    provinces = org[org["level"] == "province"]
    head = pd.DataFrame({
        "username": ["admin", "exec"] + [f"lead.{c.lower()}" for c in provinces["code"]],
        "role": ["admin", "executive"] + ["team_lead"] * len(provinces),
        "org_unit_id": [1, 1] + provinces["id"].tolist(),
        "rank": 1,
    })  # fmt: skip
    city_row = np.repeat(np.arange(len(cities)), managers)
    rank = np.arange(len(city_row)) - np.repeat(np.cumsum(managers) - managers, managers) + 1
    codes = cities["code"].str.lower().to_numpy()[city_row]
    staff = pd.DataFrame({
        "username": ["am." + c + "." + str(r) for c, r in zip(codes, rank, strict=True)],
        "role": "staff", "org_unit_id": cities["id"].to_numpy()[city_row], "rank": rank,
    })  # fmt: skip
    users = pd.concat([head, staff], ignore_index=True)
    users.insert(0, "id", np.arange(1, len(users) + 1))
    users["name"] = _person_names(rng, len(users))
    _apply_demo_users(users, org)
    users["email"] = users["username"] + "@kam.example.com"
    users["password_hash"] = UNUSABLE_PASSWORD
    # A few managers have left: their accounts show up as not covered by an active manager.
    users["active"] = ~((users["role"] == "staff") & (users["rank"] > 1) & (rng.random(len(users)) < 0.03))
    users["failed_logins"] = 0
    users["locked_until"] = pd.Series(pd.NaT, index=users.index, dtype=DATETIME)
    created = START_S - 150 * DAY_S + rng.integers(0, 60, len(users)) * DAY_S + 10 * HOUR_S
    users["created_at"] = _times(created)
    return users


def _apply_demo_users(users: pd.DataFrame, org: pd.DataFrame) -> None:
    """The demo logins take the first user of their role at their org node."""
    unit_code = users["org_unit_id"].map(org.set_index("id")["code"])
    for demo in DEMO_USERS:
        row = users.index[(users["role"] == demo.role) & (unit_code == demo.org_code)][0]
        users.loc[row, ["username", "name"]] = [demo.username, demo.name]


# ---------------------------------------------------------------------------------------------
# Accounts, spend and categories


def _accounts(cities: pd.DataFrame, counts: np.ndarray, users: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Accounts grouped by city, with their intended categories, spend level and trend (internal columns)."""
    n = int(counts.sum())
    city_row = np.repeat(np.arange(len(cities)), counts)
    acc = pd.DataFrame({"id": np.arange(1, n + 1)})
    acc["code"] = "KA" + acc["id"].astype(str).str.zfill(7)
    acc["province_id"] = cities["province_id"].to_numpy(dtype=np.int64)[city_row]
    acc["city_id"] = cities["id"].to_numpy()[city_row]
    acc["prov_pos"] = cities["prov_pos"].to_numpy()[city_row]
    acc["city_name"] = cities["name_en"].to_numpy()[city_row]
    acc["manager_id"] = _assign_managers(acc["city_id"].to_numpy(), users, rng)
    acc["target_mask"] = _target_masks(rng, n)
    acc["industry"] = _industries(rng, acc["target_mask"].to_numpy())
    _spend_profile(acc, rng)
    acc["sat_effect"] = rng.normal(0, 3.5, n)
    acc["parent_id"] = _group_parents(acc, rng)
    parent = acc["parent_id"].to_numpy(dtype=np.int64, na_value=0)
    member = parent > 0  # a group's member units are in the group's trade
    acc.loc[member, "industry"] = acc["industry"].to_numpy()[parent[member] - 1]
    acc["name"] = _account_names(acc, rng)
    oldest = np.where(acc["target_mask"] > 0, _day(dt.date(2010, 1, 1)), _day(dt.date(2014, 1, 1)))
    acc["created_on"] = _dates(rng.integers(oldest, START_DAY - 1))
    return acc


def _assign_managers(city_id: np.ndarray, users: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Round robin over a city's managers, in random order: balanced portfolios."""
    staff = users[users["role"] == "staff"]
    first = staff.groupby("org_unit_id")["id"].min()
    count = staff.groupby("org_unit_id")["id"].count()
    order = np.lexsort((rng.random(len(city_id)), city_id))
    rank = np.empty(len(city_id), dtype=np.int64)
    sorted_city = city_id[order]
    starts = np.r_[0, np.flatnonzero(sorted_city[1:] != sorted_city[:-1]) + 1]
    rank[order] = np.arange(len(city_id)) - np.repeat(starts, np.diff(np.r_[starts, len(city_id)]))
    return first.loc[city_id].to_numpy() + rank % count.loc[city_id].to_numpy()


def _target_masks(rng: np.random.Generator, n: int) -> np.ndarray:
    """Each account's categories at the anchor; the first 15 of a shuffle cover every combination."""
    masks = np.array(list(MASK_SHARES))
    chosen = rng.choice(masks, size=n, p=np.array(list(MASK_SHARES.values())) / sum(MASK_SHARES.values()))
    chosen[rng.permutation(n)[: min(15, n)]] = np.arange(1, 16)[: min(15, n)]
    return chosen


def _industries(rng: np.random.Generator, mask: np.ndarray) -> np.ndarray:
    n = len(mask)
    general = _pick(rng, domain.INDUSTRIES, n, INDUSTRY_SHARES)
    public = _pick(rng, ("government", "education", "healthcare", "energy"), n, (70, 10, 10, 10))
    return np.where(mask & IMPORTANT, public, general)


def _spend_profile(acc: pd.DataFrame, rng: np.random.Generator) -> None:
    """Spend level over the last three months (the high-value test at the anchor) and a monthly trend.

    Levels keep a 1 % margin around the thresholds so that rounding never flips a category.
    """
    n, mask = len(acc), acc["target_mask"].to_numpy()
    potential = (mask == 0) & (rng.random(n) < 0.35)
    level = np.select(
        [(mask & HIGH_VALUE) > 0, mask > 0, potential],
        [
            THRESHOLD * (1.02 + np.exp(rng.normal(-0.3, 1.0, n))),
            THRESHOLD * 0.97 * rng.beta(2.2, 1.8, n),
            THRESHOLD * rng.uniform(0.705, 0.985, n),
        ],
        THRESHOLD * 0.68 * rng.beta(1.5, 3.0, n),
    )
    kind = np.where(potential, rng.choice(3, n, p=[0.45, 0.45, 0.10]), rng.choice(3, n, p=[0.68, 0.20, 0.12]))
    trend = np.choose(kind, [rng.normal(0, 0.008, n), rng.normal(0.035, 0.01, n), rng.normal(-0.035, 0.01, n)])
    acc["level"], acc["trend"], acc["potential"] = level, trend, potential


def _group_parents(acc: pd.DataFrame, rng: np.random.Generator) -> pd.arrays.IntegerArray:
    """Group accounts form clusters in a province: a parent (lower id) and its member units."""
    idx = np.flatnonzero(acc["target_mask"].to_numpy() & GROUP)
    prov = acc["province_id"].to_numpy()[idx]
    first = np.r_[True, prov[1:] != prov[:-1]] if len(idx) else np.zeros(0, bool)
    is_parent = first | (rng.random(len(idx)) < 0.35)
    nearest_parent = np.maximum.accumulate(np.where(is_parent, np.arange(len(idx)), -1))
    parent = np.zeros(len(acc), dtype=np.int64)
    parent[idx[~is_parent]] = acc["id"].to_numpy()[idx[nearest_parent[~is_parent]]]
    return _nullable(parent, parent > 0)


def _account_names(acc: pd.DataFrame, rng: np.random.Generator) -> pd.Series:
    n = len(acc)
    brand = _pick(rng, BRAND_SYLLABLES, n) + np.char.lower(_pick(rng, BRAND_SYLLABLES, n).astype(str))
    pattern = np.empty(n, dtype=object)
    for industry, options in NAME_PATTERNS.items():
        rows = np.flatnonzero(acc["industry"].to_numpy() == industry)
        pattern[rows] = _pick(rng, options, len(rows))
    names = pd.Series([p.format(city=c, brand=b) for p, c, b in zip(pattern, acc["city_name"], brand, strict=True)])
    parent = acc["parent_id"].to_numpy(dtype=np.int64, na_value=0)
    is_parent = np.isin(acc["id"].to_numpy(), parent[parent > 0])
    names[is_parent] = pd.Series(brand, dtype=object)[is_parent] + " Group"
    members = parent > 0
    rank = pd.Series(parent[members]).groupby(parent[members]).cumcount().to_numpy()
    unit = np.asarray(MEMBER_UNITS, dtype=object)[rank % len(MEMBER_UNITS)]
    names[members] = names.to_numpy()[parent[members] - 1] + " " + acc["city_name"].to_numpy()[members] + " " + unit
    return _distinct(names, acc["city_name"])


def _distinct(names: pd.Series, city: pd.Series) -> pd.Series:
    """Tell apart accounts that would share a name: a zone after the city name, or the city in front;
    a number when that is not enough."""
    repeat = names.groupby(names).cumcount().to_numpy()
    zone = np.asarray(ZONES, dtype=object)[(repeat - 1) % len(ZONES)]
    names = pd.Series([
        n if not r else f"{c} {z}{n[len(c):]}" if n.startswith(c + " ") else f"{c} {n}"
        for n, c, z, r in zip(names, city, zone, repeat, strict=True)
    ])  # fmt: skip
    repeat = names.groupby(names).cumcount()
    return names.where(repeat == 0, names + " (" + (repeat + 1).astype(str) + ")")


def _spend_matrix(acc: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Monthly spend in yuan (accounts x 24 months), skewed levels, trends, a Spring Festival dip."""
    n, t = len(acc), np.arange(len(MONTHS))
    month = MONTHS.astype("datetime64[M]").astype(np.int64) % 12 + 1
    season = np.select([month == 2, month == 1, month == 12], [-0.10, -0.03, 0.05], 0.0)
    shape = np.exp(acc["trend"].to_numpy()[:, None] * (t - 22) + season + rng.normal(0, 0.07, (n, len(t))))
    shape *= (acc["level"].to_numpy() / shape[:, -3:].mean(axis=1))[:, None]
    return np.round(shape, 2)


def _monthly_spend(acc: pd.DataFrame, spend: np.ndarray) -> pd.DataFrame:
    n, m = spend.shape
    return pd.DataFrame({
        "account_id": np.repeat(acc["id"].to_numpy(), m),
        "month": np.tile(MONTHS, n),
        "province_id": np.repeat(acc["province_id"].to_numpy(), m),
        "city_id": np.repeat(acc["city_id"].to_numpy(), m),
        "amount": spend.ravel(),
    })  # fmt: skip


def _derived_high_value(acc: pd.DataFrame, spend: np.ndarray) -> pd.DataFrame:
    """High-value stretches: a month is in when its trailing 3-month average (that month and the two
    before) reaches the threshold in force on its first day; consecutive months merge into one stretch.
    The first two months of history have no full window and are not evaluated."""
    cents = np.round(spend * 100).astype(np.int64)
    trailing = cents[:, 2:] + cents[:, 1:-1] + cents[:, :-2]
    months = MONTHS[2:].astype(np.int64)
    member = trailing >= np.round(3 * 100 * _threshold_at(months)).astype(np.int64)
    padded = np.pad(member, ((0, 0), (1, 1)))
    rows, start = np.nonzero(padded[:, 1:-1] & ~padded[:, :-2])
    _, end = np.nonzero(padded[:, 1:-1] & ~padded[:, 2:])
    month_after = np.r_[months[1:], _day(ANCHOR)]
    frame = _stretches(acc, rows, "high_value", months[start], month_after[end], end < len(months) - 1)
    frame["source"], frame["set_by"] = "derived", _nullable(np.zeros(len(rows)), np.zeros(len(rows), bool))
    frame["set_at"] = _times(months[start] * DAY_S + 2 * HOUR_S)
    frame["reason"] = "Trailing 3-month average spend at or above the threshold"
    return frame


def _stretches(
    acc: pd.DataFrame, rows: np.ndarray, category: str, start: np.ndarray, end: np.ndarray, closed: np.ndarray
) -> pd.DataFrame:
    return pd.DataFrame({
        "account_id": acc["id"].to_numpy()[rows], "category": category,
        "valid_from": _dates(start), "valid_to": _dates(end, closed),
        "province_id": acc["province_id"].to_numpy()[rows], "city_id": acc["city_id"].to_numpy()[rows],
    })  # fmt: skip


def _designated(acc: pd.DataFrame, leads: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Designated categories: the current stretch, an earlier one for some, and stretches that ended.

    Nothing starts before a month after the account was created."""
    mask = acc["target_mask"].to_numpy()
    earliest = acc["created_on"].to_numpy().astype("datetime64[D]").astype(np.int64) + 30
    parts = []
    for category in domain.DESIGNATED_CATEGORIES:
        parts += _current_stretches(acc, mask, earliest, category, rng)
    parts += _ended_stretches(acc, mask, earliest, rng)
    frame = pd.concat(parts, ignore_index=True)
    m = len(frame)
    frame["source"] = "designated"
    prov_pos = frame["province_id"].to_numpy() - 2
    frame["set_by"] = np.where(rng.random(m) < 0.85, leads[prov_pos], 1)  # the province's lead, or the admin
    set_at = frame["valid_from"].to_numpy().astype("datetime64[s]").astype(np.int64) + 9 * HOUR_S
    frame["set_at"] = _times(set_at + rng.integers(0, 8 * HOUR_S, m))
    reasons = np.array([DESIGNATION_REASONS[c] for c in domain.DESIGNATED_CATEGORIES], dtype=object)
    category_pos = frame["category"].map({c: i for i, c in enumerate(domain.DESIGNATED_CATEGORIES)}).to_numpy()
    frame["reason"] = reasons[category_pos, rng.integers(0, 2, m)]  # English or Chinese
    return frame


def _current_stretches(
    acc: pd.DataFrame, mask: np.ndarray, earliest: np.ndarray, category: str, rng: np.random.Generator
) -> list[pd.DataFrame]:
    """Open stretches of the accounts holding `category` now; a few recent ones had an earlier stretch."""
    rows = np.flatnonzero(mask & domain.CATEGORY_BITS[category])
    recent = rng.random(len(rows)) < 0.35
    start = np.where(
        recent,
        rng.integers(START_DAY, ANCHOR_DAY - 14, len(rows)),
        rng.integers(_day(dt.date(2016, 1, 1)), START_DAY, len(rows)),
    )
    start = np.maximum(start, earliest[rows])
    again = recent & (rng.random(len(rows)) < 0.15)
    end = start[again] - rng.integers(30, 200, again.sum())
    begin = np.maximum(end - rng.integers(120, 500, again.sum()), earliest[rows[again]])
    keep = end - begin >= 30
    return [
        _stretches(acc, rows, category, start, start, np.zeros(len(rows), bool)),
        _stretches(acc, rows[again][keep], category, begin[keep], end[keep], np.ones(keep.sum(), bool)),
    ]


def _ended_stretches(
    acc: pd.DataFrame, mask: np.ndarray, earliest: np.ndarray, rng: np.random.Generator
) -> list[pd.DataFrame]:
    """Stretches of a category the account no longer holds (some are former key accounts)."""
    n = len(acc)
    category = rng.integers(0, len(domain.DESIGNATED_CATEGORIES), n)
    bits = np.array([domain.CATEGORY_BITS[c] for c in domain.DESIGNATED_CATEGORIES])[category]
    ended = ((mask & bits) == 0) & (rng.random(n) < np.where(mask > 0, 0.10, 0.08))
    start = np.maximum(rng.integers(_day(dt.date(2023, 1, 1)), _day(dt.date(2026, 3, 1)), n), earliest)
    end = np.minimum(start + rng.integers(90, 540, n), ANCHOR_DAY - 7)
    ended &= end - start >= 30
    parts = []
    for i, name in enumerate(domain.DESIGNATED_CATEGORIES):
        rows = np.flatnonzero(ended & (category == i))
        parts.append(_stretches(acc, rows, name, start[rows], end[rows], np.ones(len(rows), bool)))
    return parts


def _designations(acc: pd.DataFrame, spend: np.ndarray, leads: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    frame = pd.concat([_designated(acc, leads, rng), _derived_high_value(acc, spend)], ignore_index=True)
    frame["set_by"] = frame["set_by"].astype("Int64")
    frame = frame.sort_values(["account_id", "category", "valid_from"], kind="stable", ignore_index=True)
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    return frame


def _open_at(designations: pd.DataFrame, day: dt.date) -> pd.Series:
    day64 = np.datetime64(day)
    return (designations["valid_from"] <= day64) & (
        designations["valid_to"].isna() | (designations["valid_to"] > day64)
    )


def _finish_accounts(acc: pd.DataFrame, designations: pd.DataFrame) -> None:
    """Current categories from the designations open at the anchor; grade and lifecycle from them."""
    current = designations[_open_at(designations, ANCHOR)]
    mask = np.zeros(len(acc) + 1, dtype=np.int64)
    bits = current["category"].map(domain.CATEGORY_BITS).to_numpy()
    np.bitwise_or.at(mask, current["account_id"].to_numpy(), bits)
    acc["category_mask"] = mask[1:]
    size = np.bitwise_count(acc["category_mask"].to_numpy().astype(np.uint8))
    acc["service_grade"] = np.select([size >= domain.PREMIUM_MIN_CATEGORIES, size == 1], ["premium", "key"], "standard")
    first_key = current.groupby("account_id")["valid_from"].min().reindex(acc["id"]).to_numpy()
    was_key = np.isin(acc["id"], designations["account_id"])
    key, trend = size > 0, acc["trend"].to_numpy()
    new_since = np.datetime64(ANCHOR - dt.timedelta(days=365))
    acc["lifecycle_stage"] = np.select(
        [key & (first_key >= new_since), key & (trend >= 0.02), key & (trend <= -0.02), key,
         acc["potential"].to_numpy(), was_key, trend <= -0.02],
        ["new", "growing", "at_risk", "mature", "potential", "churned", "at_risk"],
        "mature",
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Settings


def _settings() -> dict[str, pd.DataFrame]:
    """The dated settings tables, set by the admin (user 1) shortly before they took effect."""
    set_at = pd.Timestamp(SETTINGS_FROM) - pd.Timedelta(days=14) + pd.Timedelta(hours=10)
    thresholds = pd.DataFrame({
        "effective_from": [d for d, _ in THRESHOLDS], "amount": [a for _, a in THRESHOLDS], "set_by": 1,
        "set_at": [pd.Timestamp(d) - pd.Timedelta(days=14) + pd.Timedelta(hours=10) for d, _ in THRESHOLDS],
    })  # fmt: skip
    cadences = pd.DataFrame({"service_grade": domain.GRADES, "days": CADENCE_DAYS})
    targets = pd.DataFrame(
        [(g, s, float(h)) for g, stages in domain.DEFAULT_STAGE_TARGET_HOURS.items() for s, h in stages.items()],
        columns=["service_grade", "stage", "target_hours"],
    )
    complaint = pd.DataFrame(
        [(s, float(r), float(f)) for s, (r, f) in domain.DEFAULT_COMPLAINT_TARGET_HOURS.items()],
        columns=["severity", "response_hours", "resolution_hours"],
    )
    frames = {"revisit_cadences": cadences, "stage_targets": targets, "complaint_targets": complaint}
    for frame in frames.values():
        frame["effective_from"], frame["set_by"], frame["set_at"] = SETTINGS_FROM, 1, set_at
    frames["high_value_thresholds"] = thresholds
    for frame in frames.values():
        frame.insert(0, "id", np.arange(1, len(frame) + 1))
    return frames


# ---------------------------------------------------------------------------------------------
# Complaints


def _served(acc: pd.DataFrame) -> np.ndarray:
    """Accounts the key-account organisation serves: key accounts and potential ones."""
    return np.flatnonzero((acc["category_mask"].to_numpy() > 0) | acc["potential"].to_numpy())


def _complaints(
    acc: pd.DataFrame, traits: pd.DataFrame, leads: np.ndarray, size: Size, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    served = _served(acc)
    weight = (
        traits["complaint_rate"].to_numpy()[acc["prov_pos"].to_numpy()[served]]
        * np.where(acc["service_grade"].to_numpy()[served] == "premium", 1.5, 1.0)
        * np.exp(-acc["sat_effect"].to_numpy()[served] / 4)
    )
    n = size.complaints
    rows = served[rng.choice(len(served), n, p=weight / weight.sum())]
    received = START_S + rng.choice(SPAN, n, p=_day_weights(0.15, 0.5)) * DAY_S + _office_seconds(rng, n)
    order = np.argsort(received, kind="stable")
    rows, received = rows[order], received[order]
    c = pd.DataFrame({"id": np.arange(1, n + 1), "account_id": acc["id"].to_numpy()[rows]})
    c["code"] = "CP" + c["id"].astype(str).str.zfill(8)
    for col in ("province_id", "city_id"):
        c[col] = acc[col].to_numpy()[rows]
    c["channel"] = _pick(rng, domain.COMPLAINT_CHANNELS, n, (30, 25, 20, 15, 7, 3))
    c["category"] = _pick(rng, domain.COMPLAINT_CATEGORIES, n, (28, 22, 16, 16, 10, 8))
    c["severity"] = _pick(rng, domain.COMPLAINT_SEVERITIES, n, (35, 40, 18, 7))
    c["green_channel"] = rng.random(n) < c["severity"].map({"critical": 0.6}).fillna(0).to_numpy()
    c["description"] = _texts_by(rng, c["category"].to_numpy(), COMPLAINT_TEXTS)
    manager = acc["manager_id"].to_numpy()[rows]
    raised = (c["channel"].to_numpy() == "account_manager") | (rng.random(n) < 0.5)
    c["raised_by"] = _nullable(manager, raised)
    timeline = _complaint_timeline(c, received, rng)
    events = _complaint_events(c, timeline, manager, leads, rng)
    _complaint_state(c, timeline, events)
    c["followup_score"] = np.nan  # set from the follow-up survey
    c["idempotency_key"] = None
    return c, events


def _texts_by(rng: np.random.Generator, keys: np.ndarray, texts: dict[str, tuple[str, ...]]) -> np.ndarray:
    out = np.empty(len(keys), dtype=object)
    for key, options in texts.items():
        rows = np.flatnonzero(keys == key)
        out[rows] = _pick(rng, options, len(rows))
    return out


def _complaint_timeline(c: pd.DataFrame, received: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every complaint's full life (some reopened once); the anchor later cuts it short."""
    n = len(c)
    targets = domain.DEFAULT_COMPLAINT_TARGET_HOURS
    response_h = c["severity"].map({k: v[0] for k, v in targets.items()}).to_numpy(dtype=float)
    resolve_h = c["severity"].map({k: v[1] for k, v in targets.items()}).to_numpy(dtype=float)
    speed = np.where(c["green_channel"].to_numpy(), 0.5, 1.0) * HOUR_S
    drag = np.where(rng.random(n) < 0.06, rng.uniform(5, 25, n), 1.0)  # a few drag on for weeks
    first = received + (response_h * speed * np.exp(rng.normal(-0.5, 0.7, n))).astype(np.int64) + 60
    resolved1 = np.maximum(
        first + 600,
        received + (resolve_h * speed * drag * np.exp(rng.normal(-0.55, 0.7, n))).astype(np.int64),
    )
    reopen = rng.random(n) < 0.07
    reopened = resolved1 + rng.integers(DAY_S, 5 * DAY_S, n)
    second = reopened + (response_h * speed * np.exp(rng.normal(-0.5, 0.6, n))).astype(np.int64) + 60
    resolved2 = np.maximum(
        second + 600, reopened + (resolve_h * speed * np.exp(rng.normal(-0.6, 0.6, n))).astype(np.int64)
    )
    follow_up = rng.integers(DAY_S, 14 * DAY_S, n)  # closed after the follow-up call
    closed = np.where(reopen, resolved2, resolved1) + follow_up
    return dict(
        received=received,
        first=first,
        resolved1=resolved1,
        reopen=reopen,
        reopened=reopened,
        second=second,
        resolved2=resolved2,
        closed=closed,
    )


def _complaint_events(
    c: pd.DataFrame,
    tl: dict[str, np.ndarray],
    manager: np.ndarray,
    leads: np.ndarray,
    rng: np.random.Generator,
) -> pd.DataFrame:
    everyone, reopen = np.ones(len(c), bool), tl["reopen"]
    steps = [  # (which complaints, from, to, when)
        (everyone, None, "open", tl["received"]),
        (everyone, "open", "in_progress", tl["first"]),
        (everyone, "in_progress", "resolved", tl["resolved1"]),
        (reopen, "resolved", "reopened", tl["reopened"]),
        (reopen, "reopened", "in_progress", tl["second"]),
        (reopen, "in_progress", "resolved", tl["resolved2"]),
        (everyone, "resolved", "closed", tl["closed"]),
    ]
    parts = []
    for which, before, after, at in steps:
        rows = np.flatnonzero(which & (at < ANCHOR_S))
        parts.append(pd.DataFrame({"row": rows, "from_status": before, "to_status": after, "at_s": at[rows]}))
    ev = pd.concat(parts, ignore_index=True).sort_values(["row", "at_s"], kind="stable", ignore_index=True)
    rows = ev["row"].to_numpy()
    lead = leads[c["province_id"].to_numpy()[rows] - 2]
    actor = np.where(rng.random(len(ev)) < 0.15, lead, manager[rows])
    raised = c["raised_by"].to_numpy(dtype=np.int64, na_value=0)[rows]
    opening = ev["to_status"].to_numpy() == "open"
    actor = np.where(opening, raised, actor)
    ev["id"] = np.arange(1, len(ev) + 1)
    ev["complaint_id"] = c["id"].to_numpy()[rows]
    ev["at"] = _times(ev["at_s"].to_numpy())
    ev["actor_id"] = _nullable(actor, actor > 0)
    ev["note"] = ""
    return ev


def _complaint_state(c: pd.DataFrame, tl: dict[str, np.ndarray], events: pd.DataFrame) -> None:
    """Status and timestamps as they stand at the anchor."""
    last = events.groupby("row")["to_status"].last()
    c["status"] = last.reindex(np.arange(len(c))).to_numpy()
    reopened_now = tl["reopen"] & (tl["reopened"] < ANCHOR_S) & (tl["resolved2"] >= ANCHOR_S)
    resolved = np.where(tl["reopen"] & (tl["resolved2"] < ANCHOR_S), tl["resolved2"], tl["resolved1"])
    c["received_at"] = _times(tl["received"])
    c["first_response_at"] = _times(tl["first"], tl["first"] < ANCHOR_S)
    c["resolved_at"] = _times(resolved, (resolved < ANCHOR_S) & ~reopened_now)
    c["closed_at"] = _times(tl["closed"], tl["closed"] < ANCHOR_S)
    c["reopened_count"] = (tl["reopen"] & (tl["reopened"] < ANCHOR_S)).astype(np.int64)
    c["first_s"], c["closed_s"] = tl["first"], tl["closed"]


# ---------------------------------------------------------------------------------------------
# Orders and their stage events


STAGE_SIGMA = 0.55  # spread of log(duration / target)
STAGE_ON_TIME = (
    0.93,
    0.86,
    0.81,
    0.75,
    0.89,
)  # national share within target, per stage, before regional shifts
HOLD_SHARE = (0.01, 0.05, 0.10, 0.15, 0.02)  # intervals with a hold, per stage


def _stage_mu() -> np.ndarray:
    """Location of log(duration / target) per stage that gives the STAGE_ON_TIME shares."""
    return np.array([-statistics.NormalDist().inv_cdf(p) * STAGE_SIGMA for p in STAGE_ON_TIME])


def _order_heads(acc: pd.DataFrame, complaints: pd.DataFrame, size: Size, rng: np.random.Generator) -> pd.DataFrame:
    """Who and when: regular orders of served accounts plus orders spawned by complaints."""
    spawn = complaints[
        complaints["category"].isin(["network_quality", "fault_repair", "provisioning_delay"]).to_numpy()
        & (rng.random(len(complaints)) < 0.12)
        & (complaints["received_at"] < pd.Timestamp(ANCHOR - dt.timedelta(days=3))).to_numpy()
    ]
    served = _served(acc)
    grade = acc["service_grade"].to_numpy()[served]
    weight = (
        np.select([grade == "premium", grade == "key"], [3.0, 1.5], 0.3)
        * (acc["level"].to_numpy()[served] / THRESHOLD) ** 0.3
    )
    n = max(0, size.orders - len(spawn))
    rows = served[rng.choice(len(served), n, p=weight / weight.sum())]
    received = START_S + rng.choice(SPAN, n, p=_day_weights()) * DAY_S + _office_seconds(rng, n)
    spawn_received = spawn["received_at"].to_numpy().astype("datetime64[s]").astype(np.int64)
    spawn_received = spawn_received + rng.integers(2 * HOUR_S, 48 * HOUR_S, len(spawn))
    heads = pd.DataFrame({
        "row": np.r_[rows, spawn["account_id"].to_numpy() - 1],
        "received_s": np.r_[received, spawn_received],
        "complaint": np.r_[np.zeros(n, np.int64), spawn["id"].to_numpy()],
    }).sort_values("received_s", kind="stable", ignore_index=True)  # fmt: skip
    return heads


def _orders(
    acc: pd.DataFrame,
    complaints: pd.DataFrame,
    cities: pd.DataFrame,
    traits: pd.DataFrame,
    leads: np.ndarray,
    size: Size,
    rng: np.random.Generator,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    heads = _order_heads(acc, complaints, size, rng)
    n, rows = len(heads), heads["row"].to_numpy()
    o = pd.DataFrame({"id": np.arange(1, n + 1)})
    o["code"] = "WO" + o["id"].astype(str).str.zfill(8)
    o["account_id"] = acc["id"].to_numpy()[rows]
    o["province_id"] = acc["province_id"].to_numpy()[rows]
    o["city_id"] = acc["city_id"].to_numpy()[rows]
    o["raised_by_unit_id"] = np.where(
        rng.random(n) < 0.05, _random_city(cities, o["province_id"].to_numpy(), rng), o["city_id"].to_numpy()
    )
    o["service_grade"] = acc["service_grade"].to_numpy()[rows]
    o["product"] = _pick(rng, PRODUCTS, n, PRODUCT_SHARES)
    o["received_at"] = _times(heads["received_s"].to_numpy())
    complaint = heads["complaint"].to_numpy()
    o["complaint_id"] = _nullable(complaint, complaint > 0)
    o["prov_pos"] = acc["prov_pos"].to_numpy()[rows]
    o["manager"] = acc["manager_id"].to_numpy()[rows]
    o["lead"] = leads[o["prov_pos"].to_numpy()]
    sim = _simulate_stages(o, heads["received_s"].to_numpy(), traits, rng)
    _order_state(o, sim)
    events = _order_events(o, sim, cities, rng)
    return o, events


def _random_city(cities: pd.DataFrame, province_id: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A random city of each given province."""
    first = cities.groupby("province_id")["id"].min().reindex(np.arange(2, 2 + len(PROVINCES))).to_numpy()
    count = cities.groupby("province_id")["id"].count().reindex(np.arange(2, 2 + len(PROVINCES))).to_numpy()
    pos = province_id - 2
    return first[pos] + (rng.random(len(pos)) * count[pos]).astype(np.int64)


def _simulate_stages(
    o: pd.DataFrame, received: np.ndarray, traits: pd.DataFrame, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Entry, active time and hold of every stage (orders x stages), before the anchor cuts them."""
    n, stages = len(o), len(domain.STAGES)
    grade = o["service_grade"].map(GRADE_INDEX).to_numpy()
    target = (STAGE_TARGET_HOURS[grade] * HOUR_S).astype(np.int64)
    month = (received // DAY_S).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1
    festival = np.where(month <= 2, 0.12, 0.0)  # slower around Spring Festival
    improving = -0.12 * (received - START_S) / (SPAN * DAY_S)  # and a little faster every month
    shift = traits["speed"].to_numpy()[o["prov_pos"].to_numpy()] + festival + improving
    ratio = np.exp(_stage_mu()[None, :] + shift[:, None] + rng.normal(0, STAGE_SIGMA, (n, stages)))
    stuck = rng.random(n) < 0.004  # a few orders stall in resource check or provisioning
    ratio[stuck, rng.integers(2, 4, stuck.sum())] *= rng.uniform(5, 30, stuck.sum())
    active = np.maximum(300, ratio * target).astype(np.int64)
    hold = np.where(
        rng.random((n, stages)) < np.array(HOLD_SHARE),
        np.exp(rng.normal(np.log(20 * HOUR_S), 0.9, (n, stages))),
        0,
    ).astype(np.int64)
    hold_offset = (rng.uniform(0.1, 0.9, (n, stages)) * active).astype(np.int64)
    span = active + hold
    entry = received[:, None] + np.concatenate([np.zeros((n, 1), np.int64), np.cumsum(span, axis=1)[:, :-1]], axis=1)
    return dict(target=target, active=active, hold=hold, hold_offset=hold_offset, entry=entry, exit=entry + span)


def _order_state(o: pd.DataFrame, sim: dict[str, np.ndarray]) -> None:
    entered, done = sim["entry"] < ANCHOR_S, sim["exit"] < ANCHOR_S
    current = entered & ~done
    on_hold = (
        current
        & (sim["hold"] > 0)
        & (sim["entry"] + sim["hold_offset"] < ANCHOR_S)
        & (sim["entry"] + sim["hold_offset"] + sim["hold"] >= ANCHOR_S)
    )
    closed = done[:, -1]
    stage_names = np.array(domain.STAGES + (domain.CLOSED_STAGE,), dtype=object)
    o["current_stage"] = stage_names[np.where(closed, len(domain.STAGES), current.argmax(axis=1))]
    o["status"] = np.select([closed, on_hold.any(axis=1)], ["closed", "on_hold"], "open")
    o["closed_at"] = _times(sim["exit"][:, -1], closed)
    sim["entered"], sim["done"] = entered, done


def _order_events(
    o: pd.DataFrame, sim: dict[str, np.ndarray], cities: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    parts = [
        _enter_events(o, sim, rng),
        *_hold_events(sim, rng),
        _urge_events(o, sim, rng),
        _transfer_events(o, sim, cities, rng),
    ]
    ev = pd.concat(parts, ignore_index=True)
    kind_rank = ev["kind"].map({k: i for i, k in enumerate(domain.ORDER_EVENT_KINDS)}).to_numpy()
    ev = ev.iloc[np.lexsort((kind_rank, ev["at_s"].to_numpy(), ev["order"].to_numpy()))].reset_index(drop=True)
    rows, stage = ev["order"].to_numpy(), ev["stage_pos"].to_numpy()
    frame = pd.DataFrame({"id": np.arange(1, len(ev) + 1), "order_id": o["id"].to_numpy()[rows], "kind": ev["kind"]})
    frame["stage"] = np.asarray(domain.STAGES, dtype=object)[stage]
    frame["at"] = _times(ev["at_s"].to_numpy())
    frame["exited_at"] = _times(ev["exit_s"].to_numpy(), ev["exit_s"].to_numpy() > 0)
    frame["hold_seconds"] = ev["hold_s"].to_numpy()
    duration, target = ev["duration_s"].to_numpy(), ev["target_s"].to_numpy()
    frame["duration_seconds"] = _nullable(duration, duration >= 0)
    frame["target_seconds"] = _nullable(target, target > 0)
    frame["unit_id"] = ev["unit"].to_numpy()
    actor = ev["actor"].to_numpy()
    frame["actor_id"] = _nullable(actor, actor > 0)
    for col in ("province_id", "city_id", "service_grade"):
        frame[col] = o[col].to_numpy()[rows]
    frame["note"] = ev["note"].to_numpy()
    return frame


def _cells(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.nonzero(mask)


def _point(
    kind: str,
    rows: np.ndarray,
    stage: np.ndarray,
    at: np.ndarray,
    unit: np.ndarray,
    actor: np.ndarray,
    note: np.ndarray | str,
) -> pd.DataFrame:
    m = len(rows)
    return pd.DataFrame(
        {
            "order": rows,
            "kind": kind,
            "stage_pos": stage,
            "at_s": at,
            "exit_s": np.zeros(m, np.int64),
            "hold_s": np.zeros(m, np.int64),
            "duration_s": np.full(m, -1),
            "target_s": np.zeros(m, np.int64),
            "unit": unit,
            "actor": actor,
            "note": note,
        }
    )


def _stage_units(
    o: pd.DataFrame, rows: np.ndarray, stage: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Who handles a stage: the raising city, or the province for some resource and build work."""
    province_stage = np.isin(stage, (2, 3)) & (rng.random(len(rows)) < 0.3)
    unit = np.where(province_stage, o["province_id"].to_numpy()[rows], o["raised_by_unit_id"].to_numpy()[rows])
    actor = np.where(province_stage, o["lead"].to_numpy()[rows], o["manager"].to_numpy()[rows])
    return unit, np.where(rng.random(len(rows)) < 0.3, 0, actor)


def _enter_events(o: pd.DataFrame, sim: dict[str, np.ndarray], rng: np.random.Generator) -> pd.DataFrame:
    rows, stage = _cells(sim["entered"])
    done = sim["done"][rows, stage]
    hold = sim["hold"][rows, stage]
    hold_end = sim["entry"][rows, stage] + sim["hold_offset"][rows, stage] + hold
    unit, actor = _stage_units(o, rows, stage, rng)
    sim["unit"], sim["actor"] = np.zeros_like(sim["entry"]), np.zeros_like(sim["entry"])
    sim["unit"][rows, stage], sim["actor"][rows, stage] = unit, actor
    return pd.DataFrame({
        "order": rows, "kind": "enter", "stage_pos": stage, "at_s": sim["entry"][rows, stage],
        "exit_s": np.where(done, sim["exit"][rows, stage], 0),
        "hold_s": np.where(done | (hold_end < ANCHOR_S), hold, 0),  # holds finished so far
        "duration_s": np.where(done, sim["active"][rows, stage], -1),
        "target_s": sim["target"][rows, stage], "unit": unit, "actor": actor, "note": "",
    })  # fmt: skip


def _hold_events(sim: dict[str, np.ndarray], rng: np.random.Generator) -> list[pd.DataFrame]:
    start = sim["entry"] + sim["hold_offset"]
    rows, stage = _cells(sim["entered"] & (sim["hold"] > 0) & (start < ANCHOR_S))
    at = start[rows, stage]
    resume = at + sim["hold"][rows, stage]
    resumed = resume < ANCHOR_S
    unit, actor = sim["unit"][rows, stage], sim["actor"][rows, stage]
    note = _pick(rng, HOLD_NOTES, len(rows))
    return [
        _point("hold", rows, stage, at, unit, actor, note),
        _point("resume", rows[resumed], stage[resumed], resume[resumed], unit[resumed], actor[resumed], ""),
    ]


def _urge_events(o: pd.DataFrame, sim: dict[str, np.ndarray], rng: np.random.Generator) -> pd.DataFrame:
    """Slow stages get urged once they pass 80 % of their target."""
    slow = sim["entered"] & (sim["active"] > 0.8 * sim["target"]) & (rng.random(sim["entry"].shape) < 0.15)
    rows, stage = _cells(slow)
    offset = (0.8 * sim["target"][rows, stage]).astype(np.int64)
    offset += np.where(sim["hold_offset"][rows, stage] < offset, sim["hold"][rows, stage], 0)
    at = sim["entry"][rows, stage] + offset
    keep = at < ANCHOR_S
    rows, stage, at = rows[keep], stage[keep], at[keep]
    return _point(
        "urge",
        rows,
        stage,
        at,
        sim["unit"][rows, stage],
        o["manager"].to_numpy()[rows],
        _pick(rng, URGE_NOTES, len(rows)),
    )


def _transfer_events(
    o: pd.DataFrame, sim: dict[str, np.ndarray], cities: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Some orders are transferred mid-stage to the province or a neighbouring local network."""
    n = len(o)
    rows = np.flatnonzero(rng.random(n) < 0.06)
    stage = rng.integers(1, 4, len(rows))
    offset = (0.5 * sim["active"][rows, stage]).astype(np.int64)
    offset += np.where(sim["hold_offset"][rows, stage] < offset, sim["hold"][rows, stage], 0)
    at = sim["entry"][rows, stage] + offset
    keep = sim["entered"][rows, stage] & (at < ANCHOR_S)
    rows, stage, at = rows[keep], stage[keep], at[keep]
    province = o["province_id"].to_numpy()[rows]
    unit = np.where(rng.random(len(rows)) < 0.5, province, _random_city(cities, province, rng))
    return _point("transfer", rows, stage, at, unit, o["lead"].to_numpy()[rows], _pick(rng, TRANSFER_NOTES, len(rows)))


# ---------------------------------------------------------------------------------------------
# Revisits


def _revisit_days(acc: pd.DataFrame, diligence: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Every visit a diligent organisation would make: per account, gaps of about its cadence."""
    served = _served(acc)
    grade = acc["service_grade"].map(GRADE_INDEX).to_numpy()[served]
    rows_out, days_out = [], []
    for g, cadence in enumerate(CADENCE_DAYS):
        rows = served[grade == g]
        slots = math.ceil(SPAN / (cadence * 0.45)) + 1
        gaps = (
            cadence
            * diligence[acc["manager_id"].to_numpy()[rows]][:, None]
            * np.exp(rng.normal(0, 0.22, (len(rows), slots)))
        )
        days = rng.uniform(0, cadence, len(rows))[:, None] + np.cumsum(gaps, axis=1) - gaps[:, :1]
        inside = days < SPAN
        rows_out.append(np.broadcast_to(rows[:, None], days.shape)[inside])
        days_out.append(days[inside])
    return np.concatenate(rows_out), np.concatenate(days_out)


def _revisits(
    acc: pd.DataFrame, traits: pd.DataFrame, users: pd.DataFrame, size: Size, rng: np.random.Generator
) -> pd.DataFrame:
    """Visits per cadence, thinned by how widely the revisit log was used: sparse at first, common now."""
    diligence = np.exp(rng.normal(-0.12, 0.18, users["id"].max() + 1))
    rows, days = _revisit_days(acc, diligence, rng)
    uptake = 0.12 + 0.88 * (days / SPAN) ** 1.6
    keep = rng.random(len(days)) < min(1.0, size.revisits / uptake.sum()) * uptake
    rows, day = rows[keep], START_DAY + days[keep].astype(np.int64)
    day -= np.select([_weekday(day) == 5, _weekday(day) == 6], [1, 2], 0)  # weekend visits move to Friday
    r = pd.DataFrame({"row": rows, "day": day}).drop_duplicates().sort_values(["day", "row"], ignore_index=True)
    rows, day, n = r["row"].to_numpy(), r["day"].to_numpy(), len(r)
    out = pd.DataFrame({"id": np.arange(1, n + 1), "account_id": acc["id"].to_numpy()[rows]})
    for col in ("province_id", "city_id", "manager_id"):
        out[col] = acc[col].to_numpy()[rows]
    out["visited_on"] = _dates(day)
    out["channel"] = _pick(rng, domain.REVISIT_CHANNELS, n, (45, 35, 12, 8))
    raw = 85 + traits["sat_offset"].to_numpy()[acc["prov_pos"].to_numpy()[rows]] + acc["sat_effect"].to_numpy()[rows]
    score = np.clip(np.round(raw + rng.normal(0, 8, n)), 0, 100)
    out["score"] = np.where(rng.random(n) < 0.12, np.nan, score)
    out["outcome"] = _revisit_outcomes(rng, score)
    out["needs"] = np.where(rng.random(n) < 0.45, _pick(rng, NEEDS, n), "")
    out["products"] = np.where(rng.random(n) < 0.3, _pick(rng, PRODUCTS, n), "")
    out["notes"] = np.where(rng.random(n) < 0.4, _pick(rng, REVISIT_NOTES, n), "")
    cadence = CADENCE_DAYS[acc["service_grade"].map(GRADE_INDEX).to_numpy()[rows]]
    out["next_due"] = _dates(day + cadence)
    out["created_by"] = out["manager_id"]
    late = rng.random(n) < 0.2  # logged the next morning rather than the same evening
    logged = day * DAY_S + np.where(late, DAY_S + 9 * HOUR_S, 17 * HOUR_S) + rng.integers(0, 2 * HOUR_S, n)
    out["created_at"] = _times(logged)
    out["idempotency_key"] = None
    return out


def _revisit_outcomes(rng: np.random.Generator, score: np.ndarray) -> np.ndarray:
    low = _pick(rng, domain.REVISIT_OUTCOMES, len(score), (35, 10, 0, 20, 35))
    usual = _pick(rng, domain.REVISIT_OUTCOMES, len(score), (55, 25, 12, 3, 5))
    return np.where(score < 60, low, usual)


# ---------------------------------------------------------------------------------------------
# Surveys, calibrated to the reference index


def _survey_heads(
    acc: pd.DataFrame,
    orders: pd.DataFrame,
    complaints: pd.DataFrame,
    revisits: pd.DataFrame,
    size: Size,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """Account, day and source of every survey: after complaints, orders, revisits, and periodic ones."""
    closed = complaints["closed_at"].notna().to_numpy()
    parts = [
        pd.DataFrame(
            {
                "account_id": complaints["account_id"].to_numpy()[closed],
                "day": complaints["closed_s"].to_numpy()[closed] // DAY_S,
                "source": "after_complaint",
                "complaint_id": complaints["id"].to_numpy()[closed],
            }
        )
    ]
    done = np.flatnonzero(orders["closed_at"].notna().to_numpy())
    picked = rng.choice(done, min(len(done), round(0.3 * size.surveys)), replace=False)
    closed_day = orders["closed_at"].to_numpy()[picked].astype("datetime64[D]").astype(np.int64)
    parts.append(
        pd.DataFrame(
            {
                "account_id": orders["account_id"].to_numpy()[picked],
                "day": closed_day + rng.integers(0, 11, len(picked)),
                "source": "after_order",
            }
        )
    )
    visits = rng.choice(len(revisits), min(len(revisits), round(0.12 * size.surveys)), replace=False)
    parts.append(
        pd.DataFrame(
            {
                "account_id": revisits["account_id"].to_numpy()[visits],
                "day": revisits["visited_on"].to_numpy()[visits].astype("datetime64[D]").astype(np.int64),
                "source": "revisit",
            }
        )
    )
    heads = pd.concat(parts, ignore_index=True)
    heads = heads[heads["day"] < ANCHOR_DAY]
    served = _served(acc)
    weight = np.select(
        [acc["service_grade"].to_numpy()[served] == "premium", acc["category_mask"].to_numpy()[served] > 0],
        [2.0, 1.0],
        0.5,
    )
    n = max(0, size.surveys - len(heads))
    periodic = pd.DataFrame(
        {
            "account_id": acc["id"].to_numpy()[served[rng.choice(len(served), n, p=weight / weight.sum())]],
            "day": START_DAY + rng.choice(SPAN, n, p=_day_weights(0.0, 0.05)),
            "source": "annual",
        }
    )
    heads = pd.concat([heads, periodic], ignore_index=True)
    heads["complaint_id"] = heads["complaint_id"].fillna(0).astype(np.int64)
    return heads.sort_values(["day", "account_id"], kind="stable", ignore_index=True)


def _surveys(
    acc: pd.DataFrame,
    traits: pd.DataFrame,
    orders: pd.DataFrame,
    complaints: pd.DataFrame,
    revisits: pd.DataFrame,
    size: Size,
    rng: np.random.Generator,
) -> pd.DataFrame:
    heads = _survey_heads(acc, orders, complaints, revisits, size, rng)
    n, rows = len(heads), heads["account_id"].to_numpy() - 1
    day = heads["day"].to_numpy()
    prov = acc["prov_pos"].to_numpy()[rows]
    manager_effect = rng.normal(0, 2.5, acc["manager_id"].max() + 1)[acc["manager_id"].to_numpy()[rows]]
    raw = (INDEX_TARGET + traits["sat_offset"].to_numpy()[prov]
           + traits["sat_trend"].to_numpy()[prov] * (day - START_DAY - SPAN / 2) / 365
           + acc["sat_effect"].to_numpy()[rows] + manager_effect
           + np.where(acc["service_grade"].to_numpy()[rows] == "premium", 1.5, 0.0)
           + heads["source"].map({"after_complaint": -8.0, "revisit": 1.0}).fillna(0.0).to_numpy()
           + rng.normal(0, 7, n))  # fmt: skip
    detractor = rng.random(n) < 0.04
    raw = np.where(detractor, rng.uniform(25, 60, n), raw)
    score = _calibrate(raw, day - START_DAY)
    s = pd.DataFrame({"id": np.arange(1, n + 1), "account_id": heads["account_id"].to_numpy()})
    s["province_id"], s["city_id"] = acc["province_id"].to_numpy()[rows], acc["city_id"].to_numpy()[rows]
    s["surveyed_on"], s["source"], s["score"] = _dates(day), heads["source"].to_numpy(), score
    speed = traits["speed"].to_numpy()[prov]
    offsets = {
        "network": -1.0 - 8 * speed,
        "service": 0.5,
        "billing": -1.5,
        "account_manager": 1.5 + manager_effect,
        "after_sales": -0.5,
    }
    for dim, offset in offsets.items():
        value = np.round(np.clip(score + offset + rng.normal(0, 4.5, n), 0, 100), 1)
        missing = rng.random(n) < (0.3 if dim == "billing" else 0.06) * (heads["source"].to_numpy() != "annual")
        s[dim] = np.where(missing, np.nan, value)
    band = np.select([score < 60, score < 80], ["low", "mid"], "high")
    s["comment"] = np.where(rng.random(n) < 0.22, _texts_by(rng, band, SURVEY_COMMENTS), "")
    s["complaint_id"] = heads["complaint_id"].to_numpy()
    return s


def _calibrate(raw: np.ndarray, offset_days: np.ndarray) -> np.ndarray:
    """Shift scores by a + b*t so the two 12-month means hit the reference figures exactly,
    iterating because clipping to [0, 100] and rounding to 0.1 bend the shift."""
    before, latest = offset_days < 365, offset_days >= 365
    x = (offset_days - SPAN / 2) / 365
    system = np.array([[1.0, x[before].mean()], [1.0, x[latest].mean()]])
    goal = np.array([INDEX_TARGET - YOY_TARGET, INDEX_TARGET])
    shift = np.zeros(2)
    for _ in range(30):
        score = np.round(np.clip(raw + shift[0] + shift[1] * x, 0, 100), 1)
        error = goal - np.array([score[before].mean(), score[latest].mean()])
        if np.abs(error).max() < 0.001:
            break
        shift += np.linalg.solve(system, error)
    return score


# ---------------------------------------------------------------------------------------------
# Account plans and the audit log


def _plans(acc: pd.DataFrame, users: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One plan per account (一户一案) for most premium and some key accounts, with 1-4 actions."""
    grade = acc["service_grade"].to_numpy()
    rows = np.flatnonzero(rng.random(len(acc)) < np.select([grade == "premium", grade == "key"], [0.55, 0.2], 0))
    n = len(rows)
    plans = pd.DataFrame({"id": np.arange(1, n + 1), "account_id": acc["id"].to_numpy()[rows]})
    plans["objectives"] = _pick(rng, OBJECTIVES, n)
    plans["needs"] = _pick(rng, NEEDS, n)
    first = rng.integers(0, len(PRODUCTS), n)
    second = (first + rng.integers(1, len(PRODUCTS), n)) % len(PRODUCTS)
    plans["products"] = np.asarray(PRODUCTS, dtype=object)[first] + ", " + np.asarray(PRODUCTS, dtype=object)[second]
    plans["competitors"] = _pick(rng, COMPETITORS, n)
    plans["updated_by"] = acc["manager_id"].to_numpy()[rows]
    plans["updated_at"] = _times(ANCHOR_S - rng.integers(1, 150, n) * DAY_S + rng.integers(9 * HOUR_S, 18 * HOUR_S, n))
    per_plan = rng.integers(1, 5, n)
    plan = np.repeat(np.arange(n), per_plan)
    m = len(plan)
    actions = pd.DataFrame({"id": np.arange(1, m + 1), "plan_id": plans["id"].to_numpy()[plan]})
    actions["action"] = _pick(rng, ACTIONS, m)
    manager_name = users.set_index("id")["name"].reindex(plans["updated_by"].to_numpy()[plan]).to_numpy()
    actions["owner"] = np.where(rng.random(m) < 0.7, manager_name, _pick(rng, PLAN_OWNERS, m))
    due = ANCHOR_DAY + rng.integers(-120, 150, m)
    actions["due_on"] = _dates(due)
    past = _pick(rng, ("done", "dropped", "in_progress"), m, (65, 10, 25))
    future = _pick(rng, ("planned", "in_progress"), m, (60, 40))
    actions["status"] = np.where(due < ANCHOR_DAY, past, future)
    return plans, actions


def _audit_log(designations: pd.DataFrame, settings: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Recent designations and the settings rows, as the app would have recorded them."""
    recent = designations[
        (designations["source"] == "designated")
        & (designations["set_at"] >= pd.Timestamp(ANCHOR - dt.timedelta(days=90)))
    ]
    rows = [
        pd.DataFrame(
            {
                "at": recent["set_at"],
                "user_id": recent["set_by"],
                "action": "designation.set",
                "entity": "account",
                "entity_id": recent["account_id"].astype(str),
                "detail": recent["category"],
            }
        )
    ]
    for name, frame in settings.items():
        rows.append(
            pd.DataFrame(
                {
                    "at": frame["set_at"],
                    "user_id": frame["set_by"],
                    "action": "settings.set",
                    "entity": name,
                    "entity_id": frame["id"].astype(str),
                    "detail": "",
                }
            )
        )
    log = pd.concat(rows, ignore_index=True).sort_values("at", kind="stable", ignore_index=True)
    log.insert(0, "id", np.arange(1, len(log) + 1))
    return log


# ---------------------------------------------------------------------------------------------
# Public API: generate


def generate(
    size: str = "demo", seed: int = DEFAULT_SEED, progress: Optional[Progress] = None
) -> dict[str, pd.DataFrame]:
    """Every table of lib/models.py as a DataFrame with exactly the model's columns, ids assigned."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; choose one of {', '.join(SIZES)}")
    spec, report = SIZES[size], progress or (lambda _f, _label: None)
    org = _org_units()
    cities = _cities(org)
    traits = _province_traits(_rng(seed, "provinces"))
    counts = _city_account_counts(cities, spec, _rng(seed, "allocation"))
    users = _users(org, cities, counts, _rng(seed, "users"))
    leads = users.loc[users["role"] == "team_lead", ["org_unit_id", "id"]].set_index("org_unit_id")["id"]
    leads = leads.reindex(np.arange(2, 2 + len(PROVINCES))).to_numpy()
    report(0.05, "accounts")
    acc = _accounts(cities, counts, users, _rng(seed, "accounts"))
    spend = _spend_matrix(acc, _rng(seed, "spend"))
    designations = _designations(acc, spend, leads, _rng(seed, "designations"))
    _finish_accounts(acc, designations)
    settings = _settings()
    report(0.15, "complaints")
    complaints, complaint_events = _complaints(acc, traits, leads, spec, _rng(seed, "complaints"))
    report(0.2, "orders")
    orders, order_events = _orders(acc, complaints, cities, traits, leads, spec, _rng(seed, "orders"))
    report(0.7, "revisits")
    revisits = _revisits(acc, traits, users, spec, _rng(seed, "revisits"))
    report(0.75, "surveys")
    surveys = _surveys(acc, traits, orders, complaints, revisits, spec, _rng(seed, "surveys"))
    followup = surveys[surveys["complaint_id"] > 0].set_index("complaint_id")["score"]
    complaints["followup_score"] = followup.reindex(complaints["id"]).to_numpy()
    plans, actions = _plans(acc, users, _rng(seed, "plans"))
    report(0.85, "frames")
    raw = {
        "org_units": org, "users": users, "accounts": acc, "monthly_spend": _monthly_spend(acc, spend),
        "designations": designations, **settings, "orders": orders, "order_events": order_events,
        "complaints": complaints, "complaint_events": complaint_events, "revisits": revisits,
        "surveys": surveys,
        "account_plans": plans, "plan_actions": actions, "audit_log": _audit_log(designations, settings),
    }  # fmt: skip
    tables = {name: conform(name, raw[name]) for name in Base.metadata.tables if name not in DERIVED_TABLES}
    report(1.0, "done")
    return tables


def _column_kind(column: Column) -> str:
    kind = column.type
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, DateTime):
        return "datetime"
    if isinstance(kind, Date):
        return "date"
    if isinstance(kind, Integer):
        return "nullable_int" if column.nullable else "int"
    if isinstance(kind, Float | Numeric):
        return "float"
    return "str"


def _cast(values: pd.Series, kind: str) -> pd.Series:
    if kind == "date":
        return pd.Series(np.asarray(values, dtype="datetime64[D]").astype(object), index=values.index, dtype=object)
    if kind == "datetime":
        return pd.to_datetime(values).astype(DATETIME)
    dtype = {"bool": bool, "nullable_int": "Int64", "int": np.int64, "float": np.float64, "str": "str"}[kind]
    return values.astype(dtype)


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Exactly the model's columns, in its order, with one dtype per kind of column:
    int64 / Int64 (nullable), float64, bool, str, datetime64[us] (DateTime), python date objects (Date)."""
    frame = frame.reset_index(drop=True)
    return pd.DataFrame({c.name: _cast(frame[c.name], _column_kind(c)) for c in source_columns(name)})


def source_columns(name: str) -> list[Column]:
    """The table's columns that a data set holds: all but those derived from other rows (DERIVED_COLUMNS),
    which the load fills with the rollups."""
    derived = DERIVED_COLUMNS.get(name, frozenset())
    return [c for c in Base.metadata.tables[name].columns if c.name not in derived]


# ---------------------------------------------------------------------------------------------
# Files


def write_dataset(
    tables: dict[str, pd.DataFrame], directory: str | Path, *, size: str = "", seed: Optional[int] = None
) -> None:
    """One gzip-compressed CSV per table plus manifest.json; byte-identical for identical frames.

    Written with pyarrow's CSV writer (a dependency of Streamlit), which is many times faster than
    DataFrame.to_csv and tells NULL (an empty field) from an empty string (a quoted one)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        _write_csv_gz(frame, directory / f"{name}.csv.gz")
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "seed": seed,
        "parameters": asdict(SIZES[size]) if size in SIZES else None,
        "anchor": ANCHOR.isoformat(),
        "history_start": HISTORY_START.isoformat(),
        "rows": {name: len(frame) for name, frame in tables.items()},
    }
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _write_csv_gz(frame: pd.DataFrame, path: Path) -> None:
    import pyarrow.csv as pa_csv

    with gzip.GzipFile(path, "wb", compresslevel=6, mtime=0) as handle:  # streamed, never whole in memory
        pa_csv.write_csv(_arrow_table(frame), handle)


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """A chunk as CSV without a header, for PostgreSQL's COPY ... (FORMAT csv)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    sink = pa.BufferOutputStream()
    pa_csv.write_csv(_arrow_table(frame), sink, pa_csv.WriteOptions(include_header=False))
    return sink.getvalue().to_pybytes()


def _arrow_table(frame: pd.DataFrame):
    """The frame for pyarrow's CSV writer: NULL becomes an empty field and an empty string a quoted
    one (pandas and PostgreSQL's CSV COPY read them back that way); timestamps in whole seconds."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, field in enumerate(table.schema):
        if pa.types.is_timestamp(field.type):
            table = table.set_column(i, field.name, table.column(i).cast(pa.timestamp("s")))
    return table


def read_manifest(directory: str | Path) -> dict:
    return json.loads((Path(directory) / "manifest.json").read_text(encoding="utf-8"))


READ_DTYPES = {"str": "str", "int": "int64", "nullable_int": "Int64", "float": "float64"}  # others: parsed


def read_dataset(directory: str | Path) -> dict[str, pd.DataFrame]:
    """The frames written by write_dataset, with the dtypes generate() returns."""
    directory = Path(directory)
    names = read_manifest(directory)["rows"]
    tables = {}
    for name in Base.metadata.tables:
        if name not in names:
            continue
        kinds = {c.name: _column_kind(c) for c in source_columns(name)}
        # Empty text is an empty string; an empty cell anywhere else is NULL.
        frame = pd.read_csv(
            directory / f"{name}.csv.gz", keep_default_na=False,
            na_values={c: [""] for c, k in kinds.items() if k != "str"},
            dtype={c: READ_DTYPES.get(k, "str") for c, k in kinds.items()},
        )  # fmt: skip
        for column, kind in kinds.items():
            if kind == "bool":
                frame[column] = frame[column].str.lower() == "true"
            elif kind in ("date", "datetime"):
                frame[column] = pd.to_datetime(frame[column], format="ISO8601")
        tables[name] = conform(name, frame)
        tables[name] = _nullable_text(tables[name], name)
    return tables


def _nullable_text(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """An empty nullable text cell (e.g. an idempotency key) was NULL when written."""
    for column in source_columns(name):
        if _column_kind(column) == "str" and column.nullable:
            frame[column.name] = frame[column.name].replace("", None)
    return frame


# ---------------------------------------------------------------------------------------------
# Loading into a database


def _load_order(tables: dict[str, pd.DataFrame]) -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables if t.name in tables]


def _parents_first(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows of a self-referencing table ordered so that every parent precedes its children."""
    depth = pd.Series(0, index=frame.index)
    by_id = frame["id"]
    for _ in range(10):
        depth_of = pd.Series(depth.to_numpy(), index=by_id.to_numpy())
        parent_depth = frame[column].map(depth_of)
        updated = parent_depth.fillna(-1).astype(np.int64) + 1
        if (updated == depth).all():
            break
        depth = updated
    return frame.iloc[np.argsort(depth.to_numpy(), kind="stable")]


def _python_columns(chunk: pd.DataFrame) -> list[list]:
    """Plain Python values per column (None for NaN/NaT/NA), as database drivers expect."""
    columns = []
    for _, values in chunk.items():
        if pd.api.types.is_datetime64_any_dtype(values):
            columns.append(values.to_numpy(dtype=DATETIME).astype(object).tolist())
        else:
            columns.append(values.astype(object).where(values.notna(), None).tolist())
    return columns


def _chunks(frame: pd.DataFrame, size: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(frame), size):
        yield frame.iloc[start : start + size]


def load_dataset(
    engine: Engine,
    tables: dict[str, pd.DataFrame],
    *,
    bcrypt_rounds: int = 12,
    progress: Optional[Progress] = None,
    chunk_rows: int = 20_000,
) -> None:
    """Insert every table, in foreign-key order, in one transaction, into a migrated empty database.

    The demo users get bcrypt hashes of DEMO_PASSWORD; everyone else keeps the unusable '!'.
    Raises ValueError when the database already has accounts.
    """
    report = progress or (lambda _f, _label: None)
    prepared = _prepare_for_load(tables, bcrypt_rounds)
    total = max(1, sum(len(f) for f in prepared.values()))
    done = 0
    with engine.begin() as conn, _large_sqlite_cache(conn):
        if conn.scalar(select(func.count()).select_from(Account.__table__)):
            raise ValueError("the database already has accounts; sample data loads only into an empty database")
        for name in _load_order(prepared):
            table, frame = Base.metadata.tables[name], prepared[name]
            with _indexes_built_after(conn, name, len(frame)):
                for chunk in _chunks(frame, chunk_rows):
                    _insert(conn, table, chunk)
                    done += len(chunk)
                    report(done / total, name)
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn, prepared)
        report(done / total, "rollups")
        rollups.rebuild(conn)
        conn.exec_driver_sql("ANALYZE")  # planner statistics for the new rows (SQLite has none until then)
    report(1.0, "done")


@contextmanager
def _large_sqlite_cache(conn: Connection) -> Iterator[None]:
    """A 256 MB page cache while loading (SQLite's default is 2 MB), then back to the default."""
    if conn.dialect.name != "sqlite":
        yield
        return
    default = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(default)}")


# A big table's secondary indexes (not those behind primary keys or unique constraints), with
# the statement that recreates each: the catalogue query per dialect.
SECONDARY_INDEXES = {
    "sqlite": ("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :table AND sql IS NOT NULL"),
    "postgresql": (
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
        " WHERE t.relname = :table AND t.relnamespace = to_regnamespace(current_schema())"
        " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)"
    ),
}


@contextmanager
def _indexes_built_after(conn: Connection, table: str, rows: int) -> Iterator[None]:
    """Drop a big table's secondary indexes and recreate them once its rows are in: building an
    index in one pass is much faster than updating it row by row. DDL is transactional in both
    SQLite and PostgreSQL, so the load stays all or nothing."""
    query = SECONDARY_INDEXES.get(conn.dialect.name)
    if query is None or rows < INDEX_REBUILD_ROWS:
        yield
        return
    indexes = conn.execute(text(query), {"table": table}).all()
    quote = conn.dialect.identifier_preparer.quote
    for name, _ in indexes:
        conn.exec_driver_sql("DROP INDEX " + quote(name))
    yield
    for _, definition in indexes:
        conn.exec_driver_sql(definition)


def _prepare_for_load(tables: dict[str, pd.DataFrame], bcrypt_rounds: int) -> dict[str, pd.DataFrame]:
    import bcrypt

    prepared = dict(tables)
    users = tables["users"].copy()
    demo = users["username"].isin([u.username for u in DEMO_USERS])
    users.loc[demo, "password_hash"] = [
        bcrypt.hashpw(DEMO_PASSWORD.encode(), bcrypt.gensalt(bcrypt_rounds)).decode() for _ in range(int(demo.sum()))
    ]
    prepared["users"] = users
    for name in ("org_units", "accounts"):
        if name in prepared:
            prepared[name] = _parents_first(prepared[name], "parent_id")
    return prepared


def _insert(conn: Connection, table: Table, chunk: pd.DataFrame) -> None:
    if conn.dialect.name == "sqlite":
        _insert_sqlite(conn, table, chunk)
    elif conn.dialect.name == "postgresql":
        _copy(conn, table.name, chunk)
    else:
        columns, values = list(chunk.columns), _python_columns(chunk)
        rows = [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
        conn.execute(table.insert(), rows)


def _insert_sqlite(conn: Connection, table: Table, chunk: pd.DataFrame) -> None:
    """executemany on the driver, with values already in the form SQLAlchemy stores them in SQLite.

    Skipping SQLAlchemy's per-row parameter processing makes loading several times faster."""
    compiled = table.insert().compile(dialect=conn.dialect, column_keys=list(chunk.columns))
    names = list(compiled.positiontup)
    values = [_sqlite_values(table.c[name], chunk[name], conn.dialect) for name in names]
    conn.exec_driver_sql(str(compiled), list(zip(*values, strict=True)))


def _sqlite_values(column: Column, values: pd.Series, dialect) -> list:
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    kind = _column_kind(column)
    if kind not in ("date", "datetime"):
        plain = _python_columns(values.to_frame())[0]
        return plain if process is None else [None if v is None else process(v) for v in plain]
    unit = "D" if kind == "date" else "us"
    stamps = np.asarray(values, dtype=f"datetime64[{unit}]")
    formatted = np.char.replace(np.datetime_as_string(stamps, unit=unit), "T", " ").astype(object)
    missing = np.isnat(stamps)
    formatted[missing] = None
    if (~missing).any():  # the vectorised format must be exactly the one SQLAlchemy writes
        first = int(np.flatnonzero(~missing)[0])
        expected = process(stamps[first].astype(object))
        if formatted[first] != expected:
            raise RuntimeError(f"unexpected SQLite storage format {expected!r} for {column}")
    return formatted.tolist()


def _copy(conn: Connection, name: str, chunk: pd.DataFrame) -> None:
    """PostgreSQL COPY of CSV text through the same psycopg connection: part of the transaction."""
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(name), sql.SQL(", ").join(sql.Identifier(c) for c in chunk.columns)
    )
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(_csv_bytes(chunk))


def _reset_sequences(conn: Connection, tables: dict[str, pd.DataFrame]) -> None:
    """Ids were inserted explicitly: move each id sequence past the largest one."""
    from psycopg import sql

    raw = conn.connection.driver_connection
    for name in tables:
        if "id" not in Base.metadata.tables[name].columns:
            continue
        statement = sql.SQL(
            "SELECT setval(pg_get_serial_sequence({table}, 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)"
            " FROM {ident}"
        ).format(table=sql.Literal(name), ident=sql.Identifier(name))
        with raw.cursor() as cursor:
            cursor.execute(statement)


# ---------------------------------------------------------------------------------------------
# Command line


def _progress_bar(fraction: float, label: str) -> None:
    width = 30
    done = int(width * min(max(fraction, 0.0), 1.0))
    sys.stderr.write(f"\r  [{'#' * done}{'.' * (width - done)}] {fraction:5.0%} {label:<20}")
    if fraction >= 1:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _migrate(engine: Engine) -> None:
    try:
        from lib.bootstrap import migrate
    except ImportError:  # the schema module alone is enough to create the tables
        Base.metadata.create_all(engine)
        return
    migrate(engine)


def _cached(size: str, seed: int, root: Path) -> dict[str, pd.DataFrame]:
    """The shipped demo set, or a copy cached under data/ (generated and written on first use)."""
    cache = root / "data" / f"{size}-{seed}"
    for directory in (root / "sample_data", cache):
        if _is_copy_of(directory, size, seed):
            print(f"Reading {directory}", file=sys.stderr)
            return read_dataset(directory)
    tables = _timed_generate(size, seed)
    (cache / "manifest.json").unlink(missing_ok=True)  # written last: a half-written copy is never read
    write_dataset(tables, cache, size=size, seed=seed)
    return tables


def _is_copy_of(directory: Path, size: str, seed: int) -> bool:
    if not (directory / "manifest.json").exists():
        return False
    manifest = read_manifest(directory)
    return (manifest.get("generator_version"), manifest.get("size"), manifest.get("seed")) == (
        GENERATOR_VERSION,
        size,
        seed,
    )


def _timed_generate(size: str, seed: int) -> dict[str, pd.DataFrame]:
    started = time.perf_counter()
    print(f"Generating the {size} data set (seed {seed})", file=sys.stderr)
    tables = generate(size, seed, progress=_progress_bar)
    print(f"Generated in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return tables


def _cmd_generate(args: argparse.Namespace) -> int:
    tables = _timed_generate(args.size, args.seed)
    started = time.perf_counter()
    write_dataset(tables, args.out, size=args.size, seed=args.seed)
    print(f"Wrote {args.out} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    for name, frame in tables.items():
        print(f"  {name:<22} {len(frame):>10,}")
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    from lib.config import ROOT, load_settings
    from lib.db import make_engine

    settings = load_settings()
    engine = make_engine(args.database_url or settings.database_url)
    try:
        _migrate(engine)
        with engine.connect() as conn:
            if conn.scalar(select(func.count()).select_from(Account.__table__)):
                print(
                    "The database already has accounts; refusing to load sample data into it.",
                    file=sys.stderr,
                )
                return 1
        tables = read_dataset(args.source) if args.source else _cached(args.size, args.seed, ROOT)
        started = time.perf_counter()
        rounds = args.bcrypt_rounds or settings.bcrypt_rounds
        load_dataset(engine, tables, bcrypt_rounds=rounds, progress=_progress_bar)
        print(f"Loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    finally:
        engine.dispose()
    return 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.sample_data", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write a data set as compressed CSV files")
    load = commands.add_parser("load", help="load a data set into an empty database")
    for sub in (gen, load):
        sub.add_argument("--size", choices=list(SIZES), default="demo")
        sub.add_argument("--seed", type=int, default=DEFAULT_SEED)
    gen.add_argument("--out", type=Path, default=Path("sample_data"))
    load.add_argument("--database-url", default=None, help="default: DATABASE_URL or the embedded SQLite file")
    load.add_argument(
        "--from", dest="source", type=Path, default=None, help="read this directory instead of generating"
    )
    load.add_argument("--bcrypt-rounds", type=int, default=None)
    args = parser.parse_args(argv)
    return _cmd_generate(args) if args.command == "generate" else _cmd_load(args)


if __name__ == "__main__":
    raise SystemExit(main())
