"""One settings object, read from the environment (or Streamlit secrets, passed in by the app)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = ROOT / "data" / "kam.sqlite3"
PLACEHOLDER_COOKIE_KEYS = frozenset({"", "change-me", "changeme", "some_key", "dev-insecure-cookie-key"})
DEV_COOKIE_KEY = "dev-insecure-cookie-key"


class ConfigError(RuntimeError):
    """The configuration cannot be used (for example a placeholder secret in production)."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    environment: str  # development | production
    cookie_key: str
    cookie_name: str = "kam_auth"
    cookie_expiry_days: float = 1.0
    bcrypt_rounds: int = 12
    cache_ttl_seconds: int = 60

    @property
    def is_production(self) -> bool:
        return self.environment == "production"


def load_settings(overrides: Mapping[str, str] | None = None) -> Settings:
    """Settings from the environment, with `overrides` (e.g. st.secrets) taking precedence.

    Raises ConfigError in production when the cookie key is missing or a placeholder.
    """
    source = {**os.environ, **{k: str(v) for k, v in (overrides or {}).items()}}
    environment = source.get("KAM_ENV", "development").strip().lower()
    if environment not in ("development", "production"):
        raise ConfigError(f"KAM_ENV must be 'development' or 'production', not {environment!r}")
    cookie_key = source.get("KAM_COOKIE_KEY", "").strip()
    if environment == "production":
        if cookie_key.lower() in PLACEHOLDER_COOKIE_KEYS or len(cookie_key) < 32:
            raise ConfigError(
                "KAM_COOKIE_KEY must be set to a random secret of at least 32 characters in "
                "production (for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')."
            )
        if "DATABASE_URL" not in source:
            raise ConfigError("DATABASE_URL must be set in production.")
    cookie_key = cookie_key or DEV_COOKIE_KEY
    database_url = source.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    return Settings(
        database_url=normalise_database_url(database_url),
        environment=environment,
        cookie_key=cookie_key,
        cookie_expiry_days=float(source.get("KAM_COOKIE_EXPIRY_DAYS", "1")),
        bcrypt_rounds=int(source.get("KAM_BCRYPT_ROUNDS", "12")),
        cache_ttl_seconds=int(source.get("KAM_CACHE_TTL", "60")),
    )


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgres URLs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
