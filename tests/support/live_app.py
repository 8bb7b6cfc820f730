"""Run a real Streamlit server and drive Debian's Chromium with Playwright, for browser tests.

Chromium comes from the Debian package (`scripts/install-system-deps.sh`); Playwright's own browser
download (`playwright install`) is never used.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[2]
HEALTH_TIMEOUT_SECONDS = 60
STOP_GRACE_SECONDS = 10
START_ATTEMPTS = 3
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class ChromiumUnavailable(RuntimeError):
    """Debian's Chromium is not installed (no `chromium` on the PATH)."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StreamlitServer:
    """A `streamlit run` process on 127.0.0.1; its output goes to `log_path`."""

    def __init__(self, process: subprocess.Popen, port: int, log_path: Path) -> None:
        self.process = process
        self.port = port
        self.log_path = log_path
        self.url = f"http://127.0.0.1:{port}"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"

    def is_running(self) -> bool:
        return self.process.poll() is None

    def is_healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                return response.status == 200 and response.read().decode().strip() == "ok"
        except (urllib.error.URLError, OSError):
            return False

    def wait_until_healthy(self, timeout: float = HEALTH_TIMEOUT_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.is_running():
                raise RuntimeError(
                    f"streamlit exited with code {self.process.returncode} before answering on {self.url}:\n"
                    f"{self.log_text()}"
                )
            if self.is_healthy():
                return
            time.sleep(0.2)
        detail = f"streamlit did not answer on {self.url}/_stcore/health within {timeout:g} s"
        raise TimeoutError(f"{detail}:\n{self.log_text()}")

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        """Terminate the server (its whole process group); kill it if it is still there after `grace` s."""
        atexit.unregister(self.stop)
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self._signal(signal.SIGKILL)
                self.process.wait(timeout=grace)

    def _signal(self, signum: int) -> None:
        try:
            os.killpg(self.process.pid, signum)  # the server runs in its own session: pgid == pid
        except ProcessLookupError:
            pass

    def __enter__(self) -> StreamlitServer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def start_streamlit(
    app_path: str | os.PathLike = "app.py",
    env: Optional[dict[str, str]] = None,
    port: Optional[int] = None,
    *,
    timeout: float = HEALTH_TIMEOUT_SECONDS,
    log_dir: Optional[Path] = None,
) -> StreamlitServer:
    """Start `streamlit run app_path` from the project root and wait until it is healthy.

    `app_path` may be relative to the project root or absolute (any script). `env` is added to the
    current environment. Without `port`, a free one is picked (and another tried if it was taken).
    On failure the error carries the server's output; the process is stopped.
    """
    script = Path(app_path)
    if not script.is_absolute():
        script = ROOT / script
    if not script.is_file():
        raise FileNotFoundError(f"no Streamlit script at {script}")
    attempts = 1 if port is not None else START_ATTEMPTS
    for attempt in range(1, attempts + 1):
        chosen = port if port is not None else free_port()
        prefix = f"streamlit-{chosen}-"
        log_file = tempfile.NamedTemporaryFile(prefix=prefix, suffix=".log", dir=log_dir, delete=False)
        options = {
            "server.headless": "true",
            "server.port": str(chosen),
            "server.address": "127.0.0.1",
            "browser.gatherUsageStats": "false",
            "server.fileWatcherType": "none",
        }
        command = [sys.executable, "-m", "streamlit", "run", str(script)]
        for name, value in options.items():
            command += [f"--{name}", value]
        process_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        with log_file:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=process_env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = StreamlitServer(process, chosen, Path(log_file.name))
        atexit.register(server.stop)  # if the caller never gets to stop it
        try:
            server.wait_until_healthy(timeout)
            return server
        except RuntimeError:
            server.stop()
            log = server.log_text().lower()
            port_taken = "is not available" in log or "already in use" in log
            if attempt == attempts or not port_taken:
                raise
        except BaseException:
            server.stop()
            raise
    raise AssertionError("unreachable")


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        raise ChromiumUnavailable(
            "Chromium not found on the PATH: install the Debian packages with scripts/install-system-deps.sh "
            "(apt-get install chromium chromium-driver). Never use 'playwright install'."
        )
    return path


def launch_chromium(playwright, **kwargs):
    """Launch Debian's headless Chromium through a Playwright (sync API) instance."""
    options = {"executable_path": chromium_path(), "args": list(CHROMIUM_ARGS), "headless": True, **kwargs}
    return playwright.chromium.launch(**options)
