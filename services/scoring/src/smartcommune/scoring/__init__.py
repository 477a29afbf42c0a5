"""Scoring and recognition: administrative units, criteria sets as data, indicators from
events, scorecards and signed decisions."""
