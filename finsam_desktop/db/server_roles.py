"""The server enforces who sees what: PostgreSQL roles, row-level security and the
de-identified statistik views (issue 14 §2; docs/postgresql.md says it for the IT
department).

**Roles.** The program's three roles are three NOLOGIN group roles; every account is a
LOGIN role that is a member of its group. Role names are cluster-wide, so they carry the
database's name (two Finsam databases on one cluster never share a role):

- groups: ``<database>:administratör``, ``<database>:samordnare``, ``<database>:statistik``
- accounts: ``<database>.<username>`` (a username has no ``:``, so no account is a group)

A name may have at most 63 bytes (PostgreSQL cuts longer names; such an account is
refused instead). An administrator's role has CREATEROLE and ADMIN OPTION on the three
groups: the administrator's own connection is the privileged one that creates accounts,
sets passwords and roles (``create_account`` …), in the same transaction as the change
to the ``users`` table. Passwords travel only as a SCRAM-SHA-256 verifier made on the
client by libpq (``PQencryptPasswordConn``), quoted as a literal; never in a log.

**Row-level security** (``apply``, run by the owner of the tables: ``setup`` and every
upgrade of the schema). ``TABLES`` holds the decision for every table of the models
(tests/db/test_server_roles.py fails on a table without one):

- ``insats``: the row's ``insats_id`` is one of the account's insatser (``account_insats``);
- ``under:<column>:<table>``: the row belongs to a row of ``<table>`` the account may see
  (the parent's policy applies inside the check, so a case's journal follows its case);
- ``person``: a person linked (referral, participation, information meeting) to one of the
  account's insatser, or to no insats yet (just registered, before the referral is saved);
  the person's row carries the group of the set of insatser of its links
  (``visibility_group``, on a server only, kept by triggers: ``keep_visibility``), which
  the policy compares with the groups the account sees;
- ``own``: the account's own rows (drafts);
- ``shared``: no personal data, or the förbund's common registers: every account;
- ``users``: a coordinator reads every account (names of colleagues; no password is
  stored on a server) and changes only the bookkeeping columns of its own row;
- ``audit_log``: appended to by every account, never changed (below);
- ``account_insats``: a coordinator reads its own rows only.

Administrators see and change everything (a policy ``USING (true)``). The owner is not
bound (no FORCE): it is the IT department's role that runs the migrations and owns the
tables, and an owner can switch row-level security off anyway, so FORCE would protect
nothing. The access log is read and appended to by administrators; a coordinator
appends and reads only its id and hash (which the chain needs); nobody but the owner may
UPDATE, DELETE or TRUNCATE it. A few SECURITY DEFINER functions in ``finsam_rls`` answer
what a coordinator needs about rows it may not see and no more: the highest case number
of a year, whether a personnummer is taken, the log entries of a person it may see; one
finds the persons a list's search matches among those it may see, by the trigram index
its own query could not use (``_search_statements``).

**Statistik.** The statistik group has no grant on any table. It reads views in the
schema ``statistik``, one per table, with the same de-identification as the file
extract (``db/extract.py``'s ``COLUMNS`` and ``KEEP_ROWS``: one definition). The
pseudonyms are keyed with a secret in ``finsam_rls.pseudonym_key`` that only the owner
reads. An account of the statistik group connects with ``search_path = statistik``, so
the statistics services read the views under the tables' own names.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from finsam_desktop.db.expressions import (
    FEW_DIGITS,
    SEARCH_FUNCTION,
    SEARCH_SIGNATURE,
    SEARCHED,
    server_digit_conditions,
)

GROUPS = {"admin": "administratör", "coordinator": "samordnare", "statistics": "statistik"}
NAME_BYTES = 63
RLS_SCHEMA = "finsam_rls"
STATISTICS_SCHEMA = "statistik"

_SHARED = [
    "case_option",
    "mapping_template",
    "local_option",
    "lots_category",
    "lots_case",
    "lots_case_outcome",
    "federation",
    "municipality",
    "party",
    "insats",
    "meeting_place",
    "staff",
    "setting",
    "letter_template",
]

# The decision for every table of the models (see the module docstring).
TABLES: dict[str, str] = {
    **{name: "shared" for name in _SHARED},
    "person": "person",
    "referral": "insats",
    "participation": "insats",
    "info_meeting": "insats",
    "beredning": "insats",
    "referral_party_contact": "under:referral_id:referral",
    "sent_letter": "under:person_id:person",
    "case_file": "under:participation_id:participation",
    "mapping_session": "under:participation_id:participation",
    "mapping_answer": "under:participation_id:participation",
    "plan_revision": "under:participation_id:participation",
    "work_training": "under:participation_id:participation",
    "study_support": "under:participation_id:participation",
    "case_contact": "under:participation_id:participation",
    "case_event": "under:participation_id:participation",
    "participant_survey": "under:participation_id:participation",
    "plan_goal": "under:revision_id:plan_revision",
    "plan_insats": "under:revision_id:plan_revision",
    "work_visit": "under:work_training_id:work_training",
    "draft": "own",
    "users": "users",
    "audit_log": "audit_log",
    "account_insats": "account_insats",
}

# The rows that link a person to an insats; a person linked to none of them is seen by
# every coordinator (just registered, before the referral is saved).
LINKS = ("referral", "participation", "info_meeting")


@dataclass(frozen=True)
class ServerLogin:
    """How an account connects: its own role and password."""

    role: str
    password: str
    group: str  # "admin", "coordinator" or "statistics"

    def connect_args(self) -> dict:
        args = {"user": self.role, "password": self.password}
        if self.group == "statistics":
            args["options"] = f"-c search_path={STATISTICS_SCHEMA}"
        return args

    def __repr__(self) -> str:  # never the password
        return f"ServerLogin({self.role!r}, {self.group!r})"


def group_role(database: str, role: str) -> str:
    return f"{database}:{GROUPS[str(role)]}"


def account_role(database: str, username: str) -> str:
    return f"{database}.{username}"


def name_fits(database: str, username: str) -> bool:
    return len(account_role(database, username).encode()) <= NAME_BYTES and ":" not in username


# --- identifiers and literals ---------------------------------------------------------------


def quoted(name: str) -> str:
    """``name`` as an SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


_ident = quoted


def _driver(connection):
    """The psycopg connection under a SQLAlchemy connection (or itself)."""
    inner = getattr(connection, "connection", None)
    if inner is not None and hasattr(inner, "driver_connection"):
        return inner.driver_connection
    return connection


def _run(connection, statement: str, params=None):
    cursor = _driver(connection).cursor()
    cursor.execute(statement, params)
    return cursor


def _scram(connection, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` for ``role``, made by libpq here: the
    password itself never reaches the server (nor its log)."""
    pgconn = _driver(connection).pgconn
    return pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()


def _password_clause(connection, role: str, password: str):
    from psycopg import sql

    return sql.SQL("PASSWORD {}").format(sql.Literal(_scram(connection, role, password)))


# --- whether this database has its roles ----------------------------------------------------


def database_name(connection) -> str:
    return _run(connection, "SELECT current_database()").fetchone()[0]


def groups_exist(connection) -> bool:
    database = database_name(connection)
    names = [group_role(database, r) for r in GROUPS]
    row = _run(
        connection, "SELECT count(*) FROM pg_roles WHERE rolname = ANY(%s)", (names,)
    ).fetchone()
    return row[0] == len(names)


def group_of(connection) -> str | None:
    """The program's role of the connection's login role (None: not an account)."""
    database = database_name(connection)
    for role in ("admin", "coordinator", "statistics"):
        row = _run(
            connection,
            "SELECT pg_has_role(session_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            (group_role(database, role),),
        ).fetchone()
        if row and row[0]:
            return role
    return None


# --- accounts: run on the administrator's connection, inside the account's transaction ------


def create_account(connection, username: str, role: str, password: str) -> None:
    from psycopg import sql

    database = database_name(connection)
    name = account_role(database, username)
    _run(
        connection,
        sql.SQL("CREATE ROLE {} LOGIN {}").format(
            sql.Identifier(name), _password_clause(connection, name, password)
        ),
    )
    set_group(connection, username, role)


def set_group(connection, username: str, role: str) -> None:
    """The account's role becomes ``role``: member of that group only; CREATEROLE for an
    administrator; ``search_path`` of the statistik views for the statistik role."""
    from psycopg import sql

    database = database_name(connection)
    name = sql.Identifier(account_role(database, username))
    _leave_groups(connection, database, name)
    _run(
        connection,
        sql.SQL("GRANT {} TO {}").format(sql.Identifier(group_role(database, str(role))), name),
    )
    admin = str(role) == "admin"
    _run(
        connection,
        sql.SQL("ALTER ROLE {} {}").format(
            name, sql.SQL("CREATEROLE" if admin else "NOCREATEROLE")
        ),
    )
    if admin:
        for group in GROUPS:
            _run(
                connection,
                sql.SQL("GRANT {} TO {} WITH ADMIN OPTION").format(
                    sql.Identifier(group_role(database, group)), name
                ),
            )
    if str(role) == "statistics":
        _run(
            connection,
            sql.SQL("ALTER ROLE {} IN DATABASE {} SET search_path = {}").format(
                name, sql.Identifier(database), sql.Identifier(STATISTICS_SCHEMA)
            ),
        )
    else:
        _run(
            connection,
            sql.SQL("ALTER ROLE {} IN DATABASE {} RESET search_path").format(
                name, sql.Identifier(database)
            ),
        )


def set_password(connection, username: str, password: str, login: bool = True) -> None:
    from psycopg import sql

    name = account_role(database_name(connection), username)
    _run(
        connection,
        sql.SQL("ALTER ROLE {} {} {}").format(
            sql.Identifier(name),
            sql.SQL("LOGIN" if login else ""),
            _password_clause(connection, name, password),
        ),
    )


def _leave_groups(connection, database: str, name) -> None:
    """Every group membership of the account's role (``name``: its identifier) goes,
    ADMIN OPTION with it."""
    from psycopg import sql

    for group in GROUPS:
        _run(
            connection,
            sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(group_role(database, group)), name),
        )


def deactivate(connection, username: str) -> None:
    """The account's role can no longer log in, and leaves its group and CREATEROLE:
    a program left open with the account's connection reads and writes nothing more from
    its next statement (the server checks a role's rights at each statement; NOLOGIN
    alone only refuses the next login). ``set_group`` gives them back (a password reset
    reactivates the account)."""
    from psycopg import sql

    database = database_name(connection)
    name = sql.Identifier(account_role(database, username))
    _run(connection, sql.SQL("ALTER ROLE {} NOLOGIN NOCREATEROLE").format(name))
    _leave_groups(connection, database, name)


# --- the groups, grants, policies and views --------------------------------------------------


def create_groups(connection) -> None:
    """The three NOLOGIN group roles (needs CREATEROLE); idempotent."""
    from psycopg import sql

    database = database_name(connection)
    for role in GROUPS:
        name = group_role(database, role)
        exists = _run(connection, "SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if not exists:
            _run(connection, sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))


# The signed-in account's row of ``users`` (u): its role is the session's.
_ME = "current_database() || '.' || u.username = session_user"


def _functions(owner: str, groups: dict[str, str]) -> list[str]:
    admin, coordinator = _ident(groups["admin"]), _ident(groups["coordinator"])
    me = _ME
    linked = "EXISTS (SELECT 1 FROM public.{t} x WHERE x.person_id = pid{mine})"
    mine = f" AND x.insats_id IN (SELECT {RLS_SCHEMA}.my_insatser())"
    tables = LINKS
    any_link = " OR ".join(linked.format(t=t, mine="") for t in tables)
    my_link = " OR ".join(linked.format(t=t, mine=mine) for t in tables)
    header = "SECURITY DEFINER STABLE SET search_path = pg_catalog, public"
    return [
        f"CREATE SCHEMA IF NOT EXISTS {RLS_SCHEMA} AUTHORIZATION {_ident(owner)}",
        f"REVOKE ALL ON SCHEMA {RLS_SCHEMA} FROM PUBLIC",
        f"CREATE TABLE IF NOT EXISTS {RLS_SCHEMA}.pseudonym_key (secret text NOT NULL)",
        f"REVOKE ALL ON {RLS_SCHEMA}.pseudonym_key FROM PUBLIC",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.my_user_id() RETURNS integer
            LANGUAGE sql {header} AS $$
            SELECT u.id FROM public.users u WHERE {me} AND u.active $$""",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.my_insatser() RETURNS SETOF integer
            LANGUAGE sql {header} AS $$
            SELECT a.insats_id FROM public.account_insats a
            JOIN public.users u ON u.id = a.user_id WHERE {me} AND u.active $$""",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.person_visible(pid integer)
            RETURNS boolean LANGUAGE sql {header} AS $$
            SELECT ({my_link}) OR NOT ({any_link}) $$""",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.last_case_number(prefix text)
            RETURNS text LANGUAGE sql {header} AS $$
            SELECT max(case_number) FROM public.referral WHERE case_number LIKE prefix || '%' $$""",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.personnummer_taken(digits text, except_id integer)
            RETURNS boolean LANGUAGE sql {header} AS $$
            SELECT EXISTS (SELECT 1 FROM public.person WHERE personnummer = digits
                           AND id <> except_id) $$""",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.person_log(pid integer, lim integer)
            RETURNS TABLE (at timestamp, username text, action text, table_name text,
                           what text)
            LANGUAGE sql {header} AS $$
            SELECT at, username, action, table_name, what FROM public.audit_log
            WHERE person_id = pid AND {RLS_SCHEMA}.person_visible(pid)
            ORDER BY id DESC LIMIT lim $$""",
        f"REVOKE ALL ON ALL FUNCTIONS IN SCHEMA {RLS_SCHEMA} FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA {RLS_SCHEMA} TO {admin}, {coordinator}",
        f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {RLS_SCHEMA} TO {admin}, {coordinator}",
    ]


# --- which persons a coordinator sees, kept by triggers ----------------------------------------

# On a server, each person's row carries its visibility group (migration 0023;
# db.schema.SERVER_ONLY_COLUMNS): the id of a row of ``GROUP_TABLE``, which holds one set of
# insatser, the distinct insatser of the person's links, once for all persons with that set
# ({0}: linked to none, the group 0). The person policy is then one test of an integer of
# the row itself against the groups the account may see (asked once per statement).
GROUP = "visibility_group"
GROUP_TABLE = f"{RLS_SCHEMA}.visibility_group"
# The index a count of a coordinator's persons reads where the kept counts (below) do not
# answer it (the group alone: a few pages, index-only; ``SELECT count(*)`` in psql), and
# the one a page far down a search or filter walks in the id's order, testing the group
# beside each id.
GROUP_INDEX = "ix_person_visibility_group"
VISIBLE_INDEX = "ix_person_visible"
# How many persons of each group each block of 2**BLOCK_BITS consecutive ids holds, kept by
# statement triggers on the person table: a coordinator's whole count, and where in the
# id order a page far down starts, without reading every visible person before it
# (``visible_person_count``, ``visible_person_start``).
BLOCK_TABLE = f"{RLS_SCHEMA}.visible_block"
BLOCK_BITS = 10  # blocks of 1,024 ids


def _linked_sets(persons: str) -> str:
    """A query of (id, linked): each person of ``persons`` (a query of ``id``s) with the
    sorted, distinct insatser of its links, ``{0}`` for a person linked to none."""
    links = " UNION ALL ".join(
        f"SELECT insats_id FROM public.{t} WHERE person_id = x.id" for t in LINKS
    )
    return (
        "SELECT x.id, coalesce((SELECT array_agg(DISTINCT l.insats_id ORDER BY l.insats_id) "
        f"FROM ({links}) l), '{{0}}') AS linked FROM ({persons}) x"
    )


def _visibility_statements(groups: dict[str, str]) -> list[str]:
    """The triggers that keep ``person.visibility_group``: the group of the sorted, distinct
    insatser of the person's links (rows of ``LINKS``), ``{0}`` for a person linked to none.
    A statement trigger on each link table recounts the persons whose links the statement
    changed: it locks their rows first (in id order), so a statement that changes another
    link of the same person waits and then counts this one's too (READ COMMITTED: every
    statement of the function sees what committed before it). A set no group holds yet
    gets one first (``ON CONFLICT``: two workstations making the same set at once make
    one group; the second's next statement sees the first's). A person's group is never
    left unset: the column is NOT NULL, and a set whose group cannot be read (another
    transaction's, invisible to a REPEATABLE READ snapshot) fails the statement instead.

    The person policy compares the column with the groups whose set holds one of the
    account's insatser or 0 (``my_groups``, an array asked once per statement): an
    integer ``= ANY`` is LEAKPROOF, so the planner tests it inside an index scan and
    estimates it (the array overlap it replaced cost about 1 µs per row).

    Nobody but the owner writes the column or the groups (column privileges: the program
    writes the models' columns only), and no coordinator reads them: they would tell a
    coordinator the other insatser of a person it sees (an administrator, who sees them
    all, reads them). A policy reads the column all the same (row-level security is
    checked as the table's owner)."""
    from finsam_desktop.db.schema import metadata

    admin, coordinator = _ident(groups["admin"]), _ident(groups["coordinator"])
    header = "SECURITY DEFINER SET search_path = pg_catalog, public"
    columns = ", ".join(_ident(c.name) for c in metadata.tables["person"].c)
    touched = _linked_sets("SELECT unnest(persons) AS id")
    out = [
        # The account's insatser and 0 (no insats) as an array, asked once per statement
        # and table (every policy's InitPlan): ``my_insatser()``'s rows, in PL/pgSQL,
        # whose query is planned once per connection; a SQL function (and the SQL
        # function it called) was planned again at each call, 0.2-0.5 ms, fourteen times
        # in Översikt's counts.
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.my_insats_array() RETURNS integer[]
            LANGUAGE plpgsql STABLE {header} AS $$
            BEGIN
              RETURN array_append(coalesce((SELECT array_agg(a.insats_id)
                FROM public.account_insats a JOIN public.users u ON u.id = a.user_id
                WHERE {_ME} AND u.active), '{{}}'), 0);
              END $$""",
        # The groups whose persons the account sees: linked to one of its insatser, or to
        # none. In PL/pgSQL, whose statements keep their plans for the connection's life
        # (an SQL function's body is planned at every call: 1–4 ms at each statement
        # under the policy, which asks it once per scan of the table).
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.my_groups() RETURNS integer[]
            LANGUAGE plpgsql STABLE {header} AS $$
            BEGIN
              RETURN (SELECT coalesce(array_agg(g.id), '{{}}') FROM {GROUP_TABLE} g
                WHERE g.insatser && (SELECT {RLS_SCHEMA}.my_insats_array()));
            END $$""",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.relink(persons integer[]) RETURNS void
            LANGUAGE plpgsql {header} AS $$
            BEGIN
              PERFORM 1 FROM public.person WHERE id = ANY (persons) ORDER BY id
                FOR NO KEY UPDATE;
              INSERT INTO {GROUP_TABLE} (insatser)
                SELECT DISTINCT n.linked FROM ({touched}) n
                WHERE NOT EXISTS (SELECT 1 FROM {GROUP_TABLE} g WHERE g.insatser = n.linked)
                ON CONFLICT (insatser) DO NOTHING;
              UPDATE public.person p SET {GROUP} = n.grp FROM (
                  SELECT s.id, (SELECT g.id FROM {GROUP_TABLE} g WHERE g.insatser = s.linked)
                    AS grp FROM ({touched}) s) n
              WHERE p.id = n.id AND p.{GROUP} IS DISTINCT FROM n.grp;
            END $$""",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.relink_changed() RETURNS trigger
            LANGUAGE plpgsql {header} AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                PERFORM {RLS_SCHEMA}.relink(ARRAY(SELECT DISTINCT person_id FROM added));
              ELSIF TG_OP = 'DELETE' THEN
                PERFORM {RLS_SCHEMA}.relink(ARRAY(SELECT DISTINCT person_id FROM removed));
              ELSE
                PERFORM {RLS_SCHEMA}.relink(ARRAY(
                  SELECT n.person_id FROM added n JOIN removed o ON o.id = n.id
                  WHERE n.person_id <> o.person_id OR n.insats_id <> o.insats_id
                  UNION SELECT o.person_id FROM added n JOIN removed o ON o.id = n.id
                  WHERE n.person_id <> o.person_id OR n.insats_id <> o.insats_id));
              END IF;
              RETURN NULL;
            END $$""",
        *_block_statements(groups),
        *_search_statements(groups),
        f"REVOKE ALL ON FUNCTION {RLS_SCHEMA}.relink(integer[]) FROM PUBLIC, {admin}, "
        f"{coordinator}",
        f"REVOKE ALL ON FUNCTION {RLS_SCHEMA}.relink_changed() FROM PUBLIC, {admin}, {coordinator}",
        f"REVOKE ALL ON FUNCTION {RLS_SCHEMA}.my_groups() FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {RLS_SCHEMA}.my_groups() TO {admin}, {coordinator}",
        f"REVOKE ALL ON {GROUP_TABLE} FROM PUBLIC, {admin}, {coordinator}",
        f"GRANT SELECT ON {GROUP_TABLE} TO {admin}",
        f"REVOKE SELECT, INSERT, UPDATE ON public.person FROM {admin}, {coordinator}",
        f"GRANT SELECT ({columns}), INSERT ({columns}), UPDATE ({columns}) ON public.person "
        f"TO {coordinator}",
        # An administrator sees every person and so every link: the whole row is theirs to
        # read (``SELECT *`` from psql works), the column still the server's to write.
        f"GRANT SELECT ON public.person TO {admin}",
        f"GRANT INSERT ({columns}), UPDATE ({columns}) ON public.person TO {admin}",
    ]
    for table in LINKS:
        out += _statement_triggers("finsam_relink", table, "relink_changed()")
    return out


# A statement trigger's events with the transition tables its function reads.
_TRIGGER_EVENTS = {
    "INSERT": "REFERENCING NEW TABLE AS added",
    "DELETE": "REFERENCING OLD TABLE AS removed",
    "UPDATE": "REFERENCING OLD TABLE AS removed NEW TABLE AS added",
    "TRUNCATE": "",
}


def _statement_triggers(
    prefix: str, table: str, function: str, events=("INSERT", "DELETE", "UPDATE")
) -> list[str]:
    """``prefix_<event>`` on ``public.table`` for each of ``events``, calling the
    ``finsam_rls`` function once per statement (made again: dropped first)."""
    out = []
    for event in events:
        name = f"{prefix}_{event.lower()}"
        out.append(f"DROP TRIGGER IF EXISTS {name} ON public.{table}")
        out.append(
            f"CREATE TRIGGER {name} AFTER {event} ON public.{table} {_TRIGGER_EVENTS[event]} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {RLS_SCHEMA}.{function}"
        )
    return out


def _block_statements(groups: dict[str, str]) -> list[str]:
    """The counts of ``BLOCK_TABLE`` and the two functions that read them for the calling
    account (the groups it sees, ``my_groups``): ``visible_person_count()``, how many
    persons it sees, and ``visible_person_start(skip)``, the first id of the block that
    holds the visible person ``skip`` persons into the id order and how many visible
    persons of that block come before it (NULL past the last). They tell an account only
    what it could count itself from the persons it sees.

    A statement trigger on the person table adds each statement's change to the counts:
    +1 for each new row version's (group, block), -1 for each old one's, summed, in one
    upsert taking the rows in (group, block) order (two statements wait for each other
    rather than deadlock). Two transactions adding persons to the same block and group
    (new persons, at the end of the id order) therefore take turns at that row until the
    first commits, as they would at the id sequence's page of the index."""
    admin, coordinator = _ident(groups["admin"]), _ident(groups["coordinator"])
    header = "SECURITY DEFINER SET search_path = pg_catalog, public"
    block = f"(id >> {BLOCK_BITS})"

    def delta(source: str, sign: str) -> str:
        return f"SELECT {GROUP} AS grp, {block} AS block, {sign}1 AS d FROM {source}"

    def upsert(changes: str) -> str:
        return f"""INSERT INTO {BLOCK_TABLE} AS b (grp, block, persons)
                  SELECT c.grp, c.block, sum(c.d) FROM ({changes}) c GROUP BY c.grp, c.block
                  HAVING sum(c.d) <> 0 ORDER BY c.grp, c.block
                ON CONFLICT (grp, block) DO UPDATE SET persons = b.persons + excluded.persons;"""

    out = [
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.count_blocks() RETURNS trigger
            LANGUAGE plpgsql {header} AS $$
            BEGIN
              IF TG_OP = 'INSERT' THEN
                {upsert(delta("added", "+"))}
              ELSIF TG_OP = 'DELETE' THEN
                {upsert(delta("removed", "-"))}
              ELSIF TG_OP = 'UPDATE' THEN
                {upsert(delta("added", "+") + " UNION ALL " + delta("removed", "-"))}
              ELSE
                DELETE FROM {BLOCK_TABLE};
              END IF;
              RETURN NULL;
            END $$""",
        # PL/pgSQL, as ``my_groups``: the statements' plans kept for the connection.
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.visible_person_count() RETURNS bigint
            LANGUAGE plpgsql STABLE {header} AS $$
            DECLARE
              mine integer[] := {RLS_SCHEMA}.my_groups();
            BEGIN
              RETURN (SELECT coalesce(sum(persons), 0)::bigint FROM {BLOCK_TABLE}
                WHERE grp = ANY (mine));
            END $$""",
        f"""CREATE OR REPLACE FUNCTION {RLS_SCHEMA}.visible_person_start(skip bigint)
            RETURNS TABLE (first_id integer, skip_in_block bigint)
            LANGUAGE plpgsql STABLE {header} AS $$
            DECLARE
              mine integer[] := {RLS_SCHEMA}.my_groups();
            BEGIN
              RETURN QUERY SELECT (c.block << {BLOCK_BITS})::integer, (skip - (c.upto - c.n))::bigint
                FROM (SELECT s.block, s.n, sum(s.n) OVER (ORDER BY s.block) AS upto
                  FROM (SELECT b.block, sum(b.persons) AS n FROM {BLOCK_TABLE} b
                    WHERE b.grp = ANY (mine) GROUP BY b.block) s) c
                WHERE c.upto > skip ORDER BY c.block LIMIT 1;
            END $$""",
        f"REVOKE ALL ON FUNCTION {RLS_SCHEMA}.count_blocks() FROM PUBLIC, {admin}, {coordinator}",
        f"REVOKE ALL ON {BLOCK_TABLE} FROM PUBLIC, {admin}, {coordinator}",
        f"GRANT SELECT ON {BLOCK_TABLE} TO {admin}",
    ]
    for function in ("visible_person_count()", "visible_person_start(bigint)"):
        out.append(f"REVOKE ALL ON FUNCTION {RLS_SCHEMA}.{function} FROM PUBLIC")
        out.append(f"GRANT EXECUTE ON FUNCTION {RLS_SCHEMA}.{function} TO {admin}, {coordinator}")
    out += _statement_triggers("finsam_count_blocks", "person", "count_blocks()", _TRIGGER_EVENTS)
    return out


def count_blocks_statement() -> str:
    """Every (group, block)'s persons counted from the person table."""
    return (
        f"INSERT INTO {BLOCK_TABLE} (grp, block, persons) SELECT {GROUP}, id >> {BLOCK_BITS}, "
        f"count(*) FROM public.person GROUP BY 1, 2"
    )


# The person columns a list searches for a part (``services.listing.person_search``), each
# with a trigram index on a server (migration 0018), and the function that searches them
# for an account under row-level security (``_search_statements``): SEARCHED and
# SEARCH_FUNCTION, named in db/expressions.py where the lists' statements call it (it
# imports nothing of the program; this module reaches the engine, the engine them).


def _search_statements(groups: dict[str, str]) -> list[str]:
    """``visible_persons_like(column, pattern, at_most)``: the ids of the persons whose
    ``column`` (one of ``SEARCHED``) is LIKE ``pattern`` *and* whom the calling account may
    see, by the person policy's own test (``visibility_group`` among ``my_groups()``); at
    most ``at_most`` of them (NULL: all), so that a capped count of a common name stops at
    the cap (the whole set of a plpgsql function is made before its caller reads a row:
    a LIMIT outside stopped nothing).

    Why: PostgreSQL evaluates a query's condition on a table under row-level security
    only after the policy's, unless its function is LEAKPROOF (which only a superuser
    may declare, and LIKE is not): so a coordinator's search read every person's row
    (the policy first, then LIKE) and never the trigram index. The function runs as the
    owner, whom no policy binds, finds the matches by the index, and applies the
    visibility test itself: it tells an account nothing about a person it may not see
    (tests/db/test_server_roles.py calls it as a coordinator, without the program). The
    list's query keeps the policy on its own rows besides. Each call is planned with
    its pattern (EXECUTE): a pattern of one or two letters has no trigram to look up and
    is read from the table instead. A run of ``FEW_DIGITS`` digits or more in the
    personnummer is found by the indexes of its positions (migration 0025, the same
    conditions as ``expressions.digits_of_persons``), each holding the group: a birth
    year's common trigrams made the trigram index read a tenth of the table."""
    admin, coordinator = _ident(groups["admin"]), _ident(groups["coordinator"])
    header = "SECURITY DEFINER STABLE SET search_path = pg_catalog, public"
    # Static SQL (not EXECUTE): its plan is kept for the session, where planning the
    # ten ranges anew took 3–5 ms of each call.
    digit_arms = "\n                  UNION ".join(
        f"SELECT id FROM public.person WHERE {c} AND {GROUP} = ANY (mine)"
        for c in server_digit_conditions("personnummer", "digits", "following")
    )
    numbers = f"""              IF column_name = 'personnummer' AND pattern ~ '^%[0-9]{{{FEW_DIGITS},}}%$' THEN
                digits := substr(pattern, 2, length(pattern) - 2);
                following := left(digits, -1) || chr(ascii(right(digits, 1)) + 1);
                RETURN QUERY {digit_arms}
                  LIMIT at_most;"""
    branches = (
        numbers
        + "\n"
        + "\n".join(
            f"""              ELSIF column_name = '{column}' THEN
                RETURN QUERY EXECUTE 'SELECT id FROM public.person WHERE {_ident(column)} '
                  'LIKE $1 AND {GROUP} = ANY ($2) LIMIT $3' USING pattern, mine, at_most;"""
            for column in SEARCHED
        )
    )
    return [
        # The function of revisions 0020–0025, without ``at_most``.
        f"DROP FUNCTION IF EXISTS {SEARCH_FUNCTION}(text, text)",
        f"""CREATE OR REPLACE FUNCTION {SEARCH_FUNCTION}(
              column_name text, pattern text, at_most integer DEFAULT NULL)
            RETURNS SETOF integer LANGUAGE plpgsql {header} AS $$
            DECLARE
              mine integer[] := {RLS_SCHEMA}.my_groups();
              digits text;
              following text;
            BEGIN
{branches}
              ELSE
                RAISE EXCEPTION 'not a searched column: %', column_name
                  USING ERRCODE = 'invalid_parameter_value';
              END IF;
            END $$""",
        f"REVOKE ALL ON FUNCTION {SEARCH_SIGNATURE} FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION {SEARCH_SIGNATURE} TO {admin}, {coordinator}",
    ]


def fill_group_statements() -> list[str]:
    """Every person's ``visibility_group`` counted from the links: a group for each set
    of insatser not yet held, then each person's group."""
    links = " UNION ALL ".join(f"SELECT person_id, insats_id FROM public.{t}" for t in LINKS)
    sets = (
        "SELECT person_id, array_agg(DISTINCT insats_id ORDER BY insats_id) AS linked "
        f"FROM ({links}) l GROUP BY person_id"
    )
    return [
        f"""INSERT INTO {GROUP_TABLE} (insatser) SELECT DISTINCT a.linked FROM ({sets}) a
            WHERE NOT EXISTS (SELECT 1 FROM {GROUP_TABLE} g WHERE g.insatser = a.linked)
            ON CONFLICT (insatser) DO NOTHING""",
        f"""UPDATE public.person p SET {GROUP} = g.id FROM ({sets}) a
            JOIN {GROUP_TABLE} g ON g.insatser = a.linked
            WHERE p.id = a.person_id AND p.{GROUP} <> g.id""",
        f"""UPDATE public.person p SET {GROUP} = 0 WHERE p.{GROUP} <> 0
            AND NOT EXISTS (SELECT 1 FROM ({links}) l WHERE l.person_id = p.id)""",
    ]


def keep_visibility(connection, groups: dict[str, str]) -> None:
    """The groups' table, the triggers that keep ``person.visibility_group`` and the
    counts of ``BLOCK_TABLE``, and the column's privileges; the groups counted from the
    existing links when the table is made now, the blocks from the persons when theirs is
    (making the triggers waits for the tables' writers and holds new ones until this
    commits)."""
    made = _run(connection, "SELECT to_regclass(%s) IS NULL", (GROUP_TABLE,)).fetchone()[0]
    if made:
        # The function the person policy read before revision 0017 (every link, in every
        # query).
        _run(connection, f"DROP FUNCTION IF EXISTS {RLS_SCHEMA}.hidden_persons() CASCADE")
        _run(
            connection,
            f"CREATE TABLE {GROUP_TABLE} (id integer GENERATED BY DEFAULT AS IDENTITY "
            "PRIMARY KEY, insatser integer[] NOT NULL UNIQUE)",
        )
        # The group of a person linked to none: the column's default (a new person).
        _run(connection, f"INSERT INTO {GROUP_TABLE} (id, insatser) VALUES (0, '{{0}}')")
    if _run(connection, "SELECT to_regclass(%s) IS NULL", (BLOCK_TABLE,)).fetchone()[0]:
        # Counted from the persons' groups as they are now; the triggers (below) then
        # count every change, the groups counted from the links (below) too.
        _run(
            connection,
            f"CREATE TABLE {BLOCK_TABLE} (grp integer NOT NULL, block integer NOT NULL, "
            "persons integer NOT NULL, PRIMARY KEY (grp, block))",
        )
        _run(connection, count_blocks_statement())
    for statement in _visibility_statements(groups):
        _run(connection, statement)
    if made:
        for statement in fill_group_statements():
            _run(connection, statement)
        _run(connection, "ANALYZE public.person")


def _policies(table: str, decision: str, groups: dict[str, str]) -> list[str]:
    admin, coordinator = _ident(groups["admin"]), _ident(groups["coordinator"])
    t = _ident(table)
    # The account's insatser as an array asked once per statement; ``= ANY`` of integers
    # is LEAKPROOF, so the planner may test it in an index scan and estimate it from the
    # column's statistics (``IN (SELECT …)`` was a subplan it guessed to keep half the
    # rows: a page of the Remisser list filtered on answers due read every participation
    # into a hash instead of looking up the page's 200).
    mine = f"insats_id = ANY ((SELECT {RLS_SCHEMA}.my_insats_array())::integer[])"
    me = f"(SELECT {RLS_SCHEMA}.my_user_id())"  # once per statement, not per row
    out = [
        f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY",
        f"CREATE POLICY finsam_admin ON {t} FOR ALL TO {admin} USING (true) WITH CHECK (true)",
    ]

    def coordinator_policy(rule: str, command: str = "ALL", name: str = "finsam_samordnare"):
        check = "" if command in ("SELECT", "DELETE") else f" WITH CHECK ({rule})"
        using = "" if command == "INSERT" else f" USING ({rule})"
        out.append(f"CREATE POLICY {name} ON {t} FOR {command} TO {coordinator}{using}{check}")

    if decision == "insats":
        coordinator_policy(mine)
    elif decision == "person":
        # The row's own visibility group (kept by triggers): one whose insatser hold one
        # of the account's, or 0 (linked to none).
        coordinator_policy(f"{GROUP} = ANY ((SELECT {RLS_SCHEMA}.my_groups())::integer[])")
    elif decision.startswith("under:"):
        _under, column, parent = decision.split(":")
        coordinator_policy(
            f"EXISTS (SELECT 1 FROM public.{_ident(parent)} p WHERE p.id = {column})"
        )
    elif decision == "own":
        coordinator_policy(f"user_id = {me}")
    elif decision == "users":
        coordinator_policy("true", "SELECT", "finsam_samordnare_read")
        coordinator_policy(f"id = {me}", "UPDATE", "finsam_samordnare_own")
    elif decision == "account_insats":
        coordinator_policy(f"user_id = {me}", "SELECT")
    return out


def _grants(groups: dict[str, str]) -> list[str]:
    admin, coordinator = _ident(groups["admin"]), _ident(groups["coordinator"])
    statistics = _ident(groups["statistics"])
    everyone = f"{admin}, {coordinator}, {statistics}"
    own_columns = (
        "last_login_at, failed_attempts, wait_until, must_change_password, version, "
        "updated_at, password_hash"
    )
    return [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {everyone}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {everyone}",
        f"GRANT USAGE ON SCHEMA public TO {admin}, {coordinator}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {admin}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {coordinator}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {admin}, {coordinator}",
        # The access log: appended to, never changed (the owner alone may).
        f"REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM {admin}, {coordinator}",
        f"REVOKE SELECT ON audit_log FROM {coordinator}",
        f"GRANT SELECT (id, hash) ON audit_log TO {coordinator}",
        # A coordinator changes only the bookkeeping of its own account.
        f"REVOKE INSERT, UPDATE, DELETE ON users, account_insats FROM {coordinator}",
        f"GRANT UPDATE ({own_columns}) ON users TO {coordinator}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {admin}, {coordinator}",
    ]


def _view_column(table: str, column, kind: str, keep_rows: str | None) -> str:
    from sqlalchemy.dialects import postgresql

    from finsam_desktop.db import extract

    name = _ident(column.name)
    typ = column.type.compile(dialect=postgresql.dialect())
    secret = f"(SELECT secret FROM {RLS_SCHEMA}.pseudonym_key LIMIT 1)"
    pseudonym = (
        f"'p' || left(encode(sha256(convert_to({secret} || {name}::text, 'UTF8')), 'hex'), 16)"
    )
    if kind == extract.KEEP:
        return name
    if kind == extract.BLANK:
        if column.nullable:
            value = f"NULL::{typ}"
        elif typ in ("JSON", "JSONB"):
            value = f"'null'::{typ}"
        elif typ == "BYTEA":
            value = "'\\x'::bytea"
        else:
            value = f"''::{typ}"
    elif kind == extract.PSEUDONYM:
        value = f"({pseudonym})"
    else:  # BIRTH_YEAR_PSEUDONYM
        value = f"(substr({name}, 1, 4) || '-' || {pseudonym})"
    if keep_rows:
        value = f"CASE WHEN {keep_rows} THEN {name} ELSE {value} END"
    return f"{value} AS {name}"


def view_statements(groups: dict[str, str]) -> list[str]:
    """One view per table in the schema ``statistik``: the file extract's definition."""
    from finsam_desktop.db import extract
    from finsam_desktop.db.schema import metadata

    missing = extract.unclassified()
    if missing:
        raise extract.ColumnNotClassified(", ".join(missing))
    statistics = _ident(groups["statistics"])
    out = [
        f"DROP SCHEMA IF EXISTS {STATISTICS_SCHEMA} CASCADE",
        f"CREATE SCHEMA {STATISTICS_SCHEMA}",
        f"GRANT USAGE ON SCHEMA {STATISTICS_SCHEMA} TO {statistics}",
    ]
    texts = extract.text_columns()
    for table in metadata.sorted_tables:
        classified = {
            c.name: extract.COLUMNS[table.name][c.name] for c in texts.get(table.name, [])
        }
        keep_rows = extract.KEEP_ROWS.get(table.name)
        columns = [
            _view_column(table.name, c, classified[c.name], keep_rows)
            if c.name in classified
            else _ident(c.name)
            for c in table.c
        ]
        out.append(
            f"CREATE VIEW {STATISTICS_SCHEMA}.{_ident(table.name)} AS SELECT "
            f"{', '.join(columns)} FROM public.{_ident(table.name)}"
        )
    out.append(
        f"CREATE VIEW {STATISTICS_SCHEMA}.alembic_version AS "
        "SELECT version_num FROM public.alembic_version"
    )
    out.append(f"GRANT SELECT ON ALL TABLES IN SCHEMA {STATISTICS_SCHEMA} TO {statistics}")
    return out


def apply(connection) -> None:
    """Grants, policies, functions and views, as the owner of the tables; idempotent.
    Runs inside the caller's transaction (an upgrade's, or ``setup``'s)."""
    from finsam_desktop.db.schema import metadata

    missing = [t.name for t in metadata.sorted_tables if t.name not in TABLES]
    if missing:
        raise RuntimeError(f"no row-level security decision for: {', '.join(missing)}")
    database = database_name(connection)
    groups = {role: group_role(database, role) for role in GROUPS}
    owner = _run(connection, "SELECT current_user").fetchone()[0]
    for statement in _functions(owner, groups):
        _run(connection, statement)
    if not _run(connection, f"SELECT 1 FROM {RLS_SCHEMA}.pseudonym_key").fetchone():
        _run(
            connection,
            f"INSERT INTO {RLS_SCHEMA}.pseudonym_key VALUES (%s)",
            (secrets.token_hex(32),),
        )
    for statement in _grants(groups):
        _run(connection, statement)
    keep_visibility(connection, groups)
    existing = _run(
        connection, "SELECT tablename, policyname FROM pg_policies WHERE schemaname = 'public'"
    ).fetchall()
    for table, policy in existing:
        _run(connection, f"DROP POLICY {_ident(policy)} ON {_ident(table)}")
    for table in metadata.sorted_tables:
        decision = TABLES[table.name]
        if decision == "shared" or decision == "audit_log":
            _run(connection, f"ALTER TABLE {_ident(table.name)} DISABLE ROW LEVEL SECURITY")
            continue
        for statement in _policies(table.name, decision, groups):
            _run(connection, statement)
    for statement in view_statements(groups):
        _run(connection, statement)


def setup(url: str) -> list[str]:
    """Make the groups and apply everything, with the owner's URL (a role that owns the
    database's tables and has CREATEROLE, or a superuser: the tables' owner is then
    taken for the rest). The schema must be current (``migrate.open_database`` first).
    Returns the usernames of the accounts that got a role now (``adopt_accounts``)."""
    import psycopg

    from finsam_desktop.db.server import raw_connect

    try:
        return _setup(url, raw_connect)
    except psycopg.errors.InsufficientPrivilege:
        raise NotPrivileged() from None


class NotPrivileged(RuntimeError):
    shown_to_user = True

    def __init__(self):
        from finsam_desktop.i18n import _

        super().__init__(
            _(
                "The database role in the URL may not create roles. Run the command with "
                "the role that owns the database, given CREATEROLE (ALTER ROLE … "
                "CREATEROLE), or with a superuser."
            )
        )


def _setup(url: str, raw_connect) -> list[str]:
    with raw_connect(url) as connection, connection.transaction():
        create_groups(connection)
        adopted = adopt_accounts(connection)
        owner = _run(
            connection, "SELECT tableowner FROM pg_tables WHERE tablename = 'users'"
        ).fetchone()[0]
        current = _run(connection, "SELECT current_user").fetchone()[0]
        if owner != current:
            _run(connection, f"SET LOCAL ROLE {_ident(owner)}")
        apply(connection)
    return adopted


def adopt_accounts(connection) -> list[str]:
    """Accounts made before the database had its roles (a server used without them, or a
    file moved in) get a role each, in their group, without login and without a password
    (the program's old argon2 hash is emptied): the administrator gives each a new
    password on the Konton page. Returns their usernames."""
    from psycopg import sql

    database = database_name(connection)
    rows = _run(connection, "SELECT username, role FROM public.users ORDER BY id").fetchall()
    adopted = []
    for username, role in rows:
        name = account_role(database, username)
        if not name_fits(database, username):
            continue  # cannot have a role; it cannot sign in on the server
        if _run(connection, "SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone():
            continue
        _run(connection, sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
        set_group(connection, username, role)
        _run(
            connection,
            "UPDATE public.users SET password_hash = '', must_change_password = true "
            "WHERE username = %s",
            (username,),
        )
        adopted.append(username)
    return adopted


def give_password(url: str, username: str, password: str) -> bool:
    """The IT department's way to let an existing administrator in (the first one after
    ``setup`` adopted the accounts, or the only one who forgot the password), with the
    owner's URL. False when ``username`` is no administrator."""
    from finsam_desktop.db.server import raw_connect

    with raw_connect(url) as connection, connection.transaction():
        row = _run(
            connection, "SELECT role FROM public.users WHERE username = %s", (username,)
        ).fetchone()
        if row is None or row[0] != "admin":
            return False
        set_password(connection, username, password)
        _run(
            connection,
            "UPDATE public.users SET active = true, must_change_password = false, "
            "failed_attempts = 0, wait_until = NULL WHERE username = %s",
            (username,),
        )
    return True


# --- signing in as an account ------------------------------------------------------------------


class WrongPassword(Exception):
    """The server refused the account's role and password (or it is no account here)."""


class NotReached(Exception):
    """The server could not be reached (address, network, certificate)."""


# How libpq's messages (English or Swedish, the server's lc_messages) say that the role
# or its password was refused rather than the server not reached.
_REFUSED = ("authentication", "does not exist", "not permitted to log in", "pg_hba.conf")
_REFUSED_SV = ("autentisering", "finns inte", "får inte logga in")


def _refused(error: Exception) -> bool:
    text = str(error).lower()
    return any(marker in text for marker in (*_REFUSED, *_REFUSED_SV))


class SchemaNotCurrent(RuntimeError):
    shown_to_user = True

    def __init__(self):
        from finsam_desktop.i18n import _

        super().__init__(
            _(
                "The database on the server has not been upgraded to this version of the "
                "program. The IT department upgrades it by running the program once with the "
                "database owner's connection (for example: finsam --db URL migrate)."
            )
        )


def _roles_in_use(url: str) -> bool:
    """Whether the database has its group roles, asked with the URL's own credentials;
    True when they are not accepted (then only accounts may connect)."""
    import psycopg

    from finsam_desktop.db.server import raw_connect

    try:
        connection = raw_connect(url)
    except psycopg.Error:
        return True
    with connection:
        return groups_exist(connection)


def open_as_account(url: str, username: str, password: str, heads: frozenset[str]):
    """The database opened as the account's own role (a ``Database`` whose every
    connection is that role's), or None when this database has no role per account (the
    program then checks the password itself). ``heads``: the schema revisions this program
    needs. Raises WrongPassword, or SchemaNotCurrent."""
    import psycopg

    from finsam_desktop.db.engine import Database
    from finsam_desktop.db.server import engine_url, raw_connect

    database = engine_url(url).database or ""
    role = account_role(database, username)
    if not username or not name_fits(database, username):
        if _roles_in_use(url):
            raise WrongPassword()
        return None
    try:
        connection = raw_connect(url, ServerLogin(role, password, "coordinator"))
    except psycopg.Error as exc:
        if not _refused(exc):
            raise NotReached() from None
        if _roles_in_use(url):
            raise WrongPassword() from None
        return None
    with connection:
        group = group_of(connection)
        if group is None:
            raise WrongPassword()
        table = "statistik.alembic_version" if group == "statistics" else "public.alembic_version"
        found = {r[0] for r in _run(connection, f"SELECT version_num FROM {table}").fetchall()}
    if found != set(heads):
        raise SchemaNotCurrent()
    return Database(url, login=ServerLogin(role, password, group))


def password_ok(db, password: str) -> bool:
    """Whether the server accepts ``password`` for the signed-in account (the lock screen,
    a change of password): a new connection is tried, nothing else."""
    from dataclasses import replace

    import psycopg

    from finsam_desktop.db.server import raw_connect

    try:
        raw_connect(db.url, replace(db.login, password=password)).close()
    except psycopg.Error:
        return False
    return True


def roles_of(connection, database: str) -> list[str]:
    """Every group and account role of ``database`` (by the naming rule), to remove them
    after the database itself was dropped (DROP ROLE; the tests' clean-up)."""
    rows = _run(
        connection,
        "SELECT rolname FROM pg_roles WHERE starts_with(rolname, %s) OR starts_with(rolname, %s)",
        (database + ":", database + "."),
    ).fetchall()
    return sorted(r[0] for r in rows)


def bound_by_policies(db) -> bool:
    """Whether ``db`` is signed in with a role the person policy restricts (a
    coordinator's own role on a server): its lists search through ``SEARCH_FUNCTION``."""
    login = getattr(db, "login", None)
    return login is not None and login.group == "coordinator"


def last_case_number(session, prefix: str) -> str | None:
    """The highest case number starting with ``prefix`` of *every* referral: a
    coordinator signed in with its own role sees only its insatser's referrals, so the
    server's function (SECURITY DEFINER, the case number only) counts the others too."""
    from sqlalchemy import func, select, text

    from finsam_desktop.db.referral_models import ReferralRow

    if getattr(session.info.get("database"), "login", None) is not None:
        return session.scalar(
            text(f"SELECT {RLS_SCHEMA}.last_case_number(:prefix)"), {"prefix": prefix}
        )
    return session.scalar(
        select(func.max(ReferralRow.case_number)).where(ReferralRow.case_number.like(prefix + "%"))
    )


def personnummer_taken(session, digits: str, except_id: int) -> bool:
    """Whether another person has this personnummer, among *all* persons: a coordinator
    registering someone already registered in another insats is told so (instead of the
    unique constraint failing the save), and sees nothing more of that person."""
    from sqlalchemy import select, text

    from finsam_desktop.db.models import PersonRow

    if getattr(session.info.get("database"), "login", None) is not None:
        return bool(
            session.scalar(
                text(f"SELECT {RLS_SCHEMA}.personnummer_taken(:digits, :except_id)"),
                {"digits": digits, "except_id": except_id},
            )
        )
    found = session.scalar(
        select(PersonRow.id).where(PersonRow.personnummer == digits, PersonRow.id != except_id)
    )
    return found is not None


def person_log(session, person_id: int, limit: int) -> list[tuple]:
    """The access log's entries about one person, newest first: (at, username, action,
    table, what). A coordinator signed in with its own role may not read the log's table;
    the server's function gives it these entries of a person it may see, nothing else."""
    from sqlalchemy import select, text

    from finsam_desktop.db.security_models import AuditRow

    login = getattr(session.info.get("database"), "login", None)
    if login is not None and login.group == "coordinator":
        return list(
            session.execute(
                text(f"SELECT * FROM {RLS_SCHEMA}.person_log(:pid, :lim)"),
                {"pid": person_id, "lim": limit},
            )
        )
    return list(
        session.execute(
            select(
                AuditRow.at, AuditRow.username, AuditRow.action, AuditRow.table_name, AuditRow.what
            )
            .where(AuditRow.person_id == person_id)
            .order_by(AuditRow.id.desc())
            .limit(limit)
        )
    )


def visible_person_count(session) -> int:
    """How many persons the signed-in coordinator sees: ``SELECT count(*) FROM person``
    under its policy, from the kept counts of its groups (``BLOCK_TABLE``) instead of
    every visible person's index entry."""
    from sqlalchemy import text

    return int(session.scalar(text(f"SELECT {RLS_SCHEMA}.visible_person_count()")))


def visible_person_start(skip: int):
    """Where the signed-in coordinator's persons in id order reach row ``skip``, as two
    scalar subqueries for a statement: (an id, how many visible persons from that id on
    come first); the persons it sees with ids from that id, after that many, start at
    row ``skip``. Both NULL past the last person (no id is at least NULL)."""
    from sqlalchemy import func, select

    start = func.finsam_rls.visible_person_start(skip).table_valued(
        "first_id", "skip_in_block", name="start"
    )
    return (
        select(start.c.first_id).scalar_subquery(),
        select(start.c.skip_in_block).scalar_subquery(),
    )
