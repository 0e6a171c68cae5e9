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
# Characters that would act on a terminal rather than show: C0/C1 controls (ESC starts a
# screen or title escape) and bidirectional overrides (they reverse the text shown after them).
# Tab, newline and carriage return are ordinary in notes. PyYAML's reader refuses most of these
# as raw bytes; a double-quoted string can still spell them ("\e[2J").
_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"


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


def read_bounded(p: Path, max_bytes: int, *, hint: bool = True, fail: Any = None) -> bytes:
    """Read a regular file of at most ``max_bytes``; refuse folders, FIFOs, devices and unreadable files.

    Checked with ``stat`` before opening (opening a FIFO blocks until a writer comes; a device
    such as /dev/zero never ends), and the read itself stops at ``max_bytes + 1`` bytes, so a
    file that grows while read is still bounded.

    Raises:
        ScenarioError: Through ``fail(message)``, one message per refusal.

    """
    import errno
    import os
    import stat as st

    try:
        info = p.stat()
    except FileNotFoundError:
        raise fail("no such file; give the path of a scenario .yaml file") from None
    except OSError as exc:
        raise fail(f"cannot be read ({_os_reason(exc)}); check the path and its permissions") from None
    if st.S_ISDIR(info.st_mode):
        raise fail("is a folder, not a file; give the path of a scenario .yaml file")
    if not st.S_ISREG(info.st_mode):
        kind = "a named pipe (FIFO)" if st.S_ISFIFO(info.st_mode) else \
            "a device" if st.S_ISCHR(info.st_mode) or st.S_ISBLK(info.st_mode) else "a socket or special file"
        raise fail(f"is {kind}, not a regular file; give the path of a scenario .yaml file")
    def too_big(size: str) -> ScenarioError:
        why = f" ({LARGE_HINT})" if hint else " (a hard limit, also with --allow-large)"
        return fail(f"file is {size} bytes; a scenario may be at most {max_bytes:,}{why}")

    if info.st_size > max_bytes:
        raise too_big(f"{info.st_size:,}")
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise fail(f"cannot be read ({_os_reason(exc)}); check the path and its permissions") from None
    try:
        if not st.S_ISREG(os.fstat(fd).st_mode):  # swapped for a FIFO or device between stat and open
            raise fail("is not a regular file; give the path of a scenario .yaml file")
        chunks, size = [], 0
        while size <= max_bytes:
            try:
                chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            except OSError as exc:
                if exc.errno == errno.EAGAIN:
                    raise fail("is not a regular file; give the path of a scenario .yaml file") from None
                raise fail(f"cannot be read ({_os_reason(exc)}); check the file") from None
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > max_bytes:
        raise too_big(f"more than {max_bytes:,}")
    return b"".join(chunks)


def _os_reason(exc: OSError) -> str:
    """An operating-system error in plain words: 'permission denied', 'no space left on device'."""
    import os

    return os.strerror(exc.errno).lower() if exc.errno else str(exc)


def _one_line_text(text: str) -> str:
    """Several lines of a library's message as one."""
    return " ".join(part.strip() for part in text.splitlines() if part.strip())


class _TooDeep(Exception):
    """Raised by the depth loader at the first node nested deeper than :data:`MAX_DEPTH`."""

    def __init__(self, line: int, message: str = "", path: str = "") -> None:
        super().__init__(line)
        self.line = line
        self.message = message or f"nesting deeper than {MAX_DEPTH} levels is not allowed"
        self.path = path


# Top-level lists refused while parsing, long before the schema's own (much lower) limits, so
# a file of 100,000 actors is refused at once instead of after a minute of parsing.
HARD_LIST_ITEMS = {"actors": 200, "issues": 400}


def _depth_loader() -> Any:
    """A SafeLoader whose composer counts nesting while it composes (PyYAML's composer recurses).

    The depth check therefore runs during parsing: a list nested 600 deep is refused at its
    41st level, not by a RecursionError inside PyYAML.
    """
    import yaml

    class DepthLoader(yaml.SafeLoader):
        _depth = 0
        _top_key: Any = None  # the top-level key whose value is being composed

        def compose_node(self, parent: Any, index: Any) -> Any:
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH + 1:
                    raise _TooDeep(self.peek_event().start_mark.line + 1)
                if self._depth == 2 and isinstance(index, yaml.ScalarNode):
                    self._top_key = index.value
                limit = HARD_LIST_ITEMS.get(self._top_key)
                if (self._depth == 3 and isinstance(parent, yaml.SequenceNode) and limit is not None
                        and isinstance(index, int) and index >= limit):
                    raise _TooDeep(self.peek_event().start_mark.line + 1,
                                   f"more than {limit} {self._top_key}; a scenario is far smaller "
                                   "(a hard limit, also with --allow-large)", self._top_key)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1

    return DepthLoader


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
    loader = _depth_loader()

    def fail(line: int | None, msg: str, fpath: str = "") -> ScenarioError:
        return ScenarioError([Problem(name, line, fpath, msg)])

    # one override knob: raising the value bound (--allow-large) raises the byte bound alike
    max_nodes = min(max_nodes, LARGE_FACTOR * MAX_NODES)  # a hard ceiling: no flag lifts it further
    large = max_nodes > MAX_NODES
    max_bytes = MAX_FILE_BYTES * max(1, max_nodes // MAX_NODES)
    raw = read_bounded(p, max_bytes, hint=not large, fail=lambda msg: fail(None, msg))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(line, f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8") from None
    if not text.strip() or all(ln.strip().startswith("#") or not ln.strip() for ln in text.splitlines()):
        raise fail(None, "file is empty; a scenario is a mapping with at least name, issues and actors")
    try:
        node = yaml.compose(text, Loader=loader)
    except _TooDeep as exc:
        raise fail(exc.line, exc.message, exc.path) from None
    except yaml.MarkedYAMLError as exc:
        line, what = _explain_syntax(text, exc)
        raise fail(line, f"YAML syntax error: {what}") from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise fail(line, f"character U+{ord(char):04X} is not allowed in YAML (a control character); "
                         "remove it") from None
    except yaml.YAMLError as exc:
        raise fail(None, _one_line_text(f"YAML error: {exc}")) from None
    except RecursionError:  # a guard behind the depth check (some other recursive construct)
        raise fail(None, f"nesting deeper than {MAX_DEPTH} levels is not allowed") from None
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
        self.open: set[int] = set()  # ids of the nodes being built (an alias to one of them loops)

    def _fail(self, node: Any, path: PathKey, msg: str) -> ScenarioError:
        return ScenarioError([Problem(self.doc.file, node.start_mark.line + 1, _node_path(self.root, path), msg)])

    def _check_text(self, node: Any, path: PathKey, text: str) -> None:
        """Refuse a control character in scenario text: it would act on the terminal that shows it."""
        import re

        bad = re.search(_CONTROL, text)
        if bad:
            raise self._fail(node, path, f"text contains the control character U+{ord(bad.group()):04X}; "
                                         "allowed: printable text (tabs and newlines are fine)")

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
            if isinstance(value, str):
                self._check_text(node, path, value)
            return value
        if id(node) in self.open:
            raise self._fail(node, path, "an alias (*name) refers to the list or mapping that contains it; "
                                         "a scenario cannot contain itself")
        self.open.add(id(node))
        try:
            return self._build_collection(node, path, depth)
        finally:
            self.open.discard(id(node))

    def _build_collection(self, node: Any, path: PathKey, depth: int) -> Any:
        y = self.yaml
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
            self._check_text(key_node, path, key)
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
            pairs = item.value if isinstance(item, yaml.MappingNode) else []  # a list item may be a list
            names = [v.value for k, v in pairs
                     if isinstance(k, yaml.ScalarNode) and k.value == "name" and isinstance(v, yaml.ScalarNode)]
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
