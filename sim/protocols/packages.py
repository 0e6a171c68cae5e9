"""The deal space as solution concepts see it: discrete packages, linked offers, red lines.

A deal fixes every ordinal and binary deal issue (one of the scenario's discrete packages)
and every continuous deal issue; the linked issues then follow the influencers' linkage,
which reads only discrete deal issues. So each package has a fixed utility part per actor,
and red lines on continuous issues are a box the continuous terms must stay in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.engine.state import State
from sim.engine.utility import issue_value, linkage_base, linked_values
from sim.scenario.conditions import compare
from sim.scenario.load import Scenario

_STRICT = 2e-9  # just inside a strict red line (conditions compare with a 1e-9 tolerance)


@dataclass
class PackageSpace:
    """Per replication, what each discrete package is worth and whether it is allowed.

    Attributes:
        terms: (n, K, I) each package's terms, continuous deal issues at the status quo.
        fixed: (n, A, K) each actor's utility from the package's discrete and linked terms.
        allowed: (n, K) every signatory's red lines on discrete and linked issues hold.
        lo: (C,) lower bound of each continuous deal issue allowed by red lines.
        hi: (C,) upper bound (``lo > hi``: no continuous terms are allowed).

    """

    terms: np.ndarray
    fixed: np.ndarray
    allowed: np.ndarray
    lo: np.ndarray
    hi: np.ndarray


def package_space(sc: Scenario, st: State, gen: np.ndarray) -> PackageSpace:
    """Enumerate the packages at influencers' generosity ``gen`` (n, L)."""
    space = sc.space
    n, K = st.n, len(space.packages)
    terms = np.repeat(st.status_quo[:, None, :], K, axis=1)
    disc = list(space.deal_disc)
    if disc:
        terms[:, :, disc] = space.packages[None]
    if sc.linkage:
        il = [r.issue for r in sc.linkage]
        base = linkage_base(sc, terms[0])  # linkage reads discrete deal issues only: same for every row
        terms[:, :, il] = linked_values(sc, st, np.broadcast_to(base[None], (n, *base.shape)), gen)
    fixed_issues = disc + [r.issue for r in sc.linkage]
    v = issue_value(terms[:, None, :, fixed_issues], st.ideal[:, :, None, fixed_issues],
                    st.shape[None, :, None, None])
    fixed = np.einsum("nai,naki->nak", st.salience[:, :, fixed_issues], v)
    cont = list(space.deal_cont)
    lo, hi = np.zeros(len(cont)), np.ones(len(cont))
    allowed = np.ones((n, K), dtype=bool)
    for a in sc.signatories:
        for c in sc.red_lines[a]:
            if c.issue in cont:
                j = cont.index(c.issue)
                lo[j], hi[j] = _bound(c.op, c.value, lo[j], hi[j])
            else:
                allowed &= compare(terms[:, :, c.issue], c.op, c.value)
    return PackageSpace(terms, fixed, allowed, lo, hi)


def _bound(op: str, v: float, lo: float, hi: float) -> tuple[float, float]:
    """Tighten [lo, hi] by one red line; ``!=`` excludes a single point and is left out."""
    if op in (">=", "=="):
        lo = max(lo, v)
    if op in ("<=", "=="):
        hi = min(hi, v)
    if op == ">":
        lo = max(lo, v + _STRICT)
    if op == "<":
        hi = min(hi, v - _STRICT)
    return lo, hi


def project_on_red_lines(sc: Scenario, terms: np.ndarray) -> np.ndarray:
    """(n, I) ``terms`` moved to the nearest value every signatory's red lines allow, issue by issue.

    Red lines are single-issue comparisons, so what they allow is a set per issue: an
    interval on a continuous issue, a subset of levels on a discrete one. Linked issues are
    left alone (linkage sets them), as is an issue whose red lines allow nothing.
    """
    out = terms.copy()
    conds = [c for a in sc.signatories for c in sc.red_lines[a]]
    for i, info in enumerate(sc.space.issues):
        mine = [c for c in conds if c.issue == i]
        if not mine or i in sc.space.linked:
            continue
        if info.kind == "continuous":
            lo, hi = 0.0, 1.0
            for c in mine:
                lo, hi = _bound(c.op, c.value, lo, hi)
            if lo <= hi:
                out[:, i] = np.clip(out[:, i], lo, hi)
            continue
        levels = np.linspace(0.0, 1.0, info.n_levels)
        ok = np.ones(len(levels), dtype=bool)
        for c in mine:
            ok &= compare(levels, c.op, c.value)
        if ok.any():
            allowed = levels[ok]
            out[:, i] = allowed[np.abs(out[:, i, None] - allowed[None, :]).argmin(axis=1)]
    return out
