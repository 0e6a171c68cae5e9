"""The protocol registry: the one list of protocol names, each with the class that plays it.

Every layer that names a protocol reads this table: the scenario format (validation and the
JSON Schema), the ensemble (which class plays a block), the command line and run folders.
There is one check and one message (:func:`problem`). The table holds import paths and this
module imports nothing from ``sim`` but the errors, so the scenario format, which sits below
the protocols, may read it; a class is imported only when :func:`get` asks for it.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

from sim.errors import UsageError

REGISTRY: dict[str, str] = {
    "alternating_offers": "sim.protocols.alternating_offers:AlternatingOffers",
    "expected_utility": "sim.protocols.expected_utility:ExpectedUtility",
    "nash": "sim.protocols.nash:Nash",
    "compromise": "sim.protocols.compromise:Compromise",
    "baron_ferejohn": "sim.protocols.baron_ferejohn:BaronFerejohn",
}
NAMES: tuple[str, ...] = tuple(REGISTRY)


def problem(name: str) -> str | None:
    """The message for a name that is not a registered protocol, or None for a known one."""
    if name in REGISTRY:
        return None
    close = difflib.get_close_matches(name, NAMES, n=1)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown protocol '{name}'; {hint}allowed: {', '.join(NAMES)}"


def check(name: str, where: str) -> None:
    """Refuse an unknown protocol name.

    Args:
        name: The name given.
        where: What gave it (a file, ``--protocol``), put before the message.

    Raises:
        UsageError: ``<where>: unknown protocol ...; allowed: ...``.

    """
    message = problem(name)
    if message:
        raise UsageError(f"{where}: {message}")


def get(name: str) -> Any:
    """Return an instance of the protocol registered under ``name`` (a :class:`sim.protocols.base.Protocol`).

    Raises:
        KeyError: If no such protocol is registered.

    """
    module, cls = REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), cls)()


__all__ = ["NAMES", "REGISTRY", "check", "get", "problem"]
