"""`--as-of` on the real broker: the replay stops where the topics stood at that instant."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from smartcommune.audit.adapters.kafka_log import KafkaLog
from smartcommune.audit.application.replay import AuditResult, replay
from smartcommune.audit.domain.outcome import ExitCode
from smartcommune.audit.synthetic.history import commune_history

from .conftest import History

pytestmark = pytest.mark.integration


def heads(result: AuditResult) -> dict[str, int]:
    return {str(c.chain): c.last_seq for c in result.chains}


def run(history: History, commune: str, as_of: datetime | None = None) -> AuditResult:
    with KafkaLog(history.bootstrap, topic_prefix=history.prefix) as log:
        return replay(log, commune, roots=[], as_of=as_of)


def test_as_of_stops_at_what_had_been_published_then(history: History) -> None:
    commune = history.province.communes[0]
    before = run(history, commune.code)
    time.sleep(1.5)
    mark = datetime.now(UTC)
    time.sleep(1.5)
    history.writer.append(commune_history(commune, years=1, households=2, seed=99))
    history.writer.publish()

    then = run(history, commune.code, as_of=mark)
    now = run(history, commune.code)

    assert then.exit_code == now.exit_code == ExitCode.VERIFIED
    assert heads(then) == heads(before)
    assert all(now_seq > heads(before)[chain] for chain, now_seq in heads(now).items())
    assert then.scanned < now.scanned
