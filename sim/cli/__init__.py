"""The ``sim`` command: a thin shell over the library.

Each command lives in ``sim/cli/commands/<name>.py`` with ``add(subparsers)`` and ``main(args)``.
Nothing heavy is imported here, so ``sim --help`` answers at once. A user mistake (bad
scenario, bad flag) prints one located message and exits with status 2, never a traceback.
May import: ``sim.workflows`` and everything below it; the commands import the library inside
their handlers, since every command module is imported to build the parser.
"""

from __future__ import annotations

import argparse
import importlib
import sys

FIRST = ["run", "validate", "explain"]  # shown first in --help; the rest follow alphabetically
EXIT_USER_ERROR = 2


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
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Simulate multi-actor political bargaining from scenario YAML files.",
        epilog="Start with: sim run scenarios/syria_bases/baseline.yaml   (docs/tutorial.md)",
    )
    parser.add_argument("--version", action=_Version, nargs=0, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in command_names():
        importlib.import_module(f"sim.cli.commands.{name}").add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from sim.ensemble.signals import restore_sigterm, stop_on_sigterm
    from sim.errors import ScenarioError, UsageError

    previous = stop_on_sigterm()  # a kill cleans up like Ctrl-C
    try:
        return int(args.handler(args) or 0)
    except ScenarioError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_USER_ERROR
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted: nothing was written for the unfinished run", file=sys.stderr)
        from sim.cli.output import interrupted_status

        return interrupted_status()  # 143 after SIGTERM, 130 after Ctrl-C
    except BrokenPipeError:
        return 0
    finally:
        restore_sigterm(previous)


if __name__ == "__main__":
    sys.exit(main())
