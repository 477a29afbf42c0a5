"""The tech-team domain: teams, tasks, household surveys, facility attestations, trainings.

No framework, no I/O: aggregates decide and record events; the application layer loads and
stores them.
"""
