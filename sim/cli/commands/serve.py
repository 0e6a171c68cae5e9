"""``sim serve FILE``: the seminar web app, offline (docs/how-to/teaching-app.md)."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.commands.common import _int_at_least


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("serve", help="serve the seminar web app for a scenario (offline, in the browser)",
                       description="Serve the web app: teams join class tables at /class; the instructor's console is "
                                   "/instructor (behind the token printed at start); / is the solo app (step, "
                                   "role-play one actor, ensembles). Works without internet.")
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1: this computer only; 0.0.0.0 lets the class connect)")
    p.add_argument("--port", type=_int_at_least(1, 65535), default=8765, help="port (default 8765)")
    p.add_argument("--class-dir", metavar="DIR",
                   help="where the class's tables and results are kept (default results/<scenario>/class); "
                        "start again on the same folder to pick the class up after a restart")
    p.add_argument("--token", help="the instructor's token (default: a new random one, printed at start)")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Check the scenario, the app's packages and its browser files, then run the server until Ctrl-C."""
    import importlib.util

    from sim.app.assets import SETUP_HINT, default_dir, missing
    from sim.cli.commands.common import load
    from sim.errors import UsageError

    sc = load(args.scenario)  # a broken scenario fails here, located, not inside the server
    if importlib.util.find_spec("solara") is None or importlib.util.find_spec("ipyvuetify") is None:
        raise UsageError(f"the web app's packages are not installed; install them with: {SETUP_HINT}")
    folder = default_dir()
    if missing(folder):
        raise UsageError(f"the web app's browser files are missing from {folder}; fetch them with: {SETUP_HINT}")
    import secrets
    import signal
    import subprocess
    import sys
    from pathlib import Path

    from sim.app.server import addresses, command, offline_env

    token = args.token or secrets.token_urlsafe(9)
    class_dir = Path(args.class_dir) if args.class_dir else Path("results") / sc.name / "class"
    urls = [f"http://{h}:{args.port}" for h in addresses(args.host)]
    where = "this computer only" if args.host in ("127.0.0.1", "localhost", "::1") else "the class's network"
    print(f"serving {args.scenario} for {where}; Ctrl-C stops\n"
          f"  students join a table:   {'  or  '.join(u + '/class' for u in urls)}\n"
          f"  solo (one student vs the model): {urls[0]}/\n"
          f"  instructor console:      {urls[0]}/instructor?token={token}\n"
          f"  the class is kept in {class_dir} (start again with --class-dir to pick it up)", file=sys.stderr)
    proc = subprocess.Popen(command(args.host, args.port),
                            env=offline_env(args.scenario, folder, token=token, class_dir=class_dir))
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
