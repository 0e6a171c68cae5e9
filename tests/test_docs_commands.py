"""Every `sim` command in the how-tos runs as written, at a small size.

The shell blocks of docs/how-to/*.md are run with bash, one block at a time, in a scratch
folder that holds a copy of ``scenarios/`` and a ``.venv/bin/sim`` that runs this checkout
(bare ``sim`` is found on PATH too), so ``results/`` and any file a command writes land
there. Each ``sim`` line is rewritten to a small size only: ``-n N`` becomes ``-n 40`` (or
``-n 40`` is added where the command takes it), ``--samples N`` becomes 8, ``--points`` 3,
``--cap`` 400, and ``--no-plots`` is added where the command has it. ``<run-id>`` becomes the
newest folder. Skipped: ``sim serve`` (a server), ``scripts/setup.sh`` (installs) and
``sweep --resume`` (needs an interrupted sweep; tests/workflows/test_sweep.py covers it).

A block that ends with ``echo "exit $?"`` fails on purpose: its documented output block
gives the exit status it must print. Every other block must exit 0. No block may print a
traceback, and no shipped file (the copy of ``scenarios/``) may change.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cli import build_parser
from tests.conftest import ROOT

# Dependencies first: the discovery how-to reads the sweep of the sweeps how-to.
ORDER = ["sweeps.md", "sensitivity-and-discovery.md", "compare-scenarios.md", "conditioning.md", "advise.md",
         "editor.md", "teaching-app.md", "handouts.md", "class-mode.md"]
SKIP = re.compile(r"^\s*(bash scripts/setup\.sh|(\.venv/bin/)?sim (serve|sweep --resume))\b")
SMALL = {"--replications": 40, "--samples": 8, "--points": 3, "--cap": 400}
SIM = re.compile(r"(?:^|(?<=[\s;&|(]))(?:\.venv/bin/)?sim (\w+)")


def blocks(doc: Path) -> list[tuple[str, str]]:
    """(shell block, the plain output block right after it or '') of one how-to."""
    found = re.findall(r"```(\w*)\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    out = []
    for i, (lang, body) in enumerate(found):
        if lang in ("bash", "sh", "shell"):
            after = found[i + 1][1] if i + 1 < len(found) and found[i + 1][0] == "" else ""
            out.append((body, after))
    return out


def options() -> dict[str, set[str]]:
    """Each subcommand's option strings, read from the parser."""
    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    return {name: {o for a in sp._actions for o in a.option_strings} for name, sp in sub.choices.items()}


def small(line: str, opts: dict[str, set[str]]) -> str:
    """The same command line at a small size (see the module docstring)."""
    m = SIM.search(line)
    if not m or m.group(1) not in opts:
        return line
    have = opts[m.group(1)]
    for flag, value in SMALL.items():
        short = r"(?:-n|--replications)" if flag == "--replications" else re.escape(flag)
        if flag in have:
            line, k = re.subn(rf"(\s{short})\s+\d+", rf"\g<1> {value}", line)
            if not k and flag == "--replications":
                line = line[:m.end()] + f" -n {value}" + line[m.end():]
    if "--no-plots" in have and "--no-plots" not in line:
        line = line[:m.end()] + " --no-plots" + line[m.end():]
    return re.sub(r"results/(\w+)/<run-id>", r"results/\1/$(ls -t results/\1 | head -1)", line)


def script(body: str, opts: dict[str, set[str]]) -> str:
    """The block as bash runs it: continuations joined, sim lines made small, skipped lines dropped."""
    lines = body.replace("\\\n", " ").splitlines()
    return "\n".join("true  # skipped: " + ln if SKIP.match(ln) else small(ln, opts) for ln in lines) + "\n"


def changed_files(cmp: filecmp.dircmp) -> list[str]:
    """Shipped files that differ from, or are missing in, the scratch copy (recursively)."""
    return cmp.diff_files + cmp.left_only + [f for sub in cmp.subdirs.values() for f in changed_files(sub)]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "scenarios", work / "scenarios")
    bin_ = work / ".venv" / "bin"
    bin_.mkdir(parents=True)
    (bin_ / "sim").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m sim "$@"\n')
    (bin_ / "sim").chmod(0o755)
    return work


def test_rewrite_makes_commands_small() -> None:
    opts = options()
    assert small(".venv/bin/sim run a.yaml --given h.yaml --cap 4000", opts) == \
        ".venv/bin/sim run --no-plots -n 40 a.yaml --given h.yaml --cap 400"
    assert small("sim sensitivity s.yaml --samples 256 -n 100", opts) == \
        "sim sensitivity --no-plots s.yaml --samples 8 -n 40"
    assert "results/x/$(ls -t results/x | head -1)" in small("sim report results/x/<run-id>", opts)
    assert SKIP.match(".venv/bin/sim serve s.yaml") and SKIP.match(".venv/bin/sim sweep --resume x")


@pytest.mark.slow
@pytest.mark.parametrize("name", ORDER)
def test_how_to_commands_run_as_written(name: str, scratch: Path) -> None:
    doc = ROOT / "docs" / "how-to" / name
    assert sorted(ORDER) == sorted(p.name for p in (ROOT / "docs" / "how-to").glob("*.md")), "add new how-tos"
    opts = options()
    env = {**os.environ, "PATH": f"{scratch / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    for body, after in blocks(doc):
        code = script(body, opts)
        on_purpose = 'echo "exit $?"' in body
        done = subprocess.run(["bash", "-c" if on_purpose else "-ec", code], cwd=scratch, env=env,
                              capture_output=True, text=True, timeout=600)
        said = done.stdout + done.stderr
        assert "Traceback" not in said, f"{name}:\n{code}\n{said}"
        documented = re.search(r"^exit (\d+)$", after, re.M)
        if on_purpose and documented:
            assert f"exit {documented.group(1)}" in done.stdout, f"{name}:\n{code}\n{said}"
        else:
            assert done.returncode == 0, f"{name}: exit {done.returncode}\n{code}\n{said}"
    changed = changed_files(filecmp.dircmp(ROOT / "scenarios", scratch / "scenarios"))
    assert not changed, f"{name} wrote onto shipped files: {changed}"
