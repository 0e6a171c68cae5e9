"""Measurements the benchmark runs, each in a fresh process so its peak memory is its own.

``python bench/measure.py KIND JSON-ARGS`` prints one JSON object: wall and CPU seconds,
replications per second, and the process's peak resident memory (``ru_maxrss``).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "syria_bases" / "baseline.yaml"


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Any, *args: Any, **kw: Any) -> tuple[float, float, Any]:
    """Wall and CPU seconds of ``fn(*args, **kw)``, and its result."""
    w, c = time.perf_counter(), time.process_time()
    out = fn(*args, **kw)
    return time.perf_counter() - w, time.process_time() - c, out


def engine(n: int, seed: int = 1) -> dict[str, Any]:
    """The batched engine on the baseline, inline (one core), blocks of the scenario's size."""
    from sim.ensemble.blocks import simulate
    from sim.scenario.load import load_scenario

    sc = load_scenario(BASELINE)
    simulate(sc, replications=50, seed=seed + 1)  # lazy imports and first-call costs are not per-replication
    rss0 = peak_mb()
    wall, cpu, out = timed(lambda: simulate(sc, replications=n, seed=seed))
    return {"n": n, "wall": wall, "cpu": cpu, "rate": n / wall, "cpu_rate": n / cpu, "peak_mb": peak_mb(),
            "peak_mb_before": rss0, "deal_share": float((out.kind == 0).mean())}


def engine_cold(n: int) -> dict[str, Any]:
    """Simulation time as ``sim run`` pays it: first call in a fresh process (lazy imports included)."""
    from sim.scenario.load import load_scenario

    sc = load_scenario(BASELINE)
    from sim.ensemble.blocks import simulate

    wall, cpu, _ = timed(lambda: simulate(sc, replications=n))
    return {"n": n, "wall": wall, "cpu": cpu}


def side_by_side(n_engine: int, n_reference: int, n_batch: int, rounds: int) -> dict[str, Any]:
    """Engine, naive reference and mesa.batch_run, interleaved in one process (load hits all alike)."""
    import mesa

    from sim.ensemble.blocks import simulate
    from sim.reference.naive import BatchRunModel, draws_of, run_reference
    from sim.scenario.load import load_scenario

    sc = load_scenario(BASELINE)
    draws = draws_of(sc, n_batch, seed=3)
    simulate(sc, replications=1000)  # warm: lazy imports, caches
    run_reference(sc, 5)
    rows: dict[str, list[dict[str, float]]] = {"engine": [], "reference": [], "batch_run": []}
    for r in range(rounds):
        seed = 10 + r
        wall, cpu, _ = timed(simulate, sc, replications=n_engine, seed=seed)
        rows["engine"].append({"wall": wall, "cpu": cpu, "n": n_engine})
        wall, cpu, _ = timed(run_reference, sc, n_reference, seed=seed)
        rows["reference"].append({"wall": wall, "cpu": cpu, "n": n_reference})
        wall, cpu, res = timed(
            mesa.batch_run, BatchRunModel, {"sc": sc, "draws": draws, "replication": range(n_batch), "seed": seed},
            number_processes=1, max_steps=sc.spec.protocol.rounds + 1, data_collection_period=-1,
            display_progress=False)
        assert len(res) == n_batch
        rows["batch_run"].append({"wall": wall, "cpu": cpu, "n": n_batch})
    return rows


def sweep(executor: str, workers: int, points: int, reps: int, malloc_setting: bool = True) -> dict[str, Any]:
    """A sweep-like workload: ``points`` design points x ``reps`` replications through one executor.

    The pool is started and warmed first (so the figure is the work, not start-up); with
    ``malloc_setting`` False a Dask LocalCluster keeps Dask's default worker environment.
    """
    from sim.ensemble.blocks import Task, layout, play_task
    from sim.scenario.load import load_scenario

    sc = load_scenario(BASELINE)
    patience = [0.80 + 0.15 * i / max(1, points - 1) for i in range(points)]
    blocks = layout(reps, sc.spec.run.block_size)
    tasks = [Task(sc, "alternating_offers", 1, (b,), (("actors.syria.patience", p),)) for p in patience
             for b in blocks]
    warm = [Task(sc, "alternating_offers", 1, ((0, 0, 200),))] * (2 * workers)
    with _executor(executor, workers, malloc_setting) as ex:
        t0 = time.perf_counter()
        list(ex.imap(play_task, warm))
        warm_s = time.perf_counter() - t0
        wall, _, done = timed(lambda: list(ex.imap(play_task, tasks)))
    n = sum(o.n for _, o in done)
    return {"executor": executor, "workers": workers, "malloc_setting": malloc_setting, "n": n, "wall": wall,
            "rate": n / wall, "warmup": warm_s, "tasks": len(tasks)}


def _executor(name: str, workers: int, malloc_setting: bool) -> Any:
    from sim.ensemble.executors import make_executor

    if name != "dask" or malloc_setting:
        return make_executor(name, workers)
    from contextlib import contextmanager

    from distributed import Client, LocalCluster

    @contextmanager
    def default_dask():  # Dask as shipped: MALLOC_TRIM_THRESHOLD_=65536 in every worker
        from sim.ensemble.dask_executor import DaskExecutor

        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, scheduler_kwargs={"dashboard": False,
                                                                    "dashboard_address": "127.0.0.1:0"}) as cl, \
                Client(cl) as client:
            ex = DaskExecutor(workers)
            ex.client = client
            yield ex

    return default_dask()


def reference(n: int) -> dict[str, Any]:
    """The naive reference alone (for its peak memory)."""
    from sim.reference.naive import run_reference
    from sim.scenario.load import load_scenario

    sc = load_scenario(BASELINE)
    wall, cpu, _ = timed(lambda: run_reference(sc, n))
    return {"n": n, "wall": wall, "cpu": cpu, "rate": n / wall, "peak_mb": peak_mb()}


def run_parts() -> dict[str, Any]:
    """Where a default-size ``sim run`` spends its time, step by step, in a fresh process."""
    import tempfile

    parts: dict[str, float] = {}
    t = time.perf_counter()
    from sim.cli import main  # noqa: F401  (what `sim` imports before any command)

    parts["import sim.cli"] = time.perf_counter() - t
    t = time.perf_counter()
    from sim.output.runfolder import RunResult, write_plots
    from sim.scenario.load import load_scenario

    parts["import engine (mesa, numpy, pydantic)"] = time.perf_counter() - t
    steps = []
    sc = None
    out = summary = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def load() -> None:
            nonlocal sc
            sc = load_scenario(BASELINE)

        def sim() -> None:
            nonlocal out
            from sim.ensemble.blocks import simulate

            out = simulate(sc)

        def summ() -> None:
            nonlocal summary
            from sim.analysis.summaries import summarize

            summary = summarize(sc, out)

        def plots() -> None:
            write_plots(sc, {"alternating_offers": out}, {"alternating_offers": summary}, folder)

        def report() -> None:
            from sim.engine.outcomes import Outcomes  # noqa: F401
            from sim.output.report import write_run_report

            write_run_report(RunResult(sc, {"alternating_offers": out}, {"alternating_offers": summary}), folder)

        def table() -> None:
            from sim.output.results import write_table

            write_table(folder / "outcomes.csv", {k: list(v) for k, v in out.table(sc).items()})

        steps = [("load and validate scenario", load), ("simulate (incl. scipy.stats import)", sim),
                 ("summarise", summ), ("outcomes table", table), ("plots (matplotlib import + figures)", plots),
                 ("HTML report", report)]
        for name, fn in steps:
            t = time.perf_counter()
            fn()
            parts[name] = time.perf_counter() - t
    return parts


KINDS = {"run_parts": run_parts, "engine": engine, "engine_cold": engine_cold, "side_by_side": side_by_side,
         "sweep": sweep, "reference": reference}

if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    kind, args = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else {}
    print(json.dumps(KINDS[kind](**args)))
