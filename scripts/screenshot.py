"""Take the README's screenshot: serve the app on the demo database, sign in, capture the Overview.

Usage: .venv/bin/python scripts/screenshot.py [output.png] [page] [username]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lib import sample_data  # noqa: E402
from lib.bootstrap import ensure_demo_database  # noqa: E402
from lib.db import make_engine  # noqa: E402
from tests.support import live_app  # noqa: E402


def main() -> None:
    output = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "docs" / "overview.png")
    page_path = sys.argv[2] if len(sys.argv) > 2 else ""
    username = sys.argv[3] if len(sys.argv) > 3 else "exec"
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/demo.sqlite3"
        engine = make_engine(url)
        ensure_demo_database(engine, bcrypt_rounds=4)
        engine.dispose()
        server = live_app.start_streamlit(
            "app.py", env={"DATABASE_URL": url, "KAM_COOKIE_KEY": "screenshot-only-key-0123456789abcdef"}
        )
        try:
            with sync_playwright() as playwright:
                browser = live_app.launch_chromium(playwright)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{server.url}/{page_path}")
                page.get_by_role("textbox", name="Username").fill(username)
                page.get_by_role("textbox", name="Password").fill(sample_data.DEMO_PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
                page.wait_for_timeout(3000)  # let the charts draw
                output.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(output), full_page=False)
                browser.close()
        finally:
            server.stop()
    print(f"wrote {output}")


if __name__ == "__main__":
    main()
