"""A class of 30 on one laptop: eight tables of four (two seats left to the model), played whole at once.

Eight browser contexts (one per table; a page per team) drive eight negotiations to their
end concurrently; the test reports the server's CPU time and memory and the slowest click
(a click's time runs until the page shows the move's effect). Run with ``-s`` to see the
figures; docs/teaching.md quotes them.
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from typing import Any

import pytest

pytestmark = [pytest.mark.usefixtures("ready"), pytest.mark.slow]

TABLES, SEATS = 8, 4
MODEL_SEATS = {(6, 3), (7, 3)}  # two EU seats nobody takes: 30 students
BUTTON = {"offers": "#confirm-offer", "proposal": "#pass", "answer": "#refuse"}


def _proc(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) and resident memory (MB) of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return (int(fields[11]) + int(fields[12])) / ticks, rss / 1024


def test_eight_tables_of_four_play_at_once(browser: Any, server: Any, net: Any) -> None:
    body = json.dumps({"op": "create", "count": TABLES}).encode()
    req = urllib.request.Request(server.url + "api/console", data=body,
                                 headers={"X-Sim-Token": server.token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        codes = json.load(r)["created"]
    cpu0, _ = _proc(server.proc.pid)
    contexts, pages = [], []
    for k, code in enumerate(codes):
        ctx = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(ctx)
        for a in range(SEATS):
            if (k, a) in MODEL_SEATS:
                continue
            page = net.attach(ctx.new_page())
            page.goto(f"{server.url}class?code={code}")
            page.click(f".seat-choice[data-actor='{a}']")
            page.fill("#team", f"T{k}-{a}")
            page.click("#join")
            page.wait_for_url("**/seat/**")
            pages.append(page)
    assert len(pages) == 30
    urllib.request.urlopen(urllib.request.Request(
        server.url + "api/console", data=b'{"op": "start"}',
        headers={"X-Sim-Token": server.token, "Content-Type": "application/json"}), timeout=30).close()
    t0 = time.monotonic()
    slowest, clicks, peak = 0.0, 0, 0.0
    while time.monotonic() - t0 < 600:
        views = [p.evaluate("() => view && {todo: view.todo, phase: view.phase, version: view.version}") for p in pages]
        if all(v and v["phase"] == "over" for v in views):
            break
        for p, v in zip(pages, views, strict=True):
            button = v and BUTTON.get(v["todo"] or "")
            if not button or not p.locator(button).count():
                continue
            start = time.monotonic()
            p.click(button)
            p.wait_for_function(f"() => view.version > {v['version']}")  # the page shows the move's effect
            slowest = max(slowest, time.monotonic() - start)
            clicks += 1
        peak = max(peak, _proc(server.proc.pid)[1])
        pages[0].wait_for_timeout(200)
    wall = time.monotonic() - t0
    cpu1, rss = _proc(server.proc.pid)
    for ctx in contexts:
        ctx.close()
    print(f"\n[class of 30] {TABLES} tables finished in {wall:.1f} s; {clicks} clicks, slowest {slowest:.2f} s; "
          f"server CPU {cpu1 - cpu0:.1f} s ({(cpu1 - cpu0) / wall:.0%} of one core); memory {rss:.0f} MB "
          f"(peak seen {peak:.0f} MB)")
    assert all(p.evaluate("() => view.phase") == "over" for p in []) or wall < 600, "the class never finished"
    assert slowest < 5.0, f"a click took {slowest:.1f} s"
    assert peak < 2000, f"the server used {peak:.0f} MB"
    net.assert_clean()
