"""Unilateral moves and the status quo's flow: what an actor can do instead of agreeing.

While no deal is signed the standing status quo is in force, and with ``timing:`` every
actor receives its per-period flow from it (an inside option; Binmore, Rubinstein & Wolinsky
1986; Muthoo 1999, ch. 5-6)::

    f_a = u_a(status quo) + inside_bonus_a,

where the influencers' linked offers follow the standing terms as they follow a deal's (the
West's sanctions relief answers the Russian presence there is, signed or not).

Values are in per-period units (a deal worth ``u`` pays ``u`` every period), so waiting one
round is worth ``(1 - delta_a) f_a + delta_a V_a(t + 1)``.

An action ``k`` of actor ``a`` (``actions:`` in the scenario) is a lottery: with probability
``p_k`` the talks end with the action's terms in force (linked issues follow the
influencers' offers for those terms), otherwise the status quo stands and the talks go on;
every actor ``j`` pays ``c_kj`` either way. Its value to ``j`` is::

    E_kj = p_k (u_j(terms_k) + bonus_j) - c_kj + (1 - p_k) c_j(t),

where ``bonus_j`` is ``j``'s outside-option bonus (value not on the issue list) and
``c_j(t)`` the value of waiting. A scenario that declares no actions keeps the walk-out of
earlier versions: every signatory may leave to the breakdown terms at any time, at no cost.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.state import State
from sim.engine.utility import breakdown_utilities, fill_linked, utilities
from sim.scenario.load import Scenario

NONE = -1  # no move available
IMPLICIT_WALK = -2  # the walk-out of scenarios without declared actions


@dataclass
class Moves:
    """Each actor's best unilateral move in one round, and what it would be worth to everyone.

    Attributes:
        turn_value: (n, A) value to the actor of its best move at its own turn (-inf: none).
        refusal_value: (n, A) the same after refusing an offer.
        turn_choice, refusal_choice: (n, A) which move (action index, NONE or IMPLICIT_WALK).
        turn_conseq, refusal_conseq: (n, A, A) every actor's value (last axis) of that move.

    """

    turn_value: np.ndarray
    refusal_value: np.ndarray
    turn_choice: np.ndarray
    refusal_choice: np.ndarray
    turn_conseq: np.ndarray
    refusal_conseq: np.ndarray


def status_quo_flow(sc: Scenario, st: State, gen: np.ndarray) -> np.ndarray | None:
    """(n, A) each actor's per-period payoff while no deal is signed; None without timing flows.

    Args:
        sc: Scenario.
        st: Batch parameters.
        gen: (n, L) the influencers' generosity in that round.

    """
    if sc.timing is None or not sc.timing.flows:
        return None
    return utilities(st, status_quo_terms(sc, st, gen)) + st.inside_bonus


def status_quo_terms(sc: Scenario, st: State, gen: np.ndarray) -> np.ndarray:
    """(n, I) the standing terms: the status quo, linked issues following the influencers' offers."""
    return fill_linked(sc, st, st.status_quo, gen)


def end_values(sc: Scenario, st: State, terms: np.ndarray) -> np.ndarray:
    """(n, A) every actor's value when an action ends the talks without a deal on ``terms``.

    The actor's utility of the terms plus its outside-option bonus (value not on the issue
    list, such as Russia's other footholds). A fixed outside option is the value of the
    walk-out of scenarios without actions; an action's terms are valued as terms.
    """
    return utilities(st, terms) + st.oo_bonus


def action_terms(sc: Scenario, st: State, k: int, gen: np.ndarray) -> np.ndarray:
    """(n, I) terms in force after action ``k`` succeeds (linked issues filled in at ``gen``)."""
    rule = sc.actions[k]
    terms = st.status_quo.copy()
    terms[:, list(rule.issues)] = rule.values
    return fill_linked(sc, st, terms, gen)


def unilateral_moves(sc: Scenario, st: State, gen: np.ndarray, wait: np.ndarray) -> Moves:
    """Every actor's best unilateral move in a round where waiting is worth ``wait`` (n, A)."""
    n, A = wait.shape
    if not sc.actions:
        _, b = breakdown_utilities(sc, st, gen)
        conseq = np.broadcast_to(b[:, None, :], (n, A, A))
        choice = np.full((n, A), IMPLICIT_WALK, np.int8)
        return Moves(b, b, choice, choice, conseq, conseq)
    turn_v = np.full((n, A), -np.inf)
    ref_v = np.full((n, A), -np.inf)
    turn_c = np.full((n, A), NONE, np.int8)
    ref_c = np.full((n, A), NONE, np.int8)
    turn_q = np.broadcast_to(wait[:, None, :], (n, A, A)).copy()
    ref_q = turn_q.copy()
    rows = np.arange(n)
    for k, rule in enumerate(sc.actions):
        p = st.act_success[:, k, None]
        value = p * end_values(sc, st, action_terms(sc, st, k, gen)) + (1.0 - p) * wait - st.act_cost[:, k]
        a = rule.actor
        for allowed, best, choice, conseq in (("turn", turn_v, turn_c, turn_q), ("refusal", ref_v, ref_c, ref_q)):
            if allowed not in rule.when:
                continue
            better = value[:, a] > best[:, a]  # ties keep the action declared first
            best[:, a] = np.where(better, value[:, a], best[:, a])
            choice[:, a] = np.where(better, k, choice[:, a])
            conseq[rows[better], a] = value[better]
    return Moves(turn_v, ref_v, turn_c, ref_c, turn_q, ref_q)
