"""Alembic environment: runs on a connection handed over by lib.bootstrap, or on DATABASE_URL."""

from alembic import context

from lib.config import load_settings
from lib.db import make_engine
from lib.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_migrations(connection)
else:
    engine = make_engine(load_settings().database_url)
    with engine.connect() as conn:
        run_migrations(conn)
    engine.dispose()
