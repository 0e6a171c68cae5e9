"""The class mode in a real browser: teams at one table, the instructor's console, pause, shock, export.

Each step of docs/teaching.md's class plan that happens in a browser is driven here (the
plan names the tests). Pages poll the server every 1.5 s, so waits are on what the page
shows, never on fixed sleeps.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.usefixtures("ready")


def console(server: Any, op: dict[str, Any]) -> dict[str, Any]:
    """Call the console's API as the instructor's page does."""
    req = urllib.request.Request(server.url + "api/console", data=json.dumps(op).encode(),
                                 headers={"X-Sim-Token": server.token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


def join(open_page: Any, code: str, actor: int, team: str) -> Any:
    """A team joins table ``code`` in its own browser context, at seat ``actor``."""
    page = open_page(f"class?code={code}")
    page.click(f".seat-choice[data-actor='{actor}']")
    page.fill("#team", team)
    page.click("#join")
    page.wait_for_url("**/seat/**")
    expect(page.locator("#who")).to_contain_text(team)
    return page


def view(page: Any) -> dict[str, Any]:
    """The seat page's last view of the table (its script keeps it in ``view``)."""
    return page.evaluate("() => view")


def inside(inner: Any, outer: Any) -> bool:
    """Whether ``inner``'s box lies within ``outer``'s horizontally (a readout must not spill out of its card)."""
    a, b = inner.bounding_box(), outer.bounding_box()
    fits = inner.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # a box's text may overflow the box itself
    return fits and a["x"] >= b["x"] - 0.5 and a["x"] + a["width"] <= b["x"] + b["width"] + 0.5


def until(probe: Any, page: Any, seconds: float = 30) -> Any:
    """Wait (on the page's clock) until ``probe()`` returns something other than None; return it."""
    for _ in range(int(seconds / 0.25)):
        found = probe()
        if found is not None:
            return found
        page.wait_for_timeout(250)
    raise AssertionError("the page never showed it")


def test_the_console_is_closed_without_the_token(open_page: Any, server: Any, net: Any) -> None:
    for path in ("instructor", "instructor/", "instructor?token=wrong"):
        page = open_page(path)
        expect(page.locator("h1")).to_have_text("Instructor console")
        expect(page.locator("body")).to_contain_text("Open the link with the token")
        assert "Create" not in page.content() and "Shock" not in page.content()
    net.http_errors.clear()  # the three 403s are the point


def test_teams_negotiate_with_each_other(open_page: Any, server: Any, net: Any, tmp_path: Any) -> None:
    """Syria, Russia and the US are teams, the EU the model's; a whole negotiation, messages, results, export."""
    ins = open_page(f"instructor?token={server.token}")
    ins.fill("#count", "1")
    ins.click("#create")
    expect(ins.locator("#notice")).to_contain_text("Opened")
    code = ins.locator("#notice").inner_text().split("Opened ")[1].strip(". ")
    syria, russia, us = (join(open_page, code, a, t) for a, t in ((0, "Damascus"), (1, "Moscow"), (2, "Washington")))
    expect(syria.locator("#status")).to_contain_text("Waiting for the instructor")
    ins.click("#start")
    expect(us.locator("#status")).to_contain_text("Your turn: set this round's offers")
    # the US team's offer: a slider with a readout, then confirm
    share = us.locator("#share")
    assert share.bounding_box()["width"] >= 200
    share.fill("0.6")
    expect(us.locator("#share-out")).to_have_text("60% of your tables")
    assert inside(us.locator("#share-out"), us.locator("#move-card"))
    us.click("#confirm-offer")
    seats = {0: syria, 1: russia}
    proposer = until(lambda: next((a for a, p in seats.items() if view(p)["todo"] == "proposal"), None), syria)
    prop, resp = seats[proposer], seats[1 - proposer]
    # every proposal slider is wide enough and shows its value with units
    for box in prop.locator(".field input[type=range]").all():
        assert box.bounding_box()["width"] >= 200
    for out in prop.locator(".field .readout").all():
        assert out.inner_text().strip() and any(ch.isdigit() for ch in out.inner_text())
        assert inside(out, prop.locator("#move-card"))
    expect(prop.locator("#draft-worth")).to_contain_text("/100")
    prop.click("#propose")
    expect(resp.locator("#offer-worth")).to_contain_text("/100")
    expect(resp.locator("#offer-worth")).to_contain_text("0 = the worst package for you, 100 = your ideal")
    resp.fill("#msg-text", "Hmeimim could stay, Tartus not.")
    resp.click("#msg-send")
    expect(prop.locator("#messages")).to_contain_text("Hmeimim could stay, Tartus not.", timeout=15_000)
    # neither side ever sees the other's private value
    mine = {a: view(p)["private"][0] for a, p in seats.items()}
    for a, p in seats.items():
        assert mine[1 - a] not in p.locator("body").inner_text()
        assert mine[a] in p.locator("#private").inner_text()
    resp.click("#refuse")
    # play on: offers confirmed, proposers pass, responders refuse, to the horizon
    for _ in range(60):
        if view(syria)["phase"] == "over":
            break
        for p in (us, syria, russia):
            v = view(p)
            button = {"offers": "#confirm-offer", "proposal": "#pass", "answer": "#refuse"}.get(v["todo"])
            if button and p.locator(button).count():
                p.click(button)
        syria.wait_for_timeout(400)
    for p in (syria, russia, us):
        expect(p.locator("#result")).to_contain_text("Result:", timeout=30_000)
        expect(p.locator("#your-score")).to_contain_text("/100")
        expect(p.locator("#model-score")).to_contain_text("The model's own")
        assert p.locator("#propose, #accept, #refuse, #pass, #confirm-offer").count() == 0  # nothing to click
        expect(p.locator("#msg-send")).to_be_disabled()
    # the console: the result beside the model's, the distribution, replay, export
    expect(ins.locator(f"#class-table tr[data-code='{code}']")).to_contain_text("Damascus")
    expect(ins.locator(f"#class-table tr[data-code='{code}']")).to_contain_text("in round")
    ins.click("#model")
    expect(ins.locator("#model-dist")).to_contain_text("negotiations", timeout=60_000)
    ins.locator(f"tr[data-code='{code}'] button.replay").click()
    expect(ins.locator("#replay-transcript")).to_contain_text("Outcome")
    ins.locator("#replay-round").fill("1")
    expect(ins.locator("#replay-out")).to_contain_text("after round 1")
    expect(ins.locator("#replay-transcript")).not_to_contain_text("Outcome")
    with ins.expect_download() as dl:
        ins.click("#export-csv")
    rows = list(csv.DictReader(io.StringIO(Path(dl.value.path()).read_text())))
    assert code in [r["table"] for r in rows] and any("Washington" in r["seats"] for r in rows)
    net.failed = [f for f in net.failed if "/export." not in f]  # a download ends its request as "aborted"
    net.assert_clean()


def test_pause_and_shock_reach_every_table(open_page: Any, server: Any, net: Any) -> None:
    codes = console(server, {"op": "create", "count": 2})["created"]
    pages = [join(open_page, c, 0, f"Team {c}") for c in codes]
    ins = open_page(f"instructor?token={server.token}")
    ins.click("#start")
    for p in pages:
        expect(p.locator("#status")).not_to_contain_text("Waiting for the instructor")
    ins.click("#pause")
    for p in pages:
        expect(p.locator("#status")).to_contain_text("Paused by the instructor")
        assert p.locator("#propose, #accept, #pass").count() == 0
    ins.select_option("#event", index=0)
    ins.click("#shock")
    expect(ins.locator("#notice")).to_contain_text("reached")
    ins.click("#start")
    for p in pages:
        expect(p.locator("#status")).not_to_contain_text("Paused")
    # a lost laptop: the instructor frees the seat; the old page says so, the model plays on
    ins.locator(f"tr[data-code='{codes[0]}'] button.free").click()
    expect(pages[0].locator("#error")).to_contain_text("not valid any more", timeout=15_000)
    expect(ins.locator(f"tr[data-code='{codes[0]}']")).to_contain_text("model")
    net.http_errors = [e for e in net.http_errors if "/api/seat/" not in e]  # the freed link's 404s
    net.console_errors = [e for e in net.console_errors if "404" not in e]
    net.assert_clean()


def test_warm_up_patience_shifts_the_split(browser: Any, ready: None, net: Any) -> None:
    """The plan's warm-up on the projector: step the port-lease case, raise the power's patience, step again."""
    from sim.app.assets import default_dir
    from sim.app.server import AppServer
    from tests.app.test_browser import button
    from tests.conftest import SCENARIOS

    with AppServer(SCENARIOS / "teaching" / "port_lease_warmup.yaml", default_dir()) as srv:
        page = net.attach(browser.new_page(viewport={"width": 1400, "height": 1000}))
        page.goto(srv.url)
        transcript = page.locator(".sim-transcript")
        button(page, "Step").click()
        expect(transcript).to_contain_text("Outcome")
        first = transcript.inner_text()
        slider = page.get_by_role("slider", name="Power: patience")
        slider.focus()
        slider.press("End")  # the most patient the slider allows
        button(page, "Reset").click()
        expect(transcript).not_to_contain_text("Outcome")
        button(page, "Step").click()
        expect(transcript).to_contain_text("Outcome")
        assert transcript.inner_text() != first  # a more patient power gets a different split
        page.close()
        assert "Traceback" not in srv.log()
    net.assert_clean()


def test_the_console_lists_solo_role_plays_and_exports_them(open_page: Any, server: Any, net: Any) -> None:
    """A student's solo game against the model appears in the console (actor, seed, outcome) and the JSON export."""
    from tests.app.test_browser import wait_ready
    from tests.app.test_solo_browser import finish_as_syria

    solo = open_page()
    wait_ready(solo)
    solo.locator(".rp-play-syria").click()
    finish_as_syria(solo)
    ins = open_page(f"instructor?token={server.token}")
    row = ins.locator("#solo-table tr", has_text="deal in round 2")
    expect(row.first).to_contain_text("syria")
    expect(row.first).to_contain_text(str(20250101))
    req = urllib.request.Request(server.url + "api/console/export.json", headers={"X-Sim-Token": server.token})
    with urllib.request.urlopen(req, timeout=30) as r:
        data = json.load(r)
    assert any(s["actor"] == "syria" and s["outcome"].startswith("deal in round 2") for s in data["solo"])
    net.assert_clean()
