"""The page benchmark runs end to end on a tiny SQLite database and reports every allowed page/role pair."""

from __future__ import annotations

import os

from lib import bench, cache
from lib.access import PAGE_ROLES
from lib.domain import ROLES


def table_rows(report: str) -> set[tuple[str, str]]:
    """(page, role) of every data row of the Markdown table."""
    rows = set()
    for line in report.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] in PAGE_ROLES and cells[1] in ROLES:
            rows.add((cells[0], cells[1]))
    return rows


def test_the_tiny_benchmark_writes_a_row_for_every_page_and_role_that_access_allows(tmp_path):
    """`main` at size tiny, one run each, reports each allowed pair and leaves the app's settings as they were."""
    out = tmp_path / "results" / "tiny.md"
    url_before, read_before = os.environ.get("DATABASE_URL"), cache.read

    code = bench.main(
        ["--size", "tiny", "--runs", "1", "--database-url", f"sqlite:///{tmp_path / 'tiny.sqlite3'}", "--out", str(out)]
    )

    assert code == 0
    report = out.read_text(encoding="utf-8")
    expected = {(page, role) for page, roles in PAGE_ROLES.items() for role in roles}
    assert table_rows(report) == expected
    tabs = {line.split("|")[1].strip() for line in report.splitlines() if line.startswith("| satisfaction/")}
    assert tabs == {f"satisfaction/{t}" for t in ("breakdown", "segments", "verbatims", "follow_up")}
    assert "size tiny" in report.splitlines()[0] and "sqlite" in report.splitlines()[0]
    assert "same figures: yes" in report
    forms = {line.split("|")[1].strip() for line in report.splitlines() if line.startswith("| ") and "s |" in line}
    assert {"log_revisit", "log_complaint", "advance_order", "save_plan"} <= forms  # tiny has no open complaint
    assert "Not measured, as the data has nothing to fill them with: change_complaint_status, raise_order" in report
    assert os.environ.get("DATABASE_URL") == url_before and cache.read is read_before
