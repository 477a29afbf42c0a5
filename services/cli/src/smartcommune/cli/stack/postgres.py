"""PostgreSQL from Debian's packages, in a cluster of our own (never the system cluster).

PostgreSQL refuses to run as root. When we are root (CI, a provisioning shell) the cluster runs
as the `postgres` system user, and its data lives under /var/tmp so that user can reach it even
when the checkout sits in a folder only root may enter (e.g. /root). The log and PID file stay in
the run folder like every other server's.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
from pathlib import Path

import psycopg

from .base import Health, LocalServer, Progress, ServerError, _quiet

USER = "smartcommune"
DATABASE = "smartcommune"


def find_pg_bindir() -> Path | None:
    """The newest Debian PostgreSQL server installation, or whatever `postgres` is on PATH."""
    override = os.environ.get("SMARTCOMMUNE_PG_BINDIR")
    if override:
        return Path(override)
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if candidates:
        return candidates[0].parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


class PostgresServer(LocalServer):
    name = "postgres"
    start_timeout = 60.0
    stop_signal = signal.SIGINT  # "fast" shutdown: SIGTERM would wait for every client to leave

    # ------------------------------------------------------------------ layout
    def _system_user(self) -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam("postgres")
        except KeyError as exc:
            raise ServerError(
                "running as root needs the 'postgres' system user: apt-get install postgresql"
            ) from exc

    @property
    def cluster_dir(self) -> Path:
        """Data and socket folder, reachable by the user the server runs as."""
        if os.geteuid() != 0:
            return self.home
        digest = hashlib.sha256(str(self.config.run_dir).encode()).hexdigest()[:10]
        return Path("/var/tmp/smartcommune") / digest / "postgres"  # noqa: S108 - fixed, root-owned parent

    @property
    def data_dir(self) -> Path:
        return self.cluster_dir / "data"

    @property
    def password_path(self) -> Path:
        return self.home / "password"

    @property
    def password(self) -> str:
        return self.password_path.read_text().strip()

    @property
    def address(self) -> str:
        return f"{self.config.host}:{self.config.postgres_port}"

    def url(self, database: str = DATABASE) -> str:
        """SQLAlchemy URL of a database in this cluster."""
        return (
            f"postgresql+psycopg://{USER}:{self.password}@{self.config.host}:"
            f"{self.config.postgres_port}/{database}"
        )

    def connection_env(self) -> dict[str, str]:
        if not self.password_path.exists():
            return {}
        return {"SMARTCOMMUNE_DATABASE_URL": self.url()}

    def preexec_user(self) -> tuple[int, int] | None:
        user = self._system_user()
        return (user.pw_uid, user.pw_gid) if user else None

    # ------------------------------------------------------------------ lifecycle
    def fetch(self, progress: Progress = _quiet) -> None:
        if find_pg_bindir() is None:
            raise ServerError(
                "PostgreSQL server binaries not found; install them with "
                "'apt-get install -y postgresql' (make bootstrap does this)"
            )

    def prepare(self, progress: Progress = _quiet) -> None:
        if (self.data_dir / "PG_VERSION").exists():
            if self.password_path.exists():
                return
            # The run folder (with the password) was deleted, but the cluster outside it survived,
            # e.g. a checkout cloned again at the same path: nobody can log in to it any more.
            progress("postgres: the cluster's password went with its run folder; recreating it")
            shutil.rmtree(self.cluster_dir)
        bindir = find_pg_bindir()
        assert bindir is not None  # fetch() checked
        progress("postgres: creating a new cluster (initdb)")
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.password_path.exists():
            self.password_path.write_text(secrets.token_urlsafe(24) + "\n")
            self.password_path.chmod(0o600)
        self.cluster_dir.mkdir(parents=True, exist_ok=True)
        pwfile = self.cluster_dir / ".pwfile"
        pwfile.write_text(self.password + "\n")
        user = self._system_user()
        if user is not None:
            for path in (self.cluster_dir, pwfile):
                os.chown(path, user.pw_uid, user.pw_gid)
        self.cluster_dir.chmod(0o700)
        pwfile.chmod(0o600)
        argv = [
            str(bindir / "initdb"),
            "-D", str(self.data_dir),
            "-U", USER,
            f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256",
            "--auth-local=scram-sha-256",
            "-E", "UTF8",
            "--locale=C",
        ]  # fmt: skip
        uid_gid = self.preexec_user()

        def demote() -> None:
            if uid_gid is not None:
                os.setgid(uid_gid[1])
                os.setgroups([])
                os.setuid(uid_gid[0])

        with self.log_path.open("ab") as log:
            result = subprocess.run(
                argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=demote if uid_gid else None,
                check=False,
            )
        pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise ServerError(f"initdb failed; see {self.log_path}:\n{self.log_tail()}")

    def command(self) -> list[str]:
        bindir = find_pg_bindir()
        assert bindir is not None
        return [
            str(bindir / "postgres"),
            "-D", str(self.data_dir),
            "-p", str(self.config.postgres_port),
            "-k", str(self.cluster_dir),
            "-c", f"listen_addresses={self.config.host}",
            "-c", "max_connections=200",
        ]  # fmt: skip

    def check(self) -> Health:
        try:
            with psycopg.connect(
                host=self.config.host,
                port=self.config.postgres_port,
                user=USER,
                password=self.password,
                dbname="postgres",
                connect_timeout=3,
            ) as conn:
                version = conn.execute("SHOW server_version").fetchone()
        except (psycopg.Error, OSError) as exc:
            return Health(False, f"no connection: {str(exc).strip().splitlines()[0]}")
        return Health(True, f"PostgreSQL {version[0] if version else '?'} accepts connections")

    def after_start(self, progress: Progress = _quiet) -> None:
        self.create_database(DATABASE)

    # ------------------------------------------------------------------ helpers
    def admin_connection(self) -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=self.config.host,
            port=self.config.postgres_port,
            user=USER,
            password=self.password,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        )

    def create_database(self, name: str) -> None:
        """Create `name` unless it exists (CREATE DATABASE cannot run in a transaction)."""
        with self.admin_connection() as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if exists.fetchone() is None:
                conn.execute(f'CREATE DATABASE "{_identifier(name)}"')

    def drop_database(self, name: str) -> None:
        with self.admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_identifier(name)}" WITH (FORCE)')


def _identifier(name: str) -> str:
    if not name.replace("_", "").isalnum() or not name.isascii():
        raise ValueError(f"unsafe database name {name!r}")
    return name
