"""Automatic backups of the open database, and restoring one.

The program backs up when it closes and at least once a day while it is open, into
the folder the administrator chose (a network share in practice; stored in the
database's ``setting`` table so every PC of the team uses the same folder). Each copy
is verified and the folder is thinned to daily, weekly and monthly copies.

On a PostgreSQL server a backup is a ``pg_dump`` file, verified by restoring it into a
scratch database (``db/server_backup.py``). It is taken at most once a day
automatically, by an administrator's or the program's own session (one workstation at a
time), not at every close: each copy holds the whole server database.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from finsam_desktop.db import backup as files
from finsam_desktop.db import safe_file
from finsam_desktop.db.backup import (  # noqa: F401 (screens take these from here)
    KEEP_DAILY,
    KEEP_MONTHLY,
    KEEP_WEEKLY,
    BackupError,
    BackupFile,
)
from finsam_desktop.db.engine import Database
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import _
from finsam_desktop.services import audit
from finsam_desktop.services.access import (
    Permission,
    building_block,
    may,
    no_personal_data,
    pure,
    require,
    requires,
)
from finsam_desktop.services.audit import log_output
from finsam_desktop.services.records import setting_value, store_setting

log = logging.getLogger(__name__)

SETTING_KEY = "backups"
Progress = Callable[[int, int, str], None]  # (done, total, table) of a server's backup
DAILY = timedelta(days=1)


@dataclass(frozen=True)
class BackupSettings:
    folder: str = ""  # empty: the default, a "backups" folder beside the database


@building_block
def database_key(db: Database) -> Any:
    """The key the database was opened with (None for a plain file)."""
    return getattr(db, "key", None)


@no_personal_data
def get_settings(session: Session) -> BackupSettings:
    value = setting_value(session, SETTING_KEY)
    value = value if isinstance(value, dict) else {}
    return BackupSettings(folder=str(value.get("folder") or ""))


@requires(Permission.ADMINISTER)
def save_settings(session: Session, settings: BackupSettings) -> BackupSettings:
    """Store the backup folder after checking that a file can be written there."""
    require(session, Permission.ADMINISTER)
    folder = settings.folder.strip()
    if folder:
        path = Path(folder).expanduser()
        if not path.is_absolute():
            raise ValidationError.single(
                "folder", _("Give the whole path of the folder, for example a network share.")
            )
        problem = _writable_problem(path)
        if problem:
            raise ValidationError.single("folder", problem)
        folder = str(path)
    store_setting(session, SETTING_KEY, {"folder": folder})
    return BackupSettings(folder=folder)


def _writable_problem(path: Path) -> str | None:
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".finsam-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return _("Backups cannot be written to this folder. Choose another folder.")
    return None


@no_personal_data
def folder_for(db: Database, settings: BackupSettings) -> Path:
    """The chosen folder; else ``backups`` beside the file, or in this PC's data folder
    for a server (choose a shared folder there: every workstation has its own)."""
    if settings.folder:
        return Path(settings.folder)
    if db.on_server:
        from finsam_desktop.paths import data_dir

        return data_dir() / "backups"
    return db.path.parent / "backups"


@no_personal_data
def backup_stem(db: Database) -> str:
    """What a backup's name starts with: the file's name, or the server database's."""
    if db.on_server:
        from finsam_desktop.db.server import engine_url

        return engine_url(db.url).database or "finsam"
    return db.path.stem


@no_personal_data
def backup_suffix(db: Database) -> str:
    if db.on_server:
        from finsam_desktop.db.server_backup import DUMP_SUFFIX

        return DUMP_SUFFIX
    return files.BACKUP_SUFFIX


@no_personal_data
def dated_name(db: Database, label: str = "backup", when: datetime | None = None) -> str:
    """``finsam.backup-20261122-080000.sqlite`` (or ``….dump`` for a server)."""
    if db.on_server:
        stamp = (when or datetime.now()).strftime(files.STAMP_FORMAT)
        return f"{backup_stem(db)}.{label}-{stamp}{backup_suffix(db)}"
    return files.timestamped_name(db.path, label, when)


@no_personal_data
def backup_folder(db: Database) -> Path:
    with db.reading() as session:
        return folder_for(db, get_settings(session))


@no_personal_data
def list_backups(db: Database) -> list[BackupFile]:
    """The backups of this database in the chosen folder, newest first."""
    return files.list_backups(backup_folder(db), backup_stem(db), backup_suffix(db))


@no_personal_data
def backup_now(
    db: Database,
    when: datetime | None = None,
    progress: Progress | None = None,
    only_if_free: bool = False,
) -> BackupFile | None:
    """Copy the open database into the backup folder, verify it, then thin the folder.

    Every role's session backs up a file (the window does when it closes): the copy goes
    only into the administrator's backup folder, encrypted like the database, and is
    logged. On a server: a verified pg_dump (``progress(done, total, table)``); None when
    ``only_if_free`` and another workstation is backing up right now."""
    when = (when or datetime.now()).replace(microsecond=0)
    folder = backup_folder(db)
    stem, suffix = backup_stem(db), backup_suffix(db)
    # Two backups in one second (e.g. "now" just before closing): the new one is stamped
    # after the day's earlier ones, or thinning (the newest of each day) would delete it
    # at once.
    later = [
        b.taken_at
        for b in files.list_backups(folder, stem, suffix)
        if b.taken_at.date() == when.date() and b.taken_at >= when
    ]
    if later:
        when = max(later) + timedelta(seconds=1)
    dest = folder / files.backup_name(stem, when, suffix)
    if db.on_server:
        made = _dump(db, dest, progress, only_if_free)
        if made is None:  # another workstation is taking it
            return None
        with db.session() as session:
            log_output(session, "backup")
        files.thin_backups(folder, stem, suffix)
        return BackupFile(dest, when, dest.stat().st_size)
    with db.session() as session:
        log_output(session, "backup")
    try:
        with db.engine.connect() as connection:
            raw = connection.connection.driver_connection
            files.copy_database(raw, dest, key=database_key(db))
        files.copy_sidecar(db.path, dest)
        write_manifest(db, dest, when)
    except (OSError, *files._database_errors()) as exc:
        # SQLite reports a full or read-only target as its own error, not as OSError.
        log.error("backup failed: %s", type(exc).__name__)
        raise BackupError(
            _(
                "The backup could not be written to {folder}: the folder is missing, full or "
                "read-only."
            ).format(folder=folder)
        ) from None
    files.thin_backups(folder, stem, suffix)
    return BackupFile(dest, when, dest.stat().st_size)


def _with_the_owners_connection(db: Database) -> None:
    """On a server whose accounts are database roles, a signed-in account may not read
    everything a copy holds (row-level security, the statistik views' key): backups and
    restores are the IT department's, with the connection of the database's owner."""
    if db.login is not None:
        raise BackupError(
            _(
                "On this server every account is a database role that may not read the whole "
                "database, so backups are taken and restored by the IT department with the "
                "database owner's connection: finsam --db <the owner's URL> backup FOLDER "
                "(see docs/postgresql.md)."
            )
        )


def _dump(db: Database, dest: Path, progress: Progress | None, only_if_free: bool = False):
    from finsam_desktop.db import server_backup

    _with_the_owners_connection(db)
    try:
        return server_backup.dump(db.url, dest, progress, only_if_free=only_if_free)
    except OSError as exc:
        log.error("backup failed: %s", type(exc).__name__)
        raise BackupError(
            _(
                "The backup could not be written to {folder}: the folder is missing, full or "
                "read-only."
            ).format(folder=dest.parent)
        ) from None


@requires(Permission.ADMINISTER)
def backup_to_file(db: Database, dest: Path, progress: Progress | None = None) -> Path:
    """A verified copy of the database at ``dest`` (the command line's ``backup``): only an
    administrator takes a copy to a place of his choosing; logged, with its manifest
    (on a server: a verified pg_dump, ``progress(done, total, table)``)."""
    with db.session() as session:
        log_output(session, "backup")
    if db.on_server:
        _dump(db, dest, progress)
        return dest
    files.backup_file(db.path, dest, key=database_key(db))
    write_manifest(db, dest, datetime.now().replace(microsecond=0))
    return dest


@pure
def log_head_of(path: Path, key: Any = None) -> audit.ChainHead | None:
    """The head of the access log inside the database file ``path``."""
    con = files.connect(path, key=key, readonly=True)
    try:
        first_id, last_id = con.execute("SELECT min(id), max(id) FROM audit_log").fetchone()
        if last_id is None:
            return None
        (first_hash,) = con.execute(
            "SELECT hash FROM audit_log WHERE id = ?", (first_id,)
        ).fetchone()
        (last_hash,) = con.execute("SELECT hash FROM audit_log WHERE id = ?", (last_id,)).fetchone()
    finally:
        con.close()
    return audit.ChainHead(last_id - first_id + 1, last_id, last_hash, first_hash)


@building_block
def write_manifest(db: Database, backup: Path, when: datetime) -> None:
    """Write the backup's manifest: the head of the access log it holds (read from the copy
    itself) and what the anchor beside the database has noticed, an anchor of the log
    kept wherever the backups are kept."""
    head = log_head_of(backup, database_key(db))
    record: dict[str, Any] = {"database": db.path.name, "taken_at": when.isoformat()}
    if head is not None:
        record.update(audit.anchor_record(head, findings=audit.anchor_findings(db.path)))
    safe_file.write_json(files.manifest_path(backup), record)


@no_personal_data
def backup_if_due(db: Database, now: datetime | None = None, age: timedelta = DAILY):
    """Back up when the newest backup is older than ``age``; the new backup or None.

    On a server only an administrator's (or the program's own) session dumps the
    database, and only one workstation at a time."""
    if db.on_server and (db.login is not None or not may(db, Permission.ADMINISTER)):
        return None  # an account's own role cannot dump the server (the owner's job)
    now = now or datetime.now()
    if files.is_older_than(list_backups(db), age, now):
        return backup_now(db, now, only_if_free=db.on_server)
    return None


@no_personal_data
def backup_at_close(db: Database) -> BackupFile | None:
    """The backup when the window closes: always for a file; on a server the daily one
    if it is due (each copy holds the whole server database)."""
    if db.on_server:
        return backup_if_due(db)
    return backup_now(db)


@requires(Permission.ADMINISTER)
def check_may_restore(session: Session) -> None:
    """Only an administrator restores; screens call this before asking to confirm."""
    require(session, Permission.ADMINISTER)


# --- restore ---------------------------------------------------------------------


@pure
def backup_revisions(path: Path, key: Any = None) -> set[str]:
    con = files.connect(path, key=key, readonly=True)
    try:
        return {r[0] for r in con.execute("SELECT version_num FROM alembic_version")}
    finally:
        con.close()


@pure
def check_restorable(backup: Path, key: Any = None) -> None:
    """Refuse a file that is damaged, not ours, or from a newer program."""
    from finsam_desktop.db.migrate import known_revisions

    if not backup.is_file():
        raise BackupError(_("The backup file {name} does not exist.").format(name=backup.name))
    if files.integrity(backup, key=key) != "ok":
        raise BackupError(
            _(
                "The backup {name} is damaged or cannot be opened with this database's key. "
                "Nothing has been changed."
            ).format(name=backup.name)
        )
    try:
        revisions = backup_revisions(backup, key)
    except Exception:
        raise BackupError(
            _("The file {name} is not a Finsam Desktop backup. Nothing has been changed.").format(
                name=backup.name
            )
        ) from None
    if not revisions <= known_revisions():
        raise BackupError(
            _(
                "The backup {name} was made by a newer version of the program. "
                "Nothing has been changed."
            ).format(name=backup.name)
        )


@pure
def restore_file(
    database: Path, backup: Path, key: Any = None, when: datetime | None = None
) -> Path | None:
    """Replace the (closed) database file with ``backup``; returns where the current file
    was put aside (None if there was none). The database must not be open anywhere."""
    check_restorable(backup, key)
    if database.exists():
        files.take_over(database, key)
    incoming = database.with_name(database.name + ".restoring")
    shutil.copyfile(backup, incoming)
    with open(incoming, "rb+") as f:
        os.fsync(f.fileno())
    kept = None
    if database.exists():
        kept = files.free_path(
            database.with_name(files.timestamped_name(database, "before-restore", when))
        )
        # The WAL and shared-memory files go with the file they belong to, so the kept copy
        # still holds every change committed before the restore.
        os.replace(database, kept)
        for suffix in files.WAL_SUFFIXES:
            side = Path(str(database) + suffix)
            if side.exists():
                os.replace(side, Path(str(kept) + suffix))
        files.copy_sidecar(database, kept)
    os.replace(incoming, database)
    # The anchor of the access log described the file put aside (restore_into anchors the
    # restored log afresh and logs the restore).
    audit.anchor_path(database).unlink(missing_ok=True)
    # The current key wraps (today's passwords) stay; a backup's own wraps are used only
    # when there are none, e.g. restoring onto a new PC.
    if not files.sidecar(database).exists():
        files.copy_sidecar(backup, database)
    return kept


@requires(Permission.ADMINISTER)
def restore_into(
    db: Database,
    backup: Path,
    when: datetime | None = None,
    progress: Progress | None = None,
) -> Path | None:
    """Restore ``backup`` under the open ``db``: its connections are closed, the file is
    swapped, and the next session reads the restored data (upgraded if it is older).

    The restore is logged in the restored database, and the anchor of the access log
    is set to its head: the log is now the backup's, and the entries after the backup
    stay in the file kept aside (whose name the entry holds)."""
    from finsam_desktop.db.migrate import head_revisions, upgrade

    if db.on_server:
        return _restore_on_server(db, backup, when, progress)
    key = database_key(db)
    check_restorable(backup, key)
    db.engine.dispose()
    kept = restore_file(db.path, backup, key, when)
    if backup_revisions(db.path, key) != set(head_revisions()):
        upgrade(db)
    # What the anchor noticed about the history put aside goes into the restore's entry.
    noticed = [f.as_dict() for f in audit.anchor_findings(db.path)]
    audit.reset_anchor(db.path, log_head_of(db.path, key))
    details = {"backup": backup.name, "kept": kept.name if kept else "", "findings": noticed}
    with db.session() as session:
        audit.record(session, audit.Action.RESTORE, what="backup", details=details)
    return kept


def _restore_on_server(
    db: Database, backup: Path, when: datetime | None, progress: Progress | None
) -> Path:
    """pg_restore of ``backup`` over the server database, after a verified pg_dump of what
    is there now into the backup folder (returned: nothing is lost by a restore)."""
    from finsam_desktop.db import server_backup
    from finsam_desktop.db.migrate import head_revisions, schema_state, upgrade

    _with_the_owners_connection(db)
    server_backup.check_restorable(db.url, backup)
    when = (when or datetime.now()).replace(microsecond=0)
    kept = files.free_path(backup_folder(db) / dated_name(db, "before-restore", when))
    _dump(db, kept, None)
    db.engine.dispose()  # this program's own connections are not "another workstation"
    server_backup.restore(db.url, backup, progress)
    db.engine.dispose()
    if schema_state(db.url).revisions != set(head_revisions()):
        upgrade(db)
    details = {"backup": backup.name, "kept": kept.name, "findings": []}
    with db.session() as session:
        audit.record(session, audit.Action.RESTORE, what="backup", details=details)
    return kept
