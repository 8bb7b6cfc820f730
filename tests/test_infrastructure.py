"""The test infrastructure: fresh databases on both engines, settings checks, a live app in Chromium."""

from __future__ import annotations

import secrets
import time

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lib.config import ConfigError, load_settings
from lib.db import write_session
from lib.models import OrgUnit
from tests.support.live_app import start_streamlit

ONLY_POSTGRESQL = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
ONLY_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def province(code: str = "P1", **kwargs) -> OrgUnit:
    return OrgUnit(code=code, level="province", name_en=f"Province {code}", name_zh=f"省{code}", **kwargs)


def org_unit_count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(OrgUnit))


def test_each_engine_starts_empty_and_stores_and_reads_back_a_row(engine):
    """A fresh database has the schema and no rows; a committed OrgUnit is read back from a new session."""
    assert org_unit_count(engine) == 0
    with Session(engine) as session:
        session.add(province("P1"))
        session.commit()
    with Session(engine) as session:
        unit = session.scalars(select(OrgUnit)).one()
    assert (unit.code, unit.level, unit.name_zh) == ("P1", "province", "省P1")


@ONLY_POSTGRESQL
def test_the_postgresql_database_really_is_postgresql(engine):
    """The postgresql parameter runs on a PostgreSQL server through psycopg 3."""
    assert engine.dialect.name == "postgresql"
    assert engine.dialect.driver == "psycopg"
    with engine.connect() as conn:
        assert "PostgreSQL" in conn.scalar(text("SELECT version()"))


@ONLY_SQLITE
def test_sqlite_runs_in_wal_mode_with_foreign_keys_on(engine):
    """The SQLite database is a file in WAL journal mode with foreign keys enforced."""
    assert engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_each_engine_refuses_a_row_pointing_at_a_missing_parent(engine):
    """A foreign key to a missing row is refused on both engines."""
    with pytest.raises(IntegrityError), write_session(engine) as session:
        session.add(province("P1", parent_id=999_999))
    assert org_unit_count(engine) == 0


def test_a_write_session_that_raises_is_rolled_back(engine):
    """Rows flushed inside write_session are gone when the block raises."""
    with pytest.raises(RuntimeError, match="boom"), write_session(engine) as session:
        session.add(province("P1"))
        session.flush()
        raise RuntimeError("boom")
    assert org_unit_count(engine) == 0


def test_a_write_session_that_succeeds_is_committed(engine):
    """Rows written inside write_session are visible to another connection afterwards."""
    with write_session(engine) as session:
        session.add(province("P1"))
    assert org_unit_count(engine) == 1


def test_each_test_gets_its_own_database(db_url, request):
    """Two tests never share a database: the URL names a file in this test's tmp_path or a unique database."""
    if db_url.startswith("sqlite"):
        assert str(request.getfixturevalue("tmp_path")) in db_url
    else:
        assert "/kam_test_" in db_url


@pytest.mark.parametrize("cookie_key", [None, "change-me", "CHANGE-ME", ""])
def test_production_refuses_a_missing_or_placeholder_cookie_key(monkeypatch, cookie_key):
    """KAM_ENV=production with no cookie key or a placeholder raises ConfigError."""
    monkeypatch.setenv("KAM_ENV", "production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://kam@db.internal/kam")
    if cookie_key is None:
        monkeypatch.delenv("KAM_COOKIE_KEY", raising=False)
    else:
        monkeypatch.setenv("KAM_COOKIE_KEY", cookie_key)
    with pytest.raises(ConfigError, match="KAM_COOKIE_KEY"):
        load_settings()


def test_production_accepts_a_random_cookie_key_with_a_database_url(monkeypatch):
    """A 48-character random cookie key and a DATABASE_URL make valid production settings."""
    key = secrets.token_urlsafe(36)
    assert len(key) == 48
    monkeypatch.setenv("KAM_ENV", "production")
    monkeypatch.setenv("KAM_COOKIE_KEY", key)
    monkeypatch.setenv("DATABASE_URL", "postgresql://kam@db.internal/kam")
    settings = load_settings()
    assert settings.is_production
    assert settings.cookie_key == key
    assert settings.database_url == "postgresql+psycopg://kam@db.internal/kam"


def test_a_live_streamlit_app_renders_in_chromium(browser_page, tmp_path):
    """A tiny Streamlit script served by start_streamlit shows its heading in Debian's Chromium."""
    script = tmp_path / "hello_app.py"
    script.write_text('import streamlit as st\n\nst.title("Hello")\n', encoding="utf-8")
    started = time.monotonic()
    with start_streamlit(script, env={}, log_dir=tmp_path) as server:
        browser_page.goto(server.url)
        heading = browser_page.get_by_role("heading", name="Hello")
        heading.wait_for(state="visible", timeout=30_000)
        assert heading.inner_text().strip() == "Hello", server.log_text()
    assert not server.is_running()
    print(f"live app smoke test: {time.monotonic() - started:.1f} s")
