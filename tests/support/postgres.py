"""A throwaway PostgreSQL cluster for a test session, or an existing server named by an environment variable.

`PostgresServer.start()` runs Debian's `initdb` and `pg_ctl` on a fresh data directory in a temporary
directory, on a free port of 127.0.0.1, with durability switched off (the data is thrown away). As root,
the programs run as the `postgres` user (initdb refuses to run as root). When `KAM_TEST_DATABASE_URL`
names a server (for example `postgresql://postgres@db:5432/postgres`), that server is used instead and
only the databases created here are dropped at the end.
"""

from __future__ import annotations

import atexit
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ENV_SERVER_URL = "KAM_TEST_DATABASE_URL"
START_ATTEMPTS = 5
START_TIMEOUT_SECONDS = 60
MIN_SCRATCH_BYTES = 1 << 30
DATABASE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
SERVER_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -p {port} -k '{socket_dir}' "
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
)

Completed = subprocess.CompletedProcess


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL server programs (or the user to run them as) are not installed here."""


def _version_key(bin_dir: str) -> tuple[int, ...]:
    version = Path(bin_dir).parent.name
    return tuple(int(part) for part in re.findall(r"\d+", version)) or (0,)


def find_bin_dir() -> Path:
    """The directory of the newest installed initdb and pg_ctl (Debian's layout first, then the PATH)."""
    candidates = [
        os.path.dirname(initdb)
        for initdb in glob.glob("/usr/lib/postgresql/*/bin/initdb")
        if os.access(initdb, os.X_OK) and os.access(os.path.join(os.path.dirname(initdb), "pg_ctl"), os.X_OK)
    ]
    if candidates:
        return Path(max(candidates, key=_version_key))
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(os.path.realpath(initdb)).parent
    raise PostgresUnavailable(
        "PostgreSQL server programs not found (no /usr/lib/postgresql/*/bin/initdb and no initdb/pg_ctl on "
        "the PATH). Install them with scripts/install-system-deps.sh (Debian package 'postgresql'), or set "
        f"{ENV_SERVER_URL} to a PostgreSQL server URL."
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _scratch_parent() -> Optional[str]:
    """Where to put the cluster: shared memory (tmpfs) when it has room, else the temporary directory.

    The cluster is thrown away anyway, and on tmpfs CREATE DATABASE takes about 0.02 s instead of
    0.2-0.5 s on a virtual disk (even with fsync off).
    """
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK):
        stats = os.statvfs(shm)
        if stats.f_bavail * stats.f_frsize >= MIN_SCRATCH_BYTES:
            return shm
    return None  # the system's temporary directory


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


class PostgresServer:
    """A PostgreSQL server that hands out fresh databases: `create_database(name) -> SQLAlchemy URL`."""

    def __init__(
        self,
        server_url: URL,
        *,
        workdir: Optional[Path] = None,
        bin_dir: Optional[Path] = None,
        run_as: Optional[list[str]] = None,
    ) -> None:
        self.server_url = server_url.set(drivername="postgresql+psycopg")
        self.workdir = workdir  # None for an external server: nothing to stop or remove
        self.bin_dir = bin_dir
        self._run_as = run_as or []
        self._created: set[str] = set()
        self._stopped = False
        self.startup_seconds = 0.0

    # -- starting -------------------------------------------------------------------------------------

    @classmethod
    def start(cls) -> PostgresServer:
        """The server named by KAM_TEST_DATABASE_URL, else a new throwaway cluster."""
        external = os.environ.get(ENV_SERVER_URL, "").strip()
        if external:
            return cls.external(external)
        return cls.throwaway()

    @classmethod
    def external(cls, url: str) -> PostgresServer:
        parsed = make_url(url)
        if parsed.get_backend_name() != "postgresql":
            raise ValueError(f"{ENV_SERVER_URL} must be a PostgreSQL URL, not {parsed.get_backend_name()!r}")
        server = cls(parsed.set(database=parsed.database or "postgres"))
        started = time.monotonic()
        with server._admin_connection() as conn:
            conn.execute("SELECT 1")
        server.startup_seconds = time.monotonic() - started
        return server

    @classmethod
    def throwaway(cls) -> PostgresServer:
        started = time.monotonic()
        bin_dir = find_bin_dir()
        run_as: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise PostgresUnavailable("running as root without 'runuser': cannot run initdb as postgres")
            try:
                import pwd

                pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root but there is no 'postgres' user to run initdb as (install the Debian "
                    "package 'postgresql')"
                ) from None
            run_as = [runuser, "-u", "postgres", "--"]
        workdir = Path(tempfile.mkdtemp(prefix="kam-test-pg-", dir=_scratch_parent()))
        server = cls(
            URL.create("postgresql+psycopg", username="postgres", host="127.0.0.1", database="postgres"),
            workdir=workdir,
            bin_dir=bin_dir,
            run_as=run_as,
        )
        atexit.register(server.stop)  # also when the session ends without running its finalisers
        try:
            if run_as:
                shutil.chown(workdir, user="postgres", group="postgres")
            server._initdb()
            server._start_on_a_free_port()
        except BaseException:
            server.stop()
            raise
        server.startup_seconds = time.monotonic() - started
        return server

    @property
    def data_dir(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "data"

    @property
    def log_path(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "server.log"

    def _run(self, program: str, *args: str, timeout: float = START_TIMEOUT_SECONDS) -> Completed:
        assert self.bin_dir is not None and self.workdir is not None
        command = [*self._run_as, str(self.bin_dir / program), *args]
        return subprocess.run(
            command,
            cwd=self.workdir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def _initdb(self) -> None:
        result = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        if result.returncode != 0:
            raise RuntimeError(f"initdb failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")

    def _start_on_a_free_port(self) -> None:
        failures = []
        for _ in range(START_ATTEMPTS):
            port = free_port()
            options = SERVER_OPTIONS.format(port=port, socket_dir=self.workdir)
            result = self._run(
                "pg_ctl",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_path),
                "-o",
                options,
                "-t",
                str(START_TIMEOUT_SECONDS),
                "-w",
                "start",
                timeout=START_TIMEOUT_SECONDS + 10,
            )
            if result.returncode == 0:
                self.server_url = self.server_url.set(port=port)
                return
            failures.append(f"port {port}: {result.stdout.strip()} {result.stderr.strip()}")
            # In case it half-started.
            self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        tried = "\n".join(failures)
        raise RuntimeError(f"PostgreSQL did not start:\n{tried}\n--- server log ---\n{_tail(self.log_path)}")

    # -- databases ------------------------------------------------------------------------------------

    @property
    def port(self) -> Optional[int]:
        return self.server_url.port

    def url(self, database: str) -> str:
        """The SQLAlchemy URL (psycopg 3 driver) of a database on this server."""
        return self.server_url.set(database=database).render_as_string(hide_password=False)

    def _admin_connection(self) -> psycopg.Connection:
        libpq_url = self.server_url.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(libpq_url, autocommit=True, connect_timeout=10)

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        if not DATABASE_NAME.match(name):
            raise ValueError(f"not a plain database name: {name!r}")
        with self._admin_connection() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        self._created.add(name)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database created here, closing any connection still open to it."""
        with self._admin_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        self._created.discard(name)

    # -- stopping -------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop the throwaway cluster and remove its files; on an external server, drop what was created."""
        if self._stopped:
            return
        self._stopped = True
        if self.workdir is None:
            for name in sorted(self._created):
                try:
                    self.drop_database(name)
                except psycopg.Error:
                    pass
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> PostgresServer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()
