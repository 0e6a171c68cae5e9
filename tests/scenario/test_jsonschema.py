"""``sim schema``: the JSON Schema editors use accepts every shipped scenario and refuses bad ones.

Scenarios are checked as an editor sees them: plain YAML, before ``extends:`` is merged.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from sim.cli import main
from sim.scenario.jsonschema import scenario_schema
from tests.conftest import ROOT, SCENARIOS, shipped_scenarios

CORPUS = ROOT / "tests" / "bad_scenarios"
SHIPPED_SCHEMA = SCENARIOS / "scenario.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = scenario_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, data: object) -> list[str]:
    return [e.message for e in validator.iter_errors(data)]


def test_sim_schema_prints_the_schema_and_the_shipped_copy_is_current(capsys) -> None:
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert json.loads(printed) == scenario_schema()
    assert SHIPPED_SCHEMA.read_text(encoding="utf-8") == printed, \
        "scenarios/scenario.schema.json is stale: python -m sim schema > scenarios/scenario.schema.json"


@pytest.mark.parametrize("path", [*shipped_scenarios(), CORPUS / "_valid.yaml"], ids=lambda p: p.name)
def test_every_shipped_scenario_validates(validator, path: Path) -> None:
    assert errors(validator, yaml.safe_load(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(("name", "fragment"), [
    ("unknown_field_typo.yaml", "'patiense' was unexpected"),
    ("unknown_top_level.yaml", "'outcome' was unexpected"),
    ("unknown_distribution.yaml", "'normal'"),
    ("type_capability_text.yaml", "'high'"),
    ("type_role_unknown.yaml", "'mediator'"),
    ("type_name_path.yaml", "'../../outside'"),
    ("missing_issue_kind.yaml", "'kind' is a required property"),
    ("range_patience.yaml", "1.2"),
    ("size_rounds.yaml", "100000"),
    ("size_actors.yaml", "too long"),
    ("unknown_protocol.yaml", "'alternating_offer'"),
])
def test_bad_scenarios_are_refused(validator, name: str, fragment: str) -> None:
    found = errors(validator, yaml.safe_load((CORPUS / name).read_text(encoding="utf-8")))
    assert found and any(fragment in m for m in found), found


def test_a_variant_needs_only_what_it_changes(validator) -> None:
    variant = {"extends": "baseline.yaml", "name": "v",
               "actors": [{"name": "russia", "patience": {"value": 0.9, "note": "why"}},
                          {"name": "european_union", "remove": True}],
               "uncertainty": [{"param": "actors.russia.patience", "remove": True}],
               "protocol": {"rounds": 6}}
    assert errors(validator, variant) == []
    assert errors(validator, {**variant, "protocol": {"round": 6}})  # a typo is still caught
    assert errors(validator, {**variant, "actors": [{"patience": 0.9}]})  # items need their name
    assert errors(validator, {k: v for k, v in variant.items() if k != "extends"})  # a full file needs issues
