"""The app's server process: the class routes (:mod:`sim.app.web`) in front of Solara's solo app.

``python -m sim.app.asgi --host H --port P`` (what ``sim serve`` starts, with the environment of
:func:`sim.app.server.offline_env`). One Starlette application serves both: ours first
(``/class``, ``/seat/...``, ``/instructor``, ``/api/...``), then every Solara route (``/``
and its assets), under Solara's own middleware and lifespan, as Solara's "embed in a
Starlette app" recipe does. A background thread runs the round clocks once a second.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from pathlib import Path
from typing import Any

from sim.app.server import APP, CLASS_DIR_ENV, SCENARIO_ENV, TOKEN_ENV


def build(host: str, port: int) -> Any:
    """Build the combined application (call once per process: Solara keeps global state)."""
    os.environ["SOLARA_APP"] = str(APP)
    os.environ["SERVER_NAME"], os.environ["SERVER_PORT"] = host, str(port)
    os.environ.setdefault("SOLARA_MODE", "production")
    # Solara reads its settings when imported: the environment above must be set first
    import solara.server.settings as solara_settings
    import solara.server.starlette as solara_server
    from starlette.applications import Starlette

    from sim.app import registry
    from sim.app.classroom import Classroom
    from sim.app.web import routes
    from sim.scenario.load import load_scenario

    solara_settings.main.mode = "production"
    sc = load_scenario(os.environ[SCENARIO_ENV])
    folder = os.environ.get(CLASS_DIR_ENV)
    room = Classroom(sc, Path(folder) if folder else None, token=os.environ.get(TOKEN_ENV))
    app = Starlette(routes=[*routes(room, registry.rows), *solara_server.routes],
                    lifespan=solara_server.lifespan, middleware=solara_server.middleware)
    app.state.room = room
    stop = threading.Event()

    def clock() -> None:
        while not stop.wait(1.0):
            try:
                room.tick()
            except Exception as exc:  # a clock that dies would freeze every table
                print(f"round clock: {exc!r}", file=sys.stderr)

    threading.Thread(target=clock, name="round-clock", daemon=True).start()
    return app


def main(argv: list[str] | None = None) -> int:
    """Serve until Ctrl-C."""
    p = argparse.ArgumentParser(prog="python -m sim.app.asgi")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    args = p.parse_args(argv)
    import uvicorn

    app = build(args.host, args.port)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
