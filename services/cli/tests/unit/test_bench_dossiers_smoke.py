"""The REST benchmark's machinery, run tiny: it starts the real server, every submission is
accepted and stored, and the report has its two rows. No timing is asserted (a shared 2-core
machine makes that flaky)."""

from smartcommune.cli.bench.dossiers_api import Phase, measure, submissions


def test_every_submission_is_accepted_and_stored() -> None:
    result = measure(12, clients=2, rounds=2, warmup=4)

    assert (result.healthz.requests, result.submit.requests) == (12, 12)
    assert result.alone.requests == 6
    assert result.healthz.failures == result.submit.failures == result.alone.failures == []
    assert result.stored == result.expected == 22  # the warm-up's 4 too
    assert result.submit.seconds > 0
    assert result.submit.percentile_ms(99) >= result.submit.percentile_ms(50) > 0


def test_submissions_are_distinct_dossiers() -> None:
    numbers = [r.body["dossier_number"] for r in submissions(50) if r.body]
    assert len(set(numbers)) == 50


def test_percentiles_are_nearest_rank() -> None:
    phase = Phase("x", seconds=1.0, latencies=[n / 1000 for n in range(1, 101)])
    assert phase.percentile_ms(50) == 50
    assert phase.percentile_ms(99) == 99
    assert phase.rate == 100
