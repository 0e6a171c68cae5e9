"""Hostile input and hostile conditions: one line, the right exit status, nothing written, no hang.

Scenario-file mistakes live in the corpus (tests/bad_scenarios); this is the table for what a
file cannot hold: flags, special files, the environment (a full disk, a file-size limit,
permissions), killed processes' leftovers, and a guard that turns any unexpected exception into
one line. Each row is one hostile input, answered before any work starts.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import sim.cli
from sim.cli import command_names, main
from sim.errors import UsageError
from sim.output.results import check_finite, finite_json
from tests.conftest import ROOT

VALID = ROOT / "tests" / "bad_scenarios" / "_valid.yaml"
SWEEP = ROOT / "scenarios" / "syria_bases" / "sweep_concessions.yaml"
HISTORY = ROOT / "scenarios" / "syria_bases" / "history" / "early_2025.yaml"
BIG = str(2**70)


def one_line(code: int, out: str, err: str, status: int = 2) -> str:
    """Assert the documented answer (status, one `error:` line, no traceback) and return the line."""
    assert code == status, err
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    got = capsys.readouterr()
    return code, got.out, got.err


# (id, argv with {V} the valid scenario, {OUT} the results folder, {FILE} a plain file; the line's expected part)
FLAGS = [
    ("n-zero", ["run", "{V}", "-n", "0"], "argument -n/--replications: 0 must be at least 1"),
    ("n-negative", ["run", "{V}", "-n", "-5"], "argument -n/--replications: -5 must be at least 1"),
    ("n-word", ["run", "{V}", "-n", "many"], "'many' is not a whole number"),
    ("n-huge-digits", ["run", "{V}", "-n", "9" * 5000], "is not a whole number"),
    ("seed-negative", ["run", "{V}", "--seed", "-1"], "argument --seed: -1 must be at least 0"),
    ("seed-2**70", ["run", "{V}", "--seed", BIG], f"argument --seed: {BIG} is too large"),
    ("workers-zero", ["run", "{V}", "--workers", "0"], "argument --workers: 0 must be at least 1"),
    ("explain-negative", ["run", "{V}", "--explain", "-1"], "argument --explain: -1 must be at least 0"),
    ("explain-untraced", ["run", "{V}", "--explain", "5"], "--explain 5: only the first 2 replications are traced"),
    ("explain-r-negative", ["explain", "{V}", "-r", "-1"], "argument -r/--replication: -1 must be at least 0"),
    ("explain-seed-2**70", ["explain", "{V}", "--seed", BIG], "is too large"),
    ("sweep-id-dot", ["sweep", "{SWEEP}", "--id", "."], "argument --id: '.' is not allowed in an output path"),
    ("sweep-id-tmp", ["sweep", "{SWEEP}", "--id", ".tmp-x"], "'.tmp-x' is not allowed in an output path"),
    ("sweep-id-long", ["sweep", "{SWEEP}", "--id", "x" * 101], "at most 100 characters"),
    ("sweep-n-zero", ["sweep", "{SWEEP}", "-n", "0"], "0 must be at least 1"),
    ("compare-id-escape", ["compare", "{V}", "{V}", "--id", "../x"], "'../x' is not allowed in an output path"),
    ("sensitivity-out-file", ["sensitivity", "{V}", "--indicator", "tartus_retained", "--out", "{FILE}"],
     "is a file, not a folder"),
    ("run-out-under-file", ["run", "{V}", "--out", "{FILE}/sub"], "is a file, not a folder"),
    ("sweep-out-file", ["sweep", "{SWEEP}", "--out", "{FILE}"], "is a file, not a folder"),
    ("handout-n-zero", ["handout", "{V}", "-n", "0"], "0 must be at least 1"),
    ("serve-port-zero", ["serve", "{V}", "--port", "0"], "argument --port: 0 must be at least 1"),
    ("serve-port-high", ["serve", "{V}", "--port", "70000"], "is too large; allowed: at most 65,535"),
    ("advise-points-zero", ["advise", "{V}", "--target", "tartus_retained>=0.5", "--points", "0"],
     "must be at least 1"),
    ("unknown-command", ["bogus"], "invalid choice: 'bogus'"),
    ("no-command", [], "the following arguments are required: COMMAND"),
    ("control-in-flag", ["run", "{V}", "-n", "1\x1b[2J"], "'1\\x1b[2J' is not a whole number"),
    ("hard-replications", ["run", "{V}", "-n", str(10**12), "--allow-large"],
     "1,000,000,000,000 replications is above the hard limit of 20,000,000 (the outcomes alone would need about"),
    ("hard-replications-30M", ["run", "{V}", "-n", "30000000", "--allow-large"], "--allow-large does not lift it"),
    ("large-replications", ["run", "{V}", "-n", "300000"], "pass --allow-large if you mean it"),
    ("large-sensitivity", ["sensitivity", "{V}", "--indicator", "tartus_retained", "--samples", "4096", "-n", "1000"],
     "points × 1,000 replications = 20,480,000 is above 10,000,000; pass --allow-large if you mean it"),
    ("hard-sensitivity", ["sensitivity", "{V}", "--indicator", "tartus_retained", "--samples", "65536", "-n",
                          "100000", "--allow-large"], "--allow-large does not lift it"),
]


@pytest.mark.parametrize(("argv", "expected"), [pytest.param(a, e, id=i) for i, a, e in FLAGS])
def test_every_flag_is_checked_before_any_work(argv: list[str], expected: str, tmp_path: Path, capsys) -> None:
    out, plain = tmp_path / "results", tmp_path / "plain"
    plain.write_text("a file\n")
    subst = {"{V}": str(VALID), "{SWEEP}": str(SWEEP), "{OUT}": str(out), "{FILE}": str(plain)}
    argv = [next((a.replace(k, v) for k, v in subst.items() if k in a), a) for a in argv]
    if "--out" not in argv and argv and argv[0] not in ("bogus", "serve"):
        argv += ["--out", str(out)]
    line = one_line(*cli(argv, capsys))
    assert expected in line
    assert len(line) < 1000
    assert not out.exists(), "nothing may be written"
    assert plain.read_text() == "a file\n"


def write_chain(tmp_path: Path, n: int) -> Path:
    for i in range(n):
        (tmp_path / f"f{i}.yaml").write_text(f"extends: f{i + 1}.yaml\n")
    (tmp_path / f"f{n}.yaml").write_text(VALID.read_text())
    return tmp_path / "f0.yaml"


def many_actors(tmp_path: Path, n: int) -> Path:
    rows = "".join(f"  - {{name: a{i}, role: influencer, capability: 1, patience: 0.9, positions: "
                   f"{{tartus: {{ideal: none, salience: 1}}}}}}\n" for i in range(n))
    path = tmp_path / "many.yaml"
    path.write_text(VALID.read_text().replace("linkage:\n", rows + "linkage:\n", 1))
    return path


def test_an_extends_chain_over_the_limit_names_the_referring_line(tmp_path: Path, capsys) -> None:
    line = one_line(*cli(["validate", write_chain(tmp_path, 17)], capsys))
    assert line == (f"error: {tmp_path}/f15.yaml:1: extends: more than 16 files chained by extends (from f0.yaml); "
                    "allowed: a chain of at most 16 files")


def test_thousands_of_actors_are_refused_while_parsing_even_with_allow_large(tmp_path: Path, capsys) -> None:
    import time

    path = many_actors(tmp_path, 20_000)
    start = time.monotonic()
    line = one_line(*cli(["validate", "--allow-large", path], capsys))
    assert "actors: more than 200 actors; a scenario is far smaller (a hard limit, also with --allow-large)" in line
    assert time.monotonic() - start < 5


def test_the_file_size_ceiling_holds_with_allow_large(tmp_path: Path, capsys) -> None:
    big = tmp_path / "big.yaml"
    big.write_text(VALID.read_text() + ("# " + "x" * 98 + "\n") * 100_001)
    line = one_line(*cli(["validate", "--allow-large", big], capsys))
    assert line.endswith("a scenario may be at most 10,000,000 (a hard limit, also with --allow-large)")
    assert "pass --allow-large" not in line


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "dev-null", "folder"])
def test_special_files_are_refused_without_hanging(tmp_path: Path, kind: str) -> None:
    path = {"dev-zero": Path("/dev/zero"), "dev-null": Path("/dev/null"), "folder": tmp_path}.get(kind)
    if kind == "fifo":
        path = tmp_path / "pipe.yaml"
        os.mkfifo(path)
    if not path.exists():
        pytest.skip(f"{path} does not exist here")
    done = subprocess.run([sys.executable, "-m", "sim", "validate", str(path)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    line = one_line(done.returncode, done.stdout, done.stderr)
    assert ("not a regular file" in line) if kind != "folder" else ("is a folder" in line)


def test_an_unreadable_file_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    """Permission denied (as root a chmod 000 file is still readable, so the refusal is simulated)."""
    real_open = os.open

    def refuse(path, *args, **kwargs):
        if str(path).endswith("locked.yaml"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    locked = tmp_path / "locked.yaml"
    locked.write_text(VALID.read_text())
    monkeypatch.setattr(os, "open", refuse)
    line = one_line(*cli(["validate", locked], capsys))
    assert line == f"error: {locked}: cannot be read (permission denied); check the path and its permissions"


def test_scenario_text_is_printed_literally_never_as_markup(tmp_path: Path, capsys) -> None:
    odd = tmp_path / "odd.yaml"
    title = "Bases [/] after Assad [link=file:///etc/passwd]x[/link] [bold red]y"
    label = "Keeps [/] Tartus <script>alert(1)</script>"
    odd.write_text(VALID.read_text().replace("title: Russia's Syrian bases, small", f'title: "{title}"')
                   .replace("label: Russia keeps Tartus (at least reduced)", f'label: "{label}"'))
    code, out, err = cli(["run", odd, "-n", "50", "-q", "--no-plots", "--out", tmp_path / "res"], capsys)
    assert code == 0, err
    assert "Bases [/] after Assad [link=file:///etc/passwd]x[/link]" in out.replace("\n", " ")
    report = next((tmp_path / "res").glob("*/*/report.html")).read_text()
    assert "<script>alert(1)</script>" not in report and "&lt;script&gt;" in report


def test_non_finite_results_are_refused_before_writing() -> None:
    with pytest.raises(UsageError, match=r"summary\.json: a computed value is not finite"):
        finite_json({"p": float("nan")}, "summary.json")
    with pytest.raises(UsageError, match=r"outcomes\.csv: column x: a computed value is not finite"):
        check_finite("outcomes.csv", {"x": [0.5, float("inf")]})
    assert json.loads(finite_json({"p": 0.5}, "summary.json")) == {"p": 0.5}


def test_the_library_has_the_same_hard_ceiling() -> None:
    from sim.scenario.load import load_scenario
    from sim.workflows.run import run

    sc = load_scenario(VALID)
    with pytest.raises(UsageError, match="above the hard limit of 20,000,000"):
        run(sc, replications=10**12, allow_large=True, out_root=None)
    with pytest.raises(UsageError, match="is not a seed"):
        run(sc, replications=10, seed=2**70, out_root=None)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("seed", -5, "manifest.json: seed: -5 is not a seed; allowed: a whole number from 0 to"),
    ("replications", 10**12, "manifest.json: replications: 1,000,000,000,000 replications is above the hard limit"),
])
def test_rerun_checks_a_damaged_manifest(tmp_path: Path, capsys, field: str, value: int, expected: str) -> None:
    assert main(["run", str(VALID), "-n", "20", "-q", "--no-plots", "--out", str(tmp_path / "res")]) == 0
    folder = next((tmp_path / "res").glob("*/*/manifest.json")).parent
    m = json.loads((folder / "manifest.json").read_text())
    m[field] = value
    (folder / "manifest.json").write_text(json.dumps(m))
    capsys.readouterr()
    assert expected in one_line(*cli(["rerun", folder], capsys))


def minimal_argv(name: str, tmp_path: Path) -> list[str]:
    """Arguments that get past the parser for each command (the handler is a stub)."""
    extra = {"advise": ["--target", "x>=0.5"], "discover": ["--indicator", "x"], "sensitivity": ["--indicator", "x"]}
    positional = {"compare": [str(VALID), str(VALID)], "schema": [], "discover": [str(tmp_path)],
                  "report": [str(tmp_path)], "rerun": [str(tmp_path)], "sweep": [str(SWEEP)],
                  "condition": [str(VALID), str(HISTORY)], "backtest": [str(VALID), str(HISTORY)],
                  "completion": ["bash"]}
    return [name, *positional.get(name, [str(VALID)]), *extra.get(name, [])]


@pytest.mark.parametrize("name", command_names())
def test_every_command_turns_an_unexpected_error_into_one_line(name: str, tmp_path: Path, capsys,
                                                                monkeypatch) -> None:
    """A failing stub in place of each command: one line naming the command and the file, exit 1."""
    import importlib

    module = importlib.import_module(f"sim.cli.commands.{name}")

    def broken(args):
        raise RuntimeError("stub failure\nsecond line")

    monkeypatch.setattr(module, "main", broken)
    argv = minimal_argv(name, tmp_path)
    line = one_line(*cli(argv, capsys), status=1)
    assert line.startswith(f"error: internal error while running `sim {name}")
    assert "RuntimeError: stub failure second line; this is a bug in sim" in line
    assert "--debug" in line
    with pytest.raises(RuntimeError, match="stub failure"):  # --debug lets the traceback through
        main(["--debug", *argv])
    capsys.readouterr()

    def disk_full(args):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.csv"))

    monkeypatch.setattr(module, "main", disk_full)
    line = one_line(*cli(argv, capsys), status=2)
    assert line.startswith(f"error: {tmp_path / 'x.csv'}: the disk is full; free some space or give --out")


@pytest.mark.parametrize("code", ["ENOSPC", "EFBIG", "EROFS", "EACCES"])
def test_a_failing_disk_while_writing_a_run_leaves_nothing(tmp_path: Path, capsys, monkeypatch, code: str) -> None:
    import sim.output.results as results

    def fail(path, cols):
        raise OSError(getattr(errno, code), os.strerror(getattr(errno, code)), str(path))

    monkeypatch.setattr(results, "write_table", fail)
    monkeypatch.setattr("sim.output.runfolder.write_table", fail, raising=False)
    monkeypatch.setattr("sim.output.table.write_table", fail)  # the run folder writes outcomes through write_frame
    out = tmp_path / "res"
    line = one_line(*cli(["run", VALID, "-n", "20", "-q", "--no-plots", "--out", out], capsys))
    assert sim.cli._OS_HINTS[code] in line and line.endswith("nothing was written")
    assert not any(p.is_dir() for p in out.glob("*/*")), list(out.glob("*/*"))


def test_a_full_disk_during_a_sweep_leaves_no_tmp_folder(tmp_path: Path, capsys, monkeypatch) -> None:
    import sim.output.workfolder as workfolder

    real = workfolder.atomic_write

    def full(path, data):
        if "chunks" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data)

    monkeypatch.setattr(workfolder, "atomic_write", full)
    out = tmp_path / "res"
    line = one_line(*cli(["sweep", SWEEP, "-n", "20", "--points", "2", "-q", "--no-plots", "--out", out], capsys))
    assert "the disk is full" in line
    assert not [p for p in out.rglob("*") if p.is_dir() and p.name.startswith(".tmp")]


def test_a_file_size_limit_is_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """A real EFBIG: the run's process may write files of at most 4 kB (ulimit -f)."""
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    out = tmp_path / "res"
    done = subprocess.run([sys.executable, "-m", "sim", "run", str(VALID), "-n", "200", "-q", "--no-plots",
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          preexec_fn=limit)
    line = one_line(done.returncode, done.stdout, done.stderr)
    assert "ulimit -f" in line
    assert not any(p.is_dir() for p in out.glob("*/*"))


def test_strict_names_the_line_of_every_bare_number_even_in_a_variant(tmp_path: Path, capsys) -> None:
    """``validate --strict``: each number without note/source at its file and line (the variant's own line)."""
    (tmp_path / "base.yaml").write_text(VALID.read_text())
    (tmp_path / "v.yaml").write_text("extends: base.yaml\nname: v\nactors:\n  - name: russia\n    patience: 0.9\n")
    code, _, err = cli(["validate", "--strict", str(tmp_path / "v.yaml")], capsys)
    lines = err.strip().splitlines()
    assert code == 2 and lines and all(ln.startswith("error: ") for ln in lines)
    assert f"error: {tmp_path / 'v.yaml'}:5: actors[russia].patience: the number 0.9 has no note: or source:" in lines
    assert all(":" in ln.split(" ")[1].rstrip(":") for ln in lines), "every line names file:line"
