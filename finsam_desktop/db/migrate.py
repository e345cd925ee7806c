"""Bring a database file up to the schema this program expects, or refuse it.

- a new file is created at the latest revision (by running every migration);
- an older file is first backed up with the SQLite backup API, then upgraded, all
  migrations inside one exclusive transaction;
- a file written by a newer program is refused and left untouched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from finsam_desktop.db.backup import backup_file, timestamped_name
from finsam_desktop.db.engine import Database
from finsam_desktop.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class DatabaseTooNew(RuntimeError):
    """The file was written by a newer version of the program."""

    def __init__(self, revision: str):
        self.revision = revision
        super().__init__(
            _(
                "This database was created by a newer version of Finsam Desktop "
                "(schema {revision}). Install the latest version of the program to open it. "
                "The file has not been changed."
            ).format(revision=revision)
        )


class NotAFinsamDatabase(RuntimeError):
    def __init__(self, path: Path):
        super().__init__(
            _("The file {name} is not a Finsam Desktop database. It has not been changed.").format(
                name=path.name
            )
        )


@dataclass(frozen=True)
class SchemaState:
    revisions: frozenset[str]  # empty: a new, empty file
    heads: frozenset[str]

    @property
    def is_new(self) -> bool:
        return not self.revisions

    @property
    def is_current(self) -> bool:
        return self.revisions == self.heads

    @property
    def label(self) -> str:
        return "+".join(sorted(self.revisions)) or "-"


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revisions() -> frozenset[str]:
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def schema_state(path: Path) -> SchemaState:
    """Read the file's revision without changing a byte of it."""
    heads = head_revisions()
    if not path.exists() or path.stat().st_size == 0:
        return SchemaState(frozenset(), heads)
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return SchemaState(frozenset(), heads)
            if "alembic_version" not in tables:
                raise NotAFinsamDatabase(path)
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise NotAFinsamDatabase(path) from exc
    return SchemaState(frozenset(r[0] for r in rows), heads)


def open_database(path: Path, backup_dir: Path | None = None) -> Database:
    """Open ``path``, creating or upgrading it; see the module docstring."""
    path = Path(path)
    state = schema_state(path)
    if not state.revisions <= known_revisions():
        raise DatabaseTooNew(state.label)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not state.is_new and not state.is_current:
        target_dir = backup_dir or path.parent / "backups"
        backup_file(path, target_dir / timestamped_name(path, f"before-upgrade-{state.label}"))
    db = Database(path)
    if not state.is_current:
        upgrade(db)
    return db


def upgrade(db: Database, revision: str = "heads") -> None:
    cfg = alembic_config()
    with db.engine.connect() as connection:
        # Batch migrations rebuild tables; foreign keys are checked once at the end instead.
        # The pragma only takes effect outside a transaction, so it goes to the driver.
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        with connection.execution_options(sqlite_begin="EXCLUSIVE").begin():
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, revision)
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign key check failed after migration: {len(problems)}")
        raw.execute("PRAGMA foreign_keys = ON")
