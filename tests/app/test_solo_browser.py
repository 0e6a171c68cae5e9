"""Solo mode in headless Chromium: readable controls, no Mesa knobs, no busy waiting, no leaks, a kept class list.

Most tests use the shared ``server``. The class-list tests start their own server with a
class folder (``SIM_CLASS_DIR``, where finished rows are written) and a short ghost period
(``SIM_GHOST_SECONDS``), and read the rows back from that folder's ``solo.json``.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sim.app.story import worth
from tests.app.test_browser import button, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.slow]

try:
    from playwright.sync_api import expect
except ImportError:  # the `ready` fixture skips (or fails under CI) with the reason
    expect = None

GHOST = 3.0  # seconds: the class server's ghost period (a beat every 0.75 s)


def slider_widths(page: Any) -> list[float]:
    return [page.locator(".v-slider").nth(i).bounding_box()["width"] for i in range(page.locator(".v-slider").count())]


def play_syria_to_the_proposal(page: Any) -> None:
    wait_ready(page)
    page.locator(".rp-play-syria").click()
    expect(page.locator(".sim-status")).to_contain_text("You play Syria")
    button(page, "Step").click()
    expect(page.locator(".sim-status")).to_contain_text("your turn to propose")


def test_every_slider_is_wide_and_reads_out_its_value_with_units(open_page: Any, net: Any) -> None:
    page = open_page()
    play_syria_to_the_proposal(page)
    controls = page.locator(".sim-control")
    expect(controls).to_have_count(9 + 3)  # Syria's 2 settings, 6 generosities, the noise; 3 amounts to propose
    widths = slider_widths(page)
    assert len(widths) == 12 and min(widths) >= 200, widths  # were 0-65 px (trade routes: 0)
    readouts = [controls.nth(i).locator(".sim-readout").inner_text() for i in range(controls.count())]
    units = re.compile(r"per month|points|× its offer table|\$\d+\.\dbn|Mt wheat")
    assert all(units.search(r) for r in readouts), readouts
    settings_card = page.locator(".sim-set-actors-syria-patience")
    expect(settings_card.locator(".sim-readout")).to_have_text(
        "0.90 per month (a month's wait costs 10% of what is at stake)")
    slider = page.get_by_role("slider", name="Syria: patience")
    slider.focus()
    slider.press("End")
    expect(settings_card.locator(".sim-readout")).to_have_text(
        "1.00 per month (a month's wait costs 0% of what is at stake)")
    expect(page.locator(".sim-pending")).to_contain_text("press Reset")
    aid = page.locator(".rp-issue-reconstruction_aid")
    expect(aid.locator(".sim-readout")).to_have_text("$5.0bn over five years")  # Syria's ideal
    amount = page.get_by_role("slider", name="Russian reconstruction aid")
    amount.focus()
    amount.press("Home")
    expect(aid.locator(".sim-readout")).to_have_text("$0.0bn over five years")
    expect(page.locator(".rp-issue-tartus_presence")).to_contain_text("logistics only")  # levels in words
    net.assert_clean()


def test_no_mesa_knobs_and_no_solara_badge(open_page: Any, net: Any) -> None:
    page = open_page()
    wait_ready(page)
    text = page.locator("body").inner_text()
    for hidden in ("Play Interval", "Render Interval", "Use Threads", "PAGE 0", "Page 0", "runs on Solara",
                   "Time:", "Model Parameters"):
        assert hidden not in text, hidden
    expect(page.get_by_text("This website runs on")).to_have_count(0)
    net.assert_clean()


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process, from psutil or /proc."""
    try:
        import psutil  # optional: /proc is enough on Linux
    except ImportError:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    t = psutil.Process(pid).cpu_times()
    return t.user + t.system


def test_play_stops_for_the_student_and_step_play_are_disabled(open_page: Any, server: Any, net: Any) -> None:
    """While the talks wait for the person (or are over) Step and Play are off and the server idles."""
    page = open_page()
    wait_ready(page)
    page.locator(".rp-play-syria").click()
    expect(page.locator(".sim-status")).to_contain_text("You play Syria")
    button(page, "▶").click()
    expect(page.locator(".sim-clock")).to_have_text("Round 1 of 6: waiting for your proposal.")
    expect(button(page, "▶")).to_be_disabled()  # Play stopped by itself
    expect(button(page, "Step")).to_be_disabled()
    time.sleep(0.5)
    before, t0 = _cpu_seconds(server.proc.pid), time.monotonic()
    time.sleep(4)
    used = _cpu_seconds(server.proc.pid) - before
    print(f"\n[timing] server CPU while a tab waits for its student: {used:.2f} s in {time.monotonic() - t0:.1f} s")
    assert used < 0.3, used  # Play re-stepping the waiting round used ~1.1 CPU-s in 4 s per tab
    page.locator(".rp-walk").click()  # Syria orders Russia out, and it leaves: the talks are over
    expect(page.locator(".sim-clock")).to_have_text("The talks are over.")
    expect(button(page, "▶")).to_be_disabled()
    expect(button(page, "Step")).to_be_disabled()
    button(page, "Reset").click()
    expect(button(page, "Step")).to_be_enabled()
    net.assert_clean()


def russias_numbers(moves: list[tuple[str, Any]]) -> set[str]:
    """Every private number of Russia's a page could show, replaying the same moves without a browser."""
    from sim.app.session import Seat, SessionModel
    from sim.scenario.load import load_scenario
    from tests.app.conftest import SEMINAR

    sc = load_scenario(SEMINAR)
    syria, russia = sc.actors.index("syria"), sc.actors.index("russia")
    m = SessionModel(sc=sc, seed="", seat=Seat("replay", play_as=syria))
    for kind, arg in moves:
        m.step()
        getattr(m, kind)(arg)
    m.step()
    tr, out = m.trace, set()
    for t in range(len(tr.proposer)):
        for x in (tr.reservation[t], tr.walk_value[t], tr.continuation[t]):
            out |= {worth(x[0][russia]), f"{x[0][russia]:.3f}"}
    for v in m.stakes(russia).values():
        out |= {worth(v), f"{v:.3f}"}
    return out | {"+12.0 points", "0.95 per month", "0.120"}  # Russia's outside-option bonus and patience


def test_a_student_sees_only_what_their_seat_may_know(open_page: Any, net: Any) -> None:
    page = open_page()
    play_syria_to_the_proposal(page)
    for other in ("Russia: patience", "Russia: outside-option bonus"):
        expect(page.get_by_role("slider", name=other)).to_have_count(0)  # not shown, so not set either
    expect(page.locator(".sim-hidden-note")).to_contain_text("Russia's own numbers are hidden")
    page.locator(".rp-propose").click()  # a proposal (refused) ...
    button(page, "Step").click()
    page.locator(".rp-refuse").click()  # ... and an answer
    expect(page.locator(".sim-transcript")).to_contain_text("You refuse: the offer was worth")
    button(page, "Step").click()
    expect(page.locator(".rp-proposal-value")).to_be_visible()
    text = page.locator("body").inner_text()
    ideal = {"tartus_presence": "logistics_only", "hmeimim_presence": "none", "lease_length": "five_years",
             "acknowledgment": True, "assad_handed_over": True, "compensation": 10.0, "reconstruction_aid": 5.0,
             "russian_wheat": 2.0}
    leaked = {n for n in russias_numbers([("propose", ideal), ("answer", False)]) if n in text}
    assert not leaked, leaked
    expect(page.locator(".rp-belief")).to_contain_text("You think Russia's value of alternatives")
    expect(page.locator(".rp-belief")).to_contain_text("with probability")
    assert "Russia refuses." in text and "Russia refuses:" not in text  # its answer, not its reasons
    net.assert_clean()


# -- the class list: its own server, with a class folder and a short ghost period ---------------

@pytest.fixture(scope="module")
def class_server(ready: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The app with SIM_CLASS_DIR (finished rows in solo.json) and SIM_GHOST_SECONDS set."""
    from sim.app.assets import default_dir
    from sim.app.server import AppServer

    folder = tmp_path_factory.mktemp("class")
    with pytest.MonkeyPatch.context() as mp:  # the server copies this process's environment
        mp.setenv("SIM_CLASS_DIR", str(folder))
        mp.setenv("SIM_GHOST_SECONDS", str(GHOST))
        srv = AppServer(Path(__file__).parents[2] / "scenarios/teaching/syria_bases_seminar.yaml", default_dir(),
                        class_dir=folder)  # the server's class folder (AppServer sets SIM_CLASS_DIR from it)
        srv.start()
    srv.folder = folder
    try:
        yield srv
    finally:
        log = srv.log()
        srv.stop()
    assert "Traceback" not in log, f"the app server raised:\n{log[-4000:]}"


def saved(srv: Any) -> list[dict]:
    path = srv.folder / "solo.json"
    return json.loads(path.read_text())["rows"] if path.exists() else []


def wait_for(check: Any, timeout: float = 15.0) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        got = check()
        if got:
            return got
        time.sleep(0.2)
    raise AssertionError(f"not true after {timeout} s: {check}")


def finish_as_syria(page: Any) -> None:
    """Syria proposes its ideal (refused), then accepts Russia's offer: a deal in round 2."""
    button(page, "Step").click()
    page.locator(".rp-propose").click()
    button(page, "Step").click()
    page.locator(".rp-accept").click()
    expect(page.locator(".rp-verdict")).to_be_visible()


def test_finished_results_stay_through_reset_and_tab_close(browser: Any, class_server: Any, net: Any) -> None:
    ctx = browser.new_context()
    page = net.attach(ctx.new_page())
    page.goto(class_server.url)
    wait_ready(page)
    page.locator(".rp-play-syria").click()
    finish_as_syria(page)
    first = wait_for(lambda: saved(class_server))
    assert len(first) == 1 and first[0]["actor"] == "syria" and first[0]["live"]
    assert first[0]["outcome"] == "deal in round 2 (2025-02), proposed by Russia"
    assert first[0]["your_utility"] == pytest.approx(42.08, abs=0.01) and first[0]["seed"] == 20250101
    button(page, "Reset").click()  # the next role-play is a new row: the result above is not overwritten
    expect(page.locator(".sim-status")).to_contain_text("You play Syria. Next: round 1 of 6")
    button(page, "Step").click()
    expect(page.locator(".rp-walk")).to_have_text(re.compile("Syria orders Russian forces out", re.I))
    page.locator(".rp-walk").click()  # Syria's declared action: it orders Russia out (it works here)
    rows = wait_for(lambda: len(saved(class_server)) == 2 and saved(class_server))
    assert rows[0] == {**first[0], "live": False} and rows[1]["outcome"].startswith("forced exit in round 1")
    assert rows[0]["session"] == rows[1]["session"] and rows[0]["key"] != rows[1]["key"]
    ctx.close()  # the tab closes: its finished rows stay, no longer live
    wait_for(lambda: not saved(class_server)[1]["live"])
    assert [r["key"] for r in saved(class_server)] == [r["key"] for r in rows]
    net.assert_clean()


def test_a_tab_that_stops_beating_is_no_longer_live(browser: Any, class_server: Any, net: Any) -> None:
    """The heartbeat comes from the page: a page whose scripts stop (a sleeping laptop) stops counting as live."""
    a_ctx, b_ctx = browser.new_context(), browser.new_context()
    a = net.attach(a_ctx.new_page())
    a.goto(class_server.url)
    wait_ready(a)
    a.locator(".rp-play-syria").click()
    finish_as_syria(a)
    key = wait_for(lambda: [r["key"] for r in saved(class_server) if r["live"]])[-1]
    b = net.attach(b_ctx.new_page())  # another student: its beats keep the class list up to date
    b.goto(class_server.url)
    wait_ready(b)
    b.locator(".rp-play-russia").click()
    time.sleep(2 * GHOST)  # longer than the ghost period: a's beats keep its row live
    assert {r["key"]: r["live"] for r in saved(class_server)}[key]
    a.evaluate("() => { const last = setInterval(() => {}, 1e9); for (let i = 0; i <= last; i++) clearInterval(i); }")
    t0 = time.monotonic()
    wait_for(lambda: not {r["key"]: r["live"] for r in saved(class_server)}[key], timeout=4 * GHOST)
    print(f"\n[timing] a silent tab left the live list after {time.monotonic() - t0:.1f}s (ghost period {GHOST}s)")
    a_ctx.close()
    b_ctx.close()
    net.assert_clean()
