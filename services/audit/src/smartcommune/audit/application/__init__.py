"""The replay itself: chains verified, decisions re-evaluated and their signatures checked."""
