"""Baron & Ferejohn (1989): dividing a dollar by random recognition and a closed-rule vote.

Each round one of ``n`` players is recognised (player i with probability ``p_i``) and
proposes a split; the others vote it up or down without amendment. It passes with
``quota`` yes votes, the proposer's included (majority: ``n // 2 + 1``; unanimity: ``n``);
otherwise the game repeats after discounting by ``delta``. In a stationary subgame-perfect
equilibrium every player's continuation value is ``v_j``; the proposer buys the
``quota - 1`` cheapest votes, paying each partner ``delta v_j``, and keeps the rest, so the
first proposal passes. Closed forms:

* equal recognition (``p_i = 1/n``, any quota): ``v_j = 1/n``; the proposer keeps
  ``1 - (quota - 1) delta / n``, each partner gets ``delta / n``, the others nothing
  (n = 5, delta = 0.9, majority: 0.64, 0.18, 0.18, 0, 0);
* unanimity (any ``p``): ``v_j = p_j``; proposer i keeps ``1 - delta (1 - p_i)``, every
  other j gets ``delta p_j``.

With unequal recognition under a majority rule the proposer mixes over equally cheap
coalitions (Eraslan 2002) and no closed form is offered here.
"""

from __future__ import annotations

import numpy as np


def quota(n: int, rule: str) -> int:
    """Yes votes a proposal needs: a simple majority or everyone."""
    return n if rule == "unanimity" else n // 2 + 1


def stationary_values(p: np.ndarray, delta: float, q: int) -> np.ndarray:
    """Each player's expected share ``v`` in the stationary equilibrium (closed-form cases).

    Raises:
        ValueError: For unequal recognition under a less-than-unanimous quota.

    """
    p = np.asarray(p, dtype=float)
    n = len(p)
    if q >= n:
        return p.copy()
    if not np.allclose(p, 1.0 / n):
        raise ValueError("no closed form for unequal recognition under majority rule (Eraslan 2002)")
    return np.full(n, 1.0 / n)


def split(proposer: int, p: np.ndarray, delta: float, q: int) -> np.ndarray:
    """(n,) the equilibrium proposal of ``proposer``: partners get ``delta v_j``, the rest 0.

    Ties among equally cheap partners go to the lowest-numbered players (any choice among
    them is an equilibrium proposal; their expected payoffs are what ``v`` reports).
    """
    v = stationary_values(p, delta, q)
    others = [j for j in np.argsort(v, kind="stable") if j != proposer][: q - 1]
    out = np.zeros(len(v))
    out[others] = delta * v[others]
    out[proposer] = 1.0 - out.sum()
    return out
