import numpy as np

from sim.ensemble.blocks import simulate
from sim.ensemble.executors import InlineExecutor, ProcessExecutor
from sim.scenario.load import load_scenario
from tests.conftest import two_party


def _same(a, b) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ("kind", "round", "terms", "payoff", "fired"))


def test_results_do_not_depend_on_task_grouping_or_workers(write) -> None:
    sc = load_scenario(write(two_party()))
    ref = simulate(sc, executor=InlineExecutor(), blocks_per_task=1)
    assert _same(ref, simulate(sc, executor=InlineExecutor(), blocks_per_task=3))
    with ProcessExecutor(2) as ex:
        assert _same(ref, simulate(sc, executor=ex, blocks_per_task=2))


def test_common_random_numbers_across_variants(write) -> None:
    """A change that does not touch a parameter leaves its draws identical."""
    a = load_scenario(write(two_party(), "a.yaml"))
    data = two_party()
    data["actors"][0]["patience"] = 0.8
    b = load_scenario(write(data, "b.yaml"))
    da, db = simulate(a).draws, simulate(b).draws
    assert np.array_equal(da["actors.power.outside_option.bonus"], db["actors.power.outside_option.bonus"])
