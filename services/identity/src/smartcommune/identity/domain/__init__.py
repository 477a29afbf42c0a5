"""Residents, households and VNeID levels: the rules, free of frameworks and storage."""
