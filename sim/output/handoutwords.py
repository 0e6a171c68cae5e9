"""Plain words for the seminar kit: values with units, dates, ranges, parameters and notes.

Students read these sheets on paper, so nothing here may show an internal name, a
parameter path, a file path or a Python structure: every helper turns a piece of the
scenario into a phrase a class can read aloud. :mod:`sim.output.handout` and
:mod:`sim.output.debrief` assemble the phrases into pages (with :func:`table`).
"""

from __future__ import annotations

import re
from typing import Any

from sim.scenario.load import Scenario
from sim.scenario.space import IssueInfo

# What a parameter is, in words, for its own actor ("you") and for the others ("it").
_OWN = {
    "outside_option.bonus": "what your alternatives outside this deal are worth to you if the talks end without one",
    "outside_option.utility": "what walking away is worth to you",
    "inside_option.bonus": "what the status quo is worth to you each period beyond its terms",
    "patience": "how patient you are (the share of a deal's value that one period of delay keeps)",
    "capability": "your strength at the table",
}
_THEIRS = {
    "outside_option.bonus": "what its alternatives outside this deal are worth to it if the talks end without one",
    "outside_option.utility": "what walking away is worth to it",
    "inside_option.bonus": "what the status quo is worth to it each period beyond its terms",
    "patience": "how patient it is",
    "capability": "its strength at the table",
}
_LINKAGE = {"generosity": "how much of its {issue} schedule {actor} delivers",
            "escalation": "how fast {actor} sweetens its {issue} offer", "cap": "the most {actor} will give of {issue}",
            "floor": "the {issue} {actor} gives whatever the terms",
            "credibility": "the chance that {actor} honours its {issue} offer"}
_PROTOCOL = {"noise": "how erratic the answers are", "margin": "the cushion proposers leave",
             "rounds": "the number of rounds"}
# Prefixes of scenario notes that speak to the modeller, not to the class.
_NOTE_PREFIX = re.compile(r"^\s*(assumptions?|illustrative|teaching choice|brief|source|note)\s*[:;,]?\s*",
                          re.IGNORECASE)
# A note (or part of one) that points elsewhere ("uncertain below", "see docs/...") or names a
# file or a parameter path; "below 0" is a number, not a pointer.
_NOTE_POINTER = re.compile(r"\b(below|above)\b(?!\s*[-\u2212]?\d)|\bsee\b|\bdocs?\b|\byaml\b|\.md\b|/|\w\.\w+\.\w",
                           re.IGNORECASE)
# A table longer than this may break between rows (its header repeats on the next page);
# a shorter one moves whole to the next page rather than split.
LONG_TABLE = 10
# Short names of an actor's parameters, for tables: "Syria's patience".
_SHORT = {"outside_option.bonus": "{who}'s value of alternatives", "outside_option.utility": "{who}'s walk-away value",
          "inside_option.bonus": "what the status quo is worth to {who}", "patience": "{who}'s patience",
          "capability": "{who}'s strength", "budget": "{who}'s budget"}
_SHORT_OWN = {"outside_option.bonus": "your value of alternatives", "outside_option.utility": "your walk-away value",
              "inside_option.bonus": "what the status quo is worth to you", "patience": "your patience",
              "capability": "your strength", "budget": "your budget"}


def short(label: str) -> str:
    """An actor's label without its parenthesis: "Syria (new government)" → "Syria"."""
    return re.sub(r"\s*\([^)]*\)", "", label).strip() or label


def actor_label(sc: Scenario, a: int) -> str:
    """The actor's label, or its name in words."""
    spec = sc.spec.actors[a]
    return spec.label or spec.name.replace("_", " ").title()


def actor_short(sc: Scenario, a: int) -> str:
    """The actor's short label, for sentences."""
    return short(actor_label(sc, a))


def capital(text: str) -> str:
    """The text with its first letter in capitals (the rest untouched: labels keep their case)."""
    return text[:1].upper() + text[1:]


def mid(label: str) -> str:
    """A label for the middle of a sentence: "The power's presence" → "the power's presence"."""
    return label[0].lower() + label[1:] if re.match(r"(The|A|An) ", label) else label


def and_list(items: list[str]) -> str:
    """Join phrases as "a", "a and b", "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def number(v: float, digits: int = 2) -> str:
    """A number with at most ``digits`` decimals and no trailing zeros; a true minus sign."""
    text = f"{round(float(v), digits):.{digits}f}".rstrip("0").rstrip(".")
    text = "0" if text in ("-0", "") else text
    return text.replace("-", "\u2212")


def percent(p: float) -> str:
    """A share as a whole percentage ("<1%" and ">99%" for the edges that are not 0 or 1)."""
    if 0 < p < 0.005:
        return "<1%"
    if 0.995 < p < 1:
        return ">99%"
    return f"{p:.0%}"


def user_value(info: IssueInfo, v: Any) -> str:
    """A value in the issue's own terms: "$2.5bn", "40% of US sanctions lifted", "reduced", "yes"."""
    tail = units_tail(info)
    return f"{short_value(info, v)} {tail}".strip() if info.kind == "continuous" else short_value(info, v)


def short_value(info: IssueInfo, v: Any) -> str:
    """A value without the tail of its units, for tables that state the units once: "$2.5bn", "40%", "1.9"."""
    if info.kind == "binary":
        return "yes" if v in (True, 1, 1.0, "true") else "no"
    if info.kind == "ordinal":
        return str(v).replace("_", " ")
    units = info.units or ""
    digits = 1 if abs(float(v)) >= 1 else 2
    if units.startswith("share of "):
        return f"{float(v):.0%}"
    if units.startswith("$"):  # "$bn over five years": "$2.5bn", the rest is the tail
        head = units.split(" ", 1)[0]
        return f"${number(v, digits)}{head[1:]}"
    return number(v, digits)


def units_tail(info: IssueInfo) -> str:
    """What :func:`short_value` leaves out: "of US sanctions lifted", "over five years", "Mt per year"."""
    units = (info.units or "") if info.kind == "continuous" else ""
    if units.startswith("share of "):
        return units.removeprefix("share ")
    if units.startswith("$"):
        return units.partition(" ")[2]
    return units


def norm_value(sc: Scenario, i: int, x: float) -> str:
    """A value on the issue's 0-1 scale in the issue's own terms."""
    info = sc.space.issues[i]
    return user_value(info, info.to_user(float(x)))


def issue_label(sc: Scenario, i: int) -> str:
    """The issue's label (its name in words when it has none)."""
    info = sc.space.issues[i]
    return info.label or info.name.replace("_", " ")


def options(sc: Scenario, i: int) -> str:
    """What an issue can be: "none / logistics only / reduced / full", "from $0bn to $10bn", "yes or no"."""
    info = sc.space.issues[i]
    if info.kind == "continuous":
        return f"{short_value(info, info.lo)} to {short_value(info, info.hi)} {units_tail(info)}".strip()
    if info.kind == "binary":
        return "yes or no"
    return " / ".join(lv.replace("_", " ") for lv in info.levels)


def period_word(sc: Scenario) -> str:
    """The length of a round in words: month, week, quarter, or round without dated rounds."""
    return sc.calendar.period if sc.calendar is not None else "round"


def round_name(sc: Scenario, t: int) -> str:
    """Round ``t`` as a date a class reads: "March 2025", "Q2 2025", "the week of 3 March 2025", "round 3"."""
    if sc.calendar is None:
        return f"round {t}"
    d = sc.calendar.date(t)
    if sc.calendar.period == "quarter":
        return f"Q{(d.month - 1) // 3 + 1} {d.year}"
    if sc.calendar.period == "week":
        return f"the week of {d.day} {d:%B %Y}"
    return f"{d:%B %Y}"


def horizon(sc: Scenario) -> str:
    """The clock in words: "6 rounds, one a month, from January to June 2025"."""
    T = sc.spec.protocol.rounds
    if sc.calendar is None:
        return f"up to {T} round{'s' if T != 1 else ''}"
    per = {"month": "one a month", "week": "one a week", "quarter": "one a quarter"}[sc.calendar.period]
    first, last = round_name(sc, 1), round_name(sc, T)
    if sc.calendar.period == "month" and first[-4:] == last[-4:]:
        first = first[:-5]  # "January to June 2025", not "January 2025 to June 2025"
    return f"{T} rounds, {per}, from {first} to {last}"


def distribution(sc: Scenario, path: str) -> Any | None:
    """The declared uncertainty of a parameter, or None."""
    return next((u for u in sc.spec.uncertainty if u.param == path), None)


def param_value(sc: Scenario, path: str, v: Any) -> str:
    """A parameter's value for a class: shares as percentages, levels as words, other numbers plain."""
    pdef = sc.params[path]
    if pdef.issue is not None:
        if isinstance(v, int | float) and not isinstance(v, bool) and pdef.issue.kind != "continuous":
            return norm_value(sc, sc.space.index(pdef.issue.name), v)
        return user_value(pdef.issue, v)
    if path.endswith((".success", ".probability", ".credibility", ".generosity", ".cap", ".escalation", ".budget")):
        return percent(float(v))
    return number(v, 3)


def range_words(sc: Scenario, path: str) -> str:
    """What is known about an uncertain parameter: "anywhere between 0 and 0.25, all equally likely"."""
    d = distribution(sc, path)
    if d is None:
        return ""
    if d.dist == "choice":
        weights = d.weights or [1.0] * len(d.values)
        total = sum(weights)
        return "one of " + and_list([f"{param_value(sc, path, v)} ({w / total:.0%})"
                                     for v, w in zip(d.values, weights, strict=True)])
    lo, hi = param_value(sc, path, d.low), param_value(sc, path, d.high)
    if d.dist == "uniform":
        return f"anywhere between {lo} and {hi}, all equally likely"
    if d.dist == "triangular":
        return f"between {lo} and {hi}, most likely about {param_value(sc, path, d.mode)}"
    if d.dist == "truncnormal":
        return f"between {lo} and {hi}, most likely about {param_value(sc, path, d.mean)}"
    return f"between {lo} and {hi}"


def param_words(sc: Scenario, path: str, *, own: bool = False, brief: bool = False) -> str:
    """A parameter in words, never its path ("Russia: what its alternatives ... are worth to it").

    Args:
        sc: The scenario.
        path: A parameter path or ``event:NAME``.
        own: Address the parameter's own actor ("your patience") rather than name it.
        brief: A short noun phrase for tables ("Russia's value of alternatives").

    """
    parts = path.split(".")
    try:
        if path.startswith("event:"):
            return f"the event \u201c{event_words(sc, path.removeprefix('event:'))}\u201d"
        if parts[0] == "actors":
            a = sc.actors.index(parts[1])
            who = actor_short(sc, a)
            rest = ".".join(parts[2:])
            if parts[2] == "positions":
                issue = issue_label(sc, sc.space.index(parts[3]))
                if parts[4] == "ideal":
                    return f"your ideal on {issue}" if own else f"{who}'s ideal on {issue}"
                return f"how much {issue} matters to {'you' if own else who}"
            if brief:
                return _SHORT_OWN[rest] if own else _SHORT[rest].format(who=who)
            if own:
                return _OWN[rest]
            return f"{who}: {_THEIRS[rest]}"
        if parts[0] == "linkage":
            rule = next(r for r in sc.linkage if r.name == parts[1])
            return _LINKAGE[parts[2]].format(issue=issue_label(sc, rule.issue),
                                             actor=actor_short(sc, rule.actor))
        if parts[0] == "actions":
            act = next(a for a in sc.spec.actions if a.name == parts[1])
            what = act.label or act.name.replace("_", " ")
            if parts[2] == "cost":
                return f"what \u201c{what}\u201d costs {actor_short(sc, sc.actors.index(parts[3]))}"
            return f"the chance that \u201c{what}\u201d succeeds"
        if parts[0] == "issues":
            issue = issue_label(sc, sc.space.index(parts[1]))
            return f"{issue}: {'the status quo' if parts[2] == 'status_quo' else 'the terms if talks break down'}"
        if parts[0] == "events":
            return f"the chance of \u201c{event_words(sc, parts[1])}\u201d"
        if parts[0] == "protocol":
            return _PROTOCOL[parts[1]]
    except (KeyError, ValueError, StopIteration, IndexError):
        pass
    return "another assumption of the model"  # never print a path a class cannot read


def event_words(sc: Scenario, name: str) -> str:
    """An event's description (its name in words when it has none), without a final full stop."""
    ev = next((e for e in sc.spec.events if e.name == name), None)
    text = (ev.description if ev is not None and ev.description else name.replace("_", " "))
    return text.rstrip(". ")


def student_note(text: str | None, *, first: bool = False) -> str:
    """A scenario note as a class may read it, or "".

    Notes are written for modellers: "assumption: ...", "Brief: ...", "(uncertain below)".
    Keep the reasons, drop the markers, and drop any part that points elsewhere (a section
    the sheet does not have, a document, a file, a parameter path).

    Args:
        text: The note.
        first: Keep only its first clause (up to a ";" or a ": " outside parentheses).

    """
    if not text:
        return ""
    text = re.sub(r"\s*\([^)]*\)", lambda m: "" if _NOTE_POINTER.search(m.group()) else m.group(), text)
    parts = []
    for clause in re.split(r";\s*", text):
        while (stripped := _NOTE_PREFIX.sub("", clause, count=1)) != clause:
            clause = stripped
        if first:
            clause = re.split(r":\s(?![^()]*\))", clause)[0]
        clause = clause.strip(" .")
        if clause and not _NOTE_POINTER.search(clause):
            parts.append(clause)
    return parts[0] if first and parts else "; ".join(parts)


def terms_words(sc: Scenario, issues: tuple[int, ...], values: tuple[float, ...]) -> str:
    """Terms in words: "Russian presence at Tartus: none; lease length: none"."""
    return "; ".join(f"{mid(issue_label(sc, i))}: {norm_value(sc, i, x)}" for i, x in zip(issues, values, strict=True))


def dependency_words(sc: Scenario, rule: Any) -> str:
    """What a linkage offer follows: "the larger of Russian presence at Tartus and at Hmeimim airbase"."""
    names = [mid(issue_label(sc, d)) for d in rule.depends_on]
    if len(names) == 1:
        return names[0]
    how = {"max": "the larger of", "min": "the smaller of", "mean": "the average of"}[rule.combine]
    return f"{how} {and_list(names)}"


def table(head: str, rows: list[str], caption: str = "") -> str:
    """An HTML table: ``head`` the header cells, ``rows`` the ``<tr>`` rows, already escaped.

    Short tables are kept on one page; long ones (more than :data:`LONG_TABLE` rows) may break
    between rows, with the header repeated, so that one long table does not push a half-empty
    page.
    """
    cls = " class='long'" if len(rows) > LONG_TABLE else ""
    cap = f"<caption>{caption}</caption>" if caption else ""
    return f"<table{cls}>{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
