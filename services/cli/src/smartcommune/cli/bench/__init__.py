"""`make bench`: benchmarks that report numbers, and ratios against a baseline run alongside.

Each benchmark module exposes `run() -> Report`. Timings are never asserted in tests (a shared
2-core machine makes them flaky); they are measured here and written to `out/bench/`.
"""
