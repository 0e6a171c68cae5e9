"""The scenario format: reading YAML with lines, overlays (``extends:``), the schema, located errors.

Lives here: safe YAML with the line of every value (yamlsource), overlay merging (overlay),
the pydantic schema and its errors in plain words (schema, pydantic_errors), the JSON Schema
for editors (jsonschema), issue spaces, parameters and declared conditions (space, params,
conditions), declared distributions (distributions), dated rounds, actions and private
type grids (process), ``load_scenario`` and the compiled, frozen :class:`Scenario` (load), and what one
scenario assumes differently from another (diff). May import: ``sim.errors``, ``sim.seeding``.
"""
