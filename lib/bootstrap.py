"""First run: migrate the schema, and fill an empty database with the demo data set.

`python -m lib.bootstrap` is what `make run` calls before starting the app. It never
overwrites a database that already has data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, inspect, select

from lib.config import ROOT, load_settings
from lib.db import make_engine
from lib.models import Account, User

SAMPLE_DIR = ROOT / "sample_data"

Progress = Callable[[float, str], None]


def alembic_config() -> Config:
    return Config(str(ROOT / "alembic.ini"))


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest migration (a no-op when it is current)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def is_empty(engine: Engine) -> bool:
    """True when the database has no users and no accounts (or no tables yet)."""
    if not inspect(engine).has_table("users"):
        return True
    with engine.connect() as conn:
        users = conn.scalar(select(func.count()).select_from(User))
        accounts = conn.scalar(select(func.count()).select_from(Account))
    return not users and not accounts


def ensure_demo_database(
    engine: Engine, *, bcrypt_rounds: int = 12, directory: Path = SAMPLE_DIR, progress: Optional[Progress] = None
) -> bool:
    """Migrate; load the demo data when the database is empty. Returns True if it loaded."""
    from lib import sample_data

    migrate(engine)
    if not is_empty(engine):
        return False
    tables = sample_data.read_dataset(directory)
    sample_data.load_dataset(engine, tables, bcrypt_rounds=bcrypt_rounds, progress=progress)
    return True


def _print_progress(fraction: float, label: str) -> None:
    width = 30
    done = int(width * fraction)
    sys.stderr.write(f"\r  loading demo data [{'#' * done}{'.' * (width - done)}] {fraction:5.0%} {label:<20}")
    sys.stderr.flush()
    if fraction >= 1:
        sys.stderr.write("\n")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Migrate the database; load demo data if it is empty.")
    parser.add_argument("--no-demo", action="store_true", help="only migrate, never load demo data")
    args = parser.parse_args(argv)
    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        if args.no_demo:
            migrate(engine)
            print("Schema is up to date.")
        elif ensure_demo_database(engine, bcrypt_rounds=settings.bcrypt_rounds, progress=_print_progress):
            print("Loaded the demo data set.")
        else:
            print("Schema is up to date; the database already has data, nothing loaded.")
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
