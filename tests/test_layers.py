"""Imports point one way: each module imports only from its own layer or the layers below it, with no cycles.

The graph is read from the source (ast), so in-function and type-checking imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Bottom first. A module may import from its own layer and from the layers below it.
LAYERS: list[tuple[str, ...]] = [
    ("sim.errors", "sim.seeding", "sim.protocols.registry"),  # the registry is a table of names: it imports nothing
    ("sim.scenario",),
    ("sim.engine", "sim.solvers"),
    ("sim.protocols",),
    ("sim.ensemble",),
    ("sim.analysis", "sim.experiments", "sim.reference"),
    ("sim.output",),
    ("sim.workflows",),
    ("sim.cli", "sim.app"),
    ("sim",),  # the lazy public API (sim/__init__.py) and `python -m sim`
]
# The commands are imported to build the parser, so they import the library inside their handlers
# (`sim --help` must not load numpy); everywhere else an in-function import says why in a comment.
LAZY_WITHOUT_COMMENT = ("sim.cli",)


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> int:
    """Index in LAYERS of the longest prefix that owns ``module``."""
    best, rank = -1, None
    for i, names in enumerate(LAYERS):
        for prefix in names:
            if _under(module, prefix) and len(prefix) > best:
                best, rank = len(prefix), i
    assert rank is not None, f"{module} is in no layer; add its package to LAYERS in tests/test_layers.py"
    return rank


def modules(root: Path) -> dict[str, Path]:
    """Dotted name → file, for every module under ``root/sim``."""
    out = {}
    for p in sorted((root / "sim").rglob("*.py")):
        parts = list(p.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


def imports(root: Path) -> list[tuple[str, str, int, bool, bool]]:
    """Every import of a sim module: (importer, imported, line, inside a function, comment above it)."""
    mods = modules(root)
    found = []
    for name, path in mods.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        inner = {id(n) for fn in ast.walk(tree) if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef)
                 for n in ast.walk(fn)}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and _under(node.module, "sim"):
                targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in mods else node.module
                           for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if _under(a.name, "sim")]
            else:
                continue
            for target in targets:
                while target not in mods and "." in target:
                    target = target.rsplit(".", 1)[0]
                if target != name:
                    found.append((name, target, node.lineno, id(node) in inner, _comment_above(lines, node.lineno)))
    return found


def _comment_above(lines: list[str], lineno: int) -> bool:
    """Whether the block of imports that holds line ``lineno`` starts with a comment line."""
    i = lineno - 2
    while i >= 0 and (not lines[i].strip() or lines[i].strip().startswith(("from ", "import "))):
        i -= 1
    return (i >= 0 and lines[i].strip().startswith("#")) or "#" in lines[lineno - 1]


def upward(root: Path) -> list[str]:
    """Imports that point up the layers."""
    return [f"{a} (layer {layer_of(a)}) imports {b} (layer {layer_of(b)}) at line {line}"
            for a, b, line, _, _ in imports(root) if layer_of(b) > layer_of(a)]


def cycles(root: Path) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    graph: dict[str, set[str]] = {m: set() for m in modules(root)}
    for a, b, *_ in imports(root):
        graph[a].add(b)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_every_import_points_down() -> None:
    assert upward(ROOT) == []


def test_no_import_cycles() -> None:
    assert cycles(ROOT) == []


def test_lazy_imports_say_why() -> None:
    silent = [f"{a} line {line}: in-function import of {b} without a comment saying why"
              for a, b, line, lazy, comment in imports(ROOT)
              if lazy and not comment and not any(_under(a, p) for p in LAZY_WITHOUT_COMMENT)]
    assert silent == []


def test_every_package_says_what_lives_there_and_what_it_may_import() -> None:
    for init in sorted((ROOT / "sim").rglob("__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if init.parent.name in ("commands",):
            continue  # sim/cli/commands: one module per command, described in sim/cli
        assert "May import" in doc or init.parent.name == "sim", f"{init}: docstring lacks 'May import'"


def test_the_checks_catch_an_upward_import_and_a_cycle(tmp_path: Path) -> None:
    (tmp_path / "sim" / "engine").mkdir(parents=True)
    (tmp_path / "sim" / "output").mkdir()
    (tmp_path / "sim" / "engine" / "model.py").write_text("from sim.output.plots import save\n")
    (tmp_path / "sim" / "output" / "plots.py").write_text("def f():\n    from sim.engine.model import X\n")
    assert upward(tmp_path) == ["sim.engine.model (layer 2) imports sim.output.plots (layer 6) at line 1"]
    assert cycles(tmp_path) == [["sim.engine.model", "sim.output.plots"]]
    lazy = [(a, b) for a, b, _, is_lazy, comment in imports(tmp_path) if is_lazy and not comment]
    assert lazy == [("sim.output.plots", "sim.engine.model")]
