"""``sim serve FILE``: the seminar web app, offline (docs/how-to/teaching-app.md)."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.commands.common import _int_at_least


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("serve", help="serve the seminar web app for a scenario (offline, in the browser)",
                       description="Serve the web app: step through one negotiation, role-play an actor, run "
                                   "ensembles; instructors open /instructor. Works without internet.")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this computer only; 0.0.0.0 lets the class connect)")
    p.add_argument("--port", type=_int_at_least(1, 65535), default=8765, help="port (default 8765)")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Check the scenario, the app's packages and its browser files, then run the server until Ctrl-C."""
    import importlib.util

    from sim.app.assets import SETUP_HINT, default_dir, missing
    from sim.cli.commands.common import load
    from sim.errors import UsageError

    load(args.scenario)  # a broken scenario fails here, located, not inside the server
    if importlib.util.find_spec("solara") is None or importlib.util.find_spec("ipyvuetify") is None:
        raise UsageError(f"the web app's packages are not installed; install them with: {SETUP_HINT}")
    folder = default_dir()
    if missing(folder):
        raise UsageError(f"the web app's browser files are missing from {folder}; fetch them with: {SETUP_HINT}")
    import signal
    import subprocess
    import sys

    from sim.app.server import command, offline_env

    where = "this computer only" if args.host in ("127.0.0.1", "localhost") else f"the network ({args.host})"
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    print(f"serving {args.scenario} at http://{shown}:{args.port}/ for {where}; instructor view: /instructor; "
          "Ctrl-C stops", file=sys.stderr)
    proc = subprocess.Popen(command(args.host, args.port), env=offline_env(args.scenario, folder))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        # Ctrl-C in a terminal reaches the server too: let it shut down by itself; a kill of
        # this process alone (SIGTERM) does not, so pass it on if the server is still up.
        for sig, grace in ((None, 2), (signal.SIGINT, 8), (signal.SIGKILL, None)):
            if sig is not None:
                proc.send_signal(sig)
            try:
                proc.wait(grace)
                break
            except subprocess.TimeoutExpired:
                continue
        return 0
