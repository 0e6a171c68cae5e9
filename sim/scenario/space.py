"""The issue space: every issue on a common 0-1 scale, and the deal's discrete packages.

Continuous issues map linearly from [min, max]; ordinal levels map to ``i / (k - 1)``;
binary issues to 0 and 1. Utilities, offers and linkage all work on this scale, and
:meth:`IssueSpace.to_user` turns a value back into units or level names for reports.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

MAX_DISCRETE_PACKAGES = 4096


class ValueProblem(ValueError):
    """A value that does not fit an issue; the message says what is allowed."""


@dataclass(frozen=True)
class IssueInfo:
    """What the engine needs to know about one issue."""

    name: str
    label: str
    kind: str
    lo: float = 0.0
    hi: float = 1.0
    levels: tuple[str, ...] = ()
    units: str = ""

    @property
    def n_levels(self) -> int:
        """Number of discrete values (0 for a continuous issue)."""
        if self.kind == "binary":
            return 2
        return len(self.levels)

    def allowed(self) -> str:
        """Plain words for the values this issue takes."""
        if self.kind == "continuous":
            return f"a number from {self.lo:g} to {self.hi:g}" + (f" ({self.units})" if self.units else "")
        if self.kind == "binary":
            return "true or false"
        return "one of " + ", ".join(self.levels) + f" (or a level number 0 to {len(self.levels) - 1})"

    def to_norm(self, value: Any) -> float:
        """Map a user value (number, level name, bool) to the 0-1 scale.

        Raises:
            ValueProblem: If the value does not fit the issue.

        """
        if self.kind == "binary":
            if isinstance(value, bool):
                return float(value)
            if value in ("yes", "no"):
                return float(value == "yes")
            if isinstance(value, int | float) and value in (0, 1):
                return float(value)
            raise ValueProblem(f"{value!r} is not a value of binary issue '{self.name}'; allowed: true or false")
        if self.kind == "ordinal":
            k = len(self.levels)
            if isinstance(value, str):
                if value not in self.levels:
                    raise ValueProblem(
                        f"'{value}' is not a level of '{self.name}'; allowed: {', '.join(self.levels)}"
                    )
                return self.levels.index(value) / (k - 1)
            if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= k - 1:
                return float(value) / (k - 1)
            raise ValueProblem(f"{value!r} does not fit ordinal issue '{self.name}'; allowed: {self.allowed()}")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueProblem(f"{value!r} is not a number; '{self.name}' takes {self.allowed()}")
        if not self.lo <= value <= self.hi:
            raise ValueProblem(f"{value:g} is outside '{self.name}' bounds; allowed: {self.allowed()}")
        return (float(value) - self.lo) / (self.hi - self.lo)

    def to_user(self, x: float) -> Any:
        """Map a 0-1 value back to units, a level name or a bool."""
        if self.kind == "binary":
            return bool(x >= 0.5)
        if self.kind == "ordinal":
            return self.levels[round(x * (len(self.levels) - 1))]
        return self.lo + x * (self.hi - self.lo)

    def snap(self, x: np.ndarray) -> np.ndarray:
        """Round 0-1 values to the nearest allowed value (identity for continuous)."""
        if self.kind == "continuous":
            return np.clip(x, 0.0, 1.0)
        k = self.n_levels - 1
        return np.round(np.clip(x, 0.0, 1.0) * k) / k


@dataclass(frozen=True)
class IssueSpace:
    """All issues, split into deal issues (continuous and discrete) and linked issues.

    Attributes:
        issues: Every issue in declaration order.
        linked: Indices of issues whose value an influencer's linkage sets.
        deal_cont: Indices of continuous issues the signatories negotiate.
        deal_disc: Indices of ordinal/binary issues the signatories negotiate.
        packages: Array (K, len(deal_disc)) of every combination of discrete deal values.

    """

    issues: tuple[IssueInfo, ...]
    linked: tuple[int, ...]
    deal_cont: tuple[int, ...] = field(init=False)
    deal_disc: tuple[int, ...] = field(init=False)
    packages: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        deal = [i for i in range(len(self.issues)) if i not in self.linked]
        object.__setattr__(self, "deal_cont", tuple(i for i in deal if self.issues[i].kind == "continuous"))
        object.__setattr__(self, "deal_disc", tuple(i for i in deal if self.issues[i].kind != "continuous"))
        grids = [np.linspace(0, 1, self.issues[i].n_levels) for i in self.deal_disc]
        combos = np.array(list(itertools.product(*grids)), dtype=float)
        combos = combos.reshape(len(combos), len(self.deal_disc))
        if not self.deal_disc:
            combos = np.zeros((1, 0))
        object.__setattr__(self, "packages", combos)

    @property
    def names(self) -> list[str]:
        """Issue names in order."""
        return [i.name for i in self.issues]

    def index(self, name: str) -> int:
        """Position of an issue by name."""
        return self.names.index(name)

    def n_packages(self) -> int:
        """Number of discrete deal packages the engine enumerates."""
        n = 1
        for i in self.deal_disc:
            n *= self.issues[i].n_levels
        return n
