"""A JSON Schema of the scenario format, for editors (YAML language servers).

Derived from the pydantic models, then adjusted where the YAML is friendlier than the
models:

* any scalar may be written ``{value: X, note: ..., source: ...}``;
* ``outside_option`` may be a plain utility (a number in [0, 1]);
* a variant (a file with ``extends:``) overrides only what differs, so for it nothing is
  required except the ``name`` (or ``param``) that matches list items to the base, and an
  item may be ``{name: x, remove: true}``.

The schema checks what one field can check alone; cross-field rules (saliences summing to
one, references to actors and issues) are ``sim validate``'s.
"""

from __future__ import annotations

import copy
from typing import Any

from sim.protocols.registry import NAMES

_SCALARS = ("number", "integer", "string", "boolean")
_OVERLAY = "Overlay"  # prefix of the relaxed copies of each definition, for variants


def _widen(node: Any) -> Any:
    """Allow the annotated form wherever a number, string or boolean is expected."""
    if isinstance(node, dict):
        node = {k: _widen(v) for k, v in node.items()}
        if node.get("type") in _SCALARS:
            plain = {k: v for k, v in node.items() if k not in ("title", "description", "default")}
            annotated = {"type": "object", "required": ["value"], "additionalProperties": False,
                         "properties": {"value": plain, "note": {"type": "string"}, "source": {"type": "string"}}}
            keep = {k: v for k, v in node.items() if k in ("title", "description", "default")}
            return {**keep, "anyOf": [plain, annotated]}
        return node
    if isinstance(node, list):
        return [_widen(v) for v in node]
    return node


def _relax(node: Any) -> Any:
    """Relax a schema node for variants: nothing required but the key, items removable."""
    if isinstance(node, list):
        return [_relax(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _relax(v) for k, v in node.items() if k not in ("required", "minItems", "discriminator")}
    if "$ref" in out:
        out["$ref"] = out["$ref"].replace("#/$defs/", f"#/$defs/{_OVERLAY}")
    if "oneOf" in out:  # without the required tag, several members may match
        out["anyOf"] = out.pop("oneOf")
    props = out.get("properties")
    if isinstance(props, dict):
        # list items (actors, issues, distributions...) are matched to the base by a required key
        key = next((k for k in ("name", "param") if k in node.get("required", [])), None)
        if key is not None:
            out["properties"] = {**props, "remove": {"const": True, "description": "delete this item of the base"}}
            out["required"] = [key]
    return out


def scenario_schema() -> dict[str, Any]:
    """Build the schema as a dict (JSON Schema draft 2020-12)."""
    # pydantic loads on first use, not when the scenario package is imported
    from sim.scenario.schema import ScenarioSpec

    full = _widen(ScenarioSpec.model_json_schema())
    defs = full.pop("$defs")
    plain_utility = {"type": "number", "minimum": 0, "maximum": 1, "description": "a fixed utility in [0, 1]"}
    defs["OutsideOption"] = {"anyOf": [_widen(plain_utility), defs["OutsideOption"]]}
    # a free string in the models (checked with a did-you-mean), a choice list in the editor
    defs["Protocol"]["properties"]["name"] = _widen({"type": "string", "enum": list(NAMES),
                                                     "default": "alternating_offers"})
    overlay = _relax(copy.deepcopy(full))
    overlay["required"] = ["extends"]
    overlay_defs = {f"{_OVERLAY}{k}": _relax(copy.deepcopy(v)) for k, v in defs.items()}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sim scenario",
        "description": "A scenario for sim (`sim validate FILE` checks the rules across fields). "
                       "A file with extends: is a variant and overrides only what differs from its base.",
        "type": "object",
        "if": {"required": ["extends"]},
        "then": overlay,
        "else": full,
        "$defs": {**defs, **overlay_defs},
    }
