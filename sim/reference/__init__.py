"""The naive reference: one Mesa model per replication, played in plain Python (tests, bench).

Lives here: the oracle the batched engine is checked against (naive) and its planner (plan).
Not used by any command. May import: ``sim.ensemble`` and everything below it.
"""
