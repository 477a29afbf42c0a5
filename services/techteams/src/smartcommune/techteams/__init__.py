"""Tech-team service: community digital-technology teams, their tasks, household surveys,
facility attestations and trainings."""
