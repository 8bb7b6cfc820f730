"""Migrations: the Alembic history creates exactly the models' schema, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from lib import sample_data
from lib.bootstrap import ensure_demo_database, is_empty, migrate
from lib.models import Base


def test_migrated_schema_matches_the_models(engine):
    """Autogenerate finds nothing to change after upgrading to head (the engine fixture migrates)."""
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrating_twice_changes_nothing(engine):
    """Running the migrations on an up-to-date database is a no-op."""
    before = sorted(inspect(engine).get_table_names())
    migrate(engine)
    assert sorted(inspect(engine).get_table_names()) == before
    assert set(Base.metadata.tables) <= set(before)


def test_first_run_loads_the_data_once_and_never_overwrites(engine, tmp_path):
    """An empty database gets the data set; a second run leaves a database with data alone."""
    tables = sample_data.generate("tiny")
    sample_data.write_dataset(tables, tmp_path)
    assert is_empty(engine)
    assert ensure_demo_database(engine, bcrypt_rounds=4, directory=tmp_path) is True
    assert not is_empty(engine)
    assert ensure_demo_database(engine, bcrypt_rounds=4, directory=tmp_path) is False
    with engine.connect() as conn:
        accounts = conn.exec_driver_sql("SELECT COUNT(*) FROM accounts").scalar()
    assert accounts == len(tables["accounts"])
