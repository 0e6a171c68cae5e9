"""Utility shapes (issue 12, item 2): linear, concave, money; units do not change outcomes."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from sim.engine.planner import Planner
from sim.engine.state import build_state
from sim.ensemble.blocks import simulate
from sim.reference.naive import draws_of, one_row
from sim.reference.plan import plan_game
from sim.scenario.load import load_scenario
from tests.conftest import two_party
from tests.reference.test_naive import assert_same_plan

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "syria_bases" / "baseline.yaml"
MONEY_AID = {"shape": "money", "value_per_unit": 1.0, "reference": 5}


def shaped(shape: dict | None, **over: object) -> dict:
    """The conftest toy with a shape on ``share`` (its range 0-100)."""
    data = two_party(**over)
    if shape is not None:
        data["issues"][0]["utility"] = shape
    return data


def rescaled(data: dict, c: float) -> dict:
    """Multiply every number in units of ``share`` by ``c`` (bounds, ideals, terms, reference)."""
    out = copy.deepcopy(data)
    iss = out["issues"][0]
    for key in ("min", "max", "status_quo", "breakdown"):
        if key in iss:
            iss[key] = iss[key] * c
    if iss.get("utility", {}).get("reference") is not None:
        iss["utility"]["reference"] *= c
    for a in out["actors"]:
        a["positions"]["share"]["ideal"] *= c
        for rl in a.get("red_lines", []):
            if rl["issue"] == "share":
                rl["value"] *= c
    return out


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(c=hs.floats(min_value=1e-3, max_value=1e3), money=hs.booleans())
def test_rescaling_units_changes_no_outcome(write, c, money) -> None:
    data = shaped({"shape": "money", "value_per_unit": 0.8, "reference": 60} if money else None,
                  run={"replications": 60, "seed": 3, "block_size": 60})
    a = simulate(load_scenario(write(data, "a.yaml")))
    b = simulate(load_scenario(write(rescaled(data, c), "b.yaml")))
    assert np.array_equal(a.kind, b.kind) and np.array_equal(a.round, b.round)
    assert np.allclose(a.terms, b.terms, atol=1e-9, rtol=0)  # 0-1 scale: user units are c times
    assert np.allclose(a.payoff, b.payoff, atol=1e-9, rtol=0)


def test_money_keeps_what_an_amount_is_worth_when_the_range_grows(write) -> None:
    a = simulate(load_scenario(write(shaped({"shape": "money", "value_per_unit": 1.0, "reference": 100},
                                            run={"replications": 60, "seed": 3, "block_size": 60}), "a.yaml")))
    data = shaped({"shape": "money", "value_per_unit": 1.0, "reference": 100},
                  run={"replications": 60, "seed": 3, "block_size": 60})
    data["issues"][0]["max"] = 200
    b = simulate(load_scenario(write(data, "b.yaml")))
    assert np.array_equal(a.kind, b.kind)
    assert np.allclose(a.terms[:, 0] * 100, b.terms[:, 0] * 200, atol=1e-6)  # same amounts in units


def _flagship(max_aid: float, money: bool) -> dict:
    data = yaml.safe_load(BASELINE.read_text(encoding="utf-8"))
    iss = next(i for i in data["issues"] if i["name"] == "reconstruction_aid")
    iss["max"] = {"value": max_aid, "note": "test"}
    if money:
        iss["utility"] = dict(MONEY_AID)
    syria = next(a for a in data["actors"] if a["name"] == "syria")
    syria["positions"]["reconstruction_aid"]["ideal"] = max_aid  # Syria still wants all there is
    return data


def aid_in_deals(write, max_aid: float, money: bool) -> float:
    sc = load_scenario(write(_flagship(max_aid, money), f"f{max_aid}{money}.yaml"))
    out = simulate(sc, replications=400)
    i = sc.space.issues.index(next(x for x in sc.space.issues if x.name == "reconstruction_aid"))
    deal = out.kind == 0
    return float((out.terms[deal, i] * max_aid).mean())


def test_money_aid_does_not_double_with_its_max(write) -> None:
    lin5, lin10 = aid_in_deals(write, 5, False), aid_in_deals(write, 10, False)
    mon5, mon10 = aid_in_deals(write, 5, True), aid_in_deals(write, 10, True)
    print(f"aid in deals ($bn): linear max5 {lin5:.3f} max10 {lin10:.3f}; money max5 {mon5:.3f} max10 {mon10:.3f}")
    assert lin10 > 1.8 * lin5
    assert mon10 < 1.5 * mon5  # Syria still asks for all there is, so some growth remains


@pytest.mark.parametrize("shape", [{"shape": "money", "value_per_unit": 2.0, "reference": 100},
                                   {"shape": "concave", "curvature": 0.3}])
def test_interior_deal_where_linear_is_at_an_edge(write, shape) -> None:
    """Host proposes first; power values 'share' less than host, so linear gives host all of it."""
    over = {"protocol": {"rounds": 2}, "uncertainty": [],
            "run": {"replications": 1, "seed": 1, "block_size": 1}}
    lin = simulate(load_scenario(write(shaped(None, **over), "lin.yaml")))
    new = simulate(load_scenario(write(shaped(shape, **over), "new.yaml")))
    assert lin.kind[0] == 0 and new.kind[0] == 0
    assert lin.terms[0, 0] in (0.0, 1.0)
    assert 1e-6 < new.terms[0, 0] < 1 - 1e-6


@pytest.mark.parametrize("shape", [MONEY_AID, {"shape": "concave", "curvature": 0.5}])
def test_reference_plans_agree_with_shapes(write, shape) -> None:
    data = _flagship(5, False)
    next(i for i in data["issues"] if i["name"] == "reconstruction_aid")["utility"] = dict(shape)
    sc = load_scenario(write(data))
    n = 6
    draws = draws_of(sc, n, seed=11)
    st = build_state(sc, n, draws.values)
    batched = Planner(sc, st).solve()
    for r in range(n):
        one = build_state(sc, 1, {k: v[r:r + 1] for k, v in draws.values.items()})
        assert_same_plan(plan_game(sc, one_row(one)), batched, r, 1, sc.spec.protocol.rounds)
