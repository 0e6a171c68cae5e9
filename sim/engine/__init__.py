"""The rules of a round: batched state, utilities, the planner, Mesa actors and the Mesa model.

Lives here: per-replication parameter arrays (state), utilities and red lines (utility),
backward induction for alternating offers (planner), ``Actor`` (mesa.Agent) and
``NegotiationModel`` (mesa.Model), and :class:`Outcomes` with the outcome kinds and the
trace (outcomes). May import: ``sim.scenario``, ``sim.errors``, ``sim.seeding``.
"""
