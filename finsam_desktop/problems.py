"""Every error a person can meet, said once, in Swedish: the command line and the window
both ask ``user_message(exc)`` instead of letting a traceback through.

The expected kinds are: our own errors that already carry a message for the user
(refused sign-in, missing key file, backup and restore problems, a record changed by
someone else, a field that cannot be saved, ...), the operating system's (a full disk,
a read-only or missing folder, no permission), SQLite's and SQLCipher's (full, read-only,
locked, not a database) and text that cannot be stored (a lone surrogate from a broken
file name or terminal). No message ever repeats SQL, data or a traceback.
"""

from __future__ import annotations

import errno
import sqlite3

from finsam_desktop.i18n import _

# Exception classes whose text is already a message for the user (by qualified name, so
# that this module imports nothing above it and new layers can add theirs).
USER_MESSAGE_ERRORS = {
    "finsam_desktop.db.backup.BackupError",
    "finsam_desktop.db.migrate.DatabaseTooNew",
    "finsam_desktop.db.migrate.NotAFinsamDatabase",
    "finsam_desktop.services.access.AccessDenied",
    "finsam_desktop.services.signin.KeyFileMissing",
    "finsam_desktop.services.signin.SignInRefused",
    "finsam_desktop.services.records.ConcurrentChange",
    "finsam_desktop.services.lots_import.ImportFileError",
    "finsam_desktop.services.demo.database.NotADemoDatabase",
    "finsam_desktop.services.accounts.LoginFailed",
    "finsam_desktop.domain.personnummer.InvalidPersonnummer",
}


STALE_DATA = "sqlalchemy.orm.exc.StaleDataError"


def _qualified(kind: type) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


def carries_user_message(exc: BaseException) -> bool:
    """Listed above, or a class that says so itself (``shown_to_user = True``): a new
    error with a Swedish message for the user needs no change here."""
    if getattr(type(exc), "shown_to_user", False):
        return True
    return any(_qualified(k) in USER_MESSAGE_ERRORS for k in type(exc).__mro__)


def database_errors() -> tuple[type[BaseException], ...]:
    """sqlite3's, SQLCipher's (not a subclass of sqlite3's) and SQLAlchemy's wrappers."""
    kinds: list[type[BaseException]] = [sqlite3.Error]
    try:
        import sqlcipher3

        kinds.append(sqlcipher3.Error)
    except ImportError:
        pass
    try:
        from sqlalchemy.exc import DBAPIError

        kinds.append(DBAPIError)
    except ImportError:
        pass
    return tuple(kinds)


def _where(exc: OSError) -> str:
    name = exc.filename or exc.filename2
    return str(name) if name else ""


def os_message(exc: OSError) -> str:
    """A Swedish sentence for an error of the operating system, naming the file."""
    where = _where(exc)
    code = exc.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return _("The disk is full ({path}). Free some space and try again.").format(
            path=where or "–"
        )
    if code == errno.EROFS:
        return _("The folder is read-only ({path}). Choose another place.").format(
            path=where or "–"
        )
    if code in (errno.EACCES, errno.EPERM):
        return _("You may not write or read here ({path}). Choose another place.").format(
            path=where or "–"
        )
    if code == errno.ENOENT:
        return _("The file or folder does not exist: {path}").format(path=where or "–")
    if code == errno.EISDIR:
        return _("{path} is a folder; give a file name.").format(path=where or "–")
    if code == errno.ENOTDIR:
        return _("A part of the path is not a folder: {path}").format(path=where or "–")
    if code == errno.EEXIST:
        return _("The file already exists: {path}").format(path=where or "–")
    return _("The file {path} could not be read or written.").format(path=where or "–")


def database_message(exc: BaseException) -> str:
    """A Swedish sentence for what SQLite or SQLCipher said; never the SQL or data."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "full" in text:
        return _("The disk is full. Free some space and try again; nothing was lost.")
    if "readonly" in text or "read-only" in text or "permission" in text:
        return _("The database cannot be written to (the file or folder is read-only).")
    if "locked" in text or "busy" in text:
        return _(
            "The database is busy with a change from another copy of the program. "
            "Wait a moment and try again."
        )
    if "unable to open" in text:
        return _(
            "The database file cannot be opened or created: the folder is missing or read-only."
        )
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return _("The file is not a Finsam Desktop database, or it is damaged.")
    return _("The database could not be read or written.")


def unicode_message() -> str:
    return _(
        "The text contains a character that cannot be stored (for example a broken "
        "character in a name or a file name). Type it again."
    )


def user_message(exc: BaseException) -> str | None:
    """The Swedish message for an expected error; None for a programming error."""
    from finsam_desktop.domain.errors import NotFound, ValidationError

    if carries_user_message(exc):
        text = getattr(exc, "message", None) or str(exc)
        return text
    if any(_qualified(k) == STALE_DATA for k in type(exc).__mro__):
        # The version in an UPDATE's WHERE found a newer save (on a PostgreSQL server
        # another save can commit between the program's check and the UPDATE).
        from finsam_desktop.services.records import ConcurrentChange

        return str(ConcurrentChange())
    if isinstance(exc, ValidationError):
        return "\n".join(exc.problems.values()) or _("Check the values.")
    if isinstance(exc, NotFound):
        return _("The record does not exist (any more). It may have been removed.")
    if isinstance(exc, UnicodeError) or isinstance(getattr(exc, "orig", None), UnicodeError):
        return unicode_message()
    if isinstance(exc, database_errors()):
        return database_message(exc)
    if isinstance(exc, OSError):
        return os_message(exc)
    return None
