"""What a student reads: terms in units and words, utilities on a 0-100 scale, the transcript.

``sim explain`` (:mod:`sim.analysis.transcript`) tells a negotiation to an analyst: issue
names, utilities on the engine's 0-1 scale. The seminar app tells it to a student: issue
labels with units ("Financial compensation paid by Russia: $2.5bn"), levels in words,
utilities as points out of 100 with what the ends of the scale mean, the person's own
moves in the second person, and in role-play nothing the person's seat may not know.

The scale (:mod:`sim.engine.utility`): an actor's utility is the salience-weighted sum over
issues of ``1 - distance from its ideal`` on each issue's 0-1 range. So 100 means every
issue exactly as the actor wants it, and 0 every issue a whole range away from that. An
outside-option bonus or the cost of an action can put a payoff a little beyond either end.
"""

from __future__ import annotations

import numpy as np

from sim.engine.model import NegotiationModel
from sim.engine.moves import IMPLICIT_WALK
from sim.engine.outcomes import KINDS
from sim.engine.planner import PASS, WALK
from sim.scenario.load import Scenario
from sim.scenario.params import describe
from sim.scenario.space import IssueInfo

#: What the ends of the 0-100 scale mean, for a line under any number a student reads.
SCALE = ("100 = every issue exactly as that side wants it, 0 = every issue a whole range away from that "
         "(issues weighted by how much they matter to it)")
SCALE_YOU = ("100 = every issue exactly as you want it, 0 = every issue a whole range away from that "
             "(issues weighted by how much they matter to you)")


# -- numbers and names ---------------------------------------------------------------------

def points(u: float) -> str:
    """A utility (0-1) as points out of 100 with one decimal: ``42.1``."""
    return f"{100 * float(u):.1f}"


def worth(u: float) -> str:
    """A utility (0-1) as ``42.1/100``."""
    return f"{points(u)}/100"


def actor_name(sc: Scenario, j: int) -> str:
    """An actor as a seminar calls it: its label without the parenthesis ("Syria"), else its name in words."""
    spec = sc.spec.actors[j]
    if spec.label:
        return spec.label.split(" (")[0]
    return spec.name.replace("_", " ").title()


def value_words(info: IssueInfo, x: float) -> str:
    """One issue's value (0-1 scale) in its units or level words: ``$2.5bn``, ``45% of US sanctions lifted``."""
    v = info.to_user(float(x))
    if info.kind == "binary":
        return "yes" if v else "no"
    if info.kind == "ordinal":
        return str(v).replace("_", " ")
    return amount_words(info, float(v))


def amount_words(info: IssueInfo, v: float) -> str:
    """A continuous issue's amount in its units (money, shares as percentages, anything else as written)."""
    units = info.units
    if units.startswith("$bn"):
        return f"${v:.1f}bn{units[3:]}"
    if units.startswith("share of "):
        return f"{v:.0%} {units[len('share '):]}"
    return f"{v:.2f} {units}".rstrip()


def terms_items(sc: Scenario, x: np.ndarray, only: list[int] | None = None) -> list[tuple[str, str]]:
    """(label, value in words) per issue, deal issues first, then what the outsiders offer."""
    space = sc.space
    order = only if only is not None else [*space.deal_disc, *space.deal_cont, *space.linked]
    return [(space.issues[i].label, value_words(space.issues[i], x[i])) for i in order]


def terms_words(sc: Scenario, x: np.ndarray, only: list[int] | None = None) -> str:
    """Terms in one line: ``Russian presence at Tartus: reduced; Lease length: five years; ...``."""
    return "; ".join(f"{label}: {value}" for label, value in terms_items(sc, x, only))


def deal_issues(sc: Scenario) -> list[int]:
    """The issues the signatories bargain over (the outsiders' offers follow from them)."""
    return [*sc.space.deal_disc, *sc.space.deal_cont]


def when(sc: Scenario, t: int) -> str:
    """``round 3`` or, with dated rounds, ``round 3 (2025-03)``."""
    return f"round {t}" + (f" ({sc.calendar.label(t)})" if sc.calendar is not None else "")


def period(sc: Scenario) -> str:
    """What one round stands for: ``month``, ``week``, ``quarter`` or ``round``."""
    return sc.calendar.period if sc.calendar is not None else "round"


def param_words(sc: Scenario, path: str, v: float, explain: bool = True) -> str:
    """A parameter's value (internal scale) in words with units, as a slider readout or a belief shows it.

    ``explain=False`` leaves out what the scale means (``+12.5 points``, ``0.90``), for a value
    shown among others of the same parameter (a belief's chances, a range).
    """
    pdef = sc.params.get(path)
    if pdef is not None and pdef.issue is not None:
        return value_words(pdef.issue, v)
    if path.endswith("_option.bonus"):
        return f"{100 * v:+.1f} points" + (" (on its own 0-100 scale)" if explain else "")
    if path.endswith("outside_option.utility"):
        return worth(v) + (" (on its own scale)" if explain else "")
    if not explain:
        return f"{v:.2f}"
    if path.endswith(".patience"):
        return f"{v:.2f} per {period(sc)} (a {period(sc)}'s wait costs {1 - v:.0%} of what is at stake)"
    if path.endswith(".generosity"):
        return f"{v:.2f} × its offer table"
    if path == "protocol.noise":
        return f"{100 * v:.1f} points (0 = every answer exactly by the numbers)"
    return f"{v:g}"


def outcome_words(sc: Scenario, m: NegotiationModel, r: int) -> str:
    """'deal in round 2 (2025-02), proposed by Russia', 'breakdown in round 3: Russia walked out', ..."""
    kind = KINDS[int(m.kind[r])]
    at = when(sc, int(m.end_round[r]))
    walker = actor_name(sc, int(m.walker[r])) if int(m.walker[r]) >= 0 else ""
    if kind == "deal":
        return f"deal in {at}, proposed by {actor_name(sc, int(m.proposer[r]))}"
    if kind == "breakdown":
        return f"breakdown in {at}: {walker} walked out"
    if kind == "forced_exit":
        return f"forced exit in {at}: {walker} ordered the other side out, and it left"
    if kind == "withdrawal":
        return f"withdrawal in {at}: {walker} left for its other options"
    return f"no deal by the deadline ({at}): the status quo stands"


# -- beliefs -------------------------------------------------------------------------------

def belief_lines(sc: Scenario, j: int, post: np.ndarray, observer: str) -> list[str]:
    """What ``observer`` believes about actor ``j``'s private numbers, in words (one line per parameter).

    Args:
        sc: The scenario (its type grid for ``j`` is the prior everyone knows).
        j: The actor whose numbers are private.
        post: (m,) the belief over ``j``'s types.
        observer: Who holds the belief ("You", "Syria").

    """
    grid = sc.types[j]
    out = []
    for q, path in enumerate(grid.paths):
        values = grid.values[:, q]
        cut = float(np.quantile(values, 0.5, method="inverted_cdf"))
        high = values >= cut - 1e-12
        now, before = float(post[high].sum()), float(grid.weights[high].sum())
        mean = float((post * values).sum())
        verb = "think" if observer == "You" else "thinks"
        whose, _, what = describe(sc, path).partition(": ")
        what = f"{actor_name(sc, j)}'s {what}" if what else whose
        def bare(v: float, path: str = path) -> str:
            return param_words(sc, path, v, explain=False)

        spread = ", ".join(f"{bare(v)} {p:.0%}" for v, p in zip(values, post, strict=True))
        out.append(f"{observer} {verb} {what} is at least {bare(cut)} with probability "
                   f"{now:.0%} (at the start: {before:.0%}); best guess {bare(mean)}. "
                   f"Chances: {spread}.")
    return out


# -- the transcript ------------------------------------------------------------------------

def transcript(m: NegotiationModel, you: int | None = None, row: int = 0,
               upto: int | None = None) -> list[tuple[int, str]]:
    """The story so far of traced row ``row``, as (indent, sentence) lines.

    Args:
        m: A model made with ``trace``.
        you: The actor a person plays: "You" in the story; the other side's reasons and
            numbers (reservations, values of waiting, outside options, what it believes
            about you) are left out: a player sees moves, not minds.
        row: Position in the model's traced rows.
        upto: Tell rounds 1..``upto`` only (a replay); the outcome only once every round played is told.

    """
    sc, tr = m.sc, m.trace
    told = len(tr.proposer) if upto is None else max(0, min(upto, len(tr.proposer)))
    r = int(tr.rows[row])
    noise = float(m.state.noise[r])
    events = {e.name: (e.description or e.name.replace("_", " ")).rstrip(".") for e in sc.spec.events}

    def name(a: int) -> str:
        return "You" if a == you else actor_name(sc, a)

    def says(a: int, third: str, second: str) -> str:
        return f"{name(a)} {second if a == you else third}"

    def hidden(a: int) -> bool:
        return you is not None and a != you

    def it(a: int) -> str:
        return "you" if a == you else "it"

    lines: list[tuple[int, str]] = []
    for t in range(told):
        head = when(sc, t + 1).capitalize()
        for ev in tr.fired[t]:
            lines.append((0, f"{head}: {events.get(ev, ev)}."))
        p, act = int(tr.proposer[t][row]), int(tr.action[t][row])
        if act == PASS:
            why = "" if hidden(p) else (f": nothing {it(p)} could offer beats waiting (worth "
                                        f"{worth(tr.continuation[t][row][p])} to {it(p)})")
            lines.append((0, f"{head}: {says(p, 'makes', 'make')} no offer{why}."))
        elif act == WALK:
            why = "" if hidden(p) else (f": worth {worth(tr.walk_value[t][row][p])} to {it(p)} against "
                                        f"{worth(tr.continuation[t][row][p])} for waiting")
            lines.append((0, f"{head}: {_move(sc, tr, t, row, p, name(p), p == you)}{why}."))
        else:
            offer = tr.offer[t][row]
            lines.append((0, f"{head}: {says(p, 'proposes', 'propose')}: {terms_words(sc, offer, deal_issues(sc))}."))
            if sc.linkage:
                lines.append((1, f"With it the outsiders offer: {terms_words(sc, offer, list(sc.space.linked))}."))
            for j in sc.signatories:
                if j == p:
                    continue
                lines.append((1, _answer(sc, tr, t, row, j, name(j), noise, j == you, hidden(j))))
                if tr.mover and int(tr.mover[t][row]) == j:
                    lines.append((1, f"{_move(sc, tr, t, row, j, name(j), j == you)}."))
        if tr.beliefs:
            for j, post in tr.beliefs[t].items():
                if j == you:
                    continue  # what the others think of the person is theirs to know
                observer = "You" if you is not None else " and ".join(
                    actor_name(sc, a) for a in sc.signatories if a != j)
                before = tr.beliefs[t - 1][j][row] if t > 0 else sc.types[j].weights
                if np.allclose(post[row], before, atol=0.005):
                    continue  # nothing learned this round
                lines += [(1, line) for line in belief_lines(sc, j, post[row], observer)]
    if m.done[r] and told == len(tr.proposer):
        lines.append((0, f"Outcome: {outcome_words(sc, m, r)}."))
        lines.append((1, f"Final terms: {terms_words(sc, m.terms[r])}."))
        if you is not None:
            lines.append((1, f"Worth to you: {worth(m.payoff[r, you])}."))
        else:
            lines.append((1, "Worth to each side (each on its own 0-100 scale): "
                          + ", ".join(f"{actor_name(sc, a)} {points(m.payoff[r, a])}" for a in range(len(sc.actors)))
                          + "."))
    return lines


def _answer(sc: Scenario, tr, t: int, row: int, j: int, who: str, noise: float, yours: bool, hidden: bool) -> str:
    accepted = bool(tr.accepted[t][row][j])
    if hidden:
        return f"{who} {'accepts' if accepted else 'refuses'}."
    u, b, c = (float(x[row][j]) for x in (tr.offer_utility[t], tr.walk_value[t], tr.continuation[t]))
    move = "best move instead" if sc.actions else "outside option"
    best = worth(b) if np.isfinite(b) else "none"
    if yours:
        return (f"You {'accept' if accepted else 'refuse'}: the offer was worth {worth(u)} to you; your {move} "
                f"{best}, waiting {worth(c)}.")
    note = ""
    r = max(b, c)
    if noise > 0 and accepted != (u >= r):
        p_acc = 1.0 / (1.0 + np.exp(-(u - r) / noise))
        note = (f" Against the odds: with acceptance noise of {points(noise)} points such an offer is accepted "
                f"with probability {p_acc:.0%}.")
    return (f"{who} {'accepts' if accepted else 'refuses'}: the offer is worth {worth(u)} to it; it needs {worth(r)}, "
            f"the larger of its {move} ({best}) and waiting ({worth(c)}).{note}")


def _move(sc: Scenario, tr, t: int, row: int, actor: int, who: str, yours: bool) -> str:
    """What a unilateral move was, and whether it worked."""
    if not tr.move or int(tr.move[t][row]) == IMPLICIT_WALK or not sc.actions:
        return f"{who} {'walk' if yours else 'walks'} out"
    rule = sc.actions[int(tr.move[t][row])]
    result = "it works" if bool(tr.moved_ok[t][row]) else "it fails; the status quo stands"
    return f"{who} {'act' if yours else 'acts'}: {rule.label} ({result})"
