"""Importing regions, accounts, monthly spend and designations from CSV or Excel files. No Streamlit.

Three steps, each usable on its own:

- `read_file(kind, file_name, data)`: the file's rows as text keyed by column, each with the line number
  the user sees (the header is line 1). CSV in UTF-8 (with or without BOM) or GBK/GB18030, or .xlsx.
  A file that cannot be read at all raises FileRejected; header problems (unknown or missing columns)
  come back as problems on the header line.
- `check(conn, user=..., kind=..., rows=...)`: every row validated against the database and the user's
  scope, with every rejected row listed (line, column, message key and values), and the planned
  writes: new rows, changed rows, and rows already stored as they are (unchanged; nothing to write).
- lib.commands.imports.commit_import runs `check` again inside its write transaction and writes the
  plan, all or nothing.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Optional

import pandas as pd
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from lib import i18n
from lib.access import CurrentUser, Scope, scope_condition
from lib.commands import MAX_TEXT, CommandError
from lib.domain import CATEGORIES, DESIGNATED_CATEGORIES, INDUSTRIES
from lib.models import Account, Designation, MonthlySpend, OrgUnit, User

KINDS = ("regions", "accounts", "monthly_spend", "designations")  # regions first: accounts need them
IMPORTER_ROLES = frozenset({"admin", "team_lead"})
ADMIN_ONLY_KINDS = frozenset({"regions"})  # the organisation tree is the whole country's
MAX_BYTES = 25 * 1024 * 1024
MAX_ROWS = 100_000  # a file this long peaks near 180 MB above the process while it is checked
MAX_COLUMNS = 64  # cells read per Excel row; far more than any kind has
CHUNK = 500  # values per IN (...) lookup
MAX_AMOUNT = Decimal("1e12")  # monthly_spend.amount is NUMERIC(14, 2)
CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,31}$")
ORG_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$")  # org_units.code is VARCHAR(16)
MAX_UNIT_NAME = 80  # org_units.name_en and name_zh
DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00(?:\.0+)?)?)?$")
COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
NEW_ACCOUNT = {"lifecycle_stage": "potential", "service_grade": "standard", "category_mask": 0}


@dataclass(frozen=True)
class Column:
    name: str  # the English header, also the key of the row's values
    zh: str  # the Chinese header
    required: bool
    example_en: str
    example_zh: str


COLUMNS: dict[str, tuple[Column, ...]] = {
    "regions": (
        Column("code", "机构编码", True, "GD-GZ", "GD-GZ"),
        Column("level", "层级", True, "city", "地市"),
        Column("parent_code", "上级机构编码", False, "GD", "GD"),
        Column("name_en", "英文名称", True, "Guangzhou", "Guangzhou"),
        Column("name_zh", "中文名称", True, "广州市", "广州市"),
    ),
    "accounts": (
        Column("code", "客户编码", True, "KA9000001", "KA9000001"),
        Column("name", "客户名称", True, "Example Technology Co., Ltd.", "示例科技有限公司"),
        Column("industry", "行业", True, "finance", "金融"),
        Column("province", "省份", True, "GD", "广东省"),
        Column("city", "地市", True, "GD-GZ", "广州市"),
        Column("manager", "客户经理", False, "", ""),
        Column("parent_code", "上级客户编码", False, "", ""),
        Column("created_on", "建档日期", False, "2026-01-15", "2026-01-15"),
    ),
    "monthly_spend": (
        Column("account_code", "客户编码", True, "KA9000001", "KA9000001"),
        Column("month", "月份", True, "2026-01", "2026-01"),
        Column("amount", "消费金额", True, "3250.00", "3250.00"),
    ),
    "designations": (
        Column("account_code", "客户编码", True, "KA9000001", "KA9000001"),
        Column("category", "类别", True, "important", "重要客户"),
        Column("valid_from", "生效日期", True, "2026-01-01", "2026-01-01"),
        Column("valid_to", "失效日期", False, "", ""),
        Column("reason", "原因", True, "Provincial government body", "省级政府机关"),
    ),
}


# -- Results ----------------------------------------------------------------------------------------


class FileRejected(Exception):
    """The file cannot be read as a whole; `code` is a message key, `values` fill it in."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class Problem:
    """Why one row (or the header) is rejected: its line as the user sees it, the column, the reason."""

    line: int
    column: str  # a column name of the kind, or "" for the whole row
    key: str  # message key
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceRow:
    line: int
    values: dict[str, str]  # column name -> text as in the file, trimmed; absent or blank is ""


@dataclass(frozen=True)
class SourceFile:
    kind: str
    name: str
    columns: tuple[str, ...]  # the kind's column names, in the file's order
    rows: tuple[SourceRow, ...]
    problems: tuple[Problem, ...]  # header problems; the rows are not checked while there are any


@dataclass
class Check:
    """The dry run: rejected rows, and what a commit would write."""

    kind: str
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    status: dict[int, str] = field(default_factory=dict)  # line -> new | changed | unchanged
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    account_ids: set[int] = field(default_factory=set)  # accounts whose spend or designations change
    earliest_month: Optional[dt.date] = None  # of the spend rows written

    @property
    def rejected_lines(self) -> int:
        return len({p.line for p in self.problems})

    def counts(self) -> dict[str, int]:
        values = list(self.status.values())
        return {
            "rows": self.rows,
            "new": values.count("new"),
            "changed": values.count("changed"),
            "unchanged": values.count("unchanged"),
            "rejected": self.rejected_lines,
        }

    @property
    def writes(self) -> int:
        return len(self.inserts) + len(self.updates)


# -- Reading files ----------------------------------------------------------------------------------


def read_file(kind: str, file_name: str, data: bytes, *, max_rows: int = MAX_ROWS, max_bytes: int = MAX_BYTES):
    """The rows of an uploaded .csv or .xlsx file, with their line numbers; FileRejected if unreadable."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    if len(data) > max_bytes:
        raise FileRejected("imports.error.too_big", limit=max_bytes // (1024 * 1024))
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix == "xlsx":
        records = _xlsx_records(data)
    elif suffix in ("csv", "txt"):
        records = _csv_records(_decode(data))
    else:
        raise FileRejected("imports.error.file_type")
    header: Optional[tuple[int, list[str]]] = None
    rows: list[SourceRow] = []
    problems: list[Problem] = []
    names: list[Optional[str]] = []
    for line, cells in records:
        if not any(cell.strip() for cell in cells):
            continue  # blank lines are skipped, but still counted in the line numbers
        if header is None:
            header = (line, cells)
            names, problems = _read_header(kind, line, cells)
            continue
        if len(rows) >= max_rows:
            raise FileRejected("imports.error.too_many_rows", limit=f"{max_rows:,}")
        values = {name: "" for name in names if name}
        for position, cell in enumerate(cells):
            name = names[position] if position < len(names) else None
            if name:
                values[name] = cell.strip()
            elif cell.strip() and position >= len(names):
                values.setdefault("", "extra")  # more values than the header has columns
        rows.append(SourceRow(line, values))
    if header is None:
        raise FileRejected("imports.error.empty")
    if not rows:
        raise FileRejected("imports.error.no_rows")
    return SourceFile(kind, file_name, tuple(n for n in names if n), tuple(rows), tuple(problems))


def _decode(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030 (a superset of GBK)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise FileRejected("imports.error.encoding") from error
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            raise FileRejected("imports.error.encoding")
        return text
    raise FileRejected("imports.error.encoding")


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with the line it starts on (a quoted value may span several lines)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    end = 0
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            yield start, cells
    except csv.Error as error:
        raise FileRejected("imports.error.bad_csv", line=end + 1) from error


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """The first sheet's rows as text, numbered as Excel numbers them."""
    import openpyxl  # imported here: only Excel uploads need it

    # A damaged workbook fails in many ways (zip, XML, openpyxl's own checks): all mean "not readable".
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    except Exception as error:
        raise FileRejected("imports.error.bad_excel") from error
    try:
        number = 0
        while True:
            try:
                cells = next(rows, None)
            except Exception as error:
                raise FileRejected("imports.error.bad_excel") from error
            if cells is None:
                return
            number += 1
            yield number, [_cell_text(value) for value in cells]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "_", text.strip().strip("\ufeff").lower())


def _read_header(kind: str, line: int, cells: list[str]) -> tuple[list[Optional[str]], list[Problem]]:
    """The column name of each header cell (English or Chinese accepted), and the header's problems."""
    accepted = {}
    for column in COLUMNS[kind]:
        accepted[_header_key(column.name)] = column.name
        accepted[_header_key(column.zh)] = column.name
    names: list[Optional[str]] = []
    problems: list[Problem] = []
    for position, cell in enumerate(cells, start=1):
        text = cell.strip().strip("\ufeff")
        name = accepted.get(_header_key(text)) if text else None
        if not text:
            if any(c.strip() for c in cells[position:]):
                problems.append(Problem(line, "", "imports.error.blank_header", {"position": position}))
        elif name is None:
            values = {"value": _short(text), "accepted": accepted_columns(kind)}
            problems.append(Problem(line, "", "imports.error.unknown_column", values))
        elif name in names:
            problems.append(Problem(line, name, "imports.error.duplicate_column", {"value": text}))
            name = None
        names.append(name)
    for column in COLUMNS[kind]:
        if column.required and column.name not in names:
            problems.append(Problem(line, column.name, "imports.error.missing_column", {"value": column.name}))
    return names, problems


def accepted_columns(kind: str) -> str:
    """The column names of a kind in both languages, for messages."""
    return ", ".join(f"{c.name} ({c.zh})" for c in COLUMNS[kind])


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- Templates and display ----------------------------------------------------------------------------


# Rows a template shows before its example row, so that the template imports as it is into an empty
# database: the example city's province.
LEADING_EXAMPLES = {
    "regions": (
        {"en": {"code": "GD", "level": "province", "parent_code": "", "name_en": "Guangdong", "name_zh": "广东省"},
         "zh": {"code": "GD", "level": "省", "parent_code": "", "name_en": "Guangdong", "name_zh": "广东省"}},
    ),
}  # fmt: skip


def template_csv(kind: str, lang: str, example: Optional[dict[str, str]] = None) -> bytes:
    """A CSV template: the header row and an example row (after any rows it needs), UTF-8 with BOM so
    that Excel shows Chinese."""
    columns = COLUMNS[kind]
    zh = lang == "zh"
    row = {c.name: c.example_zh if zh else c.example_en for c in columns} | (example or {})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.zh if zh else c.name for c in columns])
    for leading in LEADING_EXAMPLES.get(kind, ()):
        writer.writerow([leading["zh" if zh else "en"][c.name] for c in columns])
    writer.writerow([row[c.name] for c in columns])
    return out.getvalue().encode("utf-8-sig")


def column_label(kind: str, name: str, lang: str) -> str:
    """A column as the template of the language names it."""
    for column in COLUMNS[kind]:
        if column.name == name:
            return column.zh if lang == "zh" else column.name
    return ""


def problems_frame(kind: str, problems: Sequence[Problem], lang: str) -> pd.DataFrame:
    """The rejected rows as a table: line, column, reason (in the user's language)."""
    return pd.DataFrame(
        {
            "line": [p.line for p in problems],
            "column": [column_label(kind, p.column, lang) for p in problems],
            "reason": [i18n.t(lang, p.key, **p.values) for p in problems],
        },
        columns=["line", "column", "reason"],
    )


def preview_frame(source: SourceFile, result: Optional[Check], lang: str, limit: int = 20) -> pd.DataFrame:
    """The first rows as read, with their line and what the import would do with them."""
    rows = source.rows[:limit]
    rejected = {p.line for p in result.problems} if result else set()
    frame = pd.DataFrame([r.values for r in rows], columns=list(source.columns))
    frame.columns = [column_label(source.kind, c, lang) for c in source.columns]

    def status(line: int) -> str:
        if line in rejected:
            return i18n.t(lang, "imports.status.rejected")
        code = result.status.get(line) if result else None
        return i18n.t(lang, f"imports.status.{code}") if code else ""

    frame.insert(0, "line", [r.line for r in rows])
    frame.insert(1, "status", [status(r.line) for r in rows])
    return frame


# -- Checking ---------------------------------------------------------------------------------------


def kinds_for(role: str) -> tuple[str, ...]:
    """The kinds a role may import, in the order the page offers them."""
    if role not in IMPORTER_ROLES:
        return ()
    return tuple(k for k in KINDS if role == "admin" or k not in ADMIN_ONLY_KINDS)


def require_importer(user: CurrentUser, kind: Optional[str] = None) -> None:
    if user.role not in IMPORTER_ROLES:
        raise CommandError("imports.error.role")
    if kind in ADMIN_ONLY_KINDS and user.role != "admin":
        raise CommandError(f"imports.error.role_{kind}")


def covers(scope: Scope, province_id: Optional[int], city_id: Optional[int]) -> bool:
    """Whether a region lies within a scope (the same rule as lib.access.scope_condition)."""
    if scope.level == "national":
        return True
    if scope.level == "province":
        return province_id == scope.province_id
    if scope.level == "city":
        return city_id == scope.city_id
    return False


def check(
    conn: Connection | Session,
    *,
    user: CurrentUser,
    kind: str,
    rows: Sequence[SourceRow],
    today: Optional[dt.date] = None,
) -> Check:
    """Validate every row against the database and the user's scope; plan the writes of the good ones."""
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    require_importer(user, kind)
    result = Check(kind, rows=len(rows))
    checker = _Checker(conn, user, kind, today or dt.date.today(), result)
    checker.common(rows)
    steps = {
        "regions": checker.regions,
        "accounts": checker.accounts,
        "monthly_spend": checker.spend,
        "designations": checker.designations,
    }
    steps[kind](rows)
    result.problems.sort(key=lambda p: (p.line, _column_order(kind, p.column)))
    for problem in result.problems:  # a rejected row is never also planned
        result.status.pop(problem.line, None)
    return result


def _column_order(kind: str, name: str) -> int:
    names = [c.name for c in COLUMNS[kind]]
    return names.index(name) + 1 if name in names else 0


def _chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Checker:
    """One dry run; `reject` records a problem, the kind's method plans what is left."""

    def __init__(self, conn, user: CurrentUser, kind: str, today: dt.date, result: Check) -> None:
        self.conn, self.user, self.kind, self.today, self.result = conn, user, kind, today, result
        self.bad: set[int] = set()

    def reject(self, line: int, column: str, key: str, **values: Any) -> None:
        self.result.problems.append(Problem(line, column, key, values))
        self.bad.add(line)

    # -- rules shared by every kind

    def common(self, rows: Sequence[SourceRow]) -> None:
        """Extra values, required values, text that cannot be stored. The kind's checks skip blank values,
        so that a row's every problem is listed at once."""
        columns = COLUMNS[self.kind]
        known = {c.name for c in columns}
        for row in rows:
            if row.values.get(""):
                self.reject(row.line, "", "imports.error.extra_values")
            for name in row.values.keys() - known - {""}:
                self.reject(
                    row.line, "", "imports.error.unknown_column", value=name, accepted=accepted_columns(self.kind)
                )
            for column in columns:
                text = row.values.get(column.name, "")
                if "\x00" in text:
                    self.reject(row.line, column.name, "imports.error.bad_characters")
                elif column.required and not text:
                    self.reject(row.line, column.name, "imports.error.required")

    def text(self, row: SourceRow, name: str, limit: int) -> str:
        value = row.values.get(name, "")
        if len(value) > limit:
            self.reject(row.line, name, "imports.error.too_long", limit=limit)
        return value

    def date(self, row: SourceRow, name: str, *, past: bool = False) -> Optional[dt.date]:
        text = row.values.get(name, "")
        if not text:
            return None
        day = parse_date(text)
        if day is None:
            self.reject(row.line, name, "imports.error.date", value=_short(text))
        elif past and day > self.today:
            self.reject(row.line, name, "imports.error.future", value=day.isoformat())
        return day

    def first_seen(self, row: SourceRow, key: tuple, seen: dict[tuple, int], column: str, value: str) -> bool:
        """True the first time a key appears in the file; later lines are rejected as duplicates."""
        if key in seen:
            self.reject(row.line, column, "imports.error.duplicate", value=_short(value), first=seen[key])
            return False
        seen[key] = row.line
        return True

    def accounts_by_code(self, codes: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Stored accounts by code, with whether the user's scope covers each."""
        table = Account.__table__
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(set(codes)):
            stmt = select(
                table.c.id,
                table.c.code,
                table.c.name,
                table.c.industry,
                table.c.province_id,
                table.c.city_id,
                table.c.manager_id,
                table.c.parent_id,
                table.c.created_on,
                scope_condition(self.user.scope, table).label("in_scope"),
            ).where(table.c.code.in_(chunk))
            for row in self.conn.execute(stmt).mappings():
                found[row["code"]] = {**row, "in_scope": bool(row["in_scope"])}
        return found

    def account_of(self, row: SourceRow, accounts: dict[str, dict[str, Any]]) -> Optional[dict[str, Any]]:
        """The stored account a spend or designation row names, if it is one the user may import for."""
        code = row.values.get("account_code", "")
        account = accounts.get(code)
        if not code:
            return None
        if account is None or not account["in_scope"]:
            self.reject(row.line, "account_code", "imports.error.unknown_account", value=_short(code))
            return None
        return account

    # -- regions

    def regions(self, rows: Sequence[SourceRow]) -> None:
        """Provinces and cities, matched by code (any letter case; new codes are stored in capitals). A city's
        parent is a province stored or anywhere in the file; a stored unit keeps its level and parent."""
        stored = _stored_units(self.conn)
        national = min((u for u in stored.values() if u["level"] == "national"), key=lambda u: u["id"], default=None)
        if national is None:
            raise CommandError("imports.error.no_national")
        seen: dict[tuple, int] = {}
        in_file: dict[str, tuple[str, Optional[str]]] = {}  # code (lower case) -> (code, level) of its first row
        parsed: list[tuple[SourceRow, str, Optional[str]]] = []
        for row in rows:
            code = row.values.get("code", "")
            if code and not ORG_CODE.match(code):
                self.reject(row.line, "code", "imports.error.org_code", value=_short(code))
                code = ""
            text = row.values.get("level", "")
            level = parse_level(text) if text else None
            if text and level is None:
                self.reject(row.line, "level", "imports.error.level", value=_short(text))
            if code and self.first_seen(row, (code.lower(),), seen, "code", code):
                in_file[code.lower()] = (code.upper(), level)
            parsed.append((row, code, level))
        for row, code, level in parsed:
            unit = {
                "name_en": self.text(row, "name_en", MAX_UNIT_NAME),
                "name_zh": self.text(row, "name_zh", MAX_UNIT_NAME),
            }
            existing = stored.get(code.lower()) if code else None
            if existing is not None and existing["level"] == "national":
                self.reject(row.line, "code", "imports.error.national_code", value=existing["code"])
                continue
            if existing is not None and level is not None and existing["level"] != level:
                self.reject(row.line, "level", f"imports.error.stored_as_{existing['level']}", value=existing["code"])
            parent = self._unit_parent(row, level, national, stored, in_file)
            if existing is not None and level == "city" == existing["level"] and parent is not None:
                if parent[0] != existing["parent_id"]:  # a province new in this file has no id yet: also a move
                    before = next((u["code"] for u in stored.values() if u["id"] == existing["parent_id"]), "")
                    self.reject(
                        row.line, "parent_code", "imports.error.parent_change", value=existing["code"], parent=before
                    )
            if row.line in self.bad or not code or level is None or parent is None:
                continue
            self._plan_unit(
                row, existing, unit | {"code": code.upper(), "level": level, "parent_id": parent[0]}, parent[1]
            )

    def _unit_parent(
        self, row: SourceRow, level: Optional[str], national: dict, stored: dict, in_file: dict
    ) -> Optional[tuple[Optional[int], Optional[str]]]:
        """(parent id, parent code) of a unit: the national node for a province; for a city its province, by
        id when stored, by code when it is new in this file. None after rejecting the row (or without a level)."""
        text = row.values.get("parent_code", "")
        if level == "province":
            if text and text.lower() != national["code"].lower():
                self.reject(row.line, "parent_code", "imports.error.province_parent", national=national["code"])
                return None
            return national["id"], None
        if level != "city":
            return None
        if not text:
            self.reject(row.line, "parent_code", "imports.error.city_parent")
            return None
        parent = stored.get(text.lower())
        if parent is not None:
            if parent["level"] != "province":
                self.reject(row.line, "parent_code", "imports.error.parent_not_province", value=parent["code"])
                return None
            return parent["id"], None
        if text.lower() not in in_file:
            self.reject(row.line, "parent_code", "imports.error.unknown_parent_region", value=_short(text))
            return None
        code, parent_level = in_file[text.lower()]
        if parent_level == "city":
            self.reject(row.line, "parent_code", "imports.error.parent_not_province", value=code)
            return None
        return None, code  # a province row of this file (if its level is unreadable, that line says so)

    def _plan_unit(self, row: SourceRow, existing: Optional[dict], unit: dict, parent_code: Optional[str]) -> None:
        if existing is None:
            self.result.inserts.append(unit | {"parent_code": parent_code})
            self.result.status[row.line] = "new"
        elif (existing["name_en"], existing["name_zh"]) == (unit["name_en"], unit["name_zh"]):
            self.result.status[row.line] = "unchanged"
        else:
            self.result.updates.append({"id": existing["id"], "name_en": unit["name_en"], "name_zh": unit["name_zh"]})
            self.result.status[row.line] = "changed"

    # -- accounts

    def accounts(self, rows: Sequence[SourceRow]) -> None:
        regions = _Regions(self.conn)
        seen: dict[tuple, int] = {}
        codes = {row.values.get("code", "") for row in rows} - {""}
        parents = {row.values.get("parent_code", "") for row in rows} - {""}
        stored = self.accounts_by_code(codes | parents)
        managers = _managers(self.conn, {row.values.get("manager", "").lower() for row in rows} - {""})
        in_file = {row.values["code"]: row for row in rows if row.values.get("code")}
        valid: list[tuple[SourceRow, dict[str, Any]]] = []
        for row in rows:
            code = row.values.get("code", "")
            if code and not CODE.match(code):
                self.reject(row.line, "code", "imports.error.code", value=_short(code))
            elif code:
                self.first_seen(row, (code,), seen, "code", code)
            record = {"code": code, "name": self.text(row, "name", 200)}
            industry = row.values.get("industry", "")
            record["industry"] = parse_industry(industry) if industry else None
            if industry and record["industry"] is None:
                self.reject(row.line, "industry", "imports.error.industry", value=_short(industry))
            place = regions.resolve(self, row)
            existing = stored.get(code) if code else None
            if place is not None:
                record["province_id"], record["city_id"] = place
                if existing is not None and not existing["in_scope"]:
                    self.reject(row.line, "code", "imports.error.code_out_of_scope", value=code)
                elif not covers(self.user.scope, *place):
                    self.reject(row.line, "city", "imports.error.out_of_scope")
                elif existing is not None and (existing["province_id"], existing["city_id"]) != place:
                    self.reject(row.line, "city", "imports.error.region_change", region=regions.name(existing))
            username = row.values.get("manager", "").lower()
            if username:
                manager = managers.get(username)
                if manager is None:
                    self.reject(row.line, "manager", "imports.error.unknown_manager", value=_short(username))
                elif place is not None and not manager.covers(*place):
                    self.reject(row.line, "manager", "imports.error.manager_region", value=username)
                else:
                    record["manager_id"] = manager.id
            record["created_on"] = self.date(row, "created_on", past=True)
            self._parent(row, record, stored, in_file)
            if row.line not in self.bad:
                valid.append((row, record))
        self._members(valid, stored)
        for row, record in valid:
            if row.line not in self.bad:
                self._plan_account(row, record, stored.get(record["code"]))

    def _parent(self, row: SourceRow, record: dict, stored: dict, in_file: dict[str, SourceRow]) -> None:
        """A parent is a top-level account in the user's scope (stored or in this file), never the account itself."""
        code = row.values.get("parent_code", "")
        if not code:
            return
        record["parent_code"] = code
        parent = stored.get(code)
        if code == row.values.get("code"):
            self.reject(row.line, "parent_code", "imports.error.parent_self")
        elif code not in in_file and (parent is None or not parent["in_scope"]):
            self.reject(row.line, "parent_code", "imports.error.unknown_parent", value=_short(code))
        elif (code in in_file and in_file[code].values.get("parent_code")) or (
            parent is not None and parent["parent_id"] is not None  # a blank parent_code keeps the stored one
        ):
            self.reject(row.line, "parent_code", "imports.error.parent_nested", value=code)
        else:
            record["parent_id"] = parent["id"] if parent is not None else None

    def _members(self, valid: list, stored: dict) -> None:
        """A stored account with member units cannot itself become a member of a group (a member named in
        this file is rejected on its own line: its parent is not top-level)."""
        gaining = {}
        for row, record in valid:
            existing = stored.get(record["code"])
            if record.get("parent_code") and existing is not None and existing["parent_id"] != record.get("parent_id"):
                gaining[existing["id"]] = row
        table = Account.__table__
        for chunk in _chunks(gaining):
            stmt = select(table.c.parent_id).where(table.c.parent_id.in_(chunk)).distinct()
            for parent_id in sorted(self.conn.scalars(stmt)):
                row = gaining[parent_id]
                self.reject(row.line, "parent_code", "imports.error.has_members", value=row.values["code"])

    def _plan_account(self, row: SourceRow, record: dict, existing: Optional[dict]) -> None:
        if existing is None:
            self.result.inserts.append(
                {
                    "code": record["code"],
                    "name": record["name"],
                    "industry": record["industry"],
                    "province_id": record["province_id"],
                    "city_id": record["city_id"],
                    "manager_id": record.get("manager_id"),
                    "parent_id": record.get("parent_id"),
                    "parent_code": record.get("parent_code"),
                    "created_on": record["created_on"] or self.today,
                    **NEW_ACCOUNT,
                }
            )
            self.result.status[row.line] = "new"
            return
        # A blank optional value keeps what is stored.
        after = {
            "name": record["name"],
            "industry": record["industry"],
            "manager_id": record["manager_id"] if "manager_id" in record else existing["manager_id"],
            "created_on": record["created_on"] or existing["created_on"],
        }
        parent_code = record.get("parent_code")
        parent_changes = parent_code is not None and (
            record.get("parent_id") is None or record["parent_id"] != existing["parent_id"]
        )
        if all(after[k] == existing[k] for k in after) and not parent_changes:
            self.result.status[row.line] = "unchanged"
            return
        self.result.updates.append(
            {
                "id": existing["id"],
                **after,
                "parent_id": record.get("parent_id") if parent_code else existing["parent_id"],
                "parent_code": parent_code if parent_changes else None,
            }
        )
        self.result.status[row.line] = "changed"

    # -- monthly spend

    def spend(self, rows: Sequence[SourceRow]) -> None:
        accounts = self.accounts_by_code(row.values.get("account_code", "") for row in rows)
        seen: dict[tuple, int] = {}
        planned: list[tuple[SourceRow, dict[str, Any]]] = []
        for row in rows:
            account = self.account_of(row, accounts)
            text, month = row.values.get("month", ""), None
            if text:
                month = parse_month(text)
                if month is None:
                    self.reject(row.line, "month", "imports.error.month", value=_short(text))
                elif month > self.today.replace(day=1):
                    self.reject(row.line, "month", "imports.error.future", value=month.strftime("%Y-%m"))
            text, amount = row.values.get("amount", ""), None
            if text:
                amount, problem = parse_amount(text)
                if problem:
                    self.reject(row.line, "amount", problem, value=_short(text))
            if account is None or month is None:
                continue
            if not self.first_seen(row, (account["id"], month), seen, "month", month.strftime("%Y-%m")):
                continue
            if row.line not in self.bad:
                planned.append((row, {"account": account, "month": month, "amount": amount}))
        stored = self._stored_spend({p["account"]["id"] for _, p in planned}, [p["month"] for _, p in planned])
        for row, p in planned:
            account, month, amount = p["account"], p["month"], p["amount"]
            before = stored.get((account["id"], month))
            if before is not None and Decimal(str(before)).quantize(Decimal("0.01")) == amount:
                self.result.status[row.line] = "unchanged"
                continue
            values = {"account_id": account["id"], "month": month, "amount": amount}
            if before is None:
                values |= {"province_id": account["province_id"], "city_id": account["city_id"]}
                self.result.inserts.append(values)
            else:
                self.result.updates.append(values)
            self.result.status[row.line] = "new" if before is None else "changed"
            self.result.account_ids.add(account["id"])
            if self.result.earliest_month is None or month < self.result.earliest_month:
                self.result.earliest_month = month

    def _stored_spend(self, account_ids: set[int], months: list[dt.date]) -> dict[tuple[int, dt.date], Any]:
        if not months:
            return {}
        table = MonthlySpend.__table__
        found = {}
        for chunk in _chunks(account_ids):
            stmt = select(table.c.account_id, table.c.month, table.c.amount).where(
                table.c.account_id.in_(chunk), table.c.month.between(min(months), max(months))
            )
            for account_id, month, amount in self.conn.execute(stmt):
                found[(account_id, month)] = amount
        return found

    # -- designations

    def designations(self, rows: Sequence[SourceRow]) -> None:
        accounts = self.accounts_by_code(row.values.get("account_code", "") for row in rows)
        seen: dict[tuple, int] = {}
        planned: list[tuple[SourceRow, dict[str, Any]]] = []
        for row in rows:
            account = self.account_of(row, accounts)
            text = row.values.get("category", "")
            category = parse_category(text) if text else None
            if category == "high_value":
                self.reject(row.line, "category", "imports.error.derived_category")
            elif text and category is None:
                self.reject(row.line, "category", "imports.error.category", value=_short(text))
            start = self.date(row, "valid_from")
            end = self.date(row, "valid_to")
            if start is not None and end is not None and end <= start:
                self.reject(row.line, "valid_to", "imports.error.valid_to", value=end.isoformat())
            reason = self.text(row, "reason", MAX_TEXT)
            if account is None or category not in DESIGNATED_CATEGORIES or start is None:
                continue
            if not self.first_seen(row, (account["id"], category, start), seen, "valid_from", start.isoformat()):
                continue
            if row.line not in self.bad:
                stretch = {"account": account, "category": category, "start": start, "end": end, "reason": reason}
                planned.append((row, stretch))
        stored = self._stored_designations({p["account"]["id"] for _, p in planned})
        self._overlaps(planned, stored)
        for row, p in planned:
            if row.line in self.bad:
                continue
            account = p["account"]
            before = stored.get((account["id"], p["category"]), {}).get(p["start"])
            if before is not None and (before["valid_to"], before["reason"]) == (p["end"], p["reason"]):
                self.result.status[row.line] = "unchanged"
                continue
            if before is None:
                self.result.inserts.append(
                    {
                        "account_id": account["id"],
                        "category": p["category"],
                        "valid_from": p["start"],
                        "valid_to": p["end"],
                        "reason": p["reason"],
                        "province_id": account["province_id"],
                        "city_id": account["city_id"],
                    }
                )
            else:
                self.result.updates.append({"id": before["id"], "valid_to": p["end"], "reason": p["reason"]})
            self.result.status[row.line] = "new" if before is None else "changed"
            self.result.account_ids.add(account["id"])

    def _stored_designations(self, account_ids: set[int]) -> dict[tuple[int, str], dict[dt.date, dict]]:
        table = Designation.__table__
        found: dict[tuple[int, str], dict[dt.date, dict]] = defaultdict(dict)
        for chunk in _chunks(account_ids):
            stmt = select(
                table.c.id, table.c.account_id, table.c.category, table.c.valid_from, table.c.valid_to, table.c.reason
            ).where(table.c.account_id.in_(chunk), table.c.category.in_(DESIGNATED_CATEGORIES))
            for row in self.conn.execute(stmt).mappings():
                found[(row["account_id"], row["category"])][row["valid_from"]] = dict(row)
        return found

    def _overlaps(self, planned: list, stored: dict) -> None:
        """Stretches of one category of one account may not overlap once the file is applied."""
        by_group: dict[tuple[int, str], dict[dt.date, tuple[Optional[dt.date], Optional[int]]]] = defaultdict(dict)
        for key, stretches in stored.items():
            for start, row in stretches.items():
                by_group[key][start] = (row["valid_to"], None)  # None: stored, not from the file
        for row, p in planned:
            by_group[(p["account"]["id"], p["category"])][p["start"]] = (p["end"], row.line)
        for group in by_group.values():
            stretches = sorted(group.items(), key=lambda item: (item[0], item[1][1] or 0))
            for i, (start, (end, line)) in enumerate(stretches):
                for other_start, (other_end, other_line) in stretches[:i]:
                    if (line is None and other_line is None) or not _overlap(start, end, other_start, other_end):
                        continue
                    if line is None:  # a stored stretch that a file row overlaps
                        self.reject(other_line, "valid_from", "imports.error.overlap_stored", start=start.isoformat())
                    elif other_line is None:
                        self.reject(line, "valid_from", "imports.error.overlap_stored", start=other_start.isoformat())
                    else:
                        self.reject(line, "valid_from", "imports.error.overlap_file", other=other_line)


def _overlap(start: dt.date, end: Optional[dt.date], other_start: dt.date, other_end: Optional[dt.date]) -> bool:
    """Whether [start, end) and [other_start, other_end) share a day; an open end runs forever."""
    return (other_end is None or start < other_end) and (end is None or other_start < end)


# -- Value parsers ----------------------------------------------------------------------------------


def parse_date(text: str) -> Optional[dt.date]:
    """A day written 2026-03-01, 2026/3/1, 2026.03.01, 2026年3月1日 or 20260301; None if not a date."""
    match = DATE.match(text.strip()) or COMPACT_DATE.match(text.strip())
    if match is None:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_month(text: str) -> Optional[dt.date]:
    """The first day of a month written 2026-03, 2026/3, 2026年3月, or any day of it; None otherwise."""
    day = parse_date(text)
    if day is not None:
        return day.replace(day=1)
    match = MONTH.match(text.strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def parse_amount(text: str) -> tuple[Optional[Decimal], Optional[str]]:
    """A non-negative amount rounded to the cent (thousands separators allowed), or a message key."""
    try:
        value = Decimal(text.replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        return None, "imports.error.number"
    if not value.is_finite():
        return None, "imports.error.number"
    if value < 0:
        return None, "imports.error.negative"
    if value >= MAX_AMOUNT:
        return None, "imports.error.too_large"
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), None


def _codes_by_text(kind: str, codes: tuple[str, ...]) -> dict[str, str]:
    """Each code, with spaces for underscores, and its English and Chinese labels (lower case) -> the code."""
    found = {}
    for code in codes:
        labels = i18n.LABELS[kind].get(code, {}).values()
        found |= {text: code for text in (code, code.replace("_", " "), *(label.lower() for label in labels))}
    return found


INDUSTRY_BY_TEXT = _codes_by_text("industry", INDUSTRIES)
CATEGORY_BY_TEXT = _codes_by_text("category", CATEGORIES) | {"high-value": "high_value", "高值": "high_value"}


LEVEL_BY_TEXT = {
    "province": "province",
    "省": "province",
    "省份": "province",
    "省级": "province",
    "city": "city",
    "地市": "city",
    "市": "city",
    "城市": "city",
    "本地网": "city",
}


def parse_level(text: str) -> Optional[str]:
    """province or city, written in English (any letter case) or Chinese (省, 省份, 地市, 市, 本地网)."""
    return LEVEL_BY_TEXT.get(text.strip().lower())


def parse_industry(text: str) -> Optional[str]:
    """An industry code, given as itself or as its English or Chinese name, any letter case."""
    return INDUSTRY_BY_TEXT.get(text.strip().lower())


def parse_category(text: str) -> Optional[str]:
    """A category code (also "high_value", which the caller refuses with its own message)."""
    return CATEGORY_BY_TEXT.get(text.strip().lower())


# -- Reference data ---------------------------------------------------------------------------------


def _stored_units(conn) -> dict[str, dict[str, Any]]:
    """Every org unit by its code in lower case (the tree has a few hundred units)."""
    table = OrgUnit.__table__
    stmt = select(table.c.id, table.c.code, table.c.level, table.c.parent_id, table.c.name_en, table.c.name_zh)
    return {row["code"].lower(): dict(row) for row in conn.execute(stmt).mappings()}


class _Regions:
    """Provinces and cities by org code, or by English or Chinese name when only one unit has it."""

    def __init__(self, conn) -> None:
        table = OrgUnit.__table__
        stmt = select(table.c.id, table.c.code, table.c.level, table.c.province_id, table.c.name_en, table.c.name_zh)
        self.units = {row["id"]: row for row in conn.execute(stmt).mappings()}
        self.by_code = {u["code"].lower(): u for u in self.units.values()}
        self.by_name: dict[tuple[str, str], list] = defaultdict(list)
        for unit in self.units.values():
            for name in {unit["name_en"].lower(), unit["name_zh"]}:
                self.by_name[(unit["level"], name)].append(unit)

    def find(self, level: str, text: str, province_id: Optional[int] = None) -> tuple[Optional[dict], Optional[str]]:
        """The unit a text names, or the message key of why there is none."""
        unit = self.by_code.get(text.lower())
        if unit is not None and unit["level"] == level:
            return unit, None
        found = self.by_name.get((level, text.lower()), [])
        if len(found) > 1 and province_id is not None:
            found = [u for u in found if u["province_id"] == province_id] or found
        if len(found) > 1:
            return None, "imports.error.ambiguous_region"
        return (found[0], None) if found else (None, f"imports.error.unknown_{level}")

    def resolve(self, checker: _Checker, row: SourceRow) -> Optional[tuple[int, int]]:
        """(province id, city id) of an accounts row, or None after rejecting it."""
        province_text, city_text = row.values.get("province", ""), row.values.get("city", "")
        province, problem = self.find("province", province_text) if province_text else (None, None)
        if problem:
            checker.reject(row.line, "province", problem, value=_short(province_text))
        province_id = province["id"] if province else None
        city, problem = self.find("city", city_text, province_id) if city_text else (None, None)
        if problem:
            checker.reject(row.line, "city", problem, value=_short(city_text))
        if province is None or city is None:
            return None
        if city["province_id"] != province["id"]:
            checker.reject(
                row.line, "city", "imports.error.city_province", value=city["code"], province=province["code"]
            )
            return None
        return province["id"], city["id"]

    def name(self, account: dict) -> str:
        return f"{self.units[account['province_id']]['code']} / {self.units[account['city_id']]['code']}"


@dataclass(frozen=True)
class _Manager:
    id: int
    level: str
    unit_id: int
    province_id: Optional[int]

    def covers(self, province_id: int, city_id: int) -> bool:
        """Whether the manager's org node is the city, its province, or the national node."""
        if self.level == "national":
            return True
        return self.unit_id == city_id if self.level == "city" else self.province_id == province_id


def _managers(conn, usernames: set[str]) -> dict[str, _Manager]:
    """Active account managers and team leads by username."""
    users, units = User.__table__, OrgUnit.__table__
    found = {}
    for chunk in _chunks(usernames):
        stmt = (
            select(users.c.id, users.c.username, units.c.level, units.c.id.label("unit_id"), units.c.province_id)
            .join(units, units.c.id == users.c.org_unit_id)
            .where(users.c.username.in_(chunk), users.c.active.is_(True), users.c.role.in_(("staff", "team_lead")))
        )
        for row in conn.execute(stmt).mappings():
            found[row["username"]] = _Manager(row["id"], row["level"], row["unit_id"], row["province_id"])
    return found
