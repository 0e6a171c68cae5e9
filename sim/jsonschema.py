"""A JSON Schema of the scenario format, for editors (YAML language servers).

Derived from the pydantic models, then widened where the YAML is friendlier than the
models: any scalar may be written ``{value: X, note: ..., source: ...}``.
"""

from __future__ import annotations

from typing import Any


def _widen(node: Any) -> Any:
    """Allow the annotated form wherever a number, string or boolean is expected."""
    if isinstance(node, dict):
        node = {k: _widen(v) for k, v in node.items()}
        if node.get("type") in ("number", "integer", "string", "boolean") and "enum" not in node:
            plain = {k: v for k, v in node.items() if k not in ("title", "description", "default")}
            annotated = {"type": "object", "required": ["value"], "additionalProperties": False,
                         "properties": {"value": plain, "note": {"type": "string"}, "source": {"type": "string"}}}
            keep = {k: v for k, v in node.items() if k in ("title", "description", "default")}
            return {**keep, "anyOf": [plain, annotated]}
        return node
    if isinstance(node, list):
        return [_widen(v) for v in node]
    return node


def scenario_schema() -> dict[str, Any]:
    """The schema as a dict."""
    from sim.schema import ScenarioSpec

    schema = ScenarioSpec.model_json_schema()
    schema = _widen(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sim scenario"
    return schema
