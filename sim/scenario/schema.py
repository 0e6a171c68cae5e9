"""The scenario format as typed, frozen models (pydantic).

This module says *what a scenario file may contain*: field names, types and ranges. Checks
that need more than one field (an actor naming an issue that exists, saliences summing to
one, linkage tables covering levels) live in :mod:`sim.checks`. Every numeric field may be
written as ``{value: X, note: ..., source: ...}``; :mod:`sim.scenario.yamlsource` strips that
wrapper before these models see it and keeps the note for reports.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Name = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,40}$")]
Scalar = float | bool | str
MAX_REPLICATIONS = 2_000_000
MAX_ROUNDS = 500
MAX_ACTORS = 20
MAX_ISSUES = 40
MAX_BOUND = 1e12  # |min| and |max| of a continuous issue: beyond this, max - min overflows in the engine


class Strict(BaseModel):
    """Base: unknown fields are errors, models are immutable."""

    # allow_inf_nan: YAML's .nan and .inf would pass bounds-free fields and poison every draw
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    note: str | None = None
    source: str | None = None


class UtilityShape(Strict):
    """How an issue's value falls with distance from an actor's ideal (docs/model.md, "Utility shapes").

    ``linear``: ``1 - d`` (today's, the default). ``concave``: ``(1 - d) ** curvature`` with
    ``0 < curvature < 1``: diminishing returns as the terms near the ideal. ``money``:
    ``1 - value_per_unit * D / reference`` with ``D`` the distance in the issue's units, so
    the value of an amount does not depend on the issue's bounds. (``d``, ``D`` raised to the
    actor's ``utility`` exponent when it is quadratic.)
    """

    shape: Literal["linear", "concave", "money"] = "linear"
    curvature: float | None = Field(default=None, gt=0, lt=1)
    value_per_unit: float | None = Field(default=None, gt=0, le=MAX_BOUND)
    reference: float | None = Field(default=None, gt=0, le=MAX_BOUND)

    @model_validator(mode="after")
    def _shape_fields(self) -> UtilityShape:
        if self.shape == "concave" and self.curvature is None:
            raise ValueError("a concave shape needs curvature: a number strictly between 0 and 1")
        if self.shape != "concave" and self.curvature is not None:
            raise ValueError("curvature is only for shape: concave")
        if self.shape != "money" and (self.value_per_unit is not None or self.reference is not None):
            raise ValueError("value_per_unit and reference are only for shape: money")
        return self


class Issue(Strict):
    """One negotiable issue: continuous (units, bounds), ordinal (named levels) or binary."""

    name: Name
    label: str | None = None
    kind: Literal["continuous", "ordinal", "binary"]
    units: str | None = None
    min: float | None = Field(default=None, ge=-MAX_BOUND, le=MAX_BOUND)
    max: float | None = Field(default=None, ge=-MAX_BOUND, le=MAX_BOUND)
    levels: list[Name] | None = None
    status_quo: Scalar
    breakdown: Scalar | None = None
    description: str | None = None
    utility: UtilityShape | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> Issue:
        if self.kind == "continuous":
            if self.min is None or self.max is None:
                raise ValueError("a continuous issue needs min and max (its bounds in its units)")
            if not self.max > self.min:
                raise ValueError(f"max ({self.max}) must be greater than min ({self.min})")
            if self.levels is not None:
                raise ValueError("levels are only for ordinal issues; remove them or use kind: ordinal")
        elif self.kind == "ordinal":
            if not self.levels or len(self.levels) < 2:
                raise ValueError("an ordinal issue needs levels: a list of at least two names, lowest first")
            if len(set(self.levels)) != len(self.levels):
                raise ValueError("ordinal levels must be distinct")
            if self.min is not None or self.max is not None:
                raise ValueError("min and max are only for continuous issues")
        else:
            if self.levels is not None or self.min is not None or self.max is not None:
                raise ValueError("a binary issue takes no levels, min or max; its values are true/false")
        return self


class Position(Strict):
    """An actor's ideal point on one issue and how much the issue matters to it."""

    ideal: Scalar
    salience: float = Field(ge=0, le=1)
    utility: UtilityShape | None = None


class Condition(Strict):
    """A declared test on an issue's value: ``{issue, op, value}``."""

    issue: Name
    op: Literal[">=", "<=", "==", "!=", ">", "<"]
    value: Scalar


class OutsideOption(Strict):
    """What an actor gets if talks break down.

    ``kind: fixed`` gives a utility in [0, 1]; ``kind: breakdown`` values the issues'
    breakdown terms (including what influencers then offer) plus a ``bonus`` for value not
    on the issue list (e.g. Russia's other footholds).
    """

    kind: Literal["fixed", "breakdown"] = "breakdown"
    utility: float | None = Field(default=None, ge=0, le=1)
    bonus: float = Field(default=0.0, ge=-1, le=1)

    @model_validator(mode="before")
    @classmethod
    def _number_is_fixed(cls, data: Any) -> Any:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"kind": "fixed", "utility": data}
        return data

    @model_validator(mode="after")
    def _utility_needed(self) -> OutsideOption:
        if self.kind == "fixed" and self.utility is None:
            raise ValueError("kind: fixed needs utility: a number in [0, 1]")
        if self.kind == "breakdown" and self.utility is not None:
            raise ValueError("utility is only for kind: fixed; kind: breakdown computes it (use bonus to shift it)")
        return self


class InsideOption(Strict):
    """What an actor gets each period while there is no agreement (needs ``timing:``).

    The per-period payoff is the actor's utility of the standing status-quo terms plus
    ``bonus`` (negative for a status quo that costs it, e.g. sanctions that bite).
    """

    bonus: float = Field(default=0.0, ge=-1, le=1)


STRATEGIES = ("belief", "equilibrium", "boulware", "linear", "conceder")


class Actor(Strict):
    """A party: a signatory of the deal, or an influencer that shapes it from outside."""

    name: Name
    label: str | None = None
    role: Literal["signatory", "influencer"]
    capability: float = Field(gt=0, le=1000)
    patience: float = Field(gt=0, le=1)
    utility: Literal["linear", "quadratic"] = "linear"
    positions: dict[Name, Position]
    red_lines: list[Condition] = []
    outside_option: OutsideOption = OutsideOption()
    inside_option: InsideOption = InsideOption()
    strategy: Literal["belief", "equilibrium", "boulware", "linear", "conceder"] = "belief"
    # influencers: `table` offers as declared; `chosen`: the model picks the share of its
    # tables (0 to `budget`) that does best by its preferences (docs/model.md, "Influencers")
    offers: Literal["table", "chosen"] = "table"
    budget: float = Field(default=1.0, ge=0, le=10)
    description: str | None = None

    @model_validator(mode="after")
    def _offers_for_influencers(self) -> Actor:
        if self.offers == "chosen" and self.role != "influencer":
            raise ValueError("offers: chosen is for influencers (signatories bargain at the table)")
        return self


class Linkage(Strict):
    """An influencer's offer on one of its issues as a function of the deal's terms.

    The offer is ``max(floor, generosity * table(combine(terms on depends_on)))`` on the
    issue's 0-1 scale, clipped to the issue's range; ``generosity`` grows by ``escalation``
    each round up to ``cap``.
    """

    name: Name
    actor: Name
    issue: Name
    depends_on: list[Name] = Field(min_length=1)
    combine: Literal["max", "min", "mean"] = "max"
    table: list[tuple[Scalar, Scalar]] = Field(min_length=2)
    generosity: float = Field(default=1.0, ge=0, le=10)
    escalation: float = Field(default=0.0, ge=-1, le=1)
    cap: float = Field(default=1.0, ge=0, le=10)
    floor: Scalar | None = None
    # the chance the offer is honoured (signatories value its expectation); default certain
    credibility: float | None = Field(default=None, ge=0, le=1)
    # false: the table's most generous entry is given whatever the deal's terms
    conditional: bool = True


class Budget(Strict):
    """Continuous deal issues that share one sum: shares of a pie, money from one purse.

    Every offer allocates exactly ``total`` (in the issues' units) across ``issues``; the
    proposer searches the allocations the budget allows (docs/model.md, "Budgets").
    """

    name: Name
    issues: list[Name] = Field(min_length=2)
    total: float = Field(ge=-MAX_BOUND, le=MAX_BOUND)


class Protocol(Strict):
    """The bargaining rule and its parameters."""

    name: str = "alternating_offers"
    rounds: int = Field(default=20, ge=1, le=MAX_ROUNDS)
    recognition: Literal["rotation", "capability"] = "rotation"
    order: list[Name] | None = None
    noise: float = Field(default=0.0, ge=0, le=1)
    margin: float = Field(default=0.0, ge=0, le=1)
    decision: Literal["majority", "unanimity"] = "unanimity"
    # declared: a positive weight per signatory (Nash bargaining weights, recognition odds)
    weights: Literal["capability", "equal"] | dict[Name, Annotated[float, Field(gt=0)]] = "capability"
    # expected_utility: play all `rounds`, or stop when the forecast settles (rounds = horizon)
    stop: Literal["rounds", "stable"] = "rounds"


class Timing(Strict):
    """Rounds as dated periods; while no deal is made the status quo pays every actor its flow."""

    start: str | datetime.date
    period: Literal["week", "month", "quarter"] = "month"
    flows: bool = True


class Action(Strict):
    """A unilateral action: instead of offering (at its turn) or after refusing an offer.

    On success (probability ``success``) the talks end with ``terms`` in force (other issues
    keep the standing status quo; linked issues follow the influencers' offers) and outcome
    kind ``outcome``; on failure the status quo stands and the talks go on. Every actor pays
    its ``cost`` either way (utility units, the same scale as a deal's value).
    """

    name: Name
    actor: Name
    label: str | None = None
    outcome: Literal["forced_exit", "withdrawal", "breakdown"]
    terms: dict[Name, Scalar] = Field(min_length=1)
    success: float = Field(default=1.0, gt=0, le=1)
    cost: dict[Name, Annotated[float, Field(ge=0, le=1)]] = {}
    when: list[Literal["turn", "refusal"]] = Field(default=["turn", "refusal"], min_length=1)
    description: str | None = None


class Effect(Strict):
    """One change an event makes to a parameter: set, add or scale."""

    target: str
    set: float | str | bool | None = None
    add: float | None = None
    scale: float | None = None

    @model_validator(mode="after")
    def _one_change(self) -> Effect:
        given = [k for k in ("set", "add", "scale") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("an effect needs exactly one of set, add or scale")
        return self


class Event(Strict):
    """A timed, possibly random, change: at ``round``, with ``probability``, apply effects."""

    name: Name
    round: int = Field(ge=1, le=MAX_ROUNDS)
    probability: float = Field(default=1.0, ge=0, le=1)
    effects: list[Effect] = Field(min_length=1)
    description: str | None = None


class _Dist(Strict):
    """Fields every distribution has: whether it is private to its actor, and its type grid.

    ``private: true`` makes the drawn value that actor's private type: the actor knows it,
    the others hold a belief over a grid of ``types`` points (equal-probability bins of the
    distribution, each at its bin's middle quantile; a ``choice`` uses its own values).
    """

    private: bool = False
    types: int = Field(default=7, ge=2, le=9)


class _Bounded(_Dist):
    """A distribution on [low, high]: high must exceed low."""

    @model_validator(mode="after")
    def _order(self) -> _Bounded:
        if not self.high > self.low:  # type: ignore[attr-defined]
            raise ValueError(f"high ({self.high}) must be greater than low ({self.low})")  # type: ignore[attr-defined]
        return self


class Uniform(_Bounded):
    """Uniform on [low, high]."""

    param: str
    dist: Literal["uniform"]
    low: float
    high: float


class TruncNormal(_Bounded):
    """Normal(mean, sd) truncated to [low, high]."""

    param: str
    dist: Literal["truncnormal"]
    mean: float
    sd: float = Field(gt=0)
    low: float
    high: float


class Beta(_Bounded):
    """Beta(a, b) rescaled to [low, high]."""

    param: str
    dist: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)
    low: float = 0.0
    high: float = 1.0


class Triangular(_Dist):
    """Triangular on [low, high] with mode."""

    param: str
    dist: Literal["triangular"]
    low: float
    mode: float
    high: float
    @model_validator(mode="after")
    def _order(self) -> Triangular:
        if not (self.low <= self.mode <= self.high and self.high > self.low):
            raise ValueError("need low <= mode <= high and low < high")
        return self


class Choice(_Dist):
    """One of ``values`` with optional ``weights`` (normalised)."""

    param: str
    dist: Literal["choice"]
    values: list[Scalar] = Field(min_length=1)
    weights: list[float] | None = None

    @model_validator(mode="after")
    def _weights(self) -> Choice:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(f"weights must have one entry per value ({len(self.weights)} weights for "
                                 f"{len(self.values)} values)")
            if any(w < 0 for w in self.weights) or sum(self.weights) <= 0:
                raise ValueError("weights must be non-negative and not all zero")
        return self


Distribution = Annotated[Uniform | TruncNormal | Beta | Triangular | Choice, Field(discriminator="dist")]


class Outcome(Strict):
    """A named indicator: a declared condition on the final terms and the outcome kind."""

    label: str | None = None
    when: dict[str, Any]
    description: str | None = None


class Lever(Strict):
    """A concession a sweep varies: a parameter path and its range (or its levels)."""

    name: Name
    target: str
    low: float | None = None
    high: float | None = None
    values: list[Scalar] | None = None
    cost: float = Field(default=0.0, ge=0)

    @model_validator(mode="after")
    def _range(self) -> Lever:
        if self.values is None and (self.low is None or self.high is None):
            raise ValueError("a lever needs low and high, or values")
        if self.values is None and not self.high > self.low:  # type: ignore[operator]
            raise ValueError(f"high ({self.high}) must be greater than low ({self.low})")
        return self


class Sweep(Strict):
    """A designed experiment over levers."""

    levers: list[Lever] = Field(min_length=1)
    design: Literal["grid", "lhs", "sobol"] = "grid"
    points: int = Field(default=16, ge=1, le=100_000)
    replications: int = Field(default=500, ge=1, le=MAX_REPLICATIONS)


class Run(Strict):
    """Ensemble size and randomness."""

    replications: int = Field(default=2000, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(default=20250101, ge=0, lt=2**63)
    block_size: int = Field(default=1000, ge=1, le=100_000)
    trajectories: int = Field(default=12, ge=0, le=1000)


class ScenarioSpec(Strict):
    """A whole scenario file after ``extends:`` overlays are merged."""

    name: Name
    title: str | None = None
    description: str | None = None
    question: str | None = None
    extends: str | None = None
    issues: list[Issue] = Field(min_length=1, max_length=MAX_ISSUES)
    actors: list[Actor] = Field(min_length=2, max_length=MAX_ACTORS)
    linkage: list[Linkage] = []
    budgets: list[Budget] = []
    protocol: Protocol = Protocol()
    protocols: list[str] | None = None
    timing: Timing | None = None
    actions: list[Action] = []
    events: list[Event] = []
    uncertainty: list[Distribution] = []
    outcomes: dict[Name, Outcome] = {}
    sweep: Sweep | None = None
    run: Run = Run()

    @field_validator("issues", "actors", "linkage", "events", "actions", "budgets")
    @classmethod
    def _unique_names(cls, items: list[Any]) -> list[Any]:
        from pydantic_core import PydanticCustomError

        seen: dict[str, int] = {}
        for i, item in enumerate(items):
            if item.name in seen:
                # index and first let the error point at the repeated item, not the list
                raise PydanticCustomError("duplicate_name", "name '{name}' is used twice; names must be unique",
                                          {"name": item.name, "index": i, "first": seen[item.name]})
            seen[item.name] = i
        return items
