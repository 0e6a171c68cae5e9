"""Browser test fixtures: the app served offline, headless system Chromium, and a network log.

Every browser test skips with the reason when Chromium, Playwright, the app's packages or
its browser files are missing, except under CI (the ``CI`` variable set), where it fails:
there the setup installs them, and a broken install must not pass as "ran no test".
Never run ``playwright install`` (it downloads a browser); we drive the system ``chromium``.
"""

from __future__ import annotations

import importlib.util
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conftest import SCENARIOS, browser_unavailable, skip_or_fail

SEMINAR = SCENARIOS / "teaching" / "syria_bases_seminar.yaml"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
TIMEOUT_MS = 30_000  # a first page load takes 2-5 s, more on two busy cores


def unavailable() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    from sim.app.assets import SETUP_HINT, default_dir, missing

    if reason := browser_unavailable():
        return reason
    if importlib.util.find_spec("solara") is None:
        return f"the web app's packages are not installed ({SETUP_HINT})"
    if missing():
        return f"the web app's browser files are missing from {default_dir()} ({SETUP_HINT})"
    return None


@pytest.fixture(scope="session")
def ready() -> None:
    """Skip (or, under CI, fail) when the browser tests cannot run."""
    skip_or_fail(unavailable())


@pytest.fixture(scope="session")
def server(ready: None) -> Iterator[Any]:
    """The app serving the seminar scenario on a free port."""
    from sim.app.assets import default_dir
    from sim.app.server import AppServer

    t0 = time.monotonic()
    with AppServer(SEMINAR, default_dir()) as srv:
        print(f"\n[timing] app server ready in {time.monotonic() - t0:.1f}s")
        yield srv
        log = srv.log()
    assert "Traceback" not in log, f"the app server raised:\n{log[-4000:]}"


@pytest.fixture(scope="session")
def browser(ready: None, headless_browser: Any) -> Any:
    """Headless system Chromium (the session's, shared with the other browser tests)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)  # expect() has its own 5 s default
    return headless_browser


class NetLog:
    """Everything that would show an asset or the app failing silently in the browser."""

    FIELDS = ("failed", "http_errors", "console_errors", "page_errors", "external")

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.http_errors: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.external: list[str] = []

    def attach(self, page: Any) -> Any:
        """Listen to a page (blob: and data: URLs, such as the plots' images, are local)."""
        page.on("requestfailed", lambda r: self.failed.append(f"{r.method} {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.http_errors.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        page.on("request", lambda r: self._host(r.url))
        page.on("websocket", lambda ws: self._host(ws.url))
        return page

    def _host(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOOPBACK:
            self.external.append(url)

    def assert_clean(self) -> None:
        """No failed, erroring or external request, no console or page error."""
        problems = {k: getattr(self, k) for k in self.FIELDS if getattr(self, k)}
        assert not problems, f"the browser reported problems: {problems}"


@pytest.fixture
def net() -> NetLog:
    """This test's network and console log."""
    return NetLog()


@pytest.fixture
def open_page(browser: Any, server: Any, net: NetLog) -> Iterator[Callable[..., Any]]:
    """Open the app in a new browser context (one context = one visitor); closed after the test."""
    contexts = []

    def make(path: str = "") -> Any:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(ctx)
        page = net.attach(ctx.new_page())
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(server.url + path)
        return page

    yield make
    for ctx in contexts:
        ctx.close()
