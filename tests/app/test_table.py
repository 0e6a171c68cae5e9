"""A class table: phases, turns, the round clock, what each seat may see, and replay from the log."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.app.table import MoveError, Table
from sim.engine.model import NegotiationModel
from sim.scenario.load import load_scenario
from tests.conftest import SCENARIOS

SEMINAR = SCENARIOS / "teaching" / "syria_bases_seminar.yaml"
SYRIA, RUSSIA, US = 0, 1, 2


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def sc():
    return load_scenario(SEMINAR)


def ideal_terms(t: Table, a: int) -> dict:
    return {f["name"]: f["value"] for f in t.view(a)["form"]}


def play_out(t: Table, rule) -> None:
    """Play every seated move by ``rule(table, actor, phase)`` until the end."""
    for _ in range(200):
        if not t.model.running:
            return
        a = t.waiting()[0]
        t.apply(rule(t, a, t.phase))
    raise AssertionError("the table never finished")


def stubborn(t: Table, a: int, phase: str) -> dict:
    if phase == "offers":
        return {"kind": "offer", "actor": a, "share": 0.5}
    if phase == "proposal":
        return {"kind": "propose", "actor": a, "terms": ideal_terms(t, a)}
    return {"kind": "answer", "actor": a, "accept": False}


def test_empty_seats_are_played_by_the_model_exactly(sc) -> None:
    """With one seat taken and its team doing what the model would, the table ends as the model alone does."""
    t = Table(sc, "T1", 11, round_seconds=None)
    twin = t.twin()
    t.join(US, "US")
    t.apply({"kind": "start"})
    for _ in range(100):
        if not t.model.running:
            break
        t.apply({"kind": "offer", "actor": US, "share": t.share[US]})  # keeps the model's own share
    assert int(t.model.kind[0]) == int(twin.kind[0])
    assert int(t.model.end_round[0]) == int(twin.end_round[0])
    np.testing.assert_allclose(t.model.terms[0], twin.terms[0], atol=1e-12)


def test_nothing_moves_before_a_team_sits_or_while_paused(sc) -> None:
    t = Table(sc, "T2", 3, round_seconds=None)
    t.apply({"kind": "start"})
    assert t.model.round == 1 and t.model.running  # no team: the model does not play the table alone
    t.join(SYRIA, "S")
    t.apply({"kind": "pause"})
    with pytest.raises(MoveError, match="paused"):
        t.apply({"kind": "pass", "actor": SYRIA})


def test_moves_only_in_turn_and_within_the_rules(sc) -> None:
    t = Table(sc, "T3", 5, round_seconds=None)
    t.join(SYRIA, "S")
    t.join(RUSSIA, "R")
    t.apply({"kind": "start"})
    p = t.waiting()[0]
    o = RUSSIA if p == SYRIA else SYRIA
    with pytest.raises(MoveError, match="turn"):
        t.apply({"kind": "pass", "actor": o})
    with pytest.raises(MoveError, match="not negotiated"):
        t.apply({"kind": "propose", "actor": p, "terms": {"no_such_issue": 1}})
    with pytest.raises(MoveError, match="cannot take that action"):
        t.apply({"kind": "act", "actor": p, "act": 99})
    t.apply({"kind": "propose", "actor": p, "terms": ideal_terms(t, p)})
    assert t.phase == "answers" and t.waiting() == [o]
    view = t.view(o)
    assert view["todo"] == "answer" and 0 <= view["offer"]["worth"] <= 100
    assert len(t.log) == 4 and [e["kind"] for e in t.log] == ["join", "join", "start", "propose"]


def test_a_seated_responder_can_refuse_and_act(sc) -> None:
    """Syria refusing and ordering Russia out ends the talks by a forced exit or costs it the attempt."""
    t = Table(sc, "T4", 2, round_seconds=None)
    t.join(SYRIA, "S")
    t.join(RUSSIA, "R")
    t.apply({"kind": "start"})
    if t.waiting() == [SYRIA]:
        t.apply({"kind": "pass", "actor": SYRIA})
    t.apply({"kind": "propose", "actor": RUSSIA, "terms": ideal_terms(t, RUSSIA)})
    evict = t.moves_open(SYRIA, "refusal")[0]["index"]
    t.apply({"kind": "answer", "actor": SYRIA, "accept": False, "act": evict})
    assert t.model.attempts[0] == 1
    assert t.model.costs[0, SYRIA] > 0  # acting costs whether or not it works


def test_the_clock_decides_for_those_it_waits_for(sc) -> None:
    clock = Clock()
    t = Table(sc, "T5", 8, round_seconds=60, clock=clock)
    t.join(SYRIA, "S")
    t.join(RUSSIA, "R")
    t.apply({"kind": "start"})
    r0 = t.model.round
    clock.now += 59
    assert not t.tick()
    clock.now += 2
    assert t.tick()  # the seated proposer passed (or the seated responder refused): the round closed
    assert t.model.round == r0 + 1
    assert t.log[-1]["kind"] == "timeout"
    t.apply({"kind": "pause"})
    clock.now += 1000
    assert not t.tick()  # a paused clock never runs out


def test_a_seat_sees_its_own_private_values_and_not_the_others(sc) -> None:
    t = Table(sc, "T6", 4, round_seconds=None)
    t.join(SYRIA, "S")
    t.join(RUSSIA, "R")
    t.apply({"kind": "start"})
    play_out(t, stubborn)
    mine = {a: t.private_lines(a) for a in (SYRIA, RUSSIA)}
    assert mine[SYRIA] and mine[RUSSIA]
    for a, o in ((SYRIA, RUSSIA), (RUSSIA, SYRIA)):
        seen = json.dumps(t.view(a))
        assert mine[a][0] in seen
        assert mine[o][0] not in seen  # the other side's true private value
        grid = sc.types[o]
        true = float(grid.values[int(t.model.true_type[o][0]), 0])
        assert f"{true:.2f} (the others" not in seen
        assert "Worth to each side" not in seen  # the others' final scores are theirs


def test_a_seated_influencer_share_changes_the_offers(sc) -> None:
    low, high = (Table(sc, f"T7{k}", 9, round_seconds=None) for k in "ab")
    for t, share in ((low, 0.0), (high, 1.0)):
        t.join(US, "US")
        t.apply({"kind": "start"})
        t.apply({"kind": "offer", "actor": US, "share": share})
    ks = low.rules(US)
    assert np.all(low.model.state.generosity[0, ks] < high.model.state.generosity[0, ks])
    with pytest.raises(MoveError, match="between 0 and"):
        high.apply({"kind": "offer", "actor": US, "share": 5.0})


def test_a_shock_fires_the_event_now(sc) -> None:
    t = Table(sc, "T8", 1, round_seconds=None)
    t.join(SYRIA, "S")
    name = sc.spec.events[0].name
    t.apply({"kind": "shock", "event": name})
    assert t.model.fired[0, 0]
    with pytest.raises(MoveError, match="no event"):
        t.apply({"kind": "shock", "event": "nope"})


def test_restore_replays_the_log_to_the_same_state(sc) -> None:
    t = Table(sc, "T9", 6, round_seconds=None)
    t.join(SYRIA, "S")
    t.join(RUSSIA, "R")
    t.apply({"kind": "start"})
    t.apply({"kind": "message", "actor": SYRIA, "text": "Hello", "to": "all"})
    for _ in range(3):
        a = t.waiting()[0]
        t.apply(stubborn(t, a, t.phase))
    back = Table.restore(sc, json.loads(json.dumps(t.record())))
    assert back.paused and back.model.round == t.model.round and back.phase == t.phase
    assert back.transcript(None) == t.transcript(None) and back.messages == t.messages
    play_out_both = [x for x in (t, back)]
    for x in play_out_both:
        if x.paused:
            x.apply({"kind": "start"})
        play_out(x, stubborn)
    assert back.result()["terms"] == t.result()["terms"]
    np.testing.assert_array_equal(back.model.payoff, t.model.payoff)


def test_several_people_change_nothing_for_the_model_alone(sc) -> None:
    """The engine's hook for several people leaves the ensemble's rounds untouched."""
    a = NegotiationModel(sc, 50, seed=3, process=True).run()
    b = NegotiationModel(sc, 50, seed=3, process=True)
    while b.running:
        b.close_round(b.open_round(), [])
    np.testing.assert_array_equal(a.kind, b.kind)
    np.testing.assert_array_equal(a.payoff, b.payoff)
