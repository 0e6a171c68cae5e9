"""Safe YAML reading that remembers where every value came from.

PyYAML's composer gives a node tree with line marks and builds no objects. We turn that
tree into plain dicts, lists and scalars ourselves, so that:

* only the YAML core tags are accepted (no ``!!python/object`` or other constructors);
* alias expansion ("billion laughs") and nesting are bounded;
* every value's path maps to its line, so later checks can say ``file:line: field``;
* ``{value: X, note: ..., source: ...}`` collapses to ``X`` with its annotation kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.errors import Problem, ScenarioError

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40
ANNOTATION_KEYS = {"value", "note", "source"}
LARGE_HINT = "if it is meant to be this large, pass --allow-large"
LARGE_FACTOR = 10  # --allow-large multiplies the value and byte bounds by this
_CORE = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_CORE}{t}" for t in ("null", "bool", "int", "float", "str", "timestamp")}

PathKey = tuple[str | int, ...]


@dataclass
class SourceDoc:
    """A YAML document as plain data with the line of every value.

    Attributes:
        file: The file name as the user gave it.
        data: Plain dicts, lists and scalars, annotations collapsed.
        lines: Path tuple → 1-based line of that value (or of its key).
        annotations: Path tuple → {"note": ..., "source": ...} for annotated values.

    """

    file: str
    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)
    annotations: dict[PathKey, dict[str, str]] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """Return the line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def read_yaml(path: str | Path, *, max_nodes: int = MAX_NODES) -> SourceDoc:
    """Read one YAML file safely.

    Args:
        path: The file to read.
        max_nodes: Bound on values after alias expansion.

    Returns:
        The document with its line map.

    Raises:
        ScenarioError: For a missing file, a folder, bad bytes, bad YAML, forbidden tags,
            or a document too large.

    """
    import yaml

    name = str(path)
    p = Path(path)

    def fail(line: int | None, msg: str, fpath: str = "") -> ScenarioError:
        return ScenarioError([Problem(name, line, fpath, msg)])

    if not p.exists():
        raise fail(None, "no such file; give the path of a scenario .yaml file")
    if p.is_dir():
        raise fail(None, "is a folder, not a file; give the path of a scenario .yaml file")
    # one override knob: raising the value bound (--allow-large) raises the byte bound alike
    max_bytes = MAX_FILE_BYTES * max(1, max_nodes // MAX_NODES)
    if p.stat().st_size > max_bytes:
        raise fail(None, f"file is {p.stat().st_size:,} bytes; a scenario may be at most {max_bytes:,} "
                         f"({LARGE_HINT})")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(line, f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8") from None
    if not text.strip() or all(ln.strip().startswith("#") or not ln.strip() for ln in text.splitlines()):
        raise fail(None, "file is empty; a scenario is a mapping with at least name, issues and actors")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        line, what = _explain_syntax(text, exc)
        raise fail(line, f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise fail(None, f"YAML error: {exc}") from None
    if node is None:
        raise fail(None, "file is empty; a scenario is a mapping with at least name, issues and actors")
    doc = SourceDoc(name, None)
    builder = _Builder(doc, max_nodes)
    builder.root = node
    doc.data = builder.build(node, (), 0)
    return doc


class _Builder:
    """Turns a composed node tree into plain data, recording lines and annotations."""

    def __init__(self, doc: SourceDoc, max_nodes: int) -> None:
        import yaml

        self.doc = doc
        self.root: Any = None
        self.count = 0
        self.max_nodes = max_nodes
        from yaml.constructor import SafeConstructor

        self.constructor = SafeConstructor()
        self.yaml = yaml

    def _fail(self, node: Any, path: PathKey, msg: str) -> ScenarioError:
        return ScenarioError([Problem(self.doc.file, node.start_mark.line + 1, _node_path(self.root, path), msg)])

    def build(self, node: Any, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            raise self._fail(
                node, path[:1],  # the full path of a runaway alias is noise
                f"document expands to more than {self.max_nodes:,} values (aliases repeated?); "
                f"a scenario must be smaller ({LARGE_HINT})",
            )
        if depth > MAX_DEPTH:
            raise self._fail(node, path, f"nesting deeper than {MAX_DEPTH} levels is not allowed")
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        y = self.yaml
        if isinstance(node, y.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                raise self._fail(node, path, _tag_message(node.tag))
            value = self.constructor.construct_object(node)
            if node.tag == f"{_CORE}timestamp":
                value = node.value
            return value
        if isinstance(node, y.SequenceNode):
            if node.tag != f"{_CORE}seq":
                raise self._fail(node, path, _tag_message(node.tag))
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.tag != f"{_CORE}map":
            raise self._fail(node, path, _tag_message(node.tag))
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_CORE}merge":
                raise self._fail(key_node, path, "YAML merge keys (<<) are not allowed; use extends:")
            if not isinstance(key_node, y.ScalarNode):
                raise self._fail(key_node, path, "a mapping key must be a plain word, not a list or mapping")
            key = str(self.constructor.construct_object(key_node))
            if key in out:
                raise self._fail(key_node, (*path, key), f"duplicate key '{key}'; each key may appear once")
            self.doc.lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, (*path, key), depth + 1)
        if "value" in out and set(out) <= ANNOTATION_KEYS:
            notes = {k: str(out[k]) for k in ("note", "source") if k in out and out[k] is not None}
            if notes:
                self.doc.annotations[path] = notes
            return out["value"]
        return out


def _tag_message(tag: str) -> str:
    """Refuse a YAML tag: only plain data, never object construction."""
    return (f"YAML tag {tag.replace(_CORE, '!!')} is not allowed; "
            "scenarios hold plain numbers, strings, booleans, lists and mappings")


def _explain_syntax(text: str, exc: Any) -> tuple[int | None, str]:
    """Line and words for a YAML syntax error, pointing at the likely cause.

    PyYAML reports where parsing failed, which is often far below the mistake: an
    unclosed quote swallows the following lines, an unclosed ``[`` fails at the next key.
    """
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    problem, context = exc.problem or "", exc.context or ""
    if "\\t" in problem:  # PyYAML shows the tab escaped, as a backslash and a t
        return line, "a tab character in the indentation; indent with spaces, not tabs"
    if "but found another document" in problem:
        return line, "a second YAML document starts here ('---'); a scenario is one document"
    if problem.startswith("mapping values are not allowed"):
        return line, ("a ':' where no key can start; is this line indented deeper than the key above it, "
                      "or does a value contain ': ' (then quote the value)?")
    quote = _runaway_quote(text)
    if quote is not None:
        return quote.start_mark.line + 1, (
            f"the quote opened on this line is not closed (the string runs on to line {quote.end_mark.line + 1}); "
            "close it on the same line")
    for opener, closer, what in (("[", "]", "sequence"), ("{", "}", "mapping")):
        if context.startswith(f"while parsing a flow {what}") and f"'{closer}'" in problem and exc.context_mark:
            kind = "list" if opener == "[" else "mapping"
            return exc.context_mark.line + 1, (f"the {kind} opened with '{opener}' on this line is not closed; "
                                               f"end it with '{closer}'")
    what = " ".join(s for s in (context, problem) if s)
    return line, f"{what}; check indentation, colons and quotes"


def _runaway_quote(text: str) -> Any:
    """Find the last quoted string that swallowed ``key:`` lines (an unclosed quote), if any."""
    import re

    import yaml

    found = None
    try:
        for tok in yaml.scan(text, Loader=yaml.SafeLoader):
            if (isinstance(tok, yaml.ScalarToken) and tok.style in ('"', "'")
                    and tok.end_mark.line > tok.start_mark.line
                    and re.search(r"\n\s*(- )?[A-Za-z_][\w-]*\s*:", text[tok.start_mark.index:tok.end_mark.index])):
                found = tok
    except yaml.YAMLError:
        pass
    return found


def _node_path(root: Any, path: PathKey) -> str:
    """Render a path like :func:`format_path`, naming list items from the node tree.

    Used while building, before the plain data exists.
    """
    import yaml

    text, node = "", root
    for key in path:
        if isinstance(key, int):
            item = node.value[key] if isinstance(node, yaml.SequenceNode) and key < len(node.value) else None
            names = [v.value for k, v in getattr(item, "value", []) if isinstance(item, yaml.MappingNode)
                     and isinstance(k, yaml.ScalarNode) and k.value == "name" and isinstance(v, yaml.ScalarNode)]
            text += f"[{_label(names[0] if names else None, key)}]"
            node = item
        else:
            text += f".{key}" if text else str(key)
            pairs = node.value if isinstance(node, yaml.MappingNode) else []
            node = next((v for k, v in pairs if isinstance(k, yaml.ScalarNode) and k.value == key), None)
    return text


def format_path(path: PathKey, data: Any = None) -> str:
    """Render a path tuple as ``actors[russia].patience``.

    List items are shown by their ``name`` when ``data`` is given and the item has one.
    """
    text = ""
    node = data
    for key in path:
        if isinstance(key, int):
            label = str(key)
            if isinstance(node, list) and 0 <= key < len(node) and isinstance(node[key], dict):
                label = _label(node[key].get("name"), key)
            text += f"[{label}]"
        else:
            text += f".{key}" if text else str(key)
        node = child(node, key)
    return text


def _label(name: Any, index: int) -> str:
    """Show a list item by its name, or by its index when the name would not read as one."""
    text = str(name) if name is not None else ""
    return text if text and len(text) <= 40 and text.isprintable() else str(index)


def child(data: Any, key: str | int) -> Any:
    """Return ``data[key]`` for a mapping key or a list index, or None where there is none."""
    if isinstance(data, dict):
        return data.get(key)
    if isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
        return data[key]
    return None
