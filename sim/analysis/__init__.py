"""Analysis of outcomes: summaries with intervals, differences of proportions, transcripts.

Lives here: Wilson intervals, terms, rounds, reasons and drivers (summaries), paired and
independent differences of two proportions (differences), and the narration of one
replication (transcript). Computes only: writes no files. May import: ``sim.ensemble`` and
everything below it.
"""
