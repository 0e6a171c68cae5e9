"""Pure solvers behind the bargaining protocols: numpy in, numpy out, no scenario objects.

Each module is one published model or solution concept, testable on its own against the
worked examples of its literature; :mod:`sim.protocols` adapts them to scenarios.
May import: numpy and scipy only (and ``sim.errors``, ``sim.seeding``).
"""
