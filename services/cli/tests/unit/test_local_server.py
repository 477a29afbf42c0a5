"""The process handling every local server relies on: start, health wait, stop only our own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from smartcommune.cli.stack.base import (
    Health,
    LocalServer,
    Progress,
    ServerError,
    _quiet,
    process_start_time,
)
from smartcommune.cli.stack.config import StackConfig


class SleepServer(LocalServer):
    """A stand-in process; healthy once it has written its marker file."""

    name = "sleeper"
    start_timeout = 10.0

    def __init__(self, config: StackConfig, script: str = "") -> None:
        super().__init__(config)
        self.script = script or (
            "import pathlib, time; pathlib.Path('ready').write_text('1'); time.sleep(60)"
        )

    def fetch(self, progress: Progress = _quiet) -> None:
        return None

    def command(self) -> list[str]:
        return [sys.executable, "-c", self.script]

    def check(self) -> Health:
        ready = (self.home / "ready").exists()
        return Health(ready, "marker written" if ready else "no marker yet")

    @property
    def address(self) -> str:
        return "nowhere"

    def connection_env(self) -> dict[str, str]:
        return {}


@pytest.fixture
def config(tmp_path: Path) -> StackConfig:
    return StackConfig(run_dir=tmp_path / "run", cache_dir=tmp_path / "cache")


def test_start_waits_for_health_and_stop_ends_the_process(config: StackConfig) -> None:
    server = SleepServer(config)
    assert server.start() is True
    pid = server.running_pid()
    assert pid is not None
    assert server.status()[0] == "running"

    assert server.stop() is True
    assert process_start_time(pid) is None or server.running_pid() is None
    assert not server.pid_path.exists()


def test_start_is_idempotent(config: StackConfig) -> None:
    server = SleepServer(config)
    server.start()
    try:
        first = server.running_pid()
        assert server.start() is False
        assert server.running_pid() == first
    finally:
        server.stop()


def test_a_server_that_dies_while_starting_reports_its_log(config: StackConfig) -> None:
    server = SleepServer(config, script="import sys; print('port already in use'); sys.exit(3)")
    with pytest.raises(ServerError, match="exited with status 3") as excinfo:
        server.start()
    assert "port already in use" in str(excinfo.value)
    assert str(server.log_path) in str(excinfo.value)


def test_a_server_that_never_gets_healthy_is_stopped(config: StackConfig) -> None:
    server = SleepServer(config, script="import time; time.sleep(60)")
    server.start_timeout = 1.5
    with pytest.raises(ServerError, match="did not become healthy"):
        server.start()
    assert server.running_pid() is None


def test_stop_never_signals_a_process_it_did_not_start(config: StackConfig) -> None:
    """A stale PID file pointing at someone else's process (PID reuse) is ignored."""
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        server = SleepServer(config)
        server.home.mkdir(parents=True)
        wrong_start = (process_start_time(stranger.pid) or 0) + 1
        server.pid_path.write_text(json.dumps({"pid": stranger.pid, "start_time": wrong_start}))
        assert server.running_pid() is None
        assert server.stop() is False
        assert stranger.poll() is None, "the stranger must still be alive"
    finally:
        stranger.kill()
        stranger.wait()


def test_process_start_time_of_a_missing_pid_is_none() -> None:
    assert process_start_time(2**22 + 12345) is None
    assert process_start_time(os.getpid()) is not None


def test_concurrent_starts_of_one_run_folder_take_turns(
    config: StackConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside: list[str] = []
    overlap: list[bool] = []

    def fake_start(self: LocalServer, progress: Progress, timeout: float | None) -> bool:
        overlap.append(bool(inside))
        inside.append("x")
        time.sleep(0.2)
        inside.pop()
        return True

    monkeypatch.setattr(LocalServer, "_start_locked", fake_start)
    server = SleepServer(config)
    threads = [threading.Thread(target=server.start) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert overlap == [False, False, False]
