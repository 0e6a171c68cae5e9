"""What one scenario assumes differently from another: a diff of their merged content.

Both scenarios are flattened to ``path → value`` with the note or source that labels each
value. Named items (actors, issues, linkage, events) are matched by name and uncertainty
entries by parameter, so removing one item does not make every later item look changed.
Red lines are matched by what they say (``issue op value``), so a dropped or added line is
one row with its note. Other lists without names (linkage tables, levels) are compared
whole, as one value. Text (titles, questions, labels, notes) and run
settings (seed, size) are left out: a comparison runs every scenario on the same settings.
"""

from __future__ import annotations

from typing import Any

from sim.scenario.yamlsource import format_path

TEXT_KEYS = frozenset({"name", "title", "question", "description", "label", "note", "source", "units"})
SKIP_TOP = frozenset({"run", "extends"})
ITEM = "(defined)"

Flat = dict[str, dict[str, str]]


def flatten(resolved: dict[str, Any], annotations: dict[str, dict[str, str]]) -> Flat:
    """Every assumption of a scenario as ``path → {"value", "note", "source"}`` (values as text)."""
    out: Flat = {}

    def label_of(node: Any, text: str, inherited: dict[str, str]) -> dict[str, str]:
        own = annotations.get(text)
        if own is None and isinstance(node, dict) and (node.get("note") or node.get("source")):
            own = {k: str(node[k]) for k in ("note", "source") if node.get(k)}
        return own or inherited

    def put(text: str, value: str, notes: dict[str, str]) -> None:
        out[text] = {"value": value, "note": notes.get("note", ""), "source": notes.get("source", "")}

    def walk(node: Any, path: tuple[Any, ...], inherited: dict[str, str]) -> None:
        text = format_path(path, resolved)
        notes = label_of(node, text, inherited)
        if isinstance(node, dict):
            for k, v in node.items():
                if k in TEXT_KEYS or (not path and k in SKIP_TOP):
                    continue
                walk(v, (*path, k), notes)
        elif isinstance(node, list) and not node:
            return  # an empty list says what an absent one says
        elif isinstance(node, list) and all(isinstance(v, dict) and "name" in v for v in node):
            for i, v in enumerate(node):
                item = format_path((*path, i), resolved)
                put(item, ITEM, label_of(v, item, {}))  # so a removed item is one row, not one per field
                walk(v, (*path, i), {})  # a named item stands alone
        elif isinstance(node, list) and all(isinstance(v, dict) and "param" in v for v in node):
            for i, v in enumerate(node):
                item = format_path((*path, i), resolved)
                put(f"{text}[{v['param']}]", show(v), label_of(v, item, {}))
        elif isinstance(node, list) and all(isinstance(v, dict) and {"issue", "op"} <= set(v) for v in node):
            for i, v in enumerate(node):  # red lines: one row per line, so a dropped line shows with its note
                put(f"{text}[{show(v)}]", ITEM, label_of(v, format_path((*path, i), resolved), {}))
        elif isinstance(node, list):
            put(text, show(node), _list_notes(node, text, annotations) or notes)
        else:
            put(text, show(node), notes)

    walk(resolved, (), {})
    return out


def _list_notes(node: list[Any], text: str, annotations: dict[str, dict[str, str]]) -> dict[str, str]:
    """Join the notes of a list's items and cells (a list of red lines has one note per line)."""
    found: dict[str, list[str]] = {"note": [], "source": []}
    for item in node:
        for k in ("note", "source"):
            if isinstance(item, dict) and item.get(k):
                found[k].append(str(item[k]))
    for key, ann in annotations.items():
        if key.startswith(f"{text}[") or key == text:
            for k in ("note", "source"):
                if ann.get(k):
                    found[k].append(ann[k])
    return {k: "; ".join(dict.fromkeys(v)) for k, v in found.items() if v}


def show(value: Any) -> str:
    """Write a value as compact, stable text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        if {"issue", "op"} <= set(value):
            return f"{value['issue']} {value['op']} {show(value.get('value'))}"
        if "dist" in value:
            args = ", ".join(f"{k}={show(v)}" for k, v in value.items() if k not in ("param", "dist", *TEXT_KEYS))
            return f"{value['dist']}({args})"
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items() if k not in TEXT_KEYS) + "}"
    if isinstance(value, list):
        if value and all(isinstance(v, list) and len(v) == 2 for v in value):
            return ", ".join(f"{show(x)} → {show(y)}" for x, y in value)
        return "[" + ", ".join(show(v) for v in value) + "]"
    return str(value)


def diff(first: Any, other: Any) -> list[dict[str, str]]:
    """Assumptions of ``other`` that differ from ``first`` (both :class:`sim.scenario.load.Scenario`).

    Returns:
        Rows ``{"path", "first", "this", "note", "source"}`` in ``other``'s order, then the
        paths only ``first`` has; a missing side is ``""``. Notes are ``other``'s (``first``'s
        for a removed value).

    """
    a = flatten(first.resolved, first.annotations)
    b = flatten(other.resolved, other.annotations)
    rows = []
    for path, v in b.items():
        if path not in a or a[path]["value"] != v["value"]:
            rows.append({"path": path, "first": a.get(path, {}).get("value", ""), "this": v["value"],
                         "note": v["note"], "source": v["source"]})
    for path, v in a.items():
        if path not in b:
            rows.append({"path": path, "first": v["value"], "this": "", "note": v["note"], "source": v["source"]})
    # an item added or removed whole is one row: drop the rows of its fields
    whole = [r["path"] for r in rows if ITEM in (r["first"], r["this"])]
    return [r for r in rows if not any(r["path"].startswith((f"{w}.", f"{w}[")) for w in whole)]
