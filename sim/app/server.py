"""Start and stop the app's Solara server offline: the settings that keep it off the internet.

``sim serve`` runs :func:`command` in the foreground; tests use :class:`AppServer`, which
picks a free port, waits for ``/readyz`` and stops the server's process group with Ctrl-C.
Why each setting is there: docs/development.md, "Web app offline".
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

APP = Path(__file__).with_name("pages.py")
SCENARIO_ENV = "SIM_APP_SCENARIO"  # the server tells the app module which scenario to load
TOKEN_ENV = "SIM_INSTRUCTOR_TOKEN"  # the instructor's token: made by `sim serve`, which prints it
CLASS_DIR_ENV = "SIM_CLASS_DIR"  # where the class's tables (and the solo results) are kept


def offline_env(scenario: str | Path, assets: Path, home: Path | None = None, *, token: str | None = None,
                class_dir: Path | None = None) -> dict[str, str]:
    """Build the environment of an offline app server.

    Args:
        scenario: The scenario file the app serves.
        assets: The browser assets folder (:mod:`sim.app.assets`).
        home: A writable folder for Solara's and matplotlib's files (default: theirs).
        token: The instructor's token (default: the server makes one and nobody can know it).
        class_dir: Where the class is kept (default: memory only).

    """
    env = dict(os.environ)
    if token is not None:
        env[TOKEN_ENV] = token
    if class_dir is not None:
        env[CLASS_DIR_ENV] = str(Path(class_dir).resolve())
    env.update({
        SCENARIO_ENV: str(Path(scenario).resolve()),
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(assets),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # else the server calls api.mixpanel.com, api.ipify.org
        # a missing asset must fail here, visibly, not be fetched silently from a CDN
        "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
        "PYTHONUNBUFFERED": "1",
        "MPLBACKEND": "Agg",
    })
    if home is not None:
        env["SOLARA_HOME"] = str(home / ".solara")
        env["MPLCONFIGDIR"] = str(home / "mplconfig")
        env["XDG_CACHE_HOME"] = str(home / "cache")
    return env


def command(host: str, port: int) -> list[str]:
    """Build the server's command line (:mod:`sim.app.asgi`: the class routes, then Solara's, in production mode)."""
    return [sys.executable, "-m", "sim.app.asgi", "--host", host, "--port", str(port)]


def addresses(host: str) -> list[str]:
    """The addresses students type for a server bound to ``host``: the machine's own for 0.0.0.0.

    A server bound to every interface is reached at the machine's network addresses, not at
    127.0.0.1 (which is every student's own computer). Found without any packet leaving: the
    route a UDP socket would take, then the host name's addresses; loopback only as a last resort.
    """
    if host not in ("0.0.0.0", "::", ""):
        return [host]
    found: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))  # connect() on UDP sends nothing: it only picks a route
            found.append(s.getsockname()[0])
    except OSError:
        pass
    with contextlib.suppress(OSError):
        found += socket.gethostbyname_ex(socket.gethostname())[2]
    real = [a for a in dict.fromkeys(found) if not a.startswith("127.")]
    return real or ["127.0.0.1"]


def free_port() -> int:
    """Find a TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class AppServer:
    """The app served in a subprocess on a free port (a context manager).

    Args:
        scenario: The scenario file.
        assets: The browser assets folder.
        timeout: Seconds to wait for the server to answer ``/readyz``.

    """

    def __init__(self, scenario: str | Path, assets: Path, timeout: float = 90.0, class_dir: Path | None = None,
                 extra_env: dict[str, str] | None = None) -> None:
        self.scenario = scenario
        self.assets = assets
        self.timeout = timeout
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self._tmp = tempfile.TemporaryDirectory(prefix="sim-app-")
        self.log_path = Path(self._tmp.name) / "server.log"
        self.token = secrets.token_urlsafe(9)
        self.class_dir = class_dir or Path(self._tmp.name) / "class"
        self.extra_env = extra_env or {}

    @property
    def url(self) -> str:
        """The app's address."""
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> AppServer:
        """Start the server and wait until it is ready.

        Raises:
            RuntimeError: If it exits or is not ready in time (with its log).

        """
        home = Path(self._tmp.name)
        with open(self.log_path, "wb") as log:
            # own process group: stop() signals it and only it
            self.proc = subprocess.Popen(command("127.0.0.1", self.port), cwd=home, stdin=subprocess.DEVNULL,
                                         env=offline_env(self.scenario, self.assets, home, token=self.token,
                                                 class_dir=self.class_dir) | self.extra_env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the app server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "readyz", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the app server was not ready after {self.timeout:.0f} s:\n{self.log()}")

    def log(self) -> str:
        """Return what the server printed so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self) -> None:
        """Ctrl-C the server's process group (SIGTERM would skip its cleanup), SIGKILL if it hangs."""
        if self.proc is None or self.proc.poll() is not None:
            return
        pgid = os.getpgid(self.proc.pid)
        os.killpg(pgid, signal.SIGINT)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait(5)

    def __enter__(self) -> AppServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
        self._tmp.cleanup()
