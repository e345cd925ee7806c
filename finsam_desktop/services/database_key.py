"""Changing the database key: "Byt databasnyckel" and every deactivation.

An old key file (every backup carries one) plus the old password of a deactivated
account, or a password since changed, must not open the *current* database. So the
key itself changes: a new recovery key is made, the new database key is derived from
it, sealed to every remaining account's public key (no passwords needed, see
``db/keys.py``), and the file is re-encrypted with SQLCipher's ``PRAGMA rekey``.
The new recovery key is shown and printed once; the old one no longer opens the
current file (old backups keep their old keys and their old recovery key).

Crash-safe order:

1. the key file gets the new key sealed to every account, *beside* the old one
   (``KeyFile.begin_rekey``): a login tries both;
2. ``PRAGMA rekey`` (one transaction: old key or new key, never a mix);
3. the old sealed keys are dropped (``finish_rekey``).

Until the administrator confirms the new recovery key is printed, the key file says
so and the administrator is asked again at the next login.

Another running copy of the program notices the change at its next session (the key
file's key id differs) and takes its new sealed key (``Database.follow_key_change``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from finsam_desktop.db.engine import Database
from finsam_desktop.db.keys import key_from_recovery_key, new_recovery_key
from finsam_desktop.db.security_models import UserRow
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import _
from finsam_desktop.services import accounts, audit
from finsam_desktop.services.access import Permission, User, require, requires
from finsam_desktop.services.statistics_extract import refresh_extract


class KeyChangeImpossible(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class NewKey:
    recovery_key: str
    need_new_password: list[str]  # accounts from before key pairs: the admin resets them


@requires(Permission.ADMINISTER)
def change_database_key(db: Database) -> NewKey:
    """Re-key the database with a key derived from a new recovery key (administrator)."""
    require(db, Permission.ADMINISTER)
    if db.key is None or db.keyfile is None:
        raise KeyChangeImpossible(_("Only an encrypted database has a key to change."))
    db.keyfile.reload()
    if not db.keyfile.exists:
        raise KeyChangeImpossible(_("The key file is missing: the key cannot be changed now."))
    recovery_key = new_recovery_key()
    old, new = db.key, key_from_recovery_key(recovery_key)
    dropped_ids = db.keyfile.begin_rekey(old, new)
    db.rekey(new)
    db.keyfile.finish_rekey(new)
    refresh_extract(db, force=True)  # the statistics accounts' key changed with it
    with db.session() as session:
        names = []
        for row in session.scalars(select(UserRow).where(UserRow.id.in_(dropped_ids))):
            if row.active:
                row.must_change_password = True
                names.append(row.display_name)
        audit.record(session, audit.Action.ACCOUNT, what="database key changed")
    return NewKey(recovery_key, sorted(names, key=swedish_key))


@requires(Permission.ADMINISTER)
def deactivate(db: Database, user_id: int) -> tuple[User, NewKey | None]:
    """Deactivate the account, then change the database key, so that the account's old
    key (in an old key file, with its old password) opens no current data."""
    require(db, Permission.ADMINISTER)
    with db.session() as session:
        user = accounts.deactivate(session, user_id)
    if db.key is None or db.keyfile is None:
        return user, None
    return user, change_database_key(db)


@requires(Permission.ADMINISTER)
def recovery_key_printed(db: Database) -> None:
    """The administrator confirmed that the new recovery key is printed and kept."""
    require(db, Permission.ADMINISTER)
    if db.keyfile is not None and db.key is not None:
        db.keyfile.mark_recovery_key_shown(db.key)
