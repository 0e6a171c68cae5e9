"""Take the docs' screenshots of the app: ``python -m tests.app.screenshot [docs/img]``.

The student page mid-role-play (Syria's proposal refused, Russia's offer waiting for an
answer, an ensemble run) and the instructor view, as docs/how-to/teaching-app.md shows them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from sim.app.assets import default_dir
from sim.app.server import AppServer
from tests.app.conftest import SEMINAR
from tests.conftest import CHROMIUM_ARGS, chromium


def main(folder: Path) -> None:
    """Write app.png and app-instructor.png into ``folder``."""
    expect.set_options(timeout=60_000)
    with AppServer(SEMINAR, default_dir()) as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        page.goto(srv.url)
        step = page.get_by_role("button", name="Step", exact=True)
        expect(step).to_be_enabled()
        page.locator(".rp-play-syria").click()
        step.click()
        page.locator(".rp-propose").click()
        expect(page.locator(".sim-status")).to_contain_text("round 2")
        step.click()
        expect(page.locator(".rp-accept")).to_be_visible()
        page.locator(".ens-run").click()
        expect(page.locator(".ens-table")).to_be_visible()
        page.wait_for_timeout(1500)
        page.screenshot(path=str(folder / "app.png"))
        page.locator(".rp-accept").click()
        expect(page.locator(".rp-result")).to_be_visible()
        teacher = browser.new_page(viewport={"width": 1400, "height": 900})
        teacher.goto(srv.url + "instructor")
        expect(teacher.locator(".class-table")).to_contain_text("syria")
        teacher.wait_for_timeout(500)
        teacher.screenshot(path=str(folder / "app-instructor.png"))
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))
