"""A database on a PostgreSQL server: its roles, row-level security and statistik views.

finsam --db postgresql://ägare@server/finsam serverroller [--administrator NAME --name TEXT]
"""

from __future__ import annotations

import os

from finsam_desktop.i18n import _


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
    server_roles.setup(url)
    database = engine_url(url).database
    print(
        _("Group roles, row-level security and the statistik views are in place in {db}.").format(
            db=database
        )
    )
    for role in server_roles.GROUPS:
        print(f"  {server_roles.group_role(database, role)}")
    if args.administrator:
        from finsam_desktop.services import signin

        password = os.environ.get("FINSAM_PASSWORD")
        if password is None:
            password = getpass.getpass(_("Password for {user}: ").format(user=args.administrator))
            repeat = getpass.getpass(_("Repeat the password: "))
        else:
            repeat = password
        started = signin.first_start(
            url, args.administrator, args.name or args.administrator, password, repeat
        )
        started.db.close()
        print(
            _("The first administrator can log in; its database role is {role}.").format(
                role=server_roles.account_role(database, started.user.username)
            )
        )
    return 0


def configure(parser) -> None:
    parser.add_argument(
        "--administrator",
        "--administratör",
        metavar=_("NAME"),
        help=_("also create the first administrator with this username"),
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
