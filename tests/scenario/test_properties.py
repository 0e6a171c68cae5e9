"""Property-based tests (hypothesis): random valid scenarios, and random damage to valid files.

* Random valid scenarios (2-4 signatories, 0-2 influencers, continuous, ordinal and binary
  issues, normalised saliences, red lines, linkage, uncertainty, events) load, run at a
  small size and keep the model's invariants.
* Random mutations of valid files (a line deleted, duplicated or moved, junk inserted, a
  value swapped or changed in type, a key deleted) are loaded or refused with a located
  ScenarioError, never another exception.

The profile is fixed (derandomized, bounded examples, no deadline) so CI is repeatable and
quick; ``SIM_HYPOTHESIS_EXAMPLES=500`` explores further on demand.
"""

from __future__ import annotations

import os
import string
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.scenario.load import load_scenario
from tests.conftest import BASELINE, ROOT, SCENARIOS

EXAMPLES = int(os.environ.get("SIM_HYPOTHESIS_EXAMPLES", "25"))
PROFILE = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                          HealthCheck.data_too_large])
REPLICATIONS = 24

unit = st.floats(0.0, 1.0, allow_nan=False)


# --- random valid scenarios ----------------------------------------------------------------

def _issue(draw: Any, name: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(["continuous", "ordinal", "binary"]))
    issue: dict[str, Any] = {"name": name, "kind": kind}
    if kind == "continuous":
        lo = draw(st.integers(-50, 50))
        issue |= {"min": lo, "max": lo + draw(st.integers(1, 100))}
    elif kind == "ordinal":
        issue["levels"] = [f"{name}_l{k}" for k in range(draw(st.integers(2, 4)))]
    issue["status_quo"] = _value(draw, issue)
    if draw(st.booleans()):
        issue["breakdown"] = _value(draw, issue)
    return issue


def _value(draw: Any, issue: dict[str, Any]) -> Any:
    """A valid value of an issue, in the user's terms."""
    if issue["kind"] == "continuous":
        return round(issue["min"] + draw(unit) * (issue["max"] - issue["min"]), 3)
    if issue["kind"] == "ordinal":
        return draw(st.sampled_from(issue["levels"]))
    return draw(st.booleans())


def _red_line(draw: Any, issue: dict[str, Any]) -> dict[str, Any]:
    """A red line some value of the issue meets."""
    value = _value(draw, issue)
    op = draw(st.sampled_from([">=", "<=", "==", "!=", ">", "<"]))
    if issue["kind"] == "continuous":
        ends = [issue["min"], issue["max"]]
    else:
        ends = [issue["levels"][0], issue["levels"][-1]] if issue["kind"] == "ordinal" else [False, True]
    if (op, value) in ((">", ends[1]), ("<", ends[0])):
        op += "="  # past the end the red line never holds, which sim validate refuses
    return {"issue": issue["name"], "op": op, "value": value}


def _saliences(draw: Any, k: int) -> list[float]:
    weights = draw(st.lists(st.integers(1, 20), min_size=k, max_size=k))
    return [w / sum(weights) for w in weights]


@st.composite
def scenarios(draw: Any) -> dict[str, Any]:
    """A valid scenario as plain data."""
    issues = [_issue(draw, f"i{k}") for k in range(draw(st.integers(1, 4)))]
    n_sig, n_inf = draw(st.integers(2, 4)), draw(st.integers(0, 2))
    discrete = [i for i in issues if i["kind"] != "continuous"]
    linkage = []
    if n_inf and discrete and len(issues) > 1 and draw(st.booleans()):
        dep = draw(st.sampled_from(discrete))
        target = draw(st.sampled_from([i for i in issues if i is not dep]))
        levels = dep["levels"] if dep["kind"] == "ordinal" else [False, True]
        linkage.append({"name": "offer", "actor": f"inf{0}", "issue": target["name"], "depends_on": [dep["name"]],
                        "table": [[lv, _value(draw, target)] for lv in levels],
                        "generosity": draw(st.floats(0.0, 2.0)), "escalation": draw(st.floats(-0.1, 0.1))})
    actors = []
    for j in range(n_sig + n_inf):
        signatory = j < n_sig
        mine = draw(st.lists(st.sampled_from(issues), min_size=1, unique_by=lambda i: i["name"]))
        positions = {i["name"]: {"ideal": _value(draw, i), "salience": s}
                     for i, s in zip(mine, _saliences(draw, len(mine)), strict=True)}
        actor: dict[str, Any] = {"name": f"sig{j}" if signatory else f"inf{j - n_sig}",
                                 "role": "signatory" if signatory else "influencer",
                                 "capability": draw(st.floats(0.1, 10.0)), "patience": draw(st.floats(0.3, 1.0)),
                                 "utility": draw(st.sampled_from(["linear", "quadratic"])), "positions": positions}
        if signatory and draw(st.booleans()):
            actor["red_lines"] = [_red_line(draw, draw(st.sampled_from(issues)))]
        actor["outside_option"] = (draw(unit) if draw(st.booleans())
                                   else {"kind": "breakdown", "bonus": draw(st.floats(-0.3, 0.3))})
        actors.append(actor)
    rounds = draw(st.integers(1, 8))
    uncertainty = []
    if draw(st.booleans()):
        lo = draw(st.floats(0.3, 0.9))
        uncertainty.append({"param": "actors.sig0.patience", "dist": "uniform", "low": lo, "high": lo + 0.1})
    if draw(st.booleans()):
        uncertainty.append({"param": "protocol.noise", "dist": "triangular", "low": 0.0, "mode": 0.05, "high": 0.2})
    if draw(st.booleans()):
        uncertainty.append({"param": "actors.sig1.capability", "dist": "beta", "a": 2, "b": 3, "low": 0.5, "high": 2})
    if draw(st.booleans()):
        uncertainty.append({"param": "protocol.margin", "dist": "truncnormal", "mean": 0.02, "sd": 0.02, "low": 0,
                            "high": 0.1})
    issue_name, _ = next(iter(actors[0]["positions"].items()))
    issue = next(i for i in issues if i["name"] == issue_name)
    if draw(st.booleans()):
        uncertainty.append({"param": f"actors.sig0.positions.{issue_name}.ideal", "dist": "choice",
                            "values": [_value(draw, issue), _value(draw, issue)], "weights": [1, 2]})
    events = []
    if draw(st.booleans()):
        events.append({"name": "shock", "round": draw(st.integers(1, rounds)), "probability": draw(unit),
                       "effects": [{"target": "actors.sig1.outside_option.bonus" if "bonus" in str(
                           actors[1]["outside_option"]) else "protocol.margin", "set": draw(st.floats(0.0, 0.3))}]})
    first = issues[0]
    return {
        "name": "random_case", "issues": issues, "actors": actors, "linkage": linkage,
        "protocol": {"rounds": rounds, "noise": draw(st.floats(0.0, 0.2)), "margin": draw(st.floats(0.0, 0.1)),
                     "recognition": draw(st.sampled_from(["rotation", "capability"]))},
        "events": events, "uncertainty": uncertainty,
        "outcomes": {"no_deal": {"when": {"outcome": ["breakdown", "deadline"]}},
                     "first_high": {"when": {"issue": first["name"], "op": ">=", "value": _value(draw, first)}}},
        "run": {"replications": REPLICATIONS, "seed": draw(st.integers(0, 2**32)),
                "block_size": draw(st.integers(5, 30)), "trajectories": 2},
    }


def _write(tmp: Path, data: Any, name: str = "case.yaml") -> Path:
    path = tmp / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@PROFILE
@given(data=scenarios())
def test_random_valid_scenarios_load_run_and_keep_the_invariants(tmp_path_factory, data: dict[str, Any]) -> None:
    from sim.engine.state import build_state
    from sim.engine.utility import red_lines_hold, utilities
    from sim.ensemble.blocks import simulate

    sc = load_scenario(_write(tmp_path_factory.mktemp("case"), data))
    out = simulate(sc)
    assert out.n == REPLICATIONS
    tol = 1e-9
    ended_on_terms = out.kind != 1  # deal or deadline: the payoff is the utility of the terms
    pay = out.payoff[ended_on_terms]
    assert ((pay >= -tol) & (pay <= 1 + tol)).all(), "payoffs of deals and deadlines in [0, 1]"
    # a breakdown pays the outside option: utility of the breakdown terms plus a bonus in
    # [-1, 1] for value off the issue list (docs/model.md), or a fixed utility
    assert ((out.payoff >= -1 - tol) & (out.payoff <= 2 + tol)).all(), "outside options within their bounds"
    st_ = build_state(sc, out.n, dict(out.draws))
    u = utilities(st_, out.terms)
    assert ((u >= -tol) & (u <= 1 + tol)).all(), "utilities of the final terms in [0, 1]"
    assert ((out.terms >= -tol) & (out.terms <= 1 + tol)).all(), "terms on the 0-1 scale"
    for i, info in enumerate(sc.space.issues):
        if info.kind != "continuous":
            k = info.n_levels - 1
            assert np.allclose(out.terms[:, i] * k, np.round(out.terms[:, i] * k)), f"{info.name} on its levels"
    deal = out.kind == 0
    assert red_lines_hold(sc, out.terms)[deal][:, list(sc.signatories)].all(), "no deal crosses a red line"
    assert set(np.unique(out.kind)) <= {0, 1, 2}
    assert ((out.round >= 1) & (out.round <= sc.spec.protocol.rounds)).all()
    again = simulate(sc)
    for key in ("kind", "round", "terms", "payoff", "proposer", "walker", "fired"):
        assert np.array_equal(getattr(out, key), getattr(again, key)), f"same seed, same {key}"


@pytest.mark.parametrize("op", [">", "!="])
def test_strict_red_line_on_a_continuous_issue_is_kept(tmp_path: Path, op: str) -> None:
    from sim.engine.utility import red_lines_hold
    from sim.ensemble.blocks import simulate

    share = {"name": "share", "kind": "continuous", "min": 0, "max": 1, "status_quo": 0.0}
    actors = [{"name": f"sig{j}", "role": "signatory", "capability": 1, "patience": 1.0,
               "positions": {"share": {"ideal": 0.0, "salience": 1}}} for j in range(2)]
    actors[1]["red_lines"] = [{"issue": "share", "op": op, "value": 0.0}]
    data = {"name": "strict", "issues": [share], "actors": actors,
            "protocol": {"rounds": 2, "recognition": "capability"}, "run": {"replications": 24, "block_size": 8}}
    sc = load_scenario(_write(tmp_path, data))
    out = simulate(sc)
    assert red_lines_hold(sc, out.terms)[out.kind == 0].all()


# --- random damage to valid files ---------------------------------------------------------

SEEDS = [ROOT / "tests" / "bad_scenarios" / "_valid.yaml", BASELINE, SCENARIOS / "validation" / "rubinstein.yaml"]
JUNK = ["", ":", ": :", "- ", "[", "]", "{", "}", "\"", "'", "&a", "*a", "*nope", "!!python/object:os.system",
        "!!binary AAAA", "\t", "---", "...", "%YAML 1.1", "? ", "|", ">", "#", "null", "~", ".nan", "-.inf",
        "1e999", "99999999999999999999", "0x1F", "é", "\u202e", "<<: *a", "name: twice", "actors: []",
        # issue 16's hostile spellings: escapes, markup, tags and aliases inside lists, deep nesting, NUL
        '"\\e[2J\\e]0;x\\a"', '"\\u202e"', "[/]", "[link=file:///etc/passwd]", "[[a, !env X]]",
        "[[a, {b: 1, b: 2}]]", "&r [1, *r]", "[" * 60 + "]" * 60, "\x00", "1.0e+308", "-1.0e+308"]
VALUES = [0, -1, 1.5, 1e12, 1e308, -1e308, 2**70, "text",
          "", None, True, [], {}, [1, 2], {"value": 1}, {"value": "x", "note": 3},
          "none", "yes", "../..", "a" * 300]
_FILE_LEVEL = ("file is empty", "is a folder", "no such file", "file is ")


def _located(exc: ScenarioError, files: set[str]) -> None:
    """Every problem names a file we gave, a line (unless the file has none), and says something."""
    assert exc.problems
    for p in exc.problems:
        assert p.file in files, p
        assert p.message.strip() and "\n" not in str(p), p
        assert p.line is not None or p.message.startswith(_FILE_LEVEL), p
        assert p.line is None or p.line >= 1, p


def _load_or_refuse(path: Path) -> None:
    try:
        load_scenario(path)
    except ScenarioError as exc:
        _located(exc, {str(path)})


@st.composite
def text_mutations(draw: Any) -> str:
    """A valid file's text with one random edit of its lines or characters."""
    lines = SEEDS[draw(st.integers(0, len(SEEDS) - 1))].read_text(encoding="utf-8").splitlines(keepends=True)
    i = draw(st.integers(0, len(lines) - 1))
    j = draw(st.integers(0, len(lines) - 1))
    how = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "junk", "truncate", "value"]))
    if how == "delete":
        del lines[i]
    elif how == "duplicate":
        lines.insert(j, lines[i])
    elif how == "swap":
        lines[i], lines[j] = lines[j], lines[i]
    elif how == "indent":
        lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
    elif how == "dedent":
        lines[i] = lines[i].lstrip(" ")
    elif how == "junk":
        col = draw(st.integers(0, len(lines[i])))
        junk = draw(st.sampled_from(JUNK) | st.text(string.printable, max_size=6))
        lines[i] = lines[i][:col] + junk + lines[i][col:]
    elif how == "truncate":
        lines = [*lines[:i], lines[i][: draw(st.integers(0, len(lines[i])))]]
    else:
        key, sep, _ = lines[i].partition(": ")
        if sep:
            lines[i] = f"{key}: {yaml.safe_dump(draw(st.sampled_from(VALUES)), default_flow_style=True).strip()}\n"
    return "".join(lines)


@PROFILE
@given(text=text_mutations())
def test_damaged_text_is_loaded_or_refused_with_a_located_error(tmp_path_factory, text: str) -> None:
    path = tmp_path_factory.mktemp("text") / "damaged.yaml"
    path.write_text(text, encoding="utf-8")
    _load_or_refuse(path)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for k, v in enumerate(node):
            out += _paths(v, (*prefix, k))
    return out


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


@st.composite
def data_mutations(draw: Any) -> Any:
    """A valid scenario's data with a key deleted, a value replaced, or two values swapped."""
    data = yaml.safe_load(SEEDS[draw(st.integers(0, len(SEEDS) - 1))].read_text(encoding="utf-8"))
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    parent, key = _get(data, path[:-1]), path[-1]
    how = draw(st.sampled_from(["delete", "replace", "swap"]))
    if how == "delete":
        del parent[key]
    elif how == "replace":
        parent[key] = draw(st.sampled_from(VALUES))
    else:
        other = draw(st.sampled_from(paths))
        if other[: len(path)] != path and path[: len(other)] != other:  # neither inside the other
            o_parent, o_key = _get(data, other[:-1]), other[-1]
            parent[key], o_parent[o_key] = o_parent[o_key], parent[key]
    return data


@PROFILE
@given(data=data_mutations())
def test_damaged_data_is_loaded_or_refused_with_a_located_error(tmp_path_factory, data: Any) -> None:
    _load_or_refuse(_write(tmp_path_factory.mktemp("data"), data))


def test_generated_scenarios_are_varied() -> None:
    """The generator reaches the cases it is meant to (a guard against a generator gone narrow)."""
    seen: dict[str, set[Any]] = {"kinds": set(), "signatories": set(), "influencers": set(), "linkage": set()}

    @settings(max_examples=60, derandomize=True, database=None, deadline=None)
    @given(data=scenarios())
    def collect(data: dict[str, Any]) -> None:
        seen["kinds"] |= {i["kind"] for i in data["issues"]}
        seen["signatories"].add(sum(a["role"] == "signatory" for a in data["actors"]))
        seen["influencers"].add(sum(a["role"] == "influencer" for a in data["actors"]))
        seen["linkage"].add(bool(data["linkage"]))

    collect()
    assert seen == {"kinds": {"continuous", "ordinal", "binary"}, "signatories": {2, 3, 4},
                    "influencers": {0, 1, 2}, "linkage": {False, True}}


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_the_seed_files_are_valid(seed: Path) -> None:
    load_scenario(seed)
