"""Results never depend on where blocks run: inline, a local process pool, or Dask.

One Dask LocalCluster (2 worker processes on loopback, no dashboard) serves the module,
so its start-up cost (about 2 s) is paid once.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.engine.outcomes import Outcomes
from sim.ensemble.blocks import simulate
from sim.ensemble.executors import InlineExecutor, ProcessExecutor, make_executor
from sim.scenario.load import Scenario, load_scenario
from tests.conftest import BASELINE, two_party

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def dask_executor():
    with make_executor("dask", 2) as ex:
        yield ex


@pytest.fixture(scope="module")
def process_executor():
    with ProcessExecutor(2) as ex:
        yield ex


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> list[Scenario]:
    import yaml

    path = tmp_path_factory.mktemp("executors") / "toy.yaml"
    path.write_text(yaml.safe_dump(two_party()), encoding="utf-8")
    return [load_scenario(path), load_scenario(BASELINE)]


def table(sc: Scenario, out: Outcomes) -> dict[str, list]:
    """The outcomes table as plain lists (what users see), for exact comparison."""
    return {k: np.asarray(v).tolist() for k, v in out.table(sc).items()}


def same(a: Outcomes, b: Outcomes) -> bool:
    """Every number of two runs is bit-identical."""
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in
               ("kind", "round", "terms", "payoff", "proposer", "walker", "rejections", "fired")) and \
        all(np.array_equal(a.draws[k], b.draws[k]) for k in a.draws)


def test_dask_executor_is_the_one_make_executor_builds(dask_executor) -> None:
    from sim.ensemble.dask_executor import DaskExecutor

    assert isinstance(dask_executor, DaskExecutor) and dask_executor.workers == 2


def test_dask_workers_start_with_the_malloc_setting(dask_executor) -> None:
    """Without it Dask's MALLOC_TRIM_THRESHOLD_ makes numpy ~2x slower (docs/performance.md)."""
    import os

    from sim.ensemble.dask_executor import MALLOC_ENV

    env = dask_executor.client.run(lambda: {k: os.environ.get(k) for k in MALLOC_ENV})
    assert len(env) == 2 and all(e == MALLOC_ENV for e in env.values())


@pytest.mark.slow
@pytest.mark.parametrize("which", [0, 1], ids=["toy", "baseline"])
def test_same_outcome_table_inline_processes_dask(scenarios, which, process_executor, dask_executor) -> None:
    sc = scenarios[which]
    n = 700 if which == 0 else 1200  # several blocks, the last one partial
    ref = simulate(sc, replications=n, seed=17, executor=InlineExecutor())
    for ex in (process_executor, dask_executor):
        out = simulate(sc, replications=n, seed=17, executor=ex)
        assert same(ref, out)
        assert table(sc, ref) == table(sc, out)


def test_regrouping_blocks_into_tasks_changes_nothing(scenarios, dask_executor) -> None:
    sc = scenarios[0]
    ref = simulate(sc, replications=1000, seed=5, blocks_per_task=1)
    for k in (2, 3, 10):
        assert same(ref, simulate(sc, replications=1000, seed=5, blocks_per_task=k))
        assert same(ref, simulate(sc, replications=1000, seed=5, blocks_per_task=k, executor=dask_executor))


@pytest.mark.slow
def test_a_sweep_on_dask_matches_local_processes(scenarios, process_executor, dask_executor) -> None:
    """Design points on common random numbers (sim.experiments.evaluate groups them by worker count): same numbers."""
    from sim.experiments.evaluate import evaluate

    sc = scenarios[0]
    points = [{"actors.host.patience": p} for p in (0.8, 0.9, 0.97)]
    runs = [dict(evaluate(sc, points, replications=400, seed=3, executor=ex))
            for ex in (InlineExecutor(), process_executor, dask_executor)]
    for point in range(len(points)):
        assert same(runs[0][point], runs[1][point]) and same(runs[0][point], runs[2][point])
    assert not same(runs[0][0], runs[0][2])  # the levers matter


def test_dask_executor_closes_cleanly() -> None:
    from sim.ensemble.dask_executor import DaskExecutor

    with DaskExecutor(1) as ex:
        client = ex.client
        assert [i for i, _ in ex.imap(abs, [-1, -2])] in ([0, 1], [1, 0])
    assert ex.client is None and client.status == "closed"


def test_scheduler_flag_means_dask() -> None:
    from argparse import Namespace

    from sim.cli.commands.common import executor_for
    from sim.ensemble.dask_executor import DaskExecutor
    from sim.errors import UsageError

    ex = executor_for(Namespace(executor=None, workers=None, scheduler="tcp://127.0.0.1:8786"), 100)
    assert isinstance(ex, DaskExecutor) and ex.scheduler == "tcp://127.0.0.1:8786"
    assert isinstance(executor_for(Namespace(executor=None, workers=2, scheduler=None), 20_000), ProcessExecutor)
    with pytest.raises(UsageError, match="needs --executor dask"):
        executor_for(Namespace(executor="processes", workers=None, scheduler="tcp://127.0.0.1:8786"), 100)
