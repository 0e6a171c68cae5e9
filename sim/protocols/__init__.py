"""Bargaining protocols: one module and one class each, behind one small interface.

A protocol takes a scenario and the per-replication parameter values of one block and
returns that block's :class:`sim.engine.outcomes.Outcomes`. The names live in
:mod:`sim.protocols.registry` (the one list); the interface in ``base``, the events and
acceptance every solution concept shares in ``settle``, the deal space in ``packages``.
Registering a protocol means adding a module here and a line to the registry; see
docs/protocols.md. May import: ``sim.engine``, ``sim.solvers``, ``sim.scenario``,
``sim.errors``, ``sim.seeding``.
"""
