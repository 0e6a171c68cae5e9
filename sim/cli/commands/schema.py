"""``sim schema``: print the JSON Schema of the scenario format (for editors)."""

from __future__ import annotations

import argparse
import json
from typing import Any


def add(sub: Any) -> None:
    """Register the command."""
    p = sub.add_parser("schema", help="print a JSON Schema of the scenario format for editors")
    p.set_defaults(handler=main)


def main(args: argparse.Namespace) -> int:
    """Print the schema."""
    from sim.scenario.jsonschema import scenario_schema

    print(json.dumps(scenario_schema(), indent=2))
    return 0
