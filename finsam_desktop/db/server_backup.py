"""Backups of a database on a PostgreSQL server: ``pg_dump`` and ``pg_restore`` (issue 14 §4).

A backup is one ``pg_dump --format=custom`` file. It is written under a temporary name
(``….part``) and gets its real name only when it is complete and verified: restored into
a scratch database (created and dropped here; the role needs CREATEDB) whose row count
per table must equal the source's. The counts of the source are taken in the very
snapshot pg_dump dumps (``pg_export_snapshot`` / ``--snapshot``), so workstations that go
on saving during the backup cannot make the comparison fail.

The password never goes on a command line: a password in the URL is written to a
private temporary PGPASSFILE for the child process; otherwise libpq's own sources
(``PGPASSWORD``, ``~/.pgpass``) are inherited as they are.

The tools are found as scripts/pg_cluster.sh finds them: on PATH, then in
``/usr/lib/postgresql/*/bin`` (Debian), newest first. A pg_dump older than the server
cannot dump it; that is said in Swedish before anything is written.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from glob import glob
from pathlib import Path

from finsam_desktop.db.backup import BackupError
from finsam_desktop.i18n import N_, _, format_number, ngettext

DUMP_SUFFIX = ".dump"
# pg_try_advisory_lock key: one automatic backup at a time across the workstations.
BACKUP_LOCK = 0x46494E53_414D0004
# A restore waits at most this long for a table another connection is using.
LOCK_TIMEOUT = "30s"

Progress = Callable[[int, int, str], None]  # (done, total, table)


# --- the tools ------------------------------------------------------------------------------


def _candidates(name: str) -> list[Path]:
    found: list[Path] = []
    on_path = shutil.which(name)
    if on_path:
        found.append(Path(on_path))
    patterns = [f"/usr/lib/postgresql/*/bin/{name}"]
    if sys.platform == "win32":
        patterns.append(f"C:/Program Files/PostgreSQL/*/bin/{name}.exe")
    for pattern in patterns:
        for candidate in sorted(glob(pattern), key=_version_in_path, reverse=True):
            path = Path(candidate)
            if os.access(path, os.X_OK) and path not in found:
                found.append(path)
    return found


def _version_in_path(path: str) -> int:
    match = re.search(r"[/\\](\d+)[/\\]bin[/\\]", path)
    return int(match.group(1)) if match else 0


def tool_major(tool: Path) -> int | None:
    """The major version of a PostgreSQL client program (``pg_dump (PostgreSQL) 15.8``)."""
    try:
        out = subprocess.run(
            [str(tool), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    match = re.search(r"\)\s*(\d+)", out) or re.search(r"(\d+)\.\d+", out)
    return int(match.group(1)) if match else None


def find_tool(name: str, server_major: int) -> Path:
    """``pg_dump`` or ``pg_restore`` at least as new as the server, else a Swedish message."""
    versions: list[int] = []
    for tool in _candidates(name):
        major = tool_major(tool)
        if major is None:
            continue
        if major >= server_major:
            return tool
        versions.append(major)
    if versions:
        raise BackupError(
            _(
                "The program {tool} is version {found}, older than the server (PostgreSQL "
                "{server}). Install the PostgreSQL {server} client programs (Debian: the "
                "package postgresql-client-{server}) on this PC. Nothing has been written."
            ).format(tool=name, found=max(versions), server=server_major)
        )
    raise BackupError(
        _(
            "The program {tool} was not found. Install PostgreSQL's client programs on this "
            "PC (Debian: the package postgresql-client; Windows: the PostgreSQL installer's "
            "command line tools) and put them on PATH. Nothing has been written."
        ).format(tool=name)
    )


# --- connecting the child programs ---------------------------------------------------------


def _pgpass_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(":", "\\:")


@contextlib.contextmanager
def libpq_target(url: str, database: str | None = None) -> Iterator[tuple[str, dict[str, str]]]:
    """(the connection string without a password, the child's environment)."""
    from finsam_desktop.db.server import engine_url

    parsed = engine_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    password = parsed.password
    # (URL.set ignores None: the password is taken out of the tuple itself.)
    conninfo = parsed._replace(password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    env["PGOPTIONS"] = f"-c lock_timeout={LOCK_TIMEOUT}"
    env["PGAPPNAME"] = "finsam-desktop-backup"
    if not password:
        yield conninfo, env
        return
    handle, name = tempfile.mkstemp(prefix="finsam-pgpass-")
    try:
        os.chmod(name, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as f:
            f.write(f"*:*:*:*:{_pgpass_escape(str(password))}\n")
        env["PGPASSFILE"] = name
        env.pop("PGPASSWORD", None)
        yield conninfo, env
    finally:
        Path(name).unlink(missing_ok=True)


def _last_error(stderr_lines: list[str]) -> str:
    """pg_dump's or pg_restore's last complaint (names a table or a file, never data)."""
    errors = [line for line in stderr_lines if "error:" in line or "FATAL" in line]
    return errors[-1].strip() if errors else ""


def _detail(lines: list[str], code: int) -> str:
    return _last_error(lines) or _("exit code {code}").format(code=code)


def _run(
    command: list[str],
    env: dict[str, str],
    progress: Progress | None,
    total: int,
    pattern: re.Pattern[str],
) -> tuple[int, list[str]]:
    """Run ``command``, reading its ``--verbose`` lines for progress; (exit code, lines)."""
    lines: list[str] = []
    done = 0
    with subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            del lines[:-50]
            match = pattern.search(line)
            if match and progress is not None:
                done += 1
                progress(min(done, total), total, match.group(1))
        code = process.wait()
    return code, lines


DUMPING = re.compile(r'dumping contents of table "(?:public\.)?([^"]+)"')
RESTORING = re.compile(r'processing data for table "(?:public\.)?([^"]+)"')


# --- counting ------------------------------------------------------------------------------

TABLES_SQL = (
    "SELECT table_name FROM information_schema.tables "
    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
)


def row_counts(connection) -> dict[str, int]:
    """Rows per table of the public schema, through a psycopg connection."""
    tables = [r[0] for r in connection.execute(TABLES_SQL).fetchall()]
    counts = {}
    for table in tables:
        quoted = '"' + table.replace('"', '""') + '"'
        counts[table] = connection.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
    return counts


def server_major(connection) -> int:
    return connection.info.server_version // 10000


# --- backup ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DumpResult:
    path: Path
    counts: dict[str, int]


def dump(
    url: str,
    dest: Path,
    progress: Progress | None = None,
    only_if_free: bool = False,
) -> DumpResult | None:
    """Write a verified ``pg_dump --format=custom`` of the database at ``url`` to ``dest``.

    ``only_if_free``: return None at once when another workstation is taking a backup
    (the automatic daily backup must not run on every PC at the same time)."""
    from finsam_desktop.db.server import raw_connect

    if dest.exists():
        raise BackupError(_("The backup file {name} already exists.").format(name=dest.name))
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".part")
    connection = raw_connect(url)
    try:
        if only_if_free:
            free = connection.execute("SELECT pg_try_advisory_lock(%s)", (BACKUP_LOCK,))
            if not free.fetchone()[0]:
                return None
        tool = find_tool("pg_dump", server_major(connection))
        # The counts and the dump see the same snapshot: saves made meanwhile by other
        # workstations are in neither.
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = row_counts(connection)
        partial.unlink(missing_ok=True)
        with libpq_target(url) as (conninfo, env):
            code, lines = _run(
                [
                    str(tool),
                    "--format=custom",
                    "--verbose",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={partial}",
                    f"--dbname={conninfo}",
                ],
                env,
                progress,
                len(counts),
                DUMPING,
            )
        connection.execute("COMMIT")
        if code != 0 or not partial.is_file():
            raise BackupError(
                _(
                    "pg_dump could not write the backup ({detail}). The folder may be full or "
                    "read-only. Earlier backups are unchanged."
                ).format(detail=_detail(lines, code))
            )
        with open(partial, "rb+") as f:
            os.fsync(f.fileno())
        verify(url, partial, counts)
        os.replace(partial, dest)  # only a complete, verified dump gets the real name
        return DumpResult(dest, counts)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        connection.close()


CREATEDB_MESSAGE = N_(
    "The backup could not be verified: the database role may not create the scratch "
    "database the backup is restored into. Ask the IT department to give the role the "
    "right (ALTER ROLE … CREATEDB). Nothing has been written."
)


@contextlib.contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new, empty database beside the one at ``url`` for as long as the block runs."""
    import psycopg

    from finsam_desktop.db.server import raw_connect

    name = f"finsam_verify_{secrets.token_hex(6)}"
    connection = raw_connect(url)
    try:
        try:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        except psycopg.errors.InsufficientPrivilege:
            raise BackupError(_(CREATEDB_MESSAGE)) from None
        try:
            yield name
        finally:
            with contextlib.suppress(psycopg.Error):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


def verify(url: str, path: Path, counts: dict[str, int]) -> None:
    """Restore ``path`` into a scratch database and compare its rows per table with
    ``counts``; BackupError when they differ or the restore fails."""
    from finsam_desktop.db.server import engine_url, raw_connect

    with raw_connect(url) as connection:
        tool = find_tool("pg_restore", server_major(connection))
    with scratch_database(url) as name:
        with libpq_target(url, database=name) as (conninfo, env):
            code, lines = _run(
                [
                    str(tool),
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--no-password",
                    f"--dbname={conninfo}",
                    str(path),
                ],
                env,
                None,
                0,
                RESTORING,
            )
        if code != 0:
            raise BackupError(
                _(
                    "The backup could not be restored for its check ({detail}). It has not "
                    "been kept; earlier backups are unchanged."
                ).format(detail=_detail(lines, code))
            )
        scratch = engine_url(url).set(database=name).render_as_string(hide_password=False)
        with raw_connect(scratch) as restored:
            found = row_counts(restored)
    if found != counts:
        differing = sorted(t for t in set(found) | set(counts) if found.get(t) != counts.get(t))
        raise BackupError(
            _(
                "The backup's check failed: the restored copy does not have the same rows as "
                "the database (tables: {tables}). It has not been kept."
            ).format(tables=", ".join(differing))
        )


# --- restore --------------------------------------------------------------------------------


def dump_tables(tool: Path, path: Path) -> set[str]:
    """The tables in a custom-format dump; BackupError when it is not one."""
    try:
        result = subprocess.run(
            [str(tool), "--list", str(path)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=120,
            check=False,
        )
    except OSError:
        result = None
    if result is None or result.returncode != 0:
        raise BackupError(
            _("The file {name} is not a Finsam Desktop backup. Nothing has been changed.").format(
                name=path.name
            )
        )
    return set(re.findall(r"^\d+;.*? TABLE (?:public )?(\S+) ", result.stdout, flags=re.M))


def dump_revisions(tool: Path, path: Path) -> set[str]:
    """The Alembic revisions recorded in a dump (its ``alembic_version`` rows)."""
    result = subprocess.run(
        [str(tool), "--data-only", "--table=alembic_version", "--file=-", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=120,
        check=False,
    )
    revisions: set[str] = set()
    copying = False
    for line in result.stdout.splitlines():
        if line.startswith("COPY ") and "alembic_version" in line:
            copying = True
        elif copying and line == "\\.":
            copying = False
        elif copying and line.strip():
            revisions.add(line.strip())
    return revisions


def other_connections(connection) -> int:
    """How many other connections of the program use this database now."""
    return connection.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND application_name LIKE 'finsam-desktop%'"
    ).fetchone()[0]


def check_restorable(url: str, path: Path) -> set[str]:
    """The tables of the dump at ``path``, after refusing a file that is missing, not a
    dump of ours, or from a newer program."""
    from finsam_desktop.db.migrate import known_revisions
    from finsam_desktop.db.server import raw_connect

    if not path.is_file():
        raise BackupError(_("The backup file {name} does not exist.").format(name=path.name))
    with raw_connect(url) as connection:
        tool = find_tool("pg_restore", server_major(connection))
    tables = dump_tables(tool, path)
    revisions = dump_revisions(tool, path) if "alembic_version" in tables else set()
    if not revisions:
        raise BackupError(
            _("The file {name} is not a Finsam Desktop backup. Nothing has been changed.").format(
                name=path.name
            )
        )
    if not revisions <= known_revisions():
        raise BackupError(
            _(
                "The backup {name} was made by a newer version of the program. "
                "Nothing has been changed."
            ).format(name=path.name)
        )
    return tables


def restore(url: str, path: Path, progress: Progress | None = None) -> None:
    """Replace the contents of the database at ``url`` with the dump ``path``.

    ``pg_restore --clean --single-transaction``: a restore that fails part-way leaves the
    database as it was. Refused while another copy of the program is connected to the
    database (its open forms would save into the restored data)."""
    from finsam_desktop.db.server import raw_connect

    tables = check_restorable(url, path)
    with raw_connect(url) as connection:
        tool = find_tool("pg_restore", server_major(connection))
        others = other_connections(connection)
        if others:
            raise BackupError(
                ngettext(
                    "{n} other connection of the program uses the database. Close the "
                    "program on every workstation and restore again. Nothing has been changed.",
                    "{n} other connections of the program use the database. Close the "
                    "program on every workstation and restore again. Nothing has been changed.",
                    others,
                ).format(n=format_number(others))
            )
        # Tables of a newer schema that the backup does not have would stay behind with
        # today's rows and stop the upgrade that follows: they go first.
        current = set(row_counts(connection))
        extra = sorted(current - tables)
        if extra:
            with connection.transaction():
                for table in extra:
                    connection.execute(f'DROP TABLE IF EXISTS "{table}" CASCADE')
    with libpq_target(url) as (conninfo, env):
        code, lines = _run(
            [
                str(tool),
                "--clean",
                "--if-exists",
                "--no-owner",
                # The grants come back with the tables (the same server, the same roles).
                "--single-transaction",
                "--exit-on-error",
                "--verbose",
                "--no-password",
                f"--dbname={conninfo}",
                str(path),
            ],
            env,
            progress,
            max(1, len(tables)),
            RESTORING,
        )
    if code != 0:
        raise BackupError(
            _(
                "pg_restore could not restore the backup ({detail}). The database is unchanged."
            ).format(detail=_detail(lines, code))
        )
