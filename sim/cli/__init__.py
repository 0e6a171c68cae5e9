"""The ``sim`` command: a thin shell over the library.

Each command lives in ``sim/cli/commands/<name>.py`` with ``add(subparsers)`` and ``main(args)``.
Nothing heavy is imported here, so ``sim --help`` answers at once. A user mistake (bad
scenario, bad flag) prints one located message and exits with status 2, never a traceback.
:func:`main` is also the outermost guard: a failing disk (full, read-only, a file-size
limit) is one line with exit 2, and any unexpected exception is one line naming the command
and file with exit 1 (``--debug`` shows the traceback), so no future bug shows a user one.
May import: ``sim.workflows`` and everything below it; the commands import the library inside
their handlers, since every command module is imported to build the parser.
"""

from __future__ import annotations

import argparse
import importlib
import sys

FIRST = ["run", "validate", "explain"]  # shown first in --help; the rest follow alphabetically
EXIT_USER_ERROR = 2
EXIT_INTERNAL = 1
MAX_ECHO = 200  # characters of a flag value or path echoed back in an error line


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``error: sim run: argument -n: 0 must be at least 1; see sim run --help``.

    argparse's own error prints the whole usage block, which hides the one line that matters.
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        """Print one line and exit with status 2."""
        print(f"error: {self.prog}: {_escape(message)}; see {self.prog} --help", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)


def _escape(text: str) -> str:
    """One line of plain text: control characters escaped, very long values shortened."""
    from sim.errors import _one_line

    text = _one_line(str(text))
    return text if len(text) <= 4 * MAX_ECHO else f"{text[:4 * MAX_ECHO]}... ({len(text):,} characters)"


def command_names() -> list[str]:
    """Every module in sim/cli/commands that defines a command (adding a file adds a command)."""
    import pkgutil

    import sim.cli.commands

    found = [m.name for m in pkgutil.iter_modules(sim.cli.commands.__path__) if m.name not in ("common",)
             and not m.name.startswith("_")]
    return [n for n in FIRST if n in found] + sorted(n for n in found if n not in FIRST)


class _Version(argparse.Action):
    """``sim --version``: the installed version (looked up only when asked)."""

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kw: object) -> None:
        from sim.cli.output import version

        print(f"sim {version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command's sub-parser."""
    parser = Parser(
        prog="sim",
        description="Simulate multi-actor political bargaining from scenario YAML files.",
        epilog="Start with: sim run scenarios/syria_bases/baseline.yaml   (docs/tutorial.md)",
    )
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an unexpected error (to report a bug)")
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_names():
        importlib.import_module(f"sim.cli.commands.{name}").add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a flag refused in one line by Parser.error
        return exc.code if isinstance(exc.code, int) else EXIT_USER_ERROR
    from sim.ensemble.signals import restore_sigterm, stop_on_sigterm
    from sim.errors import ScenarioError, UsageError

    previous = stop_on_sigterm()  # a kill cleans up like Ctrl-C
    try:
        check_out(getattr(args, "out", None))
        if getattr(args, "svg", False):
            from sim.output.plots import svg_too

            with svg_too():
                return int(args.handler(args) or 0)
        return int(args.handler(args) or 0)
    except ScenarioError as exc:
        for line in str(exc).splitlines():
            print(f"error: {_escape(line)}", file=sys.stderr)
        return EXIT_USER_ERROR
    except UsageError as exc:
        print(f"error: {_escape(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted: nothing was written for the unfinished run", file=sys.stderr)
        from sim.cli.output import interrupted_status

        return interrupted_status()  # 143 after SIGTERM, 130 after Ctrl-C
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the disk, not the program: full, read-only, a size limit, permissions
        if args.debug:
            raise
        print(f"error: {_escape(os_problem(exc, doing(args)))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except Exception as exc:  # the outermost guard: a bug is one line, --debug shows it
        if args.debug:
            raise
        print(f"error: {_escape(internal_problem(exc, doing(args)))}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        restore_sigterm(previous)


def check_out(out: str | None) -> None:
    """Refuse an ``--out`` that cannot hold a results folder, before any work starts.

    Raises:
        UsageError: ``--out`` (or a folder above it) is a file, or the nearest existing folder
            is not writable.

    """
    import os
    from pathlib import Path

    from sim.errors import UsageError

    if not out:
        return
    path = Path(out)
    for place in (path, *path.parents):
        if place.exists():
            if not place.is_dir():
                what = f"--out {out} is a file" if place == path else f"--out {out}: {place} is a file"
                raise UsageError(f"{what}, not a folder; allowed: a folder (created if missing)")
            if not os.access(place, os.W_OK | os.X_OK):
                raise UsageError(f"--out {out}: {place} is not writable; give --out a folder you can write to")
            return


def doing(args: argparse.Namespace) -> str:
    """What the command was doing, for an unexpected error: ``sim run baseline.yaml``."""
    what = [f"sim {args.command}"]
    for name in ("scenario", "scenarios", "inputs", "folder", "run", "resume"):
        value = getattr(args, name, None)
        if value:
            what += [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return " ".join(w if len(w) <= MAX_ECHO else w[:MAX_ECHO] + "..." for w in what)


_OS_HINTS = {
    "ENOSPC": "the disk is full; free some space or give --out a folder on another disk",
    "EDQUOT": "the disk quota is used up; free some space or give --out another folder",
    "EFBIG": "a file grew beyond the size allowed for this process (ulimit -f); raise the limit",
    "EACCES": "permission denied; give --out a folder you can write to, or check the file's permissions",
    "EPERM": "operation not permitted; give --out a folder you can write to",
    "EROFS": "the file system is read-only; give --out a folder you can write to",
    "ENOTDIR": "a part of the path is a file, not a folder; give --out a folder",
    "EISDIR": "a folder is in the way of a file",
    "EMFILE": "too many open files; raise the limit (ulimit -n)",
    "ENOMEM": "out of memory; use fewer replications or a smaller run.block_size",
}


def os_problem(exc: OSError, what: str) -> str:
    """One line for an operating-system error: the file, the reason in plain words, what to do."""
    import errno

    code = errno.errorcode.get(exc.errno or 0, "")
    reason = _OS_HINTS.get(code) or (exc.strerror or str(exc)).lower()
    where = f"{exc.filename}: " if exc.filename else ""
    return f"{where}{reason} (while running `{what}`); nothing was written"


def internal_problem(exc: BaseException, what: str) -> str:
    """One line for a bug: what was being done, the exception, how to see the traceback."""
    detail = " ".join(str(exc).split())
    detail = detail if len(detail) <= MAX_ECHO else detail[:MAX_ECHO] + "..."
    return (f"internal error while running `{what}`: {type(exc).__name__}"
            f"{': ' + detail if detail else ''}; this is a bug in sim, not in your input: "
            "run again with `sim --debug ...` for the traceback and report it")


if __name__ == "__main__":
    sys.exit(main())
