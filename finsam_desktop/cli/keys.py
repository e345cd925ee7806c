"""Command-line commands for the database key (issue 9).

    finsam --db PATH återställ-nycklar [--user ADMIN]
        the recovery key opens the database (also with the key file missing or
        damaged); the administrator sets a new password; a missing or damaged key file
        is rebuilt and the other accounts are marked to get a new password.
    finsam --db PATH --user ADMIN byt-nyckel [--pdf FILE]
        a new database key and recovery key (old backups keep their old keys).

Secrets are asked without echo; scripts may give them in FINSAM_RECOVERY_KEY,
FINSAM_NEW_PASSWORD (and FINSAM_PASSWORD for the login, as everywhere).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from finsam_desktop.cli.common import open_database
from finsam_desktop.i18n import _

# services.signin.RECOVERY_COMMAND, which its messages name (a test keeps them equal):
# written out so that parsing the command line imports no database code.
RECOVERY_COMMAND = "återställ-nycklar"


def _ask(prompt: str) -> str:
    """Asked without echo (getpass imports the terminal's modules: only when asked)."""
    import getpass

    return getpass.getpass(prompt)


def _secret(variable: str, prompt: str) -> str:
    value = os.environ.get(variable)
    return value if value is not None else _ask(prompt)


def configure_recover(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--admin",
        metavar=_("NAME"),
        help=_("the administrator who gets the new password (default: --user)"),
    )
    parser.set_defaults(run=run_recover)


def run_recover(args: argparse.Namespace) -> int:
    from finsam_desktop.domain.errors import ValidationError
    from finsam_desktop.paths import database_path
    from finsam_desktop.services import signin

    path = database_path(args.db)
    if signin.database_state(path) is not signin.DatabaseState.ENCRYPTED:
        print(
            _("The database {path} is not encrypted: it has no keys.").format(path=path),
            file=sys.stderr,
        )
        return 1
    admin = args.admin or args.user
    if not admin:
        print(_("Name the administrator with --admin NAME."), file=sys.stderr)
        return 2
    recovery_key = _secret("FINSAM_RECOVERY_KEY", _("Recovery key: "))
    password = _secret("FINSAM_NEW_PASSWORD", _("New password for {user}: ").format(user=admin))
    repeat = password if "FINSAM_NEW_PASSWORD" in os.environ else _ask(_("Repeat the password: "))
    try:
        recovered = signin.recover_with_recovery_key(path, recovery_key, admin, password, repeat)
    except signin.SignInRefused as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except ValidationError as exc:
        print("\n".join(exc.problems.values()), file=sys.stderr)
        return 2
    if recovered.rebuilt:
        print(_("The key file was rebuilt from the recovery key."))
    print(_("{user} can log in with the new password.").format(user=recovered.user.username))
    if recovered.need_new_password:
        print(
            _(
                "These accounts need a temporary password from the administrator "
                "(Accounts page, “New password…”): {names}"
            ).format(names=", ".join(recovered.need_new_password))
        )
    return 0


def configure_change_key(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--pdf", metavar=_("FILE"), help=_("also write the new recovery key to this PDF")
    )
    parser.set_defaults(run=run_change_key)


def run_change_key(args: argparse.Namespace) -> int:
    from finsam_desktop.services import database_key

    db = open_database(args)
    try:
        try:
            new = database_key.change_database_key(db)
        except database_key.KeyChangeImpossible as exc:
            print(exc.message, file=sys.stderr)
            return 1
        print(_("The database has a new key. The new recovery key (shown only now):"))
        print()
        print("    " + new.recovery_key)
        print()
        if args.pdf:
            from finsam_desktop.reports.recovery_key import write_recovery_key_pdf

            write_recovery_key_pdf(Path(args.pdf), new.recovery_key, db.path)
            print(
                _("Recovery key written to {path}: print it and delete the file.").format(
                    path=args.pdf
                )
            )
        print(
            _(
                "Keep it in a safe. The old recovery key no longer opens the database; "
                "old backups keep their old key and their old recovery key."
            )
        )
        if new.need_new_password:
            print(
                _(
                    "These accounts need a temporary password from the administrator "
                    "(Accounts page, “New password…”): {names}"
                ).format(names=", ".join(new.need_new_password))
            )
        database_key.recovery_key_printed(db)
    finally:
        db.close()
    return 0


def commands() -> dict:
    return {
        RECOVERY_COMMAND: (
            _("open with the recovery key, set an administrator's password, rebuild the key file"),
            configure_recover,
        ),
        "byt-nyckel": (
            _("change the database key and print a new recovery key (administrator)"),
            configure_change_key,
        ),
    }
