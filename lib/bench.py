"""Page benchmark: each page's script run, cold and warm, beside the time of its bare SQL (the floor).

    python -m lib.bench [--size tiny|demo|medium|province] [--database-url URL] [--runs N] [--out FILE.md]

For every page and every demo role that may open it, the page runs through Streamlit's AppTest
(signed in by presetting the session, as the app tests do). A cold run starts with every
st.cache_data entry cleared; a warm run repeats the same run. The SQL floor is the summed run
time of the read functions the page calls through lib.cache.read during a cold run, so
"cold - floor" is what Streamlit, pandas and the charts cost on top of the queries. The budget
is DESIGN section 5: a cold run within 1.0 s, a warm one within 0.25 s.

A baseline computes a few Overview figures the usual way (raw tables into pandas, grouped there)
to show what aggregating in SQL saves.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import functools
import logging
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import pandas as pd
from sqlalchemy import Engine, text

from lib import access, bench_forms, bootstrap, i18n, sample_data
from lib.access import Scope
from lib.config import ROOT, normalise_database_url
from lib.db import make_engine
from lib.periods import Period, default_period

APP = ROOT / "app.py"
PROVINCE_DB = ROOT / "data" / "province.sqlite3"
COLD_BUDGET_S = 1.0
WARM_BUDGET_S = 0.25
BEYOND_SQL_BUDGET_S = 0.3  # the page's own work: cold run minus its SQL floor
DEFAULT_WARM_RUNS = 5
DEFAULT_COLD_RUNS = 3
BCRYPT_ROUNDS = 4  # the benchmark never checks a password; cheap hashes keep loading fast
BENCH_USERS = ("exec", "lead.gd", "am.gz", "admin")
# Pages whose tabs run only when open: (widget key, message key prefix of the labels, the tabs). Each
# tab is measured, opened as a click on it does; the first one (open by default) is the row "page",
# the others "page/tab".
PAGE_TABS = {
    "satisfaction": (
        "satisfaction_tab",
        "satisfaction.tab_",
        ("trend", "breakdown", "segments", "verbatims", "follow_up"),
    )
}
NATIONAL = Scope("national")


@dataclass(frozen=True)
class PageTiming:
    page: str
    role: str
    username: str
    cold_s: float
    warm_s: float
    floor_s: float

    @property
    def misses(self) -> list[str]:
        """The budgets this page/role pair misses: cold, warm, beyond SQL."""
        checks = (
            ("cold", self.cold_s <= COLD_BUDGET_S),
            ("warm", self.warm_s <= WARM_BUDGET_S),
            ("beyond SQL", self.cold_s - self.floor_s <= BEYOND_SQL_BUDGET_S),
        )
        return [name for name, ok in checks if not ok]

    @property
    def within_budget(self) -> bool:
        return not self.misses


@dataclass(frozen=True)
class Baseline:
    seconds: float
    floor_s: float
    same_in_sql_s: float
    agrees: bool


# -- Pages and users ------------------------------------------------------------------------------


def page_files() -> dict[str, str]:
    """app.py's PAGE_FILES (page -> file), read from its source: importing app.py would run the app."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    for node in tree.body:
        targets = [node.target] if isinstance(node, ast.AnnAssign) else getattr(node, "targets", [])
        if any(isinstance(t, ast.Name) and t.id == "PAGE_FILES" for t in targets):
            return {page: spec[0] for page, spec in ast.literal_eval(node.value).items()}
    raise LookupError("PAGE_FILES not found in app.py")


def bench_users() -> list[sample_data.DemoUser]:
    by_name = {user.username: user for user in sample_data.DEMO_USERS}
    return [by_name[name] for name in BENCH_USERS]


def page_role_pairs() -> list[tuple[str, sample_data.DemoUser]]:
    """Every (page, demo user) pair that access allows, in PAGE_FILES order."""
    return [
        (page, user) for page in page_files() for user in bench_users() if access.can_open(role=user.role, page=page)
    ]


# -- The database ---------------------------------------------------------------------------------


def _progress(fraction: float, label: str) -> None:
    width = 30
    done = int(width * min(max(fraction, 0.0), 1.0))
    sys.stderr.write(f"\r  [{'#' * done}{'.' * (width - done)}] {fraction:5.0%} {label:<20}")
    if fraction >= 1:
        sys.stderr.write("\n")
    sys.stderr.flush()


def fill(url: str, size: str) -> None:
    """Migrate the database at `url` and, when it is empty, load the data set of `size` into it.

    The demo and province sets load in a child process, so that the peak RSS reported at the end
    is the app's, not the loader's (a province load holds millions of rows in pandas).
    """
    engine = make_engine(url)
    try:
        bootstrap.migrate(engine)
        if not bootstrap.is_empty(engine):
            print(f"Using the data already in {engine.url.render_as_string()}", file=sys.stderr)
            return
        if size == "tiny":
            print(f"Generating the {size} data set", file=sys.stderr)
            sample_data.load_dataset(
                engine, sample_data.generate(size), bcrypt_rounds=BCRYPT_ROUNDS, progress=_progress
            )
            return
    finally:
        engine.dispose()
    started = time.perf_counter()
    # The demo set is the shipped one (what `make run` loads); larger sets go through the loader's command,
    # which keeps a generated copy under data/ so that the next load skips generating.
    command = ["-m", "lib.bootstrap"] if size == "demo" else ["-m", "lib.sample_data", "load", "--size", size]
    env = {**os.environ, "DATABASE_URL": url, "KAM_BCRYPT_ROUNDS": str(BCRYPT_ROUNDS)}
    subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True)
    print(f"Database ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def default_url(size: str, workdir: Path) -> str:
    """Where a size lives when no URL is given: the reusable province file, else a fresh file."""
    if size == "province":
        return f"sqlite:///{PROVINCE_DB}"
    return f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"


def engine_description(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            name = conn.dialect.name
            if name == "sqlite":
                version = conn.scalar(text("select sqlite_version()"))
            else:
                version = ".".join(str(p) for p in conn.dialect.server_version_info or ())
        return f"{name} {version}".strip()
    finally:
        engine.dispose()


@contextmanager
def app_database(url: str) -> Iterator[None]:
    """Point the app in this process at `url`, forgetting every cache that holds another database."""
    import streamlit as st

    from lib import cache

    def forget() -> None:
        cache.settings.clear()
        cache.engine.clear()
        st.cache_data.clear()

    saved = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    forget()
    try:
        yield
    finally:
        try:
            cache.engine().dispose()
        finally:
            if saved is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = saved
            forget()


# -- Measuring the pages --------------------------------------------------------------------------


class QueryClock:
    """Sums the run time of every read function that goes through lib.cache.read while installed."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def _timed(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)  # keeps the name (the cache key) and reads_tables
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed

    @contextmanager
    def installed(self) -> Iterator[QueryClock]:
        from lib import cache

        original = cache.read

        def read(fn: Callable[..., Any], scope: Scope, /, **filters: Any) -> Any:
            return original(self._timed(fn), scope, **filters)

        cache.read = read
        try:
            yield self
        finally:
            cache.read = original


def signed_in_app(user: sample_data.DemoUser):
    """An AppTest session in which `user` has signed in (the default page has run once)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=600)
    at.session_state["authentication_status"] = True
    at.session_state["username"] = user.username
    at.session_state["name"] = user.name
    at.session_state["roles"] = [user.role]
    _checked(at.run(), user.username, "sign-in")
    return at


def _checked(at, username: str, page: str):
    if at.exception:
        raise RuntimeError(f"{page} as {username} raised: {[e.value for e in at.exception]}")
    return at


def _timed_run(at, username: str, page: str) -> float:
    started = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - started
    _checked(at, username, page)
    return seconds


def measure_page(
    at, page: str, file: str, user: sample_data.DemoUser, cold_runs: int, warm_runs: int, tab: str = ""
) -> PageTiming:
    """Median cold and warm script runs of one page (with `tab` open), and the median SQL floor of the cold runs."""
    import streamlit as st

    at.switch_page(file)
    if tab:
        key, prefix, _ = PAGE_TABS[page]
        at.session_state[key] = i18n.t("en", prefix + tab)
    colds, floors = [], []
    for _ in range(cold_runs):
        st.cache_data.clear()
        with QueryClock().installed() as clock:
            colds.append(_timed_run(at, user.username, page))
        floors.append(clock.seconds)
    if i18n.t("en", f"page.{page}") not in [t.value for t in at.title]:
        raise RuntimeError(f"{page} as {user.username} did not show its title (refused or failed)")
    if tab and at.session_state[PAGE_TABS[page][0]] != i18n.t("en", PAGE_TABS[page][1] + tab):
        raise RuntimeError(f"{page} as {user.username} did not open the tab {tab}")
    warms = [_timed_run(at, user.username, page) for _ in range(warm_runs)]
    first = tab == PAGE_TABS.get(page, ("", "", ("",)))[2][0]
    return PageTiming(
        page=page if first else f"{page}/{tab}",
        role=user.role,
        username=user.username,
        cold_s=statistics.median(colds),
        warm_s=statistics.median(warms),
        floor_s=statistics.median(floors),
    )


def measure_pages(cold_runs: int, warm_runs: int) -> list[PageTiming]:
    """Every allowed (page, role) pair, one signed-in session per user."""
    files = page_files()
    sessions: dict[str, Any] = {}
    results = []
    for page, user in page_role_pairs():
        if user.username not in sessions:
            sessions[user.username] = signed_in_app(user)
        for tab in PAGE_TABS.get(page, ("", "", ("",)))[2]:
            timing = measure_page(sessions[user.username], page, files[page], user, cold_runs, warm_runs, tab)
            print(
                f"  {timing.page:<22} {user.role:<10} cold {timing.cold_s:6.3f} s  warm {timing.warm_s:6.3f} s"
                f"  floor {timing.floor_s:6.3f} s",
                file=sys.stderr,
            )
            results.append(timing)
    return results


# -- The baseline: the Overview computed in pandas --------------------------------------------------


def _day(value: dt.date) -> pd.Timestamp:
    return pd.Timestamp(value)


def _open_counts(frame: pd.DataFrame, opened: str, closed: str, period: Period) -> dict[str, int]:
    start, end = _day(period.start), _day(period.end)
    live = frame[(frame[opened] < end) & (frame[closed].isna() | (frame[closed] >= start))]
    return {
        "opened": int((live[opened] >= start).sum()),
        "closed": int(((live[closed] >= start) & (live[closed] < end)).sum()),
        "open_at_end": int((live[closed].isna() | (live[closed] >= end)).sum()),
    }


def _categories_on(designations: pd.DataFrame, day: dt.date) -> dict[str, int]:
    when = _day(day)
    valid = designations[
        (designations["valid_from"] <= when) & (designations["valid_to"].isna() | (designations["valid_to"] > when))
    ]
    return {"key_accounts": int(valid["account_id"].nunique()), **valid.groupby("category")["account_id"].nunique()}


def _satisfaction(surveys: pd.DataFrame, period: Period) -> dict[str, Optional[float]]:
    def mean_in(p: Period) -> Optional[float]:
        day = surveys["surveyed_on"]
        scores = surveys.loc[(day >= _day(p.start)) & (day < _day(p.end)), "score"]
        return float(scores.mean()) if len(scores) else None

    index, before = mean_in(period), mean_in(period.year_earlier())
    return {"index": index, "change_points": None if index is None or before is None else index - before}


def overview_in_pandas(engine: Engine, period: Period) -> dict:
    """Key accounts by category, satisfaction and its YoY change, order and complaint counts, in pandas."""
    previous = period.previous()
    with engine.connect() as conn:
        designations = pd.read_sql(
            "select account_id, category, valid_from, valid_to from designations",
            conn,
            parse_dates=["valid_from", "valid_to"],
        )
        surveys = pd.read_sql("select surveyed_on, score from surveys", conn, parse_dates=["surveyed_on"])
        orders = pd.read_sql(
            "select received_at, closed_at from orders", conn, parse_dates=["received_at", "closed_at"]
        )
        complaints = pd.read_sql(
            "select received_at, resolved_at from complaints", conn, parse_dates=["received_at", "resolved_at"]
        )
    return {
        "categories": _categories_on(designations, period.last_day),
        "categories_before": _categories_on(designations, previous.last_day),
        "satisfaction": _satisfaction(surveys, period),
        "orders": _open_counts(orders, "received_at", "closed_at", period),
        "orders_before": _open_counts(orders, "received_at", "closed_at", previous),
        "complaints": _open_counts(complaints, "received_at", "resolved_at", period),
        "complaints_before": _open_counts(complaints, "received_at", "resolved_at", previous),
    }


def _agrees(pandas_figures: dict, sql_figures: dict) -> bool:
    """The baseline computes the same numbers as the page's reads (a check that it is a fair comparison)."""
    for key in ("categories", "categories_before"):
        if any(pandas_figures[key].get(k, 0) != v for k, v in sql_figures[key].items() if k != "premium"):
            return False
    for key in ("orders", "orders_before"):
        if pandas_figures[key] != sql_figures[key]:
            return False
    for key in ("complaints", "complaints_before"):
        if pandas_figures[key]["open_at_end"] != sql_figures[key]["open_at_end"]:
            return False
    now, then = pandas_figures["satisfaction"]["index"], sql_figures["satisfaction"]["index"]
    return (now is None) == (then is None) and (now is None or abs(now - then) < 1e-9)


def overview_subset_in_sql(conn, period: Period) -> dict:
    """The baseline's figures from the Overview's own read functions (the like-for-like SQL time)."""
    from lib.queries import overview

    previous = period.previous()
    return {
        "categories": overview.summarise_categories(overview.category_combinations(conn, NATIONAL, period.last_day)),
        "categories_before": overview.summarise_categories(
            overview.category_combinations(conn, NATIONAL, previous.last_day)
        ),
        "satisfaction": overview.satisfaction_year_on_year(conn, NATIONAL, period),
        "orders": overview.order_counts(conn, NATIONAL, period),
        "orders_before": overview.order_counts(conn, NATIONAL, previous),
        "complaints": overview.complaint_counts(conn, NATIONAL, period),
        "complaints_before": overview.complaint_counts(conn, NATIONAL, previous),
    }


def _median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), result


def measure_baseline(url: str, overview_floor_s: float, runs: int) -> Baseline:
    """Median time of the pandas Overview (national scope) against the Overview's cold SQL floor."""
    from lib.queries import common, overview

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            period = default_period(common.data_as_of(conn, NATIONAL))
            sql_figures = overview.overview_figures(conn, NATIONAL, period)
            same_in_sql_s, _ = _median_time(lambda: overview_subset_in_sql(conn, period), runs)
        seconds, figures = _median_time(lambda: overview_in_pandas(engine, period), runs)
        return Baseline(seconds, overview_floor_s, same_in_sql_s, _agrees(figures, sql_figures))
    finally:
        engine.dispose()


# -- The report -----------------------------------------------------------------------------------


def header(size: str, engine: str) -> str:
    now = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (
        f"Benchmark {now} · size {size} · database {engine} · {platform.platform()} · {os.cpu_count()} CPUs"
        f" · Python {platform.python_version()}"
    )


def table(timings: list[PageTiming]) -> str:
    lines = [
        "| page | role | cold median (s) | warm median (s) | SQL floor (s) | cold − floor (s) | within budget? |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for t in timings:
        verdict = "yes" if t.within_budget else _over_budget(t)
        lines.append(
            f"| {t.page} | {t.role} | {t.cold_s:.3f} | {t.warm_s:.3f} | {t.floor_s:.3f} | {t.cold_s - t.floor_s:.3f}"
            f" | {verdict} |"
        )
    return "\n".join(lines)


def _over_budget(t: PageTiming) -> str:
    return "NO (" + ", ".join(t.misses) + ")"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def report(
    size: str,
    engine: str,
    timings: list[PageTiming],
    baseline: Optional[Baseline],
    runs: tuple[int, int],
    peak_mb: float,
    forms: Optional[str] = None,
) -> str:
    cold_runs, warm_runs = runs
    within = sum(t.within_budget for t in timings)
    parts = [
        header(size, engine),
        "",
        f"Budget (DESIGN §5): cold ≤ {COLD_BUDGET_S} s, warm ≤ {WARM_BUDGET_S} s, cold − floor ≤"
        f" {BEYOND_SQL_BUDGET_S} s. Medians of {cold_runs} cold"
        f" and {warm_runs} warm AppTest script runs; the SQL floor is the summed run time of the page's"
        " cache.read functions in a cold run.",
        "",
        table(timings),
        "",
        f"Within budget: {within} of {len(timings)} page/role pairs.",
        f"Peak RSS of the benchmark process after the page runs (before the baseline): {peak_mb:.0f} MB.",
    ]
    if forms:
        parts += ["", forms, ""]
    if baseline is not None:
        ratio = _ratio(baseline.seconds, baseline.floor_s)
        parts.append(
            f"Baseline (Overview key accounts by category, satisfaction and YoY, orders, open complaints, national"
            f" scope, read with pd.read_sql and grouped in pandas): {baseline.seconds:.3f} s against the"
            f" Overview's cold SQL floor (executive) of {baseline.floor_s:.3f} s: {ratio}"
            f" (same figures: {'yes' if baseline.agrees else 'NO'}). The same figures from the Overview's read"
            f" functions alone take {baseline.same_in_sql_s:.3f} s: {_ratio(baseline.seconds, baseline.same_in_sql_s)}."
        )
    return "\n".join(parts) + "\n"


def _ratio(part: float, whole: float) -> str:
    return f"{part / whole:.1f}×" if whole else "n/a"


def run(size: str, database_url: Optional[str], cold_runs: int, warm_runs: int, workdir: Path) -> str:
    """Prepare the database, measure every page and the baseline; return the Markdown report."""
    url = normalise_database_url(database_url) if database_url else default_url(size, workdir)
    fill(url, size)
    engine = engine_description(url)
    print(
        f"Measuring {len(page_role_pairs())} page/role pairs (each tab of {', '.join(PAGE_TABS)}) on {engine}",
        file=sys.stderr,
    )
    with app_database(url):
        timings = measure_pages(cold_runs, warm_runs)
    peak_mb = peak_rss_mb()  # taken before the baseline, which holds raw tables in pandas
    overview = next((t for t in timings if t.page == "overview" and t.role == "executive"), None)
    form_runs = max(warm_runs, 5)
    forms_engine = make_engine(url)
    try:
        forms = bench_forms.summary(bench_forms.measure_forms(forms_engine, form_runs), form_runs)
    finally:
        forms_engine.dispose()
    baseline = measure_baseline(url, overview.floor_s, cold_runs) if overview else None
    return report(size, engine, timings, baseline, (cold_runs, warm_runs), peak_mb, forms)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lib.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=list(sample_data.SIZES), default="demo")
    parser.add_argument("--database-url", default=None, help="use this database (loaded with --size if empty)")
    parser.add_argument(
        "--runs",
        type=int,
        default=None,
        help=f"runs of each kind (default {DEFAULT_COLD_RUNS} cold, {DEFAULT_WARM_RUNS} warm)",
    )
    parser.add_argument("--out", type=Path, default=None, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be at least 1")
    # Clearing st.cache_data and disposing of the app's engine happen outside a script run, which
    # Streamlit logs as a warning every time. A filter, not a level: Streamlit resets its loggers' levels.
    for logger, message in (
        ("streamlit.runtime.caching.cache_data_api", "No runtime found"),
        ("streamlit.runtime.scriptrunner_utils.script_run_context", "Thread 'MainThread': missing ScriptRunContext"),
    ):
        logging.getLogger(logger).addFilter(lambda record, m=message: not record.getMessage().startswith(m))
    cold_runs = args.runs or DEFAULT_COLD_RUNS
    warm_runs = args.runs or DEFAULT_WARM_RUNS
    with tempfile.TemporaryDirectory(prefix="kam-bench-") as workdir:
        text_report = run(args.size, args.database_url, cold_runs, warm_runs, Path(workdir))
    print(text_report)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text_report, encoding="utf-8")
        print(f"Wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
