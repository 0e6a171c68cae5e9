"""How commands print: for a person at a terminal, or plain for a script (pipes, files, ``--json``).

- :func:`console` is a rich console on stdout. At a terminal it wraps to the window; when
  stdout is a pipe or a file it never wraps or cuts (``sim params FILE | grep X`` finds every
  path whole, and a "Results:" path stays on one line) and prints no colour.
- :func:`add_json` / :func:`emit_json`: ``--json`` on the commands that write a folder prints
  one JSON object on stdout, ``{"command", "folder", "files", "summary"}``, and nothing else
  (progress and messages go to stderr).
- :func:`version` is the installed version, for ``sim --version``.

Nothing heavy at import time: rich is imported inside :func:`console`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PLAIN_WIDTH = 100_000  # wide enough that no line of ours is ever wrapped or cut


def plain() -> bool:
    """True when stdout is not a terminal (a pipe, a file): print for machines."""
    try:
        return not sys.stdout.isatty()
    except (AttributeError, ValueError):  # closed or replaced stdout
        return True


def console() -> Any:
    """A rich console on stdout: wrapped at a terminal, unwrapped and colourless otherwise.

    Markup is off: titles, labels and names come from scenario files, and ``[/]`` or
    ``[link=file:///...]`` in them must be shown as written, not interpreted (or fail).
    Styling is given explicitly, with ``rich.text.Text(..., style=...)``. Control characters
    never reach here: the loader refuses them in scenario text.
    """
    from rich.console import Console  # heavy: imported on use (sim --help stays fast)

    if plain():
        return Console(file=sys.stdout, highlight=False, markup=False, width=PLAIN_WIDTH, soft_wrap=True,
                       no_color=True, color_system=None)
    return Console(file=sys.stdout, highlight=False, markup=False)


def add_json(p: Any) -> None:
    """Add ``--json`` to a command's parser."""
    p.add_argument("--json", action="store_true",
                   help="print one JSON object (folder, files, summary) on stdout instead of tables, for scripts")


def emit_json(command: str, folder: str | Path | None, summary: Any, files: list[str] | None = None) -> int:
    """Print the result of a command as one JSON object on stdout; returns exit status 0."""
    if files is None and folder is not None and Path(folder).is_dir():
        files = sorted(p.name for p in Path(folder).iterdir())
    record = {"command": command, "folder": None if folder is None else str(folder), "files": files or [],
              "summary": summary}
    sys.stdout.write(json.dumps(_finite(record), default=_jsonable) + "\n")
    return 0


def read_folder_json(folder: str | Path | None, name: str) -> Any:
    """A JSON file of a finished folder (the summary a command wrote), or None."""
    if folder is None or not (Path(folder) / name).is_file():
        return None
    return json.loads((Path(folder) / name).read_text(encoding="utf-8"))


def _finite(x: Any) -> Any:
    """NaN and infinities become null: they are not JSON, and jq refuses them."""
    if isinstance(x, float):
        return x if x == x and abs(x) != float("inf") else None
    if isinstance(x, dict):
        return {str(k): _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    if hasattr(x, "tolist"):
        return _finite(x.tolist())
    return x


def _jsonable(x: Any) -> Any:
    return str(x)


def interrupted_status() -> int:
    """The exit status after an interruption, as POSIX shells expect: 128 + the signal (130 Ctrl-C, 143 kill)."""
    from sim.ensemble.signals import terminated

    return 143 if terminated() else 130


def version() -> str:
    """The installed version of sim (``sim --version``)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("sim-bargaining")
    except PackageNotFoundError:
        return "unknown (not installed)"
