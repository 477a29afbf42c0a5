"""Use cases: unit changes, scorecards, the recognition workflow and re-evaluation."""
