"""A small synthetic province written through the kit onto the real broker, once per module.

Topic names carry a random prefix and commune codes a random range, so runs never see each
other's records on the shared broker.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartcommune.audit.synthetic.history import commune_history
from smartcommune.audit.synthetic.province import Province, make_province
from smartcommune.audit.synthetic.writer import ProvinceWriter
from smartcommune.audit.testing import delete_topics

PARTITIONS = 4


@dataclass(frozen=True)
class History:
    bootstrap: str
    prefix: str
    province: Province
    writer: ProvinceWriter

    @property
    def communes(self) -> list[str]:
        return [c.code for c in self.province.communes]


#: Every prefix handed out; the session's last fixture deletes their topics from the broker.
_PREFIXES: list[str] = []


def unique_prefix(name: str) -> str:
    prefix = f"audit-{name}-{uuid.uuid4().hex[:8]}."
    _PREFIXES.append(prefix)
    return prefix


@pytest.fixture(scope="session", autouse=True)
def _delete_test_topics(kafka_bootstrap: str) -> Iterator[None]:
    """Leave the shared broker as it was found: drop every topic these tests created."""
    yield
    delete_topics(kafka_bootstrap, tuple(_PREFIXES))


@pytest.fixture(scope="module")
def history(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[History]:
    first = random.randrange(20_000, 89_000)
    province = make_province("26", communes=2, villages=2, first_commune=first)
    folder: Path = tmp_path_factory.mktemp("synthetic")
    prefix = unique_prefix("clean")
    writer = ProvinceWriter(kafka_bootstrap, folder, prefix=prefix, partitions=PARTITIONS)
    try:
        for commune in province.communes:
            writer.append(commune_history(commune, years=1, households=6))
        writer.publish()
        yield History(kafka_bootstrap, prefix, province, writer)
    finally:
        writer.close()
