"""Load a scenario: read YAML safely, merge ``extends:``, validate, compile for the engine.

:func:`load_scenario` is the one entry point. It raises :class:`sim.errors.ScenarioError`
with every problem located at ``file:line: field``; it never lets a pydantic or YAML
traceback reach the user.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import Problem, ScenarioError
from sim.protocols.registry import problem as protocol_problem
from sim.scenario.conditions import Cond, ConditionProblem, compile_condition
from sim.scenario.overlay import Resolved, resolve
from sim.scenario.params import ParamDef, build_params
from sim.scenario.process import ActionRule, Calendar, TypeGrid, compile_process
from sim.scenario.pydantic_errors import pydantic_problems
from sim.scenario.space import MAX_DISCRETE_PACKAGES, IssueInfo, IssueSpace, ValueProblem
from sim.scenario.yamlsource import PathKey, format_path

SALIENCE_TOLERANCE = 1e-3
MAX_MONEY_SCALE = 3.0  # largest money loss scale k: utilities stay in [-2, 1], where the planner inverts them


@dataclass(frozen=True)
class LinkageRule:
    """A compiled linkage: issue index, depends-on indices, combine rule, table on 0-1 scales."""

    name: str
    actor: int
    issue: int
    depends_on: tuple[int, ...]
    combine: str
    xs: np.ndarray
    ys: np.ndarray


@dataclass(frozen=True)
class BudgetRule:
    """A compiled budget: its issues and the sum on the 0-1 scales.

    An allocation ``z`` (each issue on its 0-1 scale) keeps the budget when
    ``sum_i width_i z_i == room``, with ``width_i = max_i - min_i`` and
    ``room = total - sum_i min_i`` (the money left once every issue has its minimum).
    """

    name: str
    issues: tuple[int, ...]
    width: np.ndarray
    room: float


@dataclass(frozen=True)
class EventRule:
    """A compiled event: effects as (param path, mode, internal value)."""

    name: str
    round: int
    effects: tuple[tuple[str, str, float], ...]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario, ready for the engine. Immutable.

    Attributes:
        spec: The validated, merged scenario (:class:`sim.scenario.schema.ScenarioSpec`).
        file: The file the user named.
        files: Every file read, base first.
        sha256: Hash of the files' bytes, in order.
        resolved: The merged plain data (what the manifest stores).
        space: The issue space.
        params: Every addressable number by path.
        actors: Actor names in order.
        signatories: Indices of signatories, in proposing order.
        red_lines: Per actor, compiled red-line conditions.
        linkage: Compiled linkage rules.
        events: Compiled events.
        outcomes: Indicator name → compiled condition.
        annotations: Path → note/source for every annotated value.
        calendar: Dated rounds (``timing:``), or None.
        actions: Compiled unilateral actions.
        types: Per actor, its private types (None: nothing private).
        strategies: Per actor, its strategy's name.
        budgets: Compiled budgets (continuous deal issues sharing one sum).
        shape_scale: (A, I) money shapes' loss scale ``k`` (None: every issue linear in loss).
        shape_power: (A, I) concave shapes' power ``r`` of closeness (None: none concave).
        lines: Field path → (file, line) it came from, for messages about valid files
            (``validate --strict``); not compared, not in the manifest.

    """

    spec: Any
    file: str
    files: tuple[str, ...]
    sha256: str
    resolved: dict[str, Any]
    space: IssueSpace
    params: dict[str, ParamDef]
    actors: tuple[str, ...]
    signatories: tuple[int, ...]
    red_lines: tuple[tuple[Cond, ...], ...]
    linkage: tuple[LinkageRule, ...]
    events: tuple[EventRule, ...]
    outcomes: dict[str, Cond]
    annotations: dict[str, dict[str, str]] = field(default_factory=dict)
    calendar: Calendar | None = None
    actions: tuple[ActionRule, ...] = ()
    types: tuple[TypeGrid | None, ...] = ()
    strategies: tuple[str, ...] = ()
    budgets: tuple[BudgetRule, ...] = ()
    shape_scale: np.ndarray | None = None
    shape_power: np.ndarray | None = None
    lines: dict[str, tuple[str, int | None]] = field(default_factory=dict, repr=False, compare=False)

    def where(self, path: str) -> tuple[str, int | None]:
        """File and line a field path (as :meth:`assumptions` writes it) came from."""
        return self.lines.get(path, (self.file, None))

    @property
    def timing(self) -> Calendar | None:
        """Dated rounds and status-quo flows (None: undated rounds, no flows)."""
        return self.calendar

    @property
    def private(self) -> bool:
        """Some signatory has private parameters (the others hold beliefs about them)."""
        return any(g is not None for g in self.types)

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self.spec.name

    def assumptions(self) -> list[dict[str, Any]]:
        """Every number in the scenario with its path, value and note/source, for reports.

        A number without its own note takes the nearest note of the item that holds it
        (e.g. a position's note covers its ideal and salience).
        """
        rows: list[dict[str, Any]] = []

        def walk(value: Any, path: tuple[Any, ...], inherited: dict[str, str]) -> None:
            text = format_path(path, self.resolved)
            own = self.annotations.get(text)
            if own is None and isinstance(value, dict) and (value.get("note") or value.get("source")):
                own = {k: str(value[k]) for k in ("note", "source") if value.get(k)}
            notes = own or inherited
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(v, (*path, k), notes)
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    # a named item (an actor, an issue) stands alone; other items inherit
                    walk(v, (*path, i), {} if isinstance(v, dict) and "name" in v else notes)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                rows.append({"path": text, "value": value, "note": notes.get("note", ""),
                             "source": notes.get("source", "")})

        walk(self.resolved, (), {})
        return rows


def load_scenario(path: str | Path, *, max_nodes: int | None = None) -> Scenario:
    """Read, merge, validate and compile a scenario file.

    Args:
        path: The scenario YAML.
        max_nodes: Raise the bound on values after alias expansion (for huge legitimate files).

    Returns:
        The compiled scenario.

    Raises:
        ScenarioError: Every problem, located, in line order.

    """
    # pydantic loads on the first validation, not when the Scenario type is imported
    from pydantic import ValidationError

    from sim.scenario.schema import ScenarioSpec

    res = resolve(path, max_nodes=max_nodes)
    try:
        spec = ScenarioSpec.model_validate(res.data)
    except ValidationError as exc:
        raise ScenarioError(_sorted(pydantic_problems(exc, res))) from None
    problems: list[Problem] = []
    compiled = _compile(spec, res, problems)
    if problems:
        raise ScenarioError(_sorted(_fold_removed(problems, res)))
    digest = hashlib.sha256()
    for f in res.files:
        digest.update(Path(f).read_bytes())
    annotations = {format_path(k, res.data): v for k, v in res.annotations.items()}
    return Scenario(spec=spec, file=str(path), files=tuple(res.files), sha256=digest.hexdigest(),
                    resolved=json.loads(json.dumps(res.data, default=str)), annotations=annotations,
                    lines={format_path(k, res.data): v for k, v in res.locs.items()}, **compiled)


_NAMED = re.compile(r"^no (issue|actor|event) named '([^']+)'")


def _fold_removed(problems: list[Problem], res: Resolved) -> list[Problem]:
    """Report uses of an item a variant removed once, at the ``remove:`` line, listing every use.

    Removing an issue the base still refers to would otherwise give one "no issue named"
    line per use, each pointing into the base file, none at the line that caused them.
    """
    uses: dict[tuple[str, str], list[Problem]] = {}
    rest = []
    for p in problems:
        m = _NAMED.match(p.message)
        key = (m.group(1) + "s", m.group(2)) if m else None
        if key is not None and key in res.removed:
            uses.setdefault(key, []).append(p)
        else:
            rest.append(p)
    for (section, name), found in uses.items():
        file, line = res.removed[(section, name)]
        where = ", ".join(f"{p.path} ({Path(p.file).name}:{p.line})" for p in found)
        rest.append(Problem(file, line, f"{section}[{name}]",
                            f"removed here, but still used by {where}; remove or change those uses in this file "
                            f"too, or keep the {section[:-1]}"))
    return rest


def _sorted(problems: list[Problem]) -> list[Problem]:
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.file, p.line or 0))


# --- cross-field checks and compilation ------------------------------------------------

def _compile(spec: Any, res: Resolved, problems: list[Problem]) -> dict[str, Any]:
    """Check what one field cannot check alone, and build the engine's structures.

    One checker per section of the format (:class:`_Sections`), all adding to ``problems``;
    a new field touches the checker of its section only. Parameter paths are checked only
    when the sections before them are sound (they are built from those sections).
    """
    s = _Sections(spec, res, problems)
    s.issues()
    s.actors()
    s.linkage()
    s.deal_space()
    s.budgets()
    s.red_lines()
    s.outcomes()
    s.protocol()
    s.shapes()
    if problems:
        return {}
    s.params = build_params(spec, s.infos)
    s.events()
    s.uncertainty()
    s.sweep()
    s.process()
    return {"space": s.space, "params": s.params, "actors": tuple(s.actor_names), "signatories": tuple(s.order),
            "red_lines": tuple(s.red_line_conds), "linkage": tuple(s.rules), "events": tuple(s.event_rules),
            "outcomes": s.indicators, "budgets": tuple(s.budget_rules), "shape_scale": s.shape_scale,
            "shape_power": s.shape_power, **s.process_fields}


class _Sections:
    """The cross-field checks of each section of the format, sharing one collector of problems."""

    def __init__(self, spec: Any, res: Resolved, problems: list[Problem]) -> None:
        self.spec, self.res, self.problems = spec, res, problems
        self.issue_names = [i.name for i in spec.issues]
        self.actor_names = [a.name for a in spec.actors]
        self.infos: dict[str, IssueInfo] = {}
        self.signatories: list[int] = []
        self.order: list[int] = []
        self.linked: dict[str, int] = {}
        self.rules: list[LinkageRule] = []
        self.space: IssueSpace | None = None
        self.red_line_conds: list[tuple[Cond, ...]] = []
        self.indicators: dict[str, Cond] = {}
        self.params: dict[str, ParamDef] = {}
        self.event_rules: list[EventRule] = []
        self.process_fields: dict[str, Any] = {}
        self.budget_rules: list[BudgetRule] = []
        self.shape_scale: np.ndarray | None = None
        self.shape_power: np.ndarray | None = None

    def bad(self, path: PathKey, message: str) -> None:
        """Record a problem at ``path`` (file and line from the resolved source)."""
        file, line = self.res.loc(path)
        self.problems.append(Problem(file, line, format_path(path, self.res.data), message))

    def issue_ref(self, path: PathKey, name: str) -> bool:
        """Whether ``name`` is an issue; else record the problem with a did-you-mean."""
        if name in self.infos:
            return True
        close = difflib.get_close_matches(name, self.issue_names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ";"
        self.bad(path, f"no issue named '{name}'{hint} allowed: {', '.join(self.issue_names)}")
        return False

    def check_target(self, path: PathKey, target: str) -> ParamDef | None:
        """The parameter a path names; else record the problem."""
        if target in self.params:
            return self.params[target]
        close = difflib.get_close_matches(target, list(self.params), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        self.bad(path, f"'{target}' is not a parameter; {hint}allowed: a path such as actors.NAME.patience, "
                       "actors.NAME.positions.ISSUE.ideal, linkage.NAME.generosity, issues.NAME.status_quo "
                       "(`sim params FILE` lists them all)")
        return None

    def issues(self) -> None:
        """``issues:``: each issue's scale; status quo and breakdown terms on it."""
        for i, iss in enumerate(self.spec.issues):
            info = IssueInfo(iss.name, iss.label or iss.name.replace("_", " "), iss.kind,
                             iss.min if iss.min is not None else 0.0, iss.max if iss.max is not None else 1.0,
                             tuple(iss.levels or ()), iss.units or "")
            self.infos[iss.name] = info
            for key in ("status_quo", "breakdown"):
                val = getattr(iss, key)
                if val is not None:
                    try:
                        info.to_norm(exact_value(info, val))
                    except ValueProblem as exc:
                        self.bad(("issues", i, key), str(exc))

    def actors(self) -> None:
        """``actors:``: two signatories at least; positions on known issues, saliences summing to 1."""
        spec, bad = self.spec, self.bad
        self.signatories = [j for j, a in enumerate(spec.actors) if a.role == "signatory"]
        self.order = self.signatories
        if len(self.signatories) < 2:
            bad(("actors",), f"at least two actors need role: signatory (found {len(self.signatories)}); "
                             "a deal needs two parties")
        for j, a in enumerate(spec.actors):
            total = 0.0
            for iname, pos in a.positions.items():
                if self.issue_ref(("actors", j, "positions", iname), iname):
                    try:
                        self.infos[iname].to_norm(exact_value(self.infos[iname], pos.ideal))
                    except ValueProblem as exc:
                        bad(("actors", j, "positions", iname, "ideal"), str(exc))
                total += pos.salience
            if a.positions and abs(total - 1.0) > SALIENCE_TOLERANCE:
                bad(("actors", j, "positions"), f"saliences of '{a.name}' sum to {total:.4g}; "
                                                "allowed: they must sum to 1 (each is a share of attention)")
            if not a.positions:
                bad(("actors", j, "positions"), "an actor needs at least one position (issue: {ideal, salience})")

    def linkage(self) -> None:
        """``linkage:``: influencers' conditional offers, one per issue, tables on the issues' scales."""
        spec, bad, infos, actor_names, issue_names = self.spec, self.bad, self.infos, self.actor_names, self.issue_names
        linked = self.linked
        for k, lk in enumerate(spec.linkage):
            base = ("linkage", k)
            if lk.actor not in actor_names:
                bad((*base, "actor"), f"no actor named '{lk.actor}'; allowed: {', '.join(actor_names)}")
            elif spec.actors[actor_names.index(lk.actor)].role != "influencer":
                bad((*base, "actor"), f"'{lk.actor}' is a signatory; linkage is for influencers, who offer "
                                      "from outside the deal")
            if not self.issue_ref((*base, "issue"), lk.issue):
                continue
            if lk.issue in linked:
                bad((*base, "issue"), f"'{lk.issue}' is already set by linkage "
                                      f"'{spec.linkage[linked[lk.issue]].name}'; allowed: one linkage per issue")
                continue
            linked[lk.issue] = k
            deps_ok = True
            for d, dep in enumerate(lk.depends_on):
                if not self.issue_ref((*base, "depends_on", d), dep):
                    deps_ok = False
                elif infos[dep].kind == "continuous":
                    bad((*base, "depends_on", d), f"'{dep}' is continuous; allowed: ordinal or binary deal issues "
                                                  "(the engine enumerates their packages)")
                    deps_ok = False
            if not deps_ok:
                continue
            target = infos[lk.issue]
            xs, ys = [], []
            for t, (x, y) in enumerate(lk.table):
                try:
                    xs.append(infos[lk.depends_on[0]].to_norm(x) if isinstance(x, str | bool)
                              else _unit(x))
                except ValueProblem as exc:
                    bad((*base, "table", t, 0), str(exc))
                except ValueError:
                    bad((*base, "table", t, 0), f"{x!r}: allowed: a level of '{lk.depends_on[0]}' or a number in "
                                                "[0, 1]")
                try:
                    ys.append(target.to_norm(y))
                except ValueProblem as exc:
                    bad((*base, "table", t, 1), str(exc))
            if len(xs) == len(lk.table) and len(ys) == len(lk.table):
                order = np.argsort(xs, kind="stable")
                xs_a, ys_a = np.asarray(xs)[order], np.asarray(ys)[order]
                if not lk.conditional:  # unconditional: the most generous entry, whatever the terms
                    ys_a = np.full_like(ys_a, ys_a.max())
                if len(set(xs)) != len(xs):
                    bad((*base, "table"), "table has the same x twice; allowed: one row per level")
                self.rules.append(LinkageRule(lk.name, actor_names.index(lk.actor) if lk.actor in actor_names else -1,
                                              issue_names.index(lk.issue),
                                              tuple(issue_names.index(d) for d in lk.depends_on),
                                              lk.combine, xs_a, ys_a))
            if lk.floor is not None:
                try:
                    target.to_norm(lk.floor)
                except ValueProblem as exc:
                    bad((*base, "floor"), str(exc))
        for k, lk in enumerate(spec.linkage):
            for d, dep in enumerate(lk.depends_on):
                if dep in linked:
                    bad(("linkage", k, "depends_on", d), f"'{dep}' is itself set by linkage; allowed: deal issues")

    def deal_space(self) -> None:
        """The deal packages the issues make (linked issues are not dealt on)."""
        names = self.issue_names
        self.space = IssueSpace(tuple(self.infos[n] for n in names),
                                tuple(sorted(names.index(n) for n in self.linked)))
        if self.space.n_packages() > MAX_DISCRETE_PACKAGES:
            self.bad(("issues",), f"the ordinal and binary deal issues make {self.space.n_packages():,} packages; "
                                  f"allowed: at most {MAX_DISCRETE_PACKAGES:,} (use fewer levels, or make an issue "
                                  "continuous)")

    def budgets(self) -> None:
        """``budgets:``: continuous deal issues, each in one budget, whose bounds can meet the total.

        A scenario with budgets negotiates every continuous deal issue through one (the
        package search of docs/model.md, "Budgets"); the concession path is not mixed in.
        """
        spec, bad, infos = self.spec, self.bad, self.infos
        if not spec.budgets:
            return
        owner: dict[str, str] = {}
        for b, bud in enumerate(spec.budgets):
            sound = True
            for k, iname in enumerate(bud.issues):
                path = ("budgets", b, "issues", k)
                if not self.issue_ref(path, iname):
                    sound = False
                elif infos[iname].kind != "continuous":
                    bad(path, f"'{iname}' is {infos[iname].kind}; allowed: continuous issues (a budget divides "
                              "a sum)")
                    sound = False
                elif iname in self.linked:
                    bad(path, f"'{iname}' is set by linkage; allowed: deal issues the signatories divide")
                    sound = False
                elif iname in owner:
                    bad(path, f"'{iname}' is already in budget '{owner[iname]}'; allowed: each issue in one budget")
                    sound = False
                else:
                    owner[iname] = bud.name
            if not sound:
                continue
            lo = sum(infos[i].lo for i in bud.issues)
            hi = sum(infos[i].hi for i in bud.issues)
            if not lo - 1e-9 <= bud.total <= hi + 1e-9:
                bad(("budgets", b, "total"), f"total {bud.total:g} cannot be allocated: the issues' minimums sum "
                                             f"to {lo:g} and their maximums to {hi:g}; "
                                             f"allowed: a total from {lo:g} to {hi:g}")
                continue
            idx = tuple(self.issue_names.index(i) for i in bud.issues)
            width = np.array([infos[i].hi - infos[i].lo for i in bud.issues])
            self.budget_rules.append(BudgetRule(bud.name, idx, width, float(bud.total - lo)))
        outside = [self.issue_names[i] for i in (self.space.deal_cont if self.space else ()) if
                   self.issue_names[i] not in owner]
        if outside and not self.problems:
            bad(("budgets",), f"continuous deal issues outside every budget: {', '.join(outside)}; allowed: with "
                              "budgets, every continuous deal issue in one (the package search does not mix a "
                              "concession path with budgets yet)")

    def red_lines(self) -> None:
        """``actors[].red_lines``: declared conditions some value of the issue can meet."""
        bad = self.bad
        for j, a in enumerate(self.spec.actors):
            conds = []
            for r, rl in enumerate(a.red_lines):
                try:
                    conds.append(compile_condition(rl.model_dump(exclude={"note", "source"}), self.space))
                except ConditionProblem as exc:
                    bad(("actors", j, "red_lines", r, *exc.path), str(exc))
                    continue
                if (conds[-1].op, conds[-1].value) in (("<", 0.0), (">", 1.0)):  # past the issue's end: no deal
                    end = "lowest" if conds[-1].op == "<" else "highest"
                    bad(("actors", j, "red_lines", r, "op"), f"'{rl.issue}' {rl.op} {rl.value} can never hold: it "
                                                             f"is the {end} value of '{rl.issue}'; allowed: a "
                                                             "condition some value of the issue meets")
            self.red_line_conds.append(tuple(conds))

    def outcomes(self) -> None:
        """``outcomes:``: indicator names apart from issue and actor names; their conditions."""
        spec, bad = self.spec, self.bad
        for oname in spec.outcomes:
            if oname in self.infos or oname in self.actor_names:
                what = "an issue" if oname in self.infos else "an actor"
                bad(("outcomes", oname), f"indicator name '{oname}' is also {what}'s name; outcomes.csv has one "
                                         "column per issue, actor and indicator, so choose another name")
        for oname, out in spec.outcomes.items():
            try:
                self.indicators[oname] = compile_condition(out.when, self.space)
            except ConditionProblem as exc:
                bad(("outcomes", oname, "when", *exc.path), str(exc))

    def shapes(self) -> None:
        """``utility:`` of issues and positions: per (actor, issue) a loss scale and a closeness power.

        An actor's value of issue ``i`` is ``1 - k * d`` (``d`` its distance on the 0-1 scale,
        squared for quadratic actors) with ``k = value_per_unit * (range / reference) ** e``
        for ``money`` (1 otherwise), or ``(1 - d) ** r`` for ``concave``. With no shape
        declared both stay None and the engine computes exactly what it did before.
        """
        spec, bad, infos = self.spec, self.bad, self.infos
        declared = [(i, iss) for i, iss in enumerate(spec.issues) if iss.utility is not None]
        pos = [(j, a, iname, p) for j, a in enumerate(spec.actors) for iname, p in a.positions.items()
               if p.utility is not None]
        if not declared and not pos:
            return
        A, I = len(spec.actors), len(spec.issues)
        k, r = np.ones((A, I)), np.ones((A, I))
        in_budget = {n for b in spec.budgets for n in b.issues}
        blocked = {"nash", "packages"} & {spec.protocol.name, *(spec.protocols or [])}
        too_large: set[tuple] = set()
        for j, a in enumerate(spec.actors):
            expo = 2.0 if a.utility == "quadratic" else 1.0
            for i, iss in enumerate(spec.issues):
                own = a.positions[iss.name].utility if iss.name in a.positions else None
                u = own if own is not None else iss.utility
                if u is None or u.shape == "linear":
                    continue
                path = (("actors", j, "positions", iss.name, "utility") if own is not None
                        else ("issues", i, "utility"))
                if blocked:
                    bad(path, f"protocol {sorted(blocked)[0]} values issues linearly; allowed: shape linear with it, "
                              "or protocol alternating_offers")
                    continue
                if iss.name in in_budget:
                    bad(path, f"'{iss.name}' is in a budget, whose package search is written for the linear "
                              "shape; allowed: shape linear on budget issues")
                    continue
                if u.shape == "concave":
                    r[j, i] = u.curvature
                    continue
                info = infos.get(iss.name)
                if info is None or info.kind != "continuous":
                    bad(path, f"shape money needs units; '{iss.name}' is {iss.kind}; allowed: continuous issues")
                    continue
                ref = u.reference if u.reference is not None else (
                    iss.utility.reference if iss.utility is not None and iss.utility.shape == "money" else None)
                if u.value_per_unit is None or ref is None:
                    bad(path, "shape money needs value_per_unit and a reference amount in the issue's units "
                              "(the reference may be given once, on the issue's utility)")
                    continue
                k[j, i] = u.value_per_unit * ((info.hi - info.lo) / ref) ** expo
                if k[j, i] > MAX_MONEY_SCALE and path not in too_large:  # one line per declaration
                    too_large.add(path)
                    bad(path, f"value_per_unit × (range / reference) is {k[j, i]:.4g} for '{a.name}'; allowed: at "
                              f"most {MAX_MONEY_SCALE:g} (utilities must stay within [-2, 1]): raise reference")
        self.shape_scale = k if (k != 1.0).any() else None
        self.shape_power = r if (r != 1.0).any() else None

    def protocol(self) -> None:
        """``protocol:`` and ``protocols:``: registered names; order and weights name the signatories."""
        bad, actor_names, signatories = self.bad, self.actor_names, self.signatories
        proto = self.spec.protocol
        names = [proto.name, *(self.spec.protocols or [])]
        for n, pname in enumerate(names):
            message = protocol_problem(pname)
            if message:
                bad(("protocol", "name") if n == 0 else ("protocols", n - 1), message)
        if proto.order is not None and len(signatories) >= 2:  # else the missing signatory is the one mistake
            sig_names = [actor_names[j] for j in signatories]
            strangers = [o for o, oname in enumerate(proto.order) if oname not in sig_names]
            for o in strangers:
                bad(("protocol", "order", o), f"'{proto.order[o]}' is not a signatory; allowed: {', '.join(sig_names)}")
            if sorted(proto.order) == sorted(sig_names):
                self.order = [actor_names.index(o) for o in proto.order]
            elif not strangers:
                bad(("protocol", "order"), f"order must list every signatory once: {', '.join(sig_names)}")
        if isinstance(proto.weights, dict):
            sig_names = [actor_names[j] for j in signatories]
            for wname in proto.weights:
                if wname not in sig_names:
                    bad(("protocol", "weights", wname), f"'{wname}' is not a signatory; allowed: "
                                                        f"{', '.join(sig_names)}")
            missing = [s for s in sig_names if s not in proto.weights]
            if missing:
                bad(("protocol", "weights"), f"declared weights need every signatory; missing: {', '.join(missing)}")

    def events(self) -> None:
        """``events:``: effects on parameters, values on their scales, rounds before the deadline."""
        bad, rounds = self.bad, self.spec.protocol.rounds
        for e, ev in enumerate(self.spec.events):
            effects = []
            for f, eff in enumerate(ev.effects):
                pdef = self.check_target(("events", e, "effects", f, "target"), eff.target)
                if pdef is None:
                    continue
                mode = "set" if eff.set is not None else ("add" if eff.add is not None else "scale")
                raw = getattr(eff, mode)
                try:
                    val = pdef.to_internal(raw) if mode == "set" else float(raw)
                except ValueError as exc:
                    bad(("events", e, "effects", f, mode), str(exc))
                    continue
                effects.append((eff.target, mode, val))
            self.event_rules.append(EventRule(ev.name, ev.round, tuple(effects)))
            if ev.round > rounds:
                bad(("events", e, "round"), f"round {ev.round} is after the deadline; allowed: 1 to {rounds}")

    def uncertainty(self) -> None:
        """``uncertainty:``: one distribution per parameter, bounds and values on its scale."""
        bad, spec = self.bad, self.spec
        for u, unc in enumerate(spec.uncertainty):
            pdef = self.check_target(("uncertainty", u, "param"), unc.param)
            if pdef is None:
                continue
            values = unc.values if unc.dist == "choice" else [v for v in (unc.low, unc.high) if v is not None]
            for v, val in enumerate(values):
                try:
                    pdef.to_internal(val)
                except ValueError as exc:
                    key = ("values", v) if unc.dist == "choice" else (("low",) if v == 0 else ("high",))
                    bad(("uncertainty", u, *key), str(exc))
        seen: dict[str, int] = {}
        for u, unc in enumerate(spec.uncertainty):
            if unc.param in seen:
                bad(("uncertainty", u, "param"), f"'{unc.param}' already has a distribution (entry "
                                                 f"{seen[unc.param]}); allowed: one per parameter")
            seen[unc.param] = u

    def sweep(self) -> None:
        """``sweep:``: unique lever names, one lever per parameter, values on its scale."""
        if self.spec.sweep is None:
            return
        bad = self.bad
        first: dict[str, str] = {}  # name or target → the lever that used it first
        for v, lever in enumerate(self.spec.sweep.levers):
            if lever.name in first:
                bad(("sweep", "levers", v, "name"), f"lever name '{lever.name}' is used twice; names must be unique")
            if lever.target in first:
                bad(("sweep", "levers", v, "target"), f"'{lever.target}' is already set by lever "
                                                      f"'{first[lever.target]}'; allowed: one lever per parameter")
            first.setdefault(lever.name, lever.name)
            first.setdefault(lever.target, lever.name)
            pdef = self.check_target(("sweep", "levers", v, "target"), lever.target)
            if pdef is None:
                continue
            keyed = (list(enumerate(lever.values)) if lever.values is not None
                     else [("low", lever.low), ("high", lever.high)])
            for key, val in keyed:
                try:
                    pdef.to_internal(val)
                except ValueError as exc:
                    where = ("values", key) if lever.values is not None else (key,)
                    bad(("sweep", "levers", v, *where), str(exc))

    def process(self) -> None:
        """``timing:``, ``actions:``, ``private:`` types and strategies (sim.scenario.process)."""
        self.process_fields = compile_process(self.spec, self.infos, self.space, self.params, self.order, self.bad)


def _unit(x: Any) -> float:
    x = float(x)
    if not 0.0 <= x <= 1.0:
        raise ValueError(x)
    return x


def exact_value(info: IssueInfo, value: Any) -> Any:
    """Check a value written in a scenario is exactly one of the issue's values, and return it.

    The 0-1 scale accepts more (0 and 1 for binary terms, fractions between ordinal levels,
    for draws and sweeps); a status quo or an ideal written as ``1`` or ``1.5`` is almost
    always a slip, so the file must say ``true`` or name a level.

    Raises:
        ValueProblem: A number on a binary issue, or a fraction on an ordinal one.

    """
    if info.kind == "binary" and not isinstance(value, bool) and value not in ("yes", "no"):
        shown = f"{value:g}" if isinstance(value, int | float) else repr(value)
        raise ValueProblem(f"{shown} is not a value of binary issue '{info.name}'; allowed: true or false")
    if (info.kind == "ordinal" and isinstance(value, float) and not value.is_integer()):
        raise ValueProblem(f"{value:g} lies between two levels of '{info.name}'; allowed: a level name "
                           f"({', '.join(info.levels)})")
    return value
