"""Benchmark of the engine on the flagship baseline: speed, memory, scaling, workers, CLI.

Usage::

    python bench/run.py            # the full run, a few minutes (1M replications included)
    python bench/run.py --quick    # a dry run at small sizes, a few minutes

Writes ``results/bench/bench.json`` and ``results/bench/bench.png`` and prints each target
with its measured figure. Every measurement runs in a fresh process (``bench/measure.py``)
so peak memory is its own; the engine, the naive reference and ``mesa.batch_run`` are timed
interleaved in one process, so a busy machine slows all three alike and their ratio holds.
Ratios use CPU time, which a loaded machine disturbs less than wall time; worker scaling
uses wall time, the thing parallelism buys.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "syria_bases" / "baseline.yaml"
# quick: the flagship as a process (14 worlds, 24 monthly rounds) plays ~300 replications per CPU second
SIZES = {"quick": dict(side=(2000, 30, 15, 2), scaling=(1_000, 10_000), sweep=(4, 500), help=3, e2e=1),
         "full": dict(side=(10000, 150, 80, 3), scaling=(1_000, 10_000, 100_000, 1_000_000), sweep=(8, 5000),
                      help=7, e2e=3)}


def measure(kind: str, **args: Any) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON."""
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "measure.py"), kind, json.dumps(args)],
                         capture_output=True, text=True, cwd=ROOT, check=False)
    if out.returncode:
        raise RuntimeError(f"{kind} {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict[str, Any]:
    """What the figures ran on."""
    import numpy

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((int(line.split()[1]) / 2**20 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0.0)
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gib": round(mem, 1), "python": platform.python_version(),
            "numpy": numpy.__version__, "platform": platform.platform(), "load_average": os.getloadavg()}


def sim_command() -> list[str]:
    """The ``sim`` entry point of this interpreter's environment."""
    exe = Path(sys.executable).with_name("sim")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "sim"]


def wall_of(cmd: list[str], repeats: int) -> list[float]:
    """Wall seconds of a command, ``repeats`` times."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return times


def run(quick: bool, out_dir: Path) -> dict[str, Any]:
    """Every measurement; returns the report."""
    size = SIZES["quick" if quick else "full"]
    report: dict[str, Any] = {"mode": "quick" if quick else "full", "machine": machine(),
                              "command": "python bench/run.py" + (" --quick" if quick else "")}
    started = time.perf_counter()

    print("side by side: engine, naive reference, mesa.batch_run ...", flush=True)
    n_e, n_r, n_b, rounds = size["side"]
    side = measure("side_by_side", n_engine=n_e, n_reference=n_r, n_batch=n_b, rounds=rounds)
    rates = {k: [r["n"] / r["cpu"] for r in v] for k, v in side.items()}
    walls = {k: [r["n"] / r["wall"] for r in v] for k, v in side.items()}
    report["speed"] = {k: {"cpu_rate_median": statistics.median(v), "cpu_rates": v,
                           "wall_rate_median": statistics.median(walls[k])} for k, v in rates.items()}
    report["ratio_engine_to_reference"] = statistics.median(
        [e / r for e, r in zip(rates["engine"], rates["reference"], strict=True)])
    report["ratio_batch_run_to_reference"] = statistics.median(
        [b / r for b, r in zip(rates["batch_run"], rates["reference"], strict=True)])
    report["reference_memory"] = measure("reference", n=n_r)

    print("scaling ...", flush=True)
    report["scaling"] = []
    for n in size["scaling"]:
        row = measure("engine", n=n)
        report["scaling"].append(row)
        print(f"  {n:>9,}: {row['wall']:7.2f} s wall, {row['cpu_rate']:8.0f} rep/s CPU, peak {row['peak_mb']:6.0f} MB",
              flush=True)
    sc = report["scaling"]
    report["scaling_steps"] = [{"from": a["n"], "to": b["n"], "work": b["n"] / a["n"], "time": b["cpu"] / a["cpu"]}
                               for a, b in itertools.pairwise(sc)]

    print("workers on a sweep ...", flush=True)
    points, reps = size["sweep"]
    # 1 and 2 workers alternate three times, best of each: a busy machine hits both alike
    runs = [measure("sweep", executor="processes", workers=w, points=points, reps=reps) for w in (1, 2) * 3]
    report["sweep_runs"] = runs
    report["sweep"] = [min((r for r in runs if r["workers"] == w), key=lambda r: r["wall"]) for w in (1, 2)]
    report["sweep"] += [measure("sweep", executor="dask", workers=2, points=points, reps=reps, malloc_setting=m)
                        for m in (True, False)]
    p1, p2 = report["sweep"][0], report["sweep"][1]
    report["speedup_2_workers"] = p1["wall"] / p2["wall"]

    print("CLI ...", flush=True)
    report["help_seconds"] = wall_of([*sim_command(), "--help"], size["help"])
    with tempfile.TemporaryDirectory() as tmp:
        e2e = wall_of([*sim_command(), "run", str(BASELINE), "--out", tmp, "-q"], size["e2e"])
        report["sim_run_no_plots_seconds"] = wall_of(
            [*sim_command(), "run", str(BASELINE), "--out", tmp, "-q", "--no-plots"], size["e2e"])
    report["sim_run_seconds"] = e2e
    report["sim_run_simulation"] = [measure("engine_cold", n=2000) for _ in range(size["e2e"])]
    report["sim_run_parts"] = measure("run_parts")
    report["seconds"] = time.perf_counter() - started
    report["machine"]["load_average_end"] = os.getloadavg()
    report["targets"] = targets(report)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "bench.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    plot(report, out_dir / "bench.png")
    return report


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 5 with its measured figure and verdict."""
    biggest = r["scaling"][-1]
    steps = r["scaling_steps"]
    worst_step = max(steps, key=lambda s: s["time"] / s["work"]) if steps else {"time": 0, "work": 1}
    sim_s = min(x["wall"] for x in r["sim_run_simulation"])
    e2e = min(r["sim_run_seconds"])
    help_s = min(r["help_seconds"])
    return [
        {"target": "engine >= 100x naive reference (CPU rate, baseline)", "value": r["ratio_engine_to_reference"],
         "met": r["ratio_engine_to_reference"] >= 100},
        {"target": f"{biggest['n']:,} replications with peak memory < 1 GB", "value": biggest["peak_mb"],
         "met": biggest["peak_mb"] < 1024},
        {"target": "10x work in <= 11x time (worst step)", "value": worst_step["time"] / worst_step["work"] * 10,
         "met": all(s["time"] <= 1.1 * s["work"] for s in steps)},
        {"target": "2 worker processes >= 1.8x one on a sweep", "value": r["speedup_2_workers"],
         "met": r["speedup_2_workers"] >= 1.8},
        {"target": "sim --help < 0.3 s", "value": help_s, "met": help_s < 0.3},
        {"target": "sim run (default size) <= 2x its simulation time", "value": e2e / sim_s, "met": e2e <= 2 * sim_s},
        {"target": "(for the record) sim run --no-plots vs simulation time", "value": min(r["sim_run_no_plots_seconds"])
         / sim_s, "met": min(r["sim_run_no_plots_seconds"]) <= 2 * sim_s},
    ]


def plot(r: dict[str, Any], path: Path) -> None:
    """Four panels: throughput, scaling, memory, workers."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, 2, figsize=(11, 8))
    names = ["engine", "reference", "batch_run"]
    labels = ["batched engine", "naive reference\n(Model per replication)", "mesa.batch_run\n(same model)"]
    vals = [r["speed"][k]["cpu_rate_median"] for k in names]
    a = ax[0, 0]
    bars = a.bar(labels, vals, color=["#2a6f97", "#a9a9a9", "#c9a227"])
    a.set_yscale("log")
    a.set_ylabel("replications / CPU second")
    a.set_title("Throughput on the baseline (one core)")
    ratios = [r["ratio_engine_to_reference"], 1.0, r["ratio_batch_run_to_reference"]]
    for b, v, x in zip(bars, vals, ratios, strict=True):
        a.annotate(f"{v:,.0f}/s\n{x:.3g}x", (b.get_x() + b.get_width() / 2, v), ha="center", va="bottom", fontsize=9)
    a.set_ylim(top=max(vals) * 8)
    ns = [s["n"] for s in r["scaling"]]
    a = ax[0, 1]
    a.loglog(ns, [s["cpu"] for s in r["scaling"]], "o-", label="engine (CPU s)")
    a.loglog(ns, [r["scaling"][0]["cpu"] * n / ns[0] for n in ns], ":", color="grey", label="linear from 1k")
    if len(ns) > 1:
        a.loglog(ns, [r["scaling"][1]["cpu"] * n / ns[1] for n in ns], "--", color="grey", label="linear from 10k")
    a.set_xlabel("replications")
    a.set_ylabel("seconds")
    a.set_title("Cost is linear in replications")
    a.legend()
    a = ax[1, 0]
    a.semilogx(ns, [s["peak_mb"] for s in r["scaling"]], "o-")
    a.axhline(1024, color="firebrick", ls="--", label="1 GB")
    a.set_xlabel("replications")
    a.set_ylabel("peak resident memory (MB)")
    a.set_title("Peak memory (blocks of 1,000; whole process)")
    a.set_ylim(0, max(1100, max(s["peak_mb"] for s in r["scaling"]) * 1.1))
    a.legend()
    a = ax[1, 1]
    sw = r["sweep"]
    lab = ["processes\n1 worker", "processes\n2 workers", "Dask 2 workers\n(our malloc setting)",
           "Dask 2 workers\n(Dask default env)"]
    rates = [s["rate"] for s in sw]
    bars = a.bar(lab[:len(sw)], rates, color=["#a9a9a9", "#2a6f97", "#3a8f5c", "#c05050"][:len(sw)])
    for b, v in zip(bars, rates, strict=True):
        a.annotate(f"{v:,.0f}/s\n{v / rates[0]:.2f}x", (b.get_x() + b.get_width() / 2, v), ha="center",
                   va="bottom", fontsize=9)
    a.set_ylim(top=max(rates) * 1.3)
    a.set_ylabel("replications / wall second")
    a.set_title(f"A sweep ({sw[0]['tasks']} tasks) on {r['machine']['nproc']} cores")
    a.tick_params(axis="x", labelsize=8)
    fig.suptitle(f"sim benchmark: {r['machine']['cpu']}, {r['machine']['nproc']} cores, "
                 f"{r['machine']['memory_gib']} GiB ({r['mode']})", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> int:
    """Parse flags, run, print the ratios and the targets."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, for a dry run")
    ap.add_argument("--out", default=str(ROOT / "results" / "bench"), help="output folder")
    ap.add_argument("--docs-img", help="also copy the plot here (e.g. docs/img/performance.png)")
    args = ap.parse_args()
    r = run(args.quick, Path(args.out))
    s = r["speed"]
    print()
    print(f"machine: {r['machine']['cpu']}, nproc {r['machine']['nproc']}, {r['machine']['memory_gib']} GiB, "
          f"load {r['machine']['load_average'][0]:.1f} -> {r['machine']['load_average_end'][0]:.1f}")
    print(f"engine {s['engine']['cpu_rate_median']:,.0f}/s, naive reference {s['reference']['cpu_rate_median']:,.1f}/s,"
          f" mesa.batch_run {s['batch_run']['cpu_rate_median']:,.1f}/s (per CPU second)")
    print(f"ratio engine / reference: {r['ratio_engine_to_reference']:.0f}x; "
          f"batch_run / reference: {r['ratio_batch_run_to_reference']:.2f}x")
    for t in r["targets"]:
        print(f"  [{'met ' if t['met'] else 'MISS'}] {t['target']}: {t['value']:.3g}")
    print("a default `sim run`, step by step (s): " + ", ".join(f"{k} {v:.2f}" for k, v in r["sim_run_parts"].items()))
    print(f"wrote {args.out}/bench.json and bench.png in {r['seconds']:.0f} s")
    if args.docs_img:
        shutil.copy(Path(args.out) / "bench.png", args.docs_img)
    return 0


if __name__ == "__main__":
    sys.exit(main())
