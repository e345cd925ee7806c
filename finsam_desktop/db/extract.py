"""The de-identified statistics extract: what an account of the statistics role opens.

A statistics account must not be able to decrypt personal data, even with the
program's source and its own password. So its key file entry is sealed the key of
this extract (``keys.statistics_key``, derived one-way from the database key), never
the database key, and the extract holds no name, personnummer, address, phone, email
or case text:

- ``write_extract(db)`` copies the database with ``sqlcipher_export`` into a new file
  encrypted with the extract key, then blanks or pseudonymises every column that
  ``COLUMNS`` classifies so (codes, dates, ids, genders, municipality, insats, option
  ids stay), drops the triggers, and ``VACUUM``s with ``secure_delete`` so no old
  value stays in a free page; the file is renamed over ``<db>.statistik`` last.
- Every String/Text/JSON/LargeBinary column of every table must be classified in
  ``COLUMNS`` (``tests/db/test_extract.py`` enumerates the models): a new column is
  refused until someone decides whether it is a code to keep or something to blank.
- Refreshed when a coordinator's or administrator's session signs out or closes,
  at most hourly while the window is open, and when a statistics account is made.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from finsam_desktop.db.keys import sqlcipher_key, statistics_key

KEEP = "keep"  # a code, a date, an amount, an organisation's own details
BLANK = "blank"  # emptied ('' or NULL)
PSEUDONYM = "pseudonym"  # replaced by a keyed, non-reversible pseudonym (unique columns)
BIRTH_YEAR_PSEUDONYM = "birth-year-pseudonym"  # personnummer: birth year + pseudonym

COLUMNS: dict[str, dict[str, str]] = {
    "audit_log": {
        "username": PSEUDONYM,
        "action": KEEP,
        "table_name": KEEP,
        "what": KEEP,
        "details": BLANK,
        "prev_hash": KEEP,
        "hash": KEEP,
    },
    "case_option": {"list_key": KEEP, "name": KEEP},
    "draft": {"kind": KEEP, "record_key": KEEP, "payload": BLANK},
    "federation": {
        "name": KEEP,
        "phone": KEEP,
        "email": KEEP,
        "website": KEEP,
        "org_number": KEEP,
        "logo_png": KEEP,
        "street": KEEP,
        "postcode": KEEP,
        "city": KEEP,
    },
    "insats": {
        "process_profile": KEEP,
        "name": KEEP,
        "name_key": KEEP,
        "phone": KEEP,
        "email": KEEP,
        "exclusion_criteria": KEEP,
        "street": KEEP,
        "postcode": KEEP,
        "city": KEEP,
    },
    "letter_template": {"kind": KEEP, "subject": KEEP, "body": KEEP},
    "local_option": {"kind": KEEP, "name": KEEP, "name_key": KEEP},
    "beredning": {"note": BLANK},
    "lots_category": {"kind": KEEP, "name": KEEP, "name_key": KEEP},
    "mapping_template": {"sections": KEEP},
    "municipality": {"name": KEEP, "name_key": KEEP},
    "party": {"name": KEEP, "name_key": KEEP, "short_name": KEEP},
    "setting": {"key": KEEP, "value": KEEP},
    "users": {
        "username": PSEUDONYM,
        "display_name": BLANK,
        "display_name_key": BLANK,
        "role": KEEP,
        "password_hash": BLANK,
    },
    "lots_case": {
        "officer": BLANK,
        "officer_key": BLANK,
        "gender": KEEP,
        "foreign_background": KEEP,
        "sick_leave_fs": KEEP,
        "coordination_need": KEEP,
        "reference": BLANK,
        "import_fingerprint": BLANK,
    },
    "meeting_place": {"name": KEEP, "street": KEEP, "postcode": KEEP, "city": KEEP},
    "person": {
        "personnummer": BIRTH_YEAR_PSEUDONYM,
        "first_name": BLANK,
        "last_name": BLANK,
        "name_key": BLANK,
        "gender": KEEP,
        "foreign_background": KEEP,
        "phone": BLANK,
        "email": BLANK,
        "street": BLANK,
        "postcode": BLANK,
        "city": BLANK,
    },
    "staff": {
        "name": BLANK,
        "name_key": BLANK,
        "title": KEEP,
        "phone": BLANK,
        "email": BLANK,
    },
    "info_meeting": {
        "meeting_time": KEEP,
        "place_name": KEEP,
        "place_street": KEEP,
        "place_postcode": KEEP,
        "place_city": KEEP,
        "outcome": KEEP,
        "notes": BLANK,
        "remittent_name": BLANK,
        "remittent_phone": BLANK,
        "remittent_email": BLANK,
        "remittent_address": BLANK,
    },
    "referral": {
        "case_number": KEEP,
        "reason": BLANK,
        "status": KEEP,
        "decision_reason": BLANK,
        "next_step": BLANK,
        "exclusions_applying": KEEP,
        "override_motivation": BLANK,
        "remittent_name": BLANK,
        "remittent_phone": BLANK,
        "remittent_email": BLANK,
        "remittent_address": BLANK,
    },
    "participation": {"status": KEEP},
    "case_contact": {
        "kind": KEEP,
        "author_name": BLANK,
        "counterparts": KEEP,
        "counterpart_name": BLANK,
        "note": BLANK,
    },
    "case_event": {"kind": KEEP, "text": BLANK},
    "case_file": {
        "advice_benefit_ids": KEEP,
        "advice_note": BLANK,
        "summary": BLANK,
        "recommendations": BLANK,
        "meeting_attendees": BLANK,
    },
    "mapping_answer": {"question_key": KEEP, "value": BLANK},
    "mapping_session": {"note": BLANK},
    "participant_survey": {"comment": BLANK},
    "plan_revision": {"note": BLANK},
    "sent_letter": {
        "kind": KEEP,
        "recipient": BLANK,
        "subject": BLANK,
        "reference": BLANK,
        "sent_by": BLANK,
        "pdf": BLANK,
    },
    "study_support": {"school": BLANK},
    "work_training": {"workplace": BLANK, "employer_contact": BLANK, "employer_phone": BLANK},
    "plan_goal": {"text": BLANK, "status": KEEP},
    "plan_insats": {"description": BLANK},
    "work_visit": {"note": BLANK},
}

# Rows left as they are: the statistics accounts' own (their login name, name and
# password hash, for the lock screen and a change of password in the extract).
KEEP_ROWS = {"users": "role = 'statistics'"}

INFO_TABLE = "statistics_extract"


class ColumnNotClassified(RuntimeError):
    """A text column nobody has decided about: the extract is not written."""


def extract_path(db_path: Path | str) -> Path:
    return Path(str(db_path) + ".statistik")


def text_columns() -> dict[str, list]:
    """Every String/Text/JSON/LargeBinary column of every table of the models."""
    from sqlalchemy import JSON, LargeBinary, String, Text

    from finsam_desktop.db.schema import metadata

    found: dict[str, list] = {}
    for table in metadata.sorted_tables:
        columns = [c for c in table.c if isinstance(c.type, String | Text | JSON | LargeBinary)]
        if columns:
            found[table.name] = columns
    return found


def unclassified() -> list[str]:
    return [
        f"{table}.{column.name}"
        for table, columns in text_columns().items()
        for column in columns
        if COLUMNS.get(table, {}).get(column.name)
        not in (KEEP, BLANK, PSEUDONYM, BIRTH_YEAR_PSEUDONYM)
    ]


def _blank_value(column) -> str:
    from sqlalchemy import JSON, LargeBinary

    if column.nullable:
        return "NULL"
    if isinstance(column.type, JSON):
        return "'null'"
    if isinstance(column.type, LargeBinary):
        return "X''"
    return "''"


def _statements(secret: bytes) -> list[tuple[str, tuple]]:
    del secret  # the pseudonym function is registered on the connection
    statements = []
    for table, columns in text_columns().items():
        sets = []
        for column in columns:
            kind = COLUMNS[table][column.name]
            name = f'"{column.name}"'
            if kind == BLANK:
                sets.append(f"{name} = {_blank_value(column)}")
            elif kind == PSEUDONYM:
                sets.append(
                    f"{name} = CASE WHEN {name} IS NULL THEN NULL ELSE pseudonym({name}) END"
                )
            elif kind == BIRTH_YEAR_PSEUDONYM:
                sets.append(f"{name} = substr({name}, 1, 4) || '-' || pseudonym({name})")
        if sets:
            where = f" WHERE NOT ({KEEP_ROWS[table]})" if table in KEEP_ROWS else ""
            statements.append((f'UPDATE "{table}" SET {", ".join(sets)}{where}', ()))
    return statements


def write_extract(source_path: Path, db_key: bytes) -> Path:
    """Write ``<db>.statistik`` from the encrypted database at ``source_path``.

    The database is first copied into a scratch file under a key that lives only in this
    process, and de-identified there; only then are its rows exported into the file the
    statistics key opens. A process killed at any instruction leaves either nothing a
    statistics account can open or a copy already de-identified, never a full copy
    under the statistics key. The export also leaves out the pages the names were on
    (as VACUUM did)."""
    import secrets

    import sqlcipher3

    from finsam_desktop.db.engine import raw_connect

    missing = unclassified()
    if missing:
        raise ColumnNotClassified(", ".join(missing))
    source_path = Path(source_path)
    dest = extract_path(source_path)
    key = statistics_key(db_key)
    secret = hashlib.sha256(b"finsam-desktop/pseudonym/" + key).digest()
    scratch_key = sqlcipher_key(secrets.token_bytes(32))
    _remove_left_behind(dest)
    scratch, done = (_new_name(dest, suffix) for suffix in (".scratch.tmp", ".tmp"))
    try:
        con = raw_connect(source_path, db_key)
        try:
            con.execute(f'ATTACH DATABASE ? AS extract KEY "{scratch_key}"', (str(scratch),))
            con.execute("SELECT sqlcipher_export('extract')")
            con.execute("DETACH DATABASE extract")
        finally:
            con.close()
        out = sqlcipher3.connect(str(scratch), isolation_level=None)
        try:
            out.execute(f'PRAGMA key = "{scratch_key}"')
            out.execute("PRAGMA journal_mode = DELETE")

            def pseudonym(value):
                if value is None:
                    return None
                data = value if isinstance(value, bytes) else str(value).encode("utf-8")
                return "p" + hmac.new(secret, data, hashlib.sha256).hexdigest()[:16]

            out.create_function("pseudonym", 1, pseudonym, deterministic=True)
            triggers = [
                r[0] for r in out.execute("SELECT name FROM sqlite_master WHERE type='trigger'")
            ]
            out.execute("BEGIN IMMEDIATE")
            for name in triggers:
                out.execute(f'DROP TRIGGER "{name}"')
            for sql, params in _statements(secret):
                out.execute(sql, params)
            out.execute(f'CREATE TABLE "{INFO_TABLE}" (made_at TEXT NOT NULL)')
            out.execute(
                f'INSERT INTO "{INFO_TABLE}" VALUES (?)',
                (datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),),
            )
            out.execute("COMMIT")
            out.execute(f'ATTACH DATABASE ? AS extract KEY "{sqlcipher_key(key)}"', (str(done),))
            out.execute("SELECT sqlcipher_export('extract')")
            out.execute("DETACH DATABASE extract")
        finally:
            out.close()
        with open(done, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(done, dest)
    finally:
        for path in (scratch, done):
            for suffix in ("", "-journal", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(str(path) + suffix).unlink()
    return dest


# Files of a write that was killed: unreadable or already de-identified, but as large as
# the database. Another workstation may be writing its own just now: only old ones go.
LEFT_BEHIND_AGE_S = 24 * 3600


def _new_name(dest: Path, suffix: str) -> Path:
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=suffix)
    os.close(fd)
    Path(name).unlink()
    return Path(name)


def _remove_left_behind(dest: Path) -> None:
    import time

    for path in dest.parent.glob(dest.name + ".*.tmp*"):
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > LEFT_BEHIND_AGE_S:
                path.unlink()


def made_at(con) -> datetime | None:
    """When the extract open on ``con`` (a DB-API connection) was made (UTC)."""
    try:
        row = con.execute(f'SELECT made_at FROM "{INFO_TABLE}"').fetchone()
    except Exception:  # noqa: BLE001 - not an extract
        return None
    return datetime.fromisoformat(row[0]) if row else None
