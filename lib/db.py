"""Engine factory and transactions for SQLite (embedded default) and PostgreSQL. No Streamlit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

SQLITE_BUSY_TIMEOUT_MS = 10_000
_BEGIN_MODES = {"DEFERRED", "IMMEDIATE"}


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with the pragmas and BEGIN control this app relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # No JIT compilation: the dashboards' reads run in tens of milliseconds, and PostgreSQL compiles a plan
        # whose estimated cost passes jit_above_cost in hundreds (700 ms for the Tiers conversion series).
        kwargs.setdefault("connect_args", {"options": "-c jit=off"})
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}, **kwargs
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Take BEGIN out of the driver's hands (SQLAlchemy's documented pysqlite recipe),
        # so that write transactions can start with BEGIN IMMEDIATE.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode not in _BEGIN_MODES:
            raise ValueError(f"unknown BEGIN mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write transaction: committed on success, rolled back on error.

    On SQLite it starts with BEGIN IMMEDIATE, so a read-then-write transaction never fails
    with "database is locked" halfway (the busy timeout applies to the BEGIN instead).
    """
    with engine.connect() as conn:
        if is_sqlite(engine):
            conn = conn.execution_options(sqlite_begin="IMMEDIATE")
        with Session(bind=conn) as session, conn.begin():
            yield session
            session.flush()
