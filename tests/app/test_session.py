"""Role-play without a browser: the model's human hook and the app's session model."""

from __future__ import annotations

import numpy as np
import pytest

from sim.app import registry
from sim.app.session import Seat, SessionModel
from sim.app.settings import settings
from sim.engine.model import PASS, PROPOSE, HumanMove, NegotiationModel
from sim.engine.outcomes import DEAL
from sim.scenario.load import load_scenario
from tests.conftest import SCENARIOS

WARMUP = SCENARIOS / "teaching" / "port_lease_warmup.yaml"
SEMINAR = SCENARIOS / "teaching" / "syria_bases_seminar.yaml"


@pytest.fixture(scope="module")
def warmup():
    return load_scenario(WARMUP)


@pytest.fixture(scope="module")
def seminar():
    return load_scenario(SEMINAR)


def _same(a: NegotiationModel, b: NegotiationModel) -> None:
    for name in ("kind", "end_round", "terms", "payoff", "proposer", "walker", "rejections", "fired"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


def test_open_and_close_round_is_step(seminar) -> None:
    """Rounds opened and closed by hand play as step() does, and settle as the votes say.

    The votes are computed here from each opened offer, apart from the model (no noise): a
    responder accepts iff the offer keeps its red lines and is worth its reservation value; a
    deal needs an offer the proposer's own red lines allow and every responder's yes.
    """
    quiet = {"protocol.noise": 0.0}
    a = NegotiationModel(seminar, 300, seed=5, values=quiet, trace=[0, 1]).run()
    b = NegotiationModel(seminar, 300, seed=5, values=quiet, trace=[0, 1])
    deals = 0
    while b.running:
        rnd = b.open_round()
        t, props, rows = rnd.t, rnd.proposer, np.arange(b.n)
        yes = np.ones(b.n, dtype=bool)
        for actor in b.signatories:
            j = actor.index
            worth = rnd.offer_utility[:, j] >= b.plan.reservation[t][:, j] - 1e-9
            yes &= (props == j) | (rnd.red_lines_ok[:, j] & worth)
        expected = ~b.done & (rnd.action == PROPOSE) & rnd.red_lines_ok[rows, props] & yes
        b.close_round(rnd)
        np.testing.assert_array_equal((b.kind == DEAL) & (b.end_round == t), expected, err_msg=f"round {t}")
        deals += int(expected.sum())
    assert deals > 0
    _same(a, b)


def test_a_person_who_plays_the_plan_gets_the_models_result(seminar) -> None:
    """Same start, same random numbers: copying the agent's moves reproduces its negotiation."""
    for seed in range(6):
        ref = NegotiationModel(seminar, 1, seed=seed, trace=[0]).run()
        m = NegotiationModel(seminar, 1, seed=seed, trace=[0])
        syria = seminar.actors.index("syria")
        while m.running:
            rnd = m.open_round()
            t = rnd.t
            if rnd.proposer[0] == syria:
                move = HumanMove(syria, int(rnd.action[0]), terms=rnd.terms[0])
            else:
                accept = bool(m.trace is not None and _agent_accepts(ref, t, syria))
                move = HumanMove(syria, accept=accept, walk=_agent_walks(ref, t, syria))
            m.close_round(rnd, move)
        _same(ref, m)


def _agent_accepts(ref: NegotiationModel, t: int, a: int) -> bool:
    return bool(ref.trace.accepted[t - 1][0][a])


def _agent_walks(ref: NegotiationModel, t: int, a: int) -> bool:
    return bool(ref.done[0] and ref.end_round[0] == t and ref.walker[0] == a)


def test_human_answer_decides(warmup) -> None:
    host, power = warmup.actors.index("host"), warmup.actors.index("power")
    m = NegotiationModel(warmup, 1, seed=1, trace=[0])
    rnd = m.open_round()
    assert rnd.proposer[0] == host and rnd.action[0] == PROPOSE
    m.close_round(rnd, HumanMove(power, accept=False))  # the agent would accept (see the transcript test)
    assert m.running and m.rejections[0] == 1
    m2 = NegotiationModel(warmup, 1, seed=1)
    m2.close_round(m2.open_round(), HumanMove(power, accept=False, walk=True))
    assert not m2.running and m2.kind[0] == 1 and m2.walker[0] == power


def test_human_proposal_is_answered_by_the_plan(warmup) -> None:
    host, power = warmup.actors.index("host"), warmup.actors.index("power")
    greedy = NegotiationModel(warmup, 1, seed=1)
    rnd = greedy.open_round()
    mine = greedy.state.ideal[0, host].copy()  # everything the host wants: the power refuses
    greedy.close_round(rnd, HumanMove(host, PROPOSE, terms=mine))
    assert greedy.running and greedy.rejections[0] == 1
    fair = NegotiationModel(warmup, 1, seed=1)
    rnd = fair.open_round()
    generous = fair.state.ideal[0, power].copy()  # all the power wants within the host's red line: accepted
    generous[warmup.space.index("presence")] = warmup.space.issues[0].to_norm("reduced")
    fair.close_round(rnd, HumanMove(host, PROPOSE, terms=generous))
    assert not fair.running and fair.kind[0] == DEAL and fair.proposer[0] == host
    assert fair.payoff[0, power] > rnd.offer_utility[0, power] - 1e-12
    crossing = NegotiationModel(warmup, 1, seed=1, trace=[0])  # a full garrison crosses the host's own red line
    crossing.close_round(crossing.open_round(), HumanMove(host, PROPOSE, terms=fair.state.ideal[0, power]))
    assert crossing.running and crossing.rejections[0] == 0 and crossing.trace.action[0][0] == PASS


def test_session_waits_for_the_person_and_compares(warmup) -> None:
    seat = Seat("s1", play_as=warmup.actors.index("power"))
    m = SessionModel(sc=warmup, seed="", seat=seat)
    m.step()
    assert m.waiting_for() == "answer" and m.round == 1
    m.step()  # Play keeps calling step: nothing happens while waiting
    assert m.waiting_for() == "answer" and m.round == 1
    m.answer(False)
    assert m.round == 2 and m.waiting_for() is None
    m.step()
    assert m.waiting_for() == "proposal"
    with pytest.raises(RuntimeError):
        m.answer(True)
    m.propose({"presence": "full", "payment": 0.0, "apology": "no"})
    while m.running:
        m.step()
        if m.waiting_for() == "answer":
            m.answer(True)
        elif m.waiting_for() == "proposal":
            m.walk_out()
    row = m.result()
    assert row["finished"] and row["actor"] == "power"
    assert row["model_utility"] == pytest.approx(100 * float(m.twin().payoff[0, seat.play_as]))  # 0-100
    assert "round" in row["model_outcome"]


def test_session_settings_and_seed(seminar) -> None:
    chosen = {s.path: s.default for s in settings(seminar)}
    m = SessionModel(sc=seminar, seed="12", seat=None, scenario=object(), **chosen)
    assert m.run_seed == 12 and m.fixed == {}
    chosen["actors.russia.outside_option.bonus"] = 0.5
    m2 = SessionModel(sc=seminar, seed="not a number", **chosen)
    assert not m2.seed_ok and m2.run_seed == seminar.spec.run.seed
    assert m2.fixed == {"actors.russia.outside_option.bonus": 0.5}
    assert m2.state.oo_bonus[0, seminar.actors.index("russia")] == 0.5


def test_role_play_keeps_the_other_sides_numbers(seminar) -> None:
    """A student playing Syria cannot set Russia's numbers (so cannot know them): the scenario's apply."""
    chosen = {s.path: s.default for s in settings(seminar)}
    chosen["actors.russia.outside_option.bonus"] = 0.5
    chosen["actors.syria.patience"] = 0.8
    russia, syria = seminar.actors.index("russia"), seminar.actors.index("syria")
    m = SessionModel(sc=seminar, seed="", seat=Seat("s", play_as=syria), **chosen)
    assert m.state.oo_bonus[0, russia] == pytest.approx(0.12)  # the scenario's value, not the slider's
    assert m.state.patience[0, syria] == pytest.approx(0.8)  # their own numbers are theirs to set
    assert m.fixed == {"actors.syria.patience": pytest.approx(0.8)}
    alone = SessionModel(sc=seminar, seed="", seat=Seat("t"), **chosen)
    assert alone.state.oo_bonus[0, russia] == pytest.approx(0.5)  # nobody played: every slider applies


def test_a_row_records_the_team_and_its_result(seminar) -> None:
    """Seed, moved settings by label, actor, round, outcome, terms in words, utilities 0-100."""
    syria = seminar.actors.index("syria")
    chosen = {s.path: s.default for s in settings(seminar)}
    chosen["actors.syria.patience"] = 0.85
    m = SessionModel(sc=seminar, seed="7", seat=Seat("abc", play_as=syria), **chosen)
    assert m.can_step()
    m.step()
    assert m.waiting_for() == "proposal" and not m.can_step()  # Step and Play have nothing to do
    row = m.result()
    assert row["outcome"] == "waiting for their proposal" and not row["finished"]
    assert row["your_utility"] is None and row["terms"] is None
    m.pass_turn()
    while m.running:
        m.step()
        if m.waiting_for() == "answer":
            m.answer(True)
        elif m.waiting_for() == "proposal":
            m.pass_turn()
    assert not m.can_step()  # over: nothing to step
    row = m.result()
    assert m.row_key == "abc-1" and m.seat.plays == 1
    again = SessionModel(sc=seminar, seed="7", seat=m.seat, **chosen)  # Reset: the next role-play is a new row
    assert again.row_key == "abc-2" and m.row_key == "abc-1"
    assert row["actor"] == "syria" and row["seed"] == 7 and row["finished"]
    assert row["settings"] == {"Syria: patience": pytest.approx(0.85)}
    assert row["round"] == int(m.end_round[0])
    assert row["your_utility"] == pytest.approx(100 * float(m.payoff[0, syria]))
    assert 0 < row["your_utility"] < 100 and 0 < row["model_utility"] < 100
    assert "Russian presence at Tartus: " in row["terms"] and "_" not in row["terms"]
    assert row["outcome"].startswith(("deal in round", "no deal", "breakdown", "forced exit", "withdrawal"))
    documented = registry.rows.__doc__
    console = ("session", "actor", "seed", "settings", "round", "outcome", "terms", "your_utility", "model_utility",
               "model_outcome", "finished", "live", "updated")
    for key in console:  # the instructor's console reads these
        assert f"``{key}``" in documented, key
        assert key in row or key in ("session", "live", "updated"), key  # the registry adds those three
