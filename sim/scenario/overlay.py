"""``extends:`` overlays: a variant names its base file and overrides only what differs.

Merge rules (documented in docs/scenario-format.md):

* mappings merge key by key, recursively;
* lists of named items (``issues``, ``actors``, ``linkage``, ``events``, ``levers``) merge
  by ``name``: an item with a known name merges into it, a new name is appended, and
  ``{name: x, remove: true}`` deletes item ``x``;
* ``uncertainty`` entries are keyed by ``param``: an entry for a known parameter replaces
  that distribution whole (a distribution is one unit: merging a uniform into a beta would
  leave stale fields), a new one is appended, ``{param: x, remove: true}`` deletes it;
* an empty list (``events: []``) replaces, so a variant can clear a list;
* every other value (numbers, strings, plain lists such as ``levels``) is replaced;
* ``extends`` may chain; a cycle or a missing file is a located error.

Line numbers and notes are carried through the merge, so an error in a merged value still
points at the file and line it came from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.errors import Problem, ScenarioError
from sim.scenario.yamlsource import PathKey, SourceDoc, read_yaml

MAX_CHAIN = 16
Loc = tuple[str, int | None]


class Resolved:
    """A merged document: plain data plus, per path, the (file, line) and note it came from."""

    def __init__(self) -> None:
        self.data: Any = None
        self.locs: dict[PathKey, Loc] = {}
        self.annotations: dict[PathKey, dict[str, str]] = {}
        self.files: list[str] = []
        # (list, name) → where a variant removed it: a later "no issue named X" points there
        self.removed: dict[tuple[str, str], Loc] = {}

    def loc(self, path: PathKey) -> Loc:
        """File and line of a path, or of its nearest located ancestor."""
        path = tuple(path)
        while path:
            if path in self.locs:
                return self.locs[path]
            path = path[:-1]
        return self.locs.get((), (self.files[-1] if self.files else "?", None))


def _list_key(base: Any, over: Any) -> str | None:
    """Return the key two lists merge by: ``name``, ``param`` (uncertainty), or None to replace."""
    if not (isinstance(base, list) and isinstance(over, list) and over):
        return None  # an empty override clears the list
    for key in ("name", "param"):
        if all(isinstance(v, dict) and key in v for v in (*base, *over)):
            return key
    return None


def _copy_tree(res: Resolved, doc: SourceDoc, src: PathKey, dst: PathKey, value: Any) -> None:
    """Record locations and annotations of a subtree taken whole from ``doc``."""
    res.locs[dst] = (doc.file, doc.line_of(src))
    if src in doc.annotations:
        res.annotations[dst] = doc.annotations[src]
    if isinstance(value, dict):
        for k, v in value.items():
            _copy_tree(res, doc, (*src, k), (*dst, k), v)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _copy_tree(res, doc, (*src, i), (*dst, i), v)


def _relocate(res: Resolved, old: PathKey, new: PathKey) -> None:
    """Move recorded locations of a base subtree when its list index changes."""
    if old == new:
        return
    n = len(old)
    for table in (res.locs, res.annotations):
        moved = {(*new, *k[n:]): v for k, v in table.items() if k[:n] == old}
        for k in [k for k in table if k[:n] == old]:
            del table[k]
        table.update(moved)


def _merge(res: Resolved, base: Any, doc: SourceDoc, over: Any, src: PathKey, dst: PathKey) -> Any:
    """Merge ``over`` (at ``src`` in ``doc``) onto ``base`` (at ``dst`` in the result)."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, val in over.items():
            if key == "extends" and not dst:
                continue
            if key in base:
                out[key] = _merge(res, base[key], doc, val, (*src, key), (*dst, key))
            else:
                out[key] = val
                _copy_tree(res, doc, (*src, key), (*dst, key), val)
        return out
    key = _list_key(base, over)
    if key is not None:
        items = list(base)
        names = [b[key] for b in base]
        removed: set[str] = set()
        for j, val in enumerate(over):
            if not isinstance(val[key], (str, int, float, bool)):  # a list or mapping cannot name an item
                raise ScenarioError([Problem(doc.file, doc.line_of((*src, j, key)), _fmt(dst, j) + f".{key}",
                                             f"must be a plain word that names the item, not a "
                                             f"{'list' if isinstance(val[key], list) else 'mapping'}")])
            if val.get("remove") is True:
                if val[key] not in names:
                    raise ScenarioError([Problem(doc.file, doc.line_of((*src, j)), _fmt(dst, val[key]),
                                                 f"remove: no item with {key} '{val[key]}' in the base; "
                                                 f"allowed: {', '.join(map(str, names))}")])
                removed.add(val[key])
                res.removed[(".".join(map(str, dst)), str(val[key]))] = (doc.file, doc.line_of((*src, j)))
                continue
            if val[key] in names:
                i = names.index(val[key])
                merge = _merge if key == "name" else _replace
                items[i] = merge(res, base[i], doc, val, (*src, j), (*dst, i))
            else:
                items.append(val)
                names.append(val[key])
                _copy_tree(res, doc, (*src, j), (*dst, len(items) - 1), val)
        keep = [i for i, it in enumerate(items) if it[key] not in removed]
        for i in set(range(len(items))) - set(keep):
            _forget(res, (*dst, i))  # or a removed item's notes would label the item moved up
        for new_i, old_i in enumerate(keep):
            _relocate(res, (*dst, old_i), (*dst, new_i))
        return [items[i] for i in keep]
    return _replace(res, base, doc, over, src, dst)


def _replace(res: Resolved, base: Any, doc: SourceDoc, over: Any, src: PathKey, dst: PathKey) -> Any:
    """Replace the value at ``dst`` with ``over``, forgetting the base's lines and notes there."""
    _forget(res, dst)
    _copy_tree(res, doc, src, dst, over)
    return over


def _forget(res: Resolved, dst: PathKey) -> None:
    """Drop recorded lines and notes at and below ``dst``."""
    for table in (res.locs, res.annotations):
        for k in [k for k in table if k[: len(dst)] == dst]:
            del table[k]


def _fmt(path: PathKey, name: str | int) -> str:
    return ".".join(str(p) for p in path) + f"[{name}]"


def resolve(path: str | Path, *, max_nodes: int | None = None) -> Resolved:
    """Read a scenario file and every file it ``extends``, and merge them, base first.

    Raises:
        ScenarioError: Missing base, a cycle, a chain too long, or any reading error.

    """
    chain: list[SourceDoc] = []
    seen: list[Path] = []
    current = Path(path)
    referrer: tuple[str, int | None] | None = None
    wanted = ""  # the base path as the referring file wrote it
    kwargs = {"max_nodes": max_nodes} if max_nodes else {}
    while True:
        real = current.resolve()
        if real in seen:
            cycle = " -> ".join(p.name for p in [*seen, real])
            raise ScenarioError([Problem(referrer[0], referrer[1], "extends",  # type: ignore[index]
                                         f"extends makes a cycle ({cycle}); a base must not extend its variant")])
        if len(seen) >= MAX_CHAIN:
            where = referrer or (str(current), None)
            raise ScenarioError([Problem(where[0], where[1], "extends",
                                         f"more than {MAX_CHAIN} files chained by extends (from {seen[0].name}); "
                                         f"allowed: a chain of at most {MAX_CHAIN} files")])
        if referrer and not current.is_file():
            what = "a folder" if current.is_dir() else "missing"
            raise ScenarioError([Problem(referrer[0], referrer[1], "extends",
                                         f"base file '{wanted}' is {what}; give a path relative to this file")])
        doc = read_yaml(current, **kwargs)
        if not isinstance(doc.data, dict):
            raise ScenarioError([Problem(doc.file, 1, "",
                                         "a scenario must be a mapping (key: value lines) at the top")])
        chain.append(doc)
        seen.append(real)
        base = doc.data.get("extends")
        if base is None:
            break
        if not isinstance(base, str) or not base.strip():
            raise ScenarioError([Problem(doc.file, doc.line_of(("extends",)), "extends",
                                         "must be a file path (relative to this file)")])
        referrer = (doc.file, doc.line_of(("extends",)))
        wanted = base
        current = current.parent / base
    res = Resolved()
    base_doc = chain[-1]
    res.data = base_doc.data
    res.files = [d.file for d in reversed(chain)]
    _copy_tree(res, base_doc, (), (), base_doc.data)
    for doc in reversed(chain[:-1]):
        res.data = _merge(res, res.data, doc, doc.data, (), ())
    res.data = {k: v for k, v in res.data.items() if k != "extends"}
    return res
