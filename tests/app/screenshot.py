"""Take the docs' screenshots of the app: ``python -m tests.app.screenshot [docs/img]``.

The solo page mid-role-play (docs/how-to/teaching-app.md), and in class mode a team's page
with an offer to answer and the instructor console (docs/how-to/class-mode.md).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import expect, sync_playwright

from sim.app.assets import default_dir
from sim.app.server import AppServer
from tests.app.conftest import SEMINAR
from tests.conftest import CHROMIUM_ARGS, chromium


def main(folder: Path) -> None:
    """Write app.png, class-seat.png and class-console.png into ``folder``."""
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
        class_pages(browser, srv, folder)
        browser.close()


def class_pages(browser: Any, srv: AppServer, folder: Path) -> None:
    """Three tables; at the first, the US confirms its offer, one side proposes, the other is to answer."""
    from tests.app.test_class_browser import console

    codes = console(srv, {"op": "create", "count": 3})["created"]
    seats = {}
    for code in codes:
        for actor, team in ((0, "Damascus"), (1, "Moscow"), (2, "Washington")):
            page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
            page.goto(f"{srv.url}class?code={code}")
            page.click(f".seat-choice[data-actor='{actor}']")
            page.fill("#team", f"{team}-{code[:2]}")
            page.click("#join")
            page.wait_for_url("**/seat/**")
            seats[code, actor] = page
    console(srv, {"op": "start"})
    first = codes[0]
    seats[first, 2].click("#confirm-offer")
    expect(seats[first, 0].locator("#status")).not_to_contain_text("United States")
    seats[first, 0].wait_for_timeout(2000)
    proposer = next(a for a in (0, 1) if seats[first, a].evaluate("() => view.todo") == "proposal")
    seats[first, proposer].click("#propose")
    answer = seats[first, 1 - proposer]
    expect(answer.locator("#accept")).to_be_visible()
    answer.fill("#msg-text", "We can talk about Hmeimim if Tartus shrinks.")
    answer.click("#msg-send")
    answer.wait_for_timeout(800)
    answer.screenshot(path=str(folder / "class-seat.png"))
    teacher = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    teacher.goto(f"{srv.url}instructor?token={srv.token}")
    expect(teacher.locator("#class-table")).to_contain_text("Damascus")
    teacher.wait_for_timeout(2500)
    teacher.screenshot(path=str(folder / "class-console.png"))


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img"))
