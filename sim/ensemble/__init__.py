"""Ensembles: blocks of replications, uncertainty draws, executors, signals.

Lives here: playing a scenario as seeded blocks and joining them in block order (blocks),
per-parameter inverse-transform draws on common random numbers (uncertainty), executors
behind one interface (executors; Dask in dask_executor), Ctrl-C and kill handling for worker
pools (signals), and the memory guard for large runs (guard). May import: ``sim.protocols``,
``sim.engine``, ``sim.solvers``, ``sim.scenario``, ``sim.errors``, ``sim.seeding``.
"""
