"""A database on a PostgreSQL server: its roles, row-level security and statistik views.

finsam --db postgresql://ägare@server/finsam serverroller [--administrator NAME --name TEXT]
"""

from __future__ import annotations

import os

from finsam_desktop.i18n import _, format_number, ngettext


def cmd_server_roles(args) -> int:
    import getpass

    from finsam_desktop.db import server_roles
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.db.server import engine_url
    from finsam_desktop.paths import database_path, is_server

    url = str(database_path(args.db))
    if not is_server(url):
        raise SystemExit(
            _("serverroller is for a database on a PostgreSQL server (--db postgresql://…).")
        )
    open_database(url).close()  # created or upgraded first, as the owner
    adopted = server_roles.setup(url)
    database = engine_url(url).database
    print(
        _("Group roles, row-level security and the statistik views are in place in {db}.").format(
            db=database
        )
    )
    for role in server_roles.GROUPS:
        print(f"  {server_roles.group_role(database, role)}")
    if adopted:
        print(
            ngettext(
                "{n} account from before got a database role without login. An "
                "administrator gives it a new password on the Konton page.",
                "{n} accounts from before got a database role without login. An "
                "administrator gives each a new password on the Konton page.",
                len(adopted),
            ).format(n=format_number(len(adopted)))
        )
    if args.administrator:
        from finsam_desktop.services import accounts, signin

        password = os.environ.get("FINSAM_PASSWORD")
        if password is None:
            password = getpass.getpass(_("Password for {user}: ").format(user=args.administrator))
            repeat = getpass.getpass(_("Repeat the password: "))
        else:
            repeat = password
        username = accounts.normalise_username(args.administrator)
        if signin.database_state(url) is signin.DatabaseState.NEW:
            signin.first_start(url, username, args.name or username, password, repeat).db.close()
        else:
            problems = accounts.password_problems(password, repeat)
            if problems:
                raise SystemExit("\n".join(problems.values()))
            if not server_roles.give_password(url, username, password):
                raise SystemExit(_("There is no administrator with this username."))
        print(
            _("The administrator can log in; its database role is {role}.").format(
                role=server_roles.account_role(database, username)
            )
        )
    return 0


def configure(parser) -> None:
    parser.add_argument(
        "--administrator",
        "--administratör",
        metavar=_("NAME"),
        help=_(
            "also create the first administrator with this username (or give this "
            "existing administrator a new password)"
        ),
    )
    parser.add_argument("--name", "--namn", metavar=_("TEXT"), help=_("the administrator's name"))
    parser.set_defaults(run=cmd_server_roles)


def commands() -> dict:
    """name -> (help, configure); configure sets the ``run`` of the command."""
    return {
        "serverroller": (
            _(
                "a server's roles, row-level security and statistik views "
                "(run with the database owner's URL)"
            ),
            configure,
        ),
    }
