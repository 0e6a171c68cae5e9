import numpy as np
import pytest

from sim.experiments.designs import design_size, from_unit, grid_values, make_design, sobol_size
from sim.scenario.schema import Lever


def levers() -> list[Lever]:
    return [Lever(name="a", target="x", low=0, high=1), Lever(name="b", target="y", low=10, high=20),
            Lever(name="c", target="z", values=["none", "some", "full"])]


def test_grid_is_the_full_product_with_listed_values() -> None:
    d = make_design(levers(), "grid", 3)
    assert len(d) == 3 * 3 * 3 == design_size(levers(), "grid", 3)
    assert grid_values(levers()[1], 3) == [10.0, 15.0, 20.0]
    assert {p[2] for p in d.points} == {"none", "some", "full"}
    assert d.columns()["point"] == list(range(27))


def test_lhs_fills_every_stratum_once_and_is_seeded() -> None:
    d = make_design(levers()[:2], "lhs", 20, seed=5)
    x = np.array([p[0] for p in d.points])
    assert sorted(np.floor(x * 20).astype(int)) == list(range(20))  # one point per stratum
    assert d.points == make_design(levers()[:2], "lhs", 20, seed=5).points
    assert d.points != make_design(levers()[:2], "lhs", 20, seed=6).points


def test_sobol_rounds_up_to_a_power_of_two() -> None:
    assert sobol_size(100) == 128 and sobol_size(64) == 64 and sobol_size(1) == 1
    d = make_design(levers(), "sobol", 100, seed=1)
    assert len(d) == 128
    assert all(0 <= p[0] <= 1 and 10 <= p[1] <= 20 and p[2] in ("none", "some", "full") for p in d.points)


def test_listed_values_get_equal_slices() -> None:
    u = np.array([[0.0], [0.33], [0.34], [0.67], [0.999]])
    assert [p[0] for p in from_unit(levers()[2:], u)] == ["none", "none", "some", "full", "full"]


def test_too_large_or_unknown_designs_are_refused() -> None:
    with pytest.raises(ValueError, match="at most"):
        make_design(levers(), "grid", 1000)
    with pytest.raises(ValueError, match="allowed: grid, lhs, sobol"):
        make_design(levers(), "random", 4)
