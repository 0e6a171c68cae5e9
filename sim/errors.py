"""User-facing errors: a scenario mistake is reported at its place, never as a traceback."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One located mistake in a scenario file.

    Attributes:
        file: Path of the file as the user named it.
        line: 1-based line number, or None when the file has no lines (unreadable, empty).
        path: Dotted field path, e.g. ``actors[russia].patience``.
        message: What is wrong and what is allowed.

    """

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field_ = f" {self.path}:" if self.path else ""
        return _one_line(f"{where}:{field_} {self.message}")


def _one_line(text: str) -> str:
    """Escape newlines and other control characters a scenario's own text may bring in.

    One problem is one line; and a value can not rewrite the terminal (e.g. reverse the text).
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


@dataclass
class ScenarioError(Exception):
    """Raised when a scenario cannot be loaded; carries every located problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class UsageError(Exception):
    """A command-line mistake that is not inside a scenario file (bad flag value, bad run folder)."""
