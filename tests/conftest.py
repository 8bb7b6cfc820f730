"""Shared fixtures: a fresh database on SQLite and on a real PostgreSQL, and a real Chromium.

Strict mode (KAM_REQUIRE_ALL=1 or CI=true): a missing PostgreSQL or Chromium fails the tests that
need them. Otherwise those tests are skipped with the reason, so a developer without them can still
run the rest.
"""

from __future__ import annotations

import importlib
import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from lib.db import make_engine
from lib.models import Base
from tests.support import live_app
from tests.support.postgres import PostgresServer, PostgresUnavailable

BACKENDS = ["sqlite", "postgresql"]
_database_numbers = itertools.count(1)


def strict_mode() -> bool:
    """True when missing system dependencies must fail the run instead of skipping tests."""
    require_all = os.environ.get("KAM_REQUIRE_ALL", "").strip() == "1"
    return require_all or os.environ.get("CI", "").strip().lower() == "true"


def unavailable(what: str, reason: str) -> None:
    """Fail (strict mode) or skip the current test because `what` is missing."""
    if strict_mode():
        message = f"{what} is required (KAM_REQUIRE_ALL=1 or CI=true) but unavailable: {reason}"
        pytest.fail(message, pytrace=False)
    pytest.skip(f"{what} unavailable: {reason}")


def pytest_configure(config: pytest.Config) -> None:
    import ui

    ui.VALIDATE_CHARTS = True  # every chart a page draws in a test is checked against the Vega-Lite schema
    config.addinivalue_line("markers", "postgres: needs a real PostgreSQL server")
    config.addinivalue_line("markers", "browser: needs Chromium driven by Playwright")
    config.addinivalue_line("markers", "slow: takes several seconds (a real server or browser)")


def pytest_report_header(config: pytest.Config) -> str:
    return f"strict mode (missing PostgreSQL/Chromium fails): {'on' if strict_mode() else 'off'}"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests by what they need, so `-m "not postgres"` or `-m "not browser"` select them out."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("db_url") if callspec else None
        if "postgres_server" in fixtures or backend == "postgresql":
            item.add_marker(pytest.mark.postgres)
        if "chromium_browser" in fixtures:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


# -- PostgreSQL -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A throwaway PostgreSQL cluster (or the server in KAM_TEST_DATABASE_URL), started on first use."""
    server, missing = None, None
    try:
        server = PostgresServer.start()
    except PostgresUnavailable as exc:
        missing = str(exc)
    if server is None:
        unavailable("PostgreSQL", missing or "not started")
    try:
        yield server
    finally:
        server.stop()


def _new_database_name() -> str:
    return f"kam_test_{next(_database_numbers)}_{uuid.uuid4().hex[:8]}"


@pytest.fixture(params=BACKENDS, ids=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The URL of a fresh, empty database: a file in tmp_path, or a new database on the session server.

    Parametrised over both engines; pick one with
    `@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)`.
    """
    backend = request.param
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    if backend != "postgresql":
        raise ValueError(f"unknown database backend {backend!r}")
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = _new_database_name()
    url = server.create_database(name)
    yield url
    server.drop_database(name)  # closes connections a test left open


def _schema_builder() -> Callable[[Engine], None]:
    """lib.bootstrap.migrate (the Alembic migrations) when present, else create_all from the models."""
    try:
        bootstrap = importlib.import_module("lib.bootstrap")
    except ModuleNotFoundError as exc:
        if exc.name != "lib.bootstrap":
            raise
        return Base.metadata.create_all
    return getattr(bootstrap, "migrate", None) or Base.metadata.create_all


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine from lib.db.make_engine on a fresh database with the app's schema."""
    eng = make_engine(db_url)
    try:
        _schema_builder()(eng)
        yield eng
    finally:
        eng.dispose()


# -- Browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's headless Chromium, launched once per session through Playwright's sync API."""
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        missing = f"the playwright package is not installed ({exc}); pip install -r requirements-dev.txt"
    if missing:
        unavailable("Playwright", missing)
    try:
        live_app.chromium_path()
    except live_app.ChromiumUnavailable as exc:
        missing = str(exc)
    if missing:
        unavailable("Chromium", missing)
    with sync_playwright() as playwright:
        browser = live_app.launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium_browser):
    """A new page in its own browser context (fresh cookies), closed after the test."""
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


# -- The demo data set ----------------------------------------------------------------------------

TEST_COOKIE_KEY = "test-only-cookie-key-0123456789abcdefghijklmnop"


@pytest.fixture(scope="session")
def demo_tables() -> dict:
    """The shipped demo data set as DataFrames, for computing expected figures independently."""
    from lib import sample_data
    from lib.bootstrap import SAMPLE_DIR

    return sample_data.read_dataset(SAMPLE_DIR)


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file holding the demo data set, built once per session (cheap password hashes)."""
    from lib.bootstrap import ensure_demo_database

    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    engine = make_engine(url)
    try:
        ensure_demo_database(engine, bcrypt_rounds=4)
    finally:
        engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_app_env(demo_database: str) -> Iterator[str]:
    """Point the app (AppTest, in this process) at the demo database for the whole session."""
    values = {"DATABASE_URL": demo_database, "KAM_COOKIE_KEY": TEST_COOKIE_KEY, "KAM_ENV": "development"}
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    try:
        yield demo_database
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _serve_copy(demo_database: str, folder: Path) -> live_app.StreamlitServer:
    """`streamlit run` of the real app on a fresh copy of the demo database in `folder`."""
    import shutil

    copy = folder / "demo.sqlite3"
    shutil.copy(demo_database.removeprefix("sqlite:///"), copy)
    env = {"DATABASE_URL": f"sqlite:///{copy}", "KAM_COOKIE_KEY": TEST_COOKIE_KEY, "KAM_ENV": "development"}
    return live_app.start_streamlit("app.py", env=env)


@pytest.fixture(scope="session")
def demo_server(demo_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[live_app.StreamlitServer]:
    """The real app served by `streamlit run` on a copy of the demo database, freshly started."""
    server = _serve_copy(demo_database, tmp_path_factory.mktemp("served"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def private_demo_server(
    demo_database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[live_app.StreamlitServer]:
    """A server of its own for a module whose writes (settings, say) would change what other tests expect."""
    server = _serve_copy(demo_database, tmp_path_factory.mktemp("served_private"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def writable_demo_db(demo_app_env: str, demo_database: str, tmp_path_factory: pytest.TempPathFactory):
    """A private copy of the demo database that the app uses while one test module writes to it.

    Writes move the data's "as of" date and with it the default period, which other modules'
    expected figures rely on; so modules that write get their own copy, and every cache that
    holds the old database is forgotten on the way in and out.
    """
    import sqlite3

    copy = tmp_path_factory.mktemp("writable") / "demo.sqlite3"
    with sqlite3.connect(demo_database.removeprefix("sqlite:///")) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    saved = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = f"sqlite:///{copy}"
    _forget_app_caches()
    engine = make_engine(os.environ["DATABASE_URL"])
    try:
        yield engine
    finally:
        engine.dispose()
        os.environ["DATABASE_URL"] = saved
        _forget_app_caches()


def _forget_app_caches() -> None:
    import streamlit as st

    from lib import cache

    cache.settings.clear()
    cache.engine.clear()
    st.cache_data.clear()
