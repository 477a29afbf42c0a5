"""Readiness against a real Kafka broker (KRaft), from the session's server plugin."""

from __future__ import annotations

import asyncio

import pytest

from smartcommune.kit.health import kafka_check


@pytest.mark.integration
def test_kafka_check_passes_against_a_real_broker(kafka_bootstrap: str) -> None:
    check = kafka_check(kafka_bootstrap, timeout=10.0)
    assert asyncio.run(check()) is True
