"""The server enforces who sees what (issue 14 §2): every account is a PostgreSQL role,
row-level security keeps a coordinator to the persons and cases of their insatser, the
statistik role reads only the de-identified views. Proven by connecting as each role
with plain psycopg, without the program (as an IT department would with psql), and once
through the program's own person list.

Runs when FINSAM_TEST_PG_URL names a test server; the enumeration of the tables runs
everywhere (it reads the models only)."""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy.engine import make_url

from finsam_desktop.db import server_roles
from finsam_desktop.db.schema import metadata

PASSWORD = "correct horse 42"


# --- every table has a decision (runs on SQLite too) ------------------------------------------


def test_every_table_of_the_models_has_a_row_level_security_decision():
    """The next table added is caught here until someone decides who may reach its rows."""
    missing = [t.name for t in metadata.sorted_tables if t.name not in server_roles.TABLES]
    assert missing == [], f"no decision in server_roles.TABLES for {missing}"
    stale = sorted(set(server_roles.TABLES) - {t.name for t in metadata.sorted_tables})
    assert stale == []


def test_every_table_holding_person_data_is_bound_by_a_policy():
    """A table that points at a person, a referral, a participation or their children (or
    has a text column the statistics extract blanks: free text about someone) must not
    be 'shared' by every coordinator; the lotsärenden are the one decided exception
    (the förbund's lots function, no name or personnummer: officer and reference only)."""
    from finsam_desktop.db import extract

    personal_roots = {"person", "referral", "participation", "info_meeting", "beredning"}
    reviewed_shared = {"lots_case", "staff", "setting", "letter_template"}
    for table in metadata.sorted_tables:
        decision = server_roles.TABLES[table.name]
        points_at_person = any(
            fk.column.table.name in personal_roots
            or server_roles.TABLES.get(fk.column.table.name, "").startswith("under:")
            for fk in table.foreign_keys
        )
        blanks_text = any(
            kind != extract.KEEP for kind in extract.COLUMNS.get(table.name, {}).values()
        )
        if decision == "shared" and (points_at_person or blanks_text):
            assert table.name in reviewed_shared, (
                f"{table.name} holds person data but every coordinator reaches all of it"
            )
    assert server_roles.TABLES["person"] == "person"


def test_role_names_carry_the_database_and_never_collide():
    assert server_roles.group_role("finsam", "coordinator") == "finsam:samordnare"
    assert server_roles.account_role("finsam", "anna") == "finsam.anna"
    names = {server_roles.group_role(db, r) for db in ("a", "b") for r in server_roles.GROUPS}
    names |= {server_roles.account_role(db, u) for db in ("a", "b") for u in ("samordnare", "x")}
    assert len(names) == 10
    assert not server_roles.name_fits("f" * 40, "u" * 23)
    assert server_roles.name_fits("f" * 40, "u" * 22)


# --- on the server ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(postgres):
    """A database with the demo organisation and its persons, the roles set up, an
    administrator, a coordinator working in insats A only and a statistik account (one
    for the module: the tests compute what each role should see from the owner's view,
    so what one adds does not disturb the next)."""
    if postgres is None:
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    from finsam_desktop.i18n import set_language

    set_language("sv")
    db_location = postgres.new()
    from sqlalchemy import select

    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.db.models import InsatsRow
    from finsam_desktop.db.referral_models import ParticipationRow  # noqa: F401
    from finsam_desktop.services import accounts, demo, signin
    from finsam_desktop.services.access import Role

    db = open_database(db_location)
    demo.fill(db, participants=40, lots=5)
    with db.reading() as session:
        a = min(session.scalars(select(ParticipationRow.insats_id)))
        b = min(session.scalars(select(InsatsRow.id).where(InsatsRow.id != a)))
    db.close()
    with psycopg.connect(_plain(db_location), autocommit=True) as o:
        # The demo works in one insats: every second person's cases move to another.
        for table in ("referral", "participation", "info_meeting"):
            o.execute(f"UPDATE {table} SET insats_id = %s WHERE person_id %% 2 = 0", (b,))
    server_roles.setup(db_location)
    started = signin.first_start(db_location, "admin", "Anna Admin", PASSWORD, PASSWORD)
    started.db.close()
    db, _admin = signin.log_in(db_location, "admin", PASSWORD)
    with db.session() as session:
        bo = accounts.create_user(
            session, "bo", "Bo Samordnare", Role.COORDINATOR, PASSWORD, PASSWORD
        )
        accounts.set_insatser(session, bo.id, [a])
        accounts.create_user(
            session, "stina", "Stina Statistik", Role.STATISTICS, PASSWORD, PASSWORD
        )
    db.close()
    name = make_url(db_location).database
    yield {"url": db_location, "a": a, "b": b, "database": name}
    postgres.drop(db_location)
    with postgres.connect(postgres.location("postgres")) as connection:
        for role in server_roles.roles_of(connection, name):
            connection.execute(f'DROP ROLE "{role}"')


def _plain(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def connect_as(server, username):
    """Plain psycopg as the account's own role, no program in between."""
    role = server_roles.account_role(server["database"], username)
    return psycopg.connect(_plain(server["url"]), user=role, password=PASSWORD, autocommit=True)


def owner(server):
    return psycopg.connect(
        make_url(server["url"]).set(drivername="postgresql").render_as_string(hide_password=False),
        autocommit=True,
    )


def owner_value(server, sql, *params):
    with owner(server) as o:
        return o.execute(sql, params).fetchone()[0]


def ids_of_participants(server):
    with owner(server) as o:
        return ids(o, "SELECT person_id FROM participation WHERE insats_id = %s", server["a"])


def ids(connection, sql, *params):
    return {r[0] for r in connection.execute(sql, params).fetchall()}


CASE_TABLES = ("case_file", "case_contact", "case_event", "plan_revision", "mapping_session")


def test_a_coordinator_reaches_only_the_persons_and_cases_of_their_insats(server):
    a, b = server["a"], server["b"]
    with owner(server) as o:
        persons_a = ids(o, "SELECT person_id FROM participation WHERE insats_id = %s", a)
        persons_a |= ids(o, "SELECT person_id FROM referral WHERE insats_id = %s", a)
        persons_a |= ids(o, "SELECT person_id FROM info_meeting WHERE insats_id = %s", a)
        persons_b = ids(o, "SELECT person_id FROM participation WHERE insats_id = %s", b)
        unlinked = ids(
            o,
            "SELECT id FROM person p WHERE NOT EXISTS (SELECT 1 FROM referral r WHERE "
            "r.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM participation x WHERE "
            "x.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM info_meeting m WHERE "
            "m.person_id = p.id)",
        )
        only_b = sorted(persons_b - persons_a)
        referral_b = min(ids(o, "SELECT id FROM referral WHERE insats_id = %s", b))
        participation_b = min(ids(o, "SELECT id FROM participation WHERE insats_id = %s", b))
        contact_b = min(
            ids(
                o,
                "SELECT c.id FROM case_contact c JOIN participation p ON p.id = "
                "c.participation_id WHERE p.insats_id = %s",
                b,
            )
        )
        all_cases = {t: o.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in CASE_TABLES}
    assert persons_a and only_b, "the demo must give both insatser persons of their own"
    with connect_as(server, "bo") as bo:
        assert ids(bo, "SELECT id FROM person") == persons_a | unlinked
        assert ids(bo, "SELECT insats_id FROM referral") == {a}
        assert ids(bo, "SELECT insats_id FROM participation") == {a}
        for table in CASE_TABLES:
            seen = ids(
                bo,
                f"SELECT p.insats_id FROM {table} t JOIN participation p ON p.id = t.participation_id",
            )
            assert seen <= {a}, table
            # The join above sees only A's participations anyway: count without it too.
            own = bo.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            assert own < all_cases[table] or all_cases[table] == 0, table
        # Insats B's rows: reading finds nothing, changing and deleting change nothing.
        person_b = only_b[0]
        assert bo.execute("SELECT id FROM person WHERE id = %s", (person_b,)).fetchall() == []
        for sql, row_id in (
            ("UPDATE person SET first_name = 'Ändrad' WHERE id = %s", person_b),
            ("UPDATE referral SET reason = 'Ändrad' WHERE id = %s", referral_b),
            ("UPDATE participation SET version = version + 1 WHERE id = %s", participation_b),
            ("UPDATE case_contact SET note = 'Ändrad' WHERE id = %s", contact_b),
            ("DELETE FROM case_contact WHERE id = %s", contact_b),
            ("DELETE FROM referral_party_contact WHERE referral_id = %s", referral_b),
        ):
            assert bo.execute(sql, (row_id,)).rowcount == 0, sql
        # A referral of insats B cannot be made (or moved there) either.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bo.execute("UPDATE referral SET insats_id = %s WHERE insats_id = %s", (b, a))
    with owner(server) as o:
        assert (
            o.execute("SELECT first_name FROM person WHERE id = %s", (person_b,)).fetchone()[0]
            != "Ändrad"
        )
        assert (
            o.execute("SELECT count(*) FROM case_contact WHERE id = %s", (contact_b,)).fetchone()[0]
            == 1
        )


def test_a_coordinator_registers_a_person_and_a_referral_for_their_insats(server):
    a, b = server["a"], server["b"]
    with owner(server) as o:
        sample = o.execute("SELECT * FROM person LIMIT 1")
        left_out = ("id", "personnummer", server_roles.GROUP)  # the last: the server's
        columns = [c.name for c in sample.description if c.name not in left_out]
    listed = ", ".join(columns)
    with connect_as(server, "bo") as bo:
        # A new person (copied from one the coordinator sees, with a new personnummer).
        person = bo.execute(
            f"INSERT INTO person (personnummer, {listed}) SELECT '199801019980', {listed} "
            "FROM person LIMIT 1 RETURNING id"
        ).fetchone()[0]
        # Not linked to any insats yet: the coordinator who registered it sees it.
        assert ids(bo, "SELECT id FROM person WHERE id = %s", person) == {person}
        columns = [
            r[0]
            for r in bo.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = "
                "'referral' AND column_name NOT IN ('id', 'person_id', 'insats_id', "
                "'case_number') ORDER BY ordinal_position"
            ).fetchall()
        ]
        listed = ", ".join(columns)
        insert = (
            f"INSERT INTO referral (person_id, insats_id, case_number, {listed}) "
            f"SELECT %s, %s, %s, {listed} FROM referral WHERE insats_id = %s LIMIT 1 RETURNING id"
        )
        made = bo.execute(insert, (person, a, "R2099-00001", a)).fetchone()
        assert made is not None
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            # The template row is A's: only the insats is B's, which the policy refuses.
            bo.execute(insert, (person, b, "R2099-00002", a))


def visible_to_coordinator_truth(o, insatser) -> set[int]:
    """The persons a coordinator of ``insatser`` may see, from the links themselves (the
    rule of the module docstring): linked to one of them, or to no insats at all."""
    links = " UNION ALL ".join(f"SELECT person_id, insats_id FROM {t}" for t in server_roles.LINKS)
    return ids(
        o,
        f"SELECT p.id FROM person p WHERE p.id IN (SELECT person_id FROM ({links}) l "
        f"WHERE insats_id = ANY(%s)) OR p.id NOT IN (SELECT person_id FROM ({links}) l)",
        list(insatser),
    )


def recounted(o) -> set[tuple]:
    """Every person with the sorted, distinct insatser of its links ((0,) for none),
    counted from the links here: what the person's visibility group must hold."""
    links = " UNION ALL ".join(f"SELECT person_id, insats_id FROM {t}" for t in server_roles.LINKS)
    rows = o.execute(
        "SELECT p.id, coalesce((SELECT array_agg(DISTINCT l.insats_id ORDER BY l.insats_id) "
        f"FROM ({links}) l WHERE l.person_id = p.id), '{{0}}') FROM person p"
    )
    return {(i, tuple(a)) for i, a in rows}


def kept(o) -> set[tuple]:
    """Every person with the insatser of its visibility group, as the server keeps them (a
    person whose group is missing is left out, and so differs from ``recounted``)."""
    rows = o.execute(
        f"SELECT p.id, g.insatser FROM person p JOIN {server_roles.GROUP_TABLE} g "
        f"ON g.id = p.{server_roles.GROUP}"
    )
    return {(i, tuple(a)) for i, a in rows}


def blocks_agree(o) -> bool:
    """The kept counts of each group's persons per block of ids are what counting the
    persons gives (a block whose count fell to 0 may stay, as 0)."""
    kept_blocks = set(
        o.execute(f"SELECT grp, block, persons FROM {server_roles.BLOCK_TABLE} WHERE persons <> 0")
    )
    counted = set(
        o.execute(
            f"SELECT {server_roles.GROUP}, id >> {server_roles.BLOCK_BITS}, count(*) "
            "FROM person GROUP BY 1, 2"
        )
    )
    return kept_blocks == counted


def groups_are_distinct_sets(o) -> bool:
    """Each set of insatser is one group; the group 0 is the set {0} (a new person's)."""
    rows = o.execute(f"SELECT id, insatser FROM {server_roles.GROUP_TABLE}").fetchall()
    sets = [tuple(a) for _i, a in rows]
    return len(set(sets)) == len(sets) and (0, [0]) in rows


def columns_but(o, table: str, *left_out: str) -> list[str]:
    """``table``'s columns in their order, without ``left_out``."""
    return [
        r[0]
        for r in o.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name = %s AND NOT column_name = ANY (%s) ORDER BY ordinal_position",
            (table, list(left_out)),
        )
    ]


def copy_row(o, table: str, template: int, **values) -> int:
    """A new row of ``table`` like row ``template``, with ``values`` instead."""
    columns = columns_but(o, table, "id", "visibility_group")
    chosen = [f"%({c})s" if c in values else c for c in columns]
    return o.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(chosen)} FROM {table} "
        "WHERE id = %(template)s RETURNING id",
        {**values, "template": template},
    ).fetchone()[0]


def test_a_new_link_or_a_move_shows_or_hides_a_person_at_once(server):
    """Every way a person becomes linked to an insats, moved or unlinked is seen by the
    coordinator's next statement (the triggers keep person.visibility_group), and the
    kept groups always hold what counting the links again gives."""
    a, b = server["a"], server["b"]
    with owner(server) as o, connect_as(server, "bo") as bo:

        def seen(person):
            return ids(bo, "SELECT id FROM person WHERE id = %s", person) == {person}

        def template(table):
            return min(ids(o, f"SELECT id FROM {table}"))

        person = copy_row(o, "person", template("person"), personnummer="199801019981")
        assert seen(person)  # registered, linked to nothing yet
        participation = copy_row(
            o,
            "participation",
            template("participation"),
            person_id=person,
            insats_id=b,
            referral_id=None,
        )
        assert not seen(person)  # insats B's
        meeting = copy_row(
            o, "info_meeting", template("info_meeting"), person_id=person, insats_id=a
        )
        assert seen(person)  # and now insats A's information meeting
        o.execute("DELETE FROM info_meeting WHERE id = %s", (meeting,))
        assert not seen(person)
        referral = copy_row(
            o,
            "referral",
            template("referral"),
            person_id=person,
            insats_id=a,
            case_number="R2099-09981",
        )
        assert seen(person)
        o.execute("UPDATE referral SET insats_id = %s WHERE id = %s", (b, referral))
        assert not seen(person)  # the referral moved to B
        o.execute("UPDATE participation SET insats_id = %s WHERE id = %s", (a, participation))
        assert seen(person)  # the participation moved to A
        # A change of another column keeps the counts; moving to another person moves them.
        o.execute("UPDATE participation SET version = version + 1 WHERE id = %s", (participation,))
        assert seen(person)
        other = copy_row(o, "person", template("person"), personnummer="199801019982")
        o.execute("UPDATE participation SET person_id = %s WHERE id = %s", (other, participation))
        assert not seen(person) and seen(other)
        # Its last link gone, a person is linked to nothing again: every coordinator's.
        o.execute("DELETE FROM referral WHERE id = %s", (referral,))
        assert seen(person)
        # A set of insatser no person had yet ({a, b}): a new group, kept like the others.
        for insats in (b, a, b):
            copy_row(
                o, "info_meeting", template("info_meeting"), person_id=person, insats_id=insats
            )
            assert kept(o) == recounted(o) and groups_are_distinct_sets(o) and blocks_agree(o)
        assert seen(person)
        o.execute("DELETE FROM info_meeting WHERE person_id = %s", (person,))
        assert seen(person) and kept(o) == recounted(o) and blocks_agree(o)
        # Several rows in one statement (a statement trigger), in both directions.
        o.execute("UPDATE referral SET insats_id = insats_id WHERE person_id % 3 = 0")
        assert kept(o) == recounted(o)
        assert ids(bo, "SELECT id FROM person") == visible_to_coordinator_truth(o, [a])
        # The coordinator's own referral for a person it registered (its own statement).
        mine = copy_row(bo, "person", person, personnummer="199801019983")
        assert seen(mine)
        copy_row(
            bo,
            "referral",
            min(ids(bo, "SELECT id FROM referral")),
            person_id=mine,
            insats_id=a,
            case_number="R2099-09983",
        )
        assert seen(mine)
        o.execute("UPDATE referral SET insats_id = %s WHERE person_id = %s", (b, mine))
        assert not seen(mine)
        assert kept(o) == recounted(o) and groups_are_distinct_sets(o) and blocks_agree(o)
        # A change of the account's insatser counts at once too.
        bo_id = owner_value(server, "SELECT id FROM users WHERE username = 'bo'")
        o.execute("INSERT INTO account_insats (user_id, insats_id) VALUES (%s, %s)", (bo_id, b))
        try:
            assert seen(mine)
            assert ids(bo, "SELECT id FROM person") == visible_to_coordinator_truth(o, [a, b])
        finally:
            o.execute(
                "DELETE FROM account_insats WHERE user_id = %s AND insats_id = %s", (bo_id, b)
            )
        assert not seen(mine)
        assert ids(bo, "SELECT id FROM person") == visible_to_coordinator_truth(o, [a])


def test_the_visibility_group_of_a_person_is_the_servers_alone(server):
    """No account writes person.visibility_group or the groups, nor calls the function that
    recounts them, and a coordinator reads neither (the group's insatser would tell it the
    other insatser of a person it sees, writing it would show a person to every colleague);
    the models' columns stay theirs. An administrator, who sees every link, reads both."""
    group, table = server_roles.GROUP, server_roles.GROUP_TABLE
    with owner(server) as o:
        person = min(
            ids(o, "SELECT person_id FROM participation WHERE insats_id = %s", server["a"])
        )
    refused = {
        "bo": (
            f"SELECT {group} FROM person WHERE id = %s",
            "SELECT * FROM person WHERE id = %s",
            f"SELECT insatser FROM {table} WHERE id = %s",
        ),
        "admin": (),  # sees every person and every link: the whole row is readable
    }
    for username in ("bo", "admin"):
        with connect_as(server, username) as account:
            assert ids(account, "SELECT id FROM person WHERE id = %s", person) == {person}
            for sql in (
                *refused[username],
                f"UPDATE person SET {group} = 0 WHERE id = %s",
                f"UPDATE {table} SET insatser = '{{0,7}}' WHERE id = %s",
                f"INSERT INTO {table} (insatser) VALUES (ARRAY[%s, 7])",
                f"DELETE FROM {table} WHERE id = %s",
                "SELECT finsam_rls.relink(ARRAY[%s])",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    account.execute(sql, (person,))
            account.execute("UPDATE person SET first_name = first_name WHERE id = %s", (person,))
    with connect_as(server, "admin") as admin:
        cursor = admin.execute("SELECT * FROM person WHERE id = %s", (person,))
        row = dict(zip([c.name for c in cursor.description], cursor.fetchone(), strict=True))
        insatser = admin.execute(
            f"SELECT insatser FROM {table} WHERE id = %s", (row[group],)
        ).fetchone()[0]
        assert server["a"] in insatser
    with connect_as(server, "bo") as bo, pytest.raises(psycopg.errors.InsufficientPrivilege):
        bo.execute(
            f"INSERT INTO person (personnummer, first_name, last_name, {group}) "
            "VALUES ('199801019984', 'Test', 'Testsson', 0)"
        )


def wound_back(server, revision: str) -> None:
    """The server wound back to ``revision`` by the migrations' own downgrades; the
    statistik views go first (they are made anew with the policies at the upgrade)."""
    from alembic import command

    from finsam_desktop.db.engine import Database
    from finsam_desktop.db.migrate import alembic_config

    with owner(server) as o:
        o.execute("DROP SCHEMA statistik CASCADE")
    old = Database(server["url"])
    with old.engine.begin() as connection:
        cfg = alembic_config()
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)
    old.close()


def test_an_existing_server_upgraded_counts_its_links_and_sees_the_same(server):
    """A role server from before the person's visibility was kept (revision 0016): the
    upgrade makes the groups from the links already there, and the coordinator sees
    exactly the same."""
    from finsam_desktop.db.migrate import open_database

    with owner(server) as o:
        before = visible_to_coordinator_truth(o, [server["a"]])
    # The server wound back to 0016 by the migrations' own downgrades (the later ones'
    # columns and indexes go too), the function a later revision's policies read as well.
    wound_back(server, "0016")
    with owner(server) as o:
        o.execute("DROP FUNCTION IF EXISTS finsam_rls.my_insats_array() CASCADE")
        assert o.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0016"
    open_database(server["url"]).close()  # the owner's upgrade: 0017, then the policies
    with owner(server) as o:
        assert o.execute("SELECT version_num FROM alembic_version").fetchone()[0] != "0016"
        assert kept(o) == recounted(o) and groups_are_distinct_sets(o) and blocks_agree(o)
        assert any(linked != (0,) for _id, linked in kept(o))
        triggers = ids(
            o,
            "SELECT tgrelid::regclass::text || ' ' || tgname FROM pg_trigger "
            "WHERE tgname LIKE 'finsam_relink_%%'",
        )
        assert len(triggers) == 3 * len(server_roles.LINKS)
    with connect_as(server, "bo") as bo:
        assert ids(bo, "SELECT id FROM person") == before


PERSON_DATA = "md5(string_agg(row({})::text, ',' ORDER BY id))"


def person_data(o) -> str:
    """A hash of every person's row as the models have it (not the server's column)."""
    columns = ", ".join(c.name for c in metadata.tables["person"].c)
    return o.execute(f"SELECT {PERSON_DATA.format(columns)} FROM person").fetchone()[0]


def test_a_server_with_linked_insatser_upgraded_gets_groups_and_downgrades_back(server):
    """A role server of revision 0021 (each person's row holding its linked insatser,
    the policy comparing arrays): wound back by revision 0023's downgrade, the array is
    there again as the links give it; upgraded, every person gets the group of that
    set, the array, its index and operator go, the persons' data stay as they were and
    the coordinator sees exactly the same persons."""
    from finsam_desktop.db.migrate import open_database

    def columns(o):
        return ids(
            o,
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'person'",
        )

    def visible_index(o):
        return o.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", (server_roles.VISIBLE_INDEX,)
        ).fetchone()[0]

    with owner(server) as o:
        before = visible_to_coordinator_truth(o, [server["a"]])
        data = person_data(o)
    wound_back(server, "0021")
    with owner(server) as o:
        assert "linked_insatser" in columns(o) and server_roles.GROUP not in columns(o)
        linked = o.execute("SELECT id, linked_insatser FROM person")
        assert {(i, tuple(a)) for i, a in linked} == recounted(o)
        assert (
            o.execute("SELECT to_regclass(%s)", (server_roles.GROUP_TABLE,)).fetchone()[0] is None
        )
        assert "linked_insatser" in visible_index(o)
        assert person_data(o) == data
    open_database(server["url"]).close()  # the owner's upgrade, then the policies
    with owner(server) as o:
        assert "linked_insatser" not in columns(o) and server_roles.GROUP in columns(o)
        assert kept(o) == recounted(o) and groups_are_distinct_sets(o) and blocks_agree(o)
        assert server_roles.GROUP in visible_index(o)
        assert (
            o.execute("SELECT to_regoperator('finsam_rls.&&&(anyarray,anyarray)')").fetchone()[0]
            is None
        )
        assert person_data(o) == data
    with connect_as(server, "bo") as bo:
        assert ids(bo, "SELECT id FROM person") == before


def test_two_workstations_making_the_same_new_set_make_one_group(server):
    """Two transactions linking a person each to the same set of insatser that no group
    holds yet: the second waits for the first's new group and then takes it (one group,
    no failed save), and each person's group holds its links."""
    import threading

    with owner(server) as o:
        insatser = sorted(ids(o, "SELECT id FROM insats"))
        held = {tuple(r[0]) for r in o.execute(f"SELECT insatser FROM {server_roles.GROUP_TABLE}")}
        new_set = next((x, y) for x in insatser for y in insatser if x < y and (x, y) not in held)
        meeting = min(ids(o, "SELECT id FROM info_meeting"))
        persons = [
            copy_row(o, "person", min(ids(o, "SELECT id FROM person")), personnummer=number)
            for number in ("199801019986", "199801019987")
        ]

    with owner(server) as o:
        rest = ", ".join(columns_but(o, "info_meeting", "id", "person_id", "insats_id"))

    def link(connection, person):
        """Two information meetings, one per insats of the set, in one statement."""
        connection.execute(
            f"INSERT INTO info_meeting (person_id, insats_id, {rest}) SELECT %s, i, m.* "
            f"FROM unnest(%s::integer[]) i, LATERAL (SELECT {rest} FROM info_meeting "
            "WHERE id = %s) m",
            (person, list(new_set), meeting),
        )

    first, second = owner(server), owner(server)
    first.autocommit = second.autocommit = False
    failed = []

    def second_workstation():
        try:
            link(second, persons[1])
            second.commit()
        except Exception as exc:  # shown below: the test fails with it
            failed.append(exc)
            second.rollback()

    try:
        link(first, persons[0])  # the new group, not yet committed
        thread = threading.Thread(target=second_workstation)
        thread.start()
        waiting_pid = second.info.backend_pid
        with owner(server) as o:
            for _ in range(200):  # until the second waits for the first's group (≤ 10 s)
                waits = o.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (waiting_pid,)
                ).fetchone()
                if waits and waits[0] == "Lock":
                    break
                thread.join(0.05)
        first.commit()
        thread.join(10)
        assert not thread.is_alive() and not failed, failed
    finally:
        first.close()
        second.close()
    with owner(server) as o:
        assert kept(o) == recounted(o) and groups_are_distinct_sets(o) and blocks_agree(o)
        found = o.execute(
            f"SELECT DISTINCT {server_roles.GROUP} FROM person WHERE id = ANY(%s)", (persons,)
        ).fetchall()
        assert len(found) == 1
        o.execute("DELETE FROM info_meeting WHERE person_id = ANY(%s)", (persons,))
        o.execute("DELETE FROM person WHERE id = ANY(%s)", (persons,))
        assert blocks_agree(o)


def test_the_access_log_is_appended_to_and_never_changed_by_any_account(server):
    for username in ("admin", "bo", "stina"):
        with connect_as(server, username) as connection:
            for sql in (
                "UPDATE public.audit_log SET what = 'x'",
                "DELETE FROM public.audit_log",
                "TRUNCATE public.audit_log",
                "UPDATE statistik.audit_log SET action = 'x'",
                "DELETE FROM statistik.audit_log",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    connection.execute(sql)
    with connect_as(server, "bo") as bo:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            bo.execute("SELECT username, person_id FROM audit_log")
        assert bo.execute("SELECT count(*) FROM audit_log").fetchone()[0] > 0  # the chain's end
    with owner(server) as o:
        entries = o.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with connect_as(server, "admin") as admin:
        assert admin.execute("SELECT count(*) FROM audit_log").fetchone()[0] == entries > 0


def test_the_program_as_the_coordinator_lists_only_insats_a_and_keeps_one_chain(server):
    from dataclasses import replace

    from finsam_desktop.domain.errors import NotFound, ValidationError
    from finsam_desktop.domain.personnummer import PersonalNumber
    from finsam_desktop.services import persons, referrals, register_extract, signin
    from finsam_desktop.services.log_review import verify_chain

    with owner(server) as o:
        expected = ids(
            o,
            "SELECT person_id FROM participation WHERE insats_id = %s UNION "
            "SELECT person_id FROM referral WHERE insats_id = %s UNION "
            "SELECT person_id FROM info_meeting WHERE insats_id = %s UNION "
            "SELECT id FROM person p WHERE NOT EXISTS (SELECT 1 FROM referral r WHERE "
            "r.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM participation x WHERE "
            "x.person_id = p.id) AND NOT EXISTS (SELECT 1 FROM info_meeting m WHERE "
            "m.person_id = p.id)",
            server["a"],
            server["a"],
            server["a"],
        )
        everyone = ids(o, "SELECT id FROM person")
    assert expected < everyone
    db, user = signin.log_in(server["url"], "bo", PASSWORD)
    try:
        assert db.login.role == f"{server['database']}.bo"
        listed = {row.id for row in persons.person_list(db).page(None, None)}
        assert listed == expected
        # The coordinator's save is logged in the one chain, and a person of insats B
        # is not found by the program either.
        hidden = sorted(everyone - expected)[0]
        with db.session() as session, pytest.raises(NotFound):
            persons.get_person(session, hidden)
        with db.reading() as session:
            # A registerutdrag of one of A's persons, with its access log entries.
            mine = sorted(expected & ids_of_participants(server))[0]
            extract = register_extract.build_extract(session, mine)
            assert extract is not None
            # The next case number counts every insats's referrals, not only A's.
            coordinator_next = referrals.next_case_number(session, 2026)
            # Registering a personnummer taken in insats B says so (and shows nothing).
            hidden_person = owner_value(
                server, "SELECT personnummer FROM person WHERE id = %s", hidden
            )
            taken = persons.get_person(session, mine)
        with db.session() as session, pytest.raises(ValidationError) as refused:
            persons.save_person(
                session,
                replace(taken, id=None, version=0),
                PersonalNumber(hidden_person).formatted(),
            )
        assert "finns redan registrerad" in refused.value.problems["personnummer"]
    finally:
        db.close()
    admin_db, _admin = signin.log_in(server["url"], "admin", PASSWORD)
    try:
        assert {row.id for row in persons.person_list(admin_db).page(None, None)} == everyone
        with admin_db.reading() as session:
            assert referrals.next_case_number(session, 2026) == coordinator_next
        with admin_db.reading() as session:
            assert verify_chain(session).ok
    finally:
        admin_db.close()


def test_a_coordinators_count_and_pages_far_down_from_the_kept_counts(server):
    """The Deltagare list of a coordinator counts and finds a page far down from the
    server's kept counts per block of ids (``visible_person_count``,
    ``visible_person_start``): the same count and the same rows, on every side of a
    block's edge, as counting and walking the persons it sees; the counts follow persons
    added, hidden and deleted in bulk; the functions tell the account only about the
    persons it sees, and the statistik role may not call them."""
    from sqlalchemy import event

    from finsam_desktop.services import persons, signin
    from finsam_desktop.services.listing import DEEP_OFFSET

    with owner(server) as o:
        columns = columns_but(o, "person", "id", "personnummer", server_roles.GROUP)
        listed = ", ".join(columns)
        # 2,600 persons more (birth numbers 980-999), over three blocks of ids and more.
        added = ids(
            o,
            f"INSERT INTO person (personnummer, {listed}) SELECT to_char(date '1901-01-01' "
            "+ n / 20, 'YYYYMMDD') || (980 + n %% 20)::text || (n %% 10)::text, "
            f"{listed} FROM person t, generate_series(0, 2599) n WHERE t.id = "
            "(SELECT min(id) FROM person) RETURNING id",
        )
        assert blocks_agree(o)
        # Every third of them hidden from insats A's coordinator, in one statement.
        meeting = min(ids(o, "SELECT id FROM info_meeting"))
        rest = ", ".join(columns_but(o, "info_meeting", "id", "person_id", "insats_id"))
        o.execute(
            f"INSERT INTO info_meeting (person_id, insats_id, {rest}) SELECT p.id, %s, m.* "
            f"FROM person p, LATERAL (SELECT {rest} FROM info_meeting WHERE id = %s) m "
            "WHERE p.id = ANY(%s) AND p.id %% 3 = 0",
            (server["b"], meeting, sorted(added)),
        )
        assert kept(o) == recounted(o) and blocks_agree(o)
        blocks = o.execute(
            f"SELECT count(DISTINCT id >> {server_roles.BLOCK_BITS}) FROM person"
        ).fetchone()[0]
        assert blocks >= 3
    statements = []
    db, _user = signin.log_in(server["url"], "bo", PASSWORD)
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        with connect_as(server, "bo") as bo:
            visible = bo.execute("SELECT count(*) FROM person").fetchone()[0]
            assert bo.execute("SELECT finsam_rls.visible_person_count()").fetchone()[0] == visible

            def walked(offset):
                return [
                    r[0]
                    for r in bo.execute(
                        "SELECT id FROM person ORDER BY id OFFSET %s LIMIT 200", (offset,)
                    )
                ]

            listing = persons.person_list(db)
            assert listing.count() == visible
            edge = bo.execute(
                "SELECT count(*) FROM person WHERE id < %s", (2 << server_roles.BLOCK_BITS,)
            ).fetchone()[0]
            offsets = {DEEP_OFFSET, edge - 1, edge, edge + 1, visible - 200, visible - 1}
            for offset in sorted(offsets):
                statements.clear()
                page = [row.id for row in listing.page(offset, 200)]
                assert page == walked(offset), offset
                assert any("visible_person_start" in s for s in statements), offset
            assert listing.page(visible, 200) == []
            assert listing.page(visible + 5000, 200) == []
    finally:
        db.close()
    with connect_as(server, "stina") as stina:
        for sql in (
            "SELECT finsam_rls.visible_person_count()",
            "SELECT * FROM finsam_rls.visible_person_start(0)",
            f"SELECT * FROM {server_roles.BLOCK_TABLE}",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                stina.execute(sql)
    with connect_as(server, "bo") as bo, pytest.raises(psycopg.errors.InsufficientPrivilege):
        bo.execute(f"SELECT * FROM {server_roles.BLOCK_TABLE}")
    with owner(server) as o:
        o.execute("DELETE FROM info_meeting WHERE person_id = ANY(%s)", (sorted(added),))
        o.execute("DELETE FROM person WHERE id = ANY(%s)", (sorted(added),))
        assert kept(o) == recounted(o) and blocks_agree(o)


SENSITIVE = {
    "person": ("personnummer", "first_name", "last_name", "street", "phone", "email"),
    "referral": ("reason", "remittent_name"),
    "case_contact": ("note",),
    "staff": ("name",),
    "users": ("display_name",),
}


def test_statistik_reads_only_the_views_where_no_name_or_number_remains(server):
    with owner(server) as o:
        secrets = set()
        for table, columns in SENSITIVE.items():
            for column in columns:
                secrets |= {v for v in ids(o, f"SELECT {column} FROM {table}") if v and len(v) >= 5}
        secrets -= ids(o, "SELECT display_name FROM users WHERE role = 'statistics'")
        persons = o.execute("SELECT count(*) FROM person").fetchone()[0]
    assert len(secrets) > 40
    with connect_as(server, "stina") as stina:
        for table in ("public.person", "public.users", "public.audit_log", "public.referral"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                stina.execute(f"SELECT * FROM {table} LIMIT 1")
        # Its search_path is the views: the statistics read them under the tables' names.
        assert stina.execute("SELECT count(*) FROM person").fetchone()[0] == persons
        views = [
            r[0]
            for r in stina.execute(
                "SELECT table_name FROM information_schema.views WHERE table_schema = 'statistik'"
            ).fetchall()
        ]
        assert {t.name for t in metadata.sorted_tables} <= set(views)
        found = []
        for view in views:
            for row in stina.execute(f'SELECT * FROM statistik."{view}"').fetchall():
                for value in row:
                    text = str(value)
                    found += [view for secret in secrets if secret in text]
        assert found == []
        birth = stina.execute("SELECT personnummer FROM person LIMIT 1").fetchone()[0]
        assert len(birth) == 4 + 1 + 17 and birth[:2] in ("19", "20")
        # The pseudonyms' key is the owner's alone.
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            stina.execute("SELECT * FROM finsam_rls.pseudonym_key")


def test_an_administrator_sees_everything(server):
    with owner(server) as o:
        counts = {
            t: o.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in metadata.sorted_tables
        }
    with connect_as(server, "admin") as admin:
        for table, count in counts.items():
            assert admin.execute(f'SELECT count(*) FROM "{table.name}"').fetchone()[0] == count


def test_finsam_statistik_as_statistik_reads_the_views_with_the_same_figures(
    server, capsys, monkeypatch
):
    """The statistics services run unchanged on the views (search_path): the same figures
    as the administrator's, from the real tables."""
    from finsam_desktop.cli import main

    monkeypatch.setenv("FINSAM_PASSWORD", PASSWORD)
    figures = {}
    for username in ("stina", "admin"):
        command = ["--db", server["url"], "--user", username, "statistik", "--period", "2026"]
        assert main([*command, "--format", "json"]) == 0
        figures[username] = json.loads(capsys.readouterr().out)
    # The views keep the birth year only (as the file extract): a mean age may differ by
    # the months; every count is the same.
    assert without_mean_ages(figures["stina"]) == without_mean_ages(figures["admin"])
    assert figures["stina"] != without_mean_ages(figures["stina"])


def without_mean_ages(value):
    if isinstance(value, list):
        return [
            without_mean_ages(v)
            for v in value
            if not (isinstance(v, list) and v and str(v[0]).startswith("Medelålder"))
        ]
    if isinstance(value, dict):
        return {k: without_mean_ages(v) for k, v in value.items()}
    return value


def test_accounts_from_the_konton_functions_change_the_roles(server):
    from finsam_desktop.services import accounts, signin
    from finsam_desktop.services.access import Role

    db, _admin = signin.log_in(server["url"], "admin", PASSWORD)
    try:
        with db.session() as session:
            cid = accounts.create_user(
                session, "cecilia", "Cecilia", Role.COORDINATOR, PASSWORD, PASSWORD, True
            ).id
            assert accounts.insatser_of(session, cid) == []
        with db.session() as session:
            user = accounts.get_user(session, cid)
            accounts.set_role(session, cid, Role.STATISTICS, user.version)
        with owner(server) as o:
            member = o.execute(
                "SELECT pg_has_role(%s, %s, 'MEMBER'), pg_has_role(%s, %s, 'MEMBER')",
                (
                    f"{server['database']}.cecilia",
                    f"{server['database']}:statistik",
                    f"{server['database']}.cecilia",
                    f"{server['database']}:samordnare",
                ),
            ).fetchone()
            assert member == (True, False)
            assert (
                o.execute("SELECT password_hash FROM users WHERE username = 'cecilia'").fetchone()[
                    0
                ]
                == ""
            )
        with db.session() as session:
            accounts.deactivate(session, cid)
        with owner(server) as o:
            assert not o.execute(
                "SELECT rolcanlogin FROM pg_roles WHERE rolname = %s",
                (f"{server['database']}.cecilia",),
            ).fetchone()[0]
        with pytest.raises(signin.SignInRefused, match="Fel användarnamn eller lösenord"):
            signin.log_in(server["url"], "cecilia", PASSWORD)
        with db.session() as session:
            accounts.reset_password(session, cid, "another horse 43", "another horse 43")
        with owner(server) as o:
            login, verifier = o.execute(
                "SELECT rolcanlogin, rolpassword FROM pg_authid WHERE rolname = %s",
                (f"{server['database']}.cecilia",),
            ).fetchone()
            assert login and verifier.startswith("SCRAM-SHA-256$")
    finally:
        db.close()


def test_a_deactivated_account_loses_its_open_connection_at_once(server):
    """Deactivation is not only for the next login: a program left open on another
    workstation, or a psql session, with the account's connection reads nothing more
    from its next statement (plain psycopg, no program in between). An administrator's
    open connection loses CREATEROLE too. A password reset gives everything back."""
    from sqlalchemy import text

    from finsam_desktop.services import accounts, signin
    from finsam_desktop.services.access import Role
    from finsam_desktop.ui.operations import OperationFailed, OperationRunner

    db, _admin = signin.log_in(server["url"], "admin", PASSWORD)
    try:
        with db.session() as session:
            dagny = accounts.create_user(
                session, "dagny", "Dagny", Role.COORDINATOR, PASSWORD, PASSWORD
            ).id
            accounts.set_insatser(session, dagny, [server["a"]])
            adele = accounts.create_user(
                session, "adele", "Adele", Role.ADMIN, PASSWORD, PASSWORD
            ).id
        program, _dagny = signin.log_in(server["url"], "dagny", PASSWORD)
        runner = OperationRunner(program)
        with connect_as(server, "dagny") as open_dagny, connect_as(server, "adele") as open_adele:
            seen = ids(open_dagny, "SELECT id FROM person")
            assert runner.run(lambda s: s.execute(text("SELECT count(*) FROM person")).scalar())
            assert seen
            made = f'"{server["database"]}.made_by_adele"'
            open_adele.execute(f"CREATE ROLE {made}")
            open_adele.execute(f"DROP ROLE {made}")
            with db.session() as session:
                accounts.deactivate(session, dagny)
                accounts.deactivate(session, adele)
            for table in ("person", "referral", "participation", "users"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    open_dagny.execute(f"SELECT id FROM {table} LIMIT 1")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                open_dagny.execute(f"SELECT {server_roles.SEARCH_FUNCTION}('name_key', '%%', NULL)")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                open_adele.execute("SELECT id FROM person LIMIT 1")
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                open_adele.execute(f"CREATE ROLE {made}")
            # The program left open says so in Swedish (and keeps what was typed).
            with pytest.raises(OperationFailed, match="avaktiverats"):
                runner.run(lambda s: s.execute(text("SELECT count(*) FROM person")).scalar())
        program.close()
        with db.session() as session:
            accounts.reset_password(session, dagny, "another horse 44", "another horse 44")
        role = server_roles.account_role(server["database"], "dagny")
        again = psycopg.connect(
            _plain(server["url"]), user=role, password="another horse 44", autocommit=True
        )
        with again:
            assert ids(again, "SELECT id FROM person") == seen
    finally:
        db.close()


def test_finsam_serverroller_sets_up_a_new_database_and_its_first_administrator(
    postgres, capsys, monkeypatch
):
    """What the IT department runs once, with the owner's URL."""
    if postgres is None:
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    from finsam_desktop.cli import main
    from finsam_desktop.services import signin

    url = postgres.empty()
    name = make_url(url).database
    try:
        monkeypatch.setenv("FINSAM_PASSWORD", PASSWORD)
        command = ["--db", url, "serverroller", "--administratör", "anna", "--namn", "Anna A"]
        assert main(command) == 0
        out = capsys.readouterr().out
        assert f"{name}:samordnare" in out and f"{name}.anna" in out
        assert main(["--db", url, "serverroller"]) == 0  # again: nothing breaks
        db, user = signin.log_in(url, "anna", PASSWORD)
        db.close()
        assert user.role.value == "admin" and db.login.role == f"{name}.anna"
    finally:
        postgres.drop(url)
        with postgres.connect(postgres.location("postgres")) as connection:
            for role in server_roles.roles_of(connection, name):
                connection.execute(f'DROP ROLE "{role}"')


def test_accounts_from_before_the_roles_get_roles_and_the_it_department_lets_one_in(
    postgres, capsys, monkeypatch
):
    """A server used without roles (or a file moved in) already has accounts: each gets a
    role without login; ``serverroller --administratör`` gives an administrator a password."""
    if postgres is None:
        pytest.skip("the tests run on SQLite (set FINSAM_TEST_PG_URL for a PostgreSQL server)")
    from finsam_desktop.cli import main
    from finsam_desktop.services import accounts, signin
    from finsam_desktop.services.access import Role

    url = postgres.new()
    name = make_url(url).database
    try:
        started = signin.first_start(url, "anna", "Anna A", PASSWORD, PASSWORD)
        with started.db.session() as session:
            accounts.create_user(session, "bo", "Bo", Role.COORDINATOR, PASSWORD, PASSWORD)
        started.db.close()
        assert main(["--db", url, "serverroller"]) == 0
        assert "2 konton" in capsys.readouterr().out
        with pytest.raises(signin.SignInRefused):  # no login until a new password
            signin.log_in(url, "bo", PASSWORD)
        monkeypatch.setenv("FINSAM_PASSWORD", "the it department 1")
        with pytest.raises(SystemExit, match="Det finns ingen administratör"):
            main(["--db", url, "serverroller", "--administratör", "bo"])
        assert main(["--db", url, "serverroller", "--administratör", "anna"]) == 0
        db, _user = signin.log_in(url, "anna", "the it department 1")
        try:
            with db.session() as session:
                bo = next(u for u in accounts.list_users(session) if u.username == "bo")
                accounts.reset_password(session, bo.id, "bo's new one 1", "bo's new one 1")
        finally:
            db.close()
        signin.log_in(url, "bo", "bo's new one 1")[0].close()
    finally:
        postgres.drop(url)
        with postgres.connect(postgres.location("postgres")) as connection:
            for role in server_roles.roles_of(connection, name):
                connection.execute(f'DROP ROLE "{role}"')


def test_the_window_as_statistik_on_the_server_shows_the_statistik_page(
    server, tmp_path, qapp, qtbot
):
    """The Statistik page reads the views through the statistics services, unchanged."""
    from conftest import app_context

    from finsam_desktop.domain.periods import year
    from finsam_desktop.services import signin
    from finsam_desktop.ui.main_window import MainWindow

    db, _user = signin.log_in(server["url"], "stina", PASSWORD)
    try:
        window = MainWindow(app_context(db, tmp_path))
        qtbot.addWidget(window)
        window.show()
        page = window.show_page("statistics")
        page.picker.set_period(year(2026))
        started = {row[0]: row[1:] for row in page.tables["started"].texts()}
        assert started and any(v[0] not in ("", "0") for v in started.values())
        window.close()
    finally:
        db.close()


def test_backups_on_a_server_with_roles_are_the_owners_and_an_account_is_told_so(
    server, capsys, monkeypatch, tmp_path
):
    """An administrator's own role may not read the statistik views' key nor bypass the
    policies, so pg_dump as that role would fail half-way: the program says whose job a
    backup is instead, skips the daily one at close, and the owner's connection makes it."""
    from finsam_desktop.cli import main
    from finsam_desktop.services import backups, signin

    monkeypatch.setenv("FINSAM_PASSWORD", PASSWORD)
    as_admin = ["--db", server["url"], "--user", "admin", "backup", str(tmp_path / "a")]
    assert main(as_admin) != 0
    assert "databasägarens anslutning" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() or not any((tmp_path / "a").iterdir())
    db, _admin = signin.log_in(server["url"], "admin", PASSWORD)
    try:
        assert backups.backup_if_due(db) is None
    finally:
        db.close()
    assert main(["--db", server["url"], "backup", str(tmp_path / "o")]) == 0
    assert [p.suffix for p in (tmp_path / "o").iterdir()] == [".dump"]


# --- a coordinator's searches (issue 14 §6: the server's search function) -------------------


def test_the_search_function_tells_a_coordinator_nothing_of_persons_it_may_not_see(server):
    """``finsam_rls.visible_persons_like`` runs as the owner (to use the trigram index a
    coordinator's own query cannot): called directly, as with psql, it gives exactly the
    visible persons that match, never one the account may not see, and only for the
    searched columns."""
    assert server_roles.SEARCH_FUNCTION.startswith(server_roles.RLS_SCHEMA + ".")
    function = server_roles.SEARCH_FUNCTION
    with owner(server) as o:
        visible = visible_to_coordinator_truth(o, [server["a"]])
        persons = o.execute("SELECT id, name_key, personnummer FROM person").fetchall()
    hidden = [row for row in persons if row[0] not in visible]
    assert hidden and visible
    with connect_as(server, "bo") as bo:

        def found(column, pattern):
            return ids(bo, f"SELECT {function}(%s, %s)", column, pattern)

        assert found("name_key", "%") == visible
        assert found("personnummer", "%") == visible
        # At most a number of them (a capped count): that many of the same, or all.
        year = next(p for i, _n, p in persons if i in visible)[:4]  # the digits' indexes
        for column, pattern in (
            ("name_key", "%"),
            ("personnummer", "%1%"),
            ("personnummer", f"%{year}%"),
        ):
            every = found(column, pattern)
            assert every
            for at_most in (1, 2, len(every), len(every) + 1):
                some = ids(bo, f"SELECT {function}(%s, %s, %s)", column, pattern, at_most)
                assert some <= every and len(some) == min(at_most, len(every))
        for pid, name_key, personnummer in hidden[:10]:
            # Each one's own name and number, whole and in part: the visible matches only.
            for column, value in (("name_key", name_key), ("personnummer", personnummer)):
                for part in (value, value[1:4], value[-3:]):
                    expected = {
                        i for i, n, p in persons if part in (n if column == "name_key" else p)
                    }
                    assert pid in expected
                    assert found(column, f"%{part}%") == expected & visible
        for column in ("first_name", "id", "name_key; SELECT 1", server_roles.GROUP):
            with pytest.raises(psycopg.errors.InvalidParameterValue):
                found(column, "%")
    with connect_as(server, "stina") as stina, pytest.raises(psycopg.errors.InsufficientPrivilege):
        stina.execute(f"SELECT {function}('name_key', '%')")


def test_the_search_function_finds_every_run_of_digits_by_the_indexes_of_its_positions(
    server,
):
    """A run of four digits or more in the personnummer (``FEW_DIGITS``): the function
    reads migration 0025's indexes of the positions (the conditions the owner's search
    reads, ``expressions.server_digit_conditions``, whose plan
    tests/db/test_personnummer_digits.py checks) and gives, for every run of every
    number (a birth year, a date, the middle, the last four, the whole), exactly the
    visible persons whose number holds it, as Python's ``in``."""
    from finsam_desktop.db.expressions import server_digit_conditions

    function = server_roles.SEARCH_FUNCTION
    with owner(server) as o:
        visible = visible_to_coordinator_truth(o, [server["a"]])
        numbers = dict(o.execute("SELECT id, personnummer FROM person").fetchall())
        body = o.execute(
            f"SELECT pg_get_functiondef('{server_roles.SEARCH_SIGNATURE}'::regprocedure)"
        ).fetchone()[0]
    for condition in server_digit_conditions("personnummer", "digits", "following"):
        assert condition in body
    hidden = [n for i, n in numbers.items() if i not in visible]
    seen = [n for i, n in numbers.items() if i in visible]
    assert hidden and seen
    sample = hidden[:4] + seen[:4]
    runs = {n[i:j] for n in sample for i in range(len(n)) for j in range(i + 4, len(n) + 1)}
    runs |= {n[-4:] for n in numbers.values()} | {n[:4] for n in numbers.values()}
    runs |= {"0000", "99999", "1985010", "000000000000"}
    with connect_as(server, "bo") as bo:
        for digits in sorted(runs):
            expected = {i for i, n in numbers.items() if digits in n} & visible
            found = ids(bo, f"SELECT {function}('personnummer', %s)", f"%{digits}%")
            assert found == expected, digits


def searching_lists():
    """Every list the window searches by a person's name or personnummer
    (``listing.person_search``): the test below enumerates the services' functions
    that build one and fails on one missing here."""
    from finsam_desktop.services import casework, krans, persons, referral_list

    return {
        "persons": persons.person_list,
        "referrals": referral_list.referral_list,
        "meetings": referral_list.meeting_list,
        "participations": casework.participation_list,
        "aktualiseringar": krans.aktualisering_list,
    }


def test_every_list_searching_persons_is_in_searching_lists():
    import importlib
    import inspect
    import pkgutil

    import finsam_desktop.services as services

    found = set()
    for info in pkgutil.iter_modules(services.__path__):
        module = importlib.import_module(f"finsam_desktop.services.{info.name}")
        for name, fn in vars(module).items():
            fn = inspect.unwrap(fn) if callable(fn) else fn
            if not inspect.isfunction(fn) or fn.__module__ != module.__name__:
                continue
            if module.__name__.endswith(".listing"):
                continue  # where the search is defined
            if "person_search(" in inspect.getsource(fn):
                found.add(f"{info.name}.{name}")
    listed = {
        f"{fn.__module__.rsplit('.', 1)[1]}.{fn.__name__}" for fn in searching_lists().values()
    }
    assert found == listed


def test_a_coordinators_searches_find_exactly_the_visible_matches_in_every_list(server):
    """In every list that searches a person, each search as the coordinator (the server's
    search function, the policies) finds exactly the owner's matches that the coordinator's
    list holds: the count, a page of the few (``narrow``) and of the many, and the whole
    list."""
    from sqlalchemy import event

    from finsam_desktop.db.engine import Database
    from finsam_desktop.services import signin

    with owner(server) as o:
        visible = visible_to_coordinator_truth(o, [server["a"]])
        keys = dict(o.execute("SELECT id, name_key FROM person").fetchall())
        numbers = dict(o.execute("SELECT id, personnummer FROM person").fetchall())
        case_number = o.execute(
            "SELECT case_number FROM referral WHERE insats_id = %s ORDER BY id LIMIT 1",
            (server["a"],),
        ).fetchone()[0]
    hidden = sorted(set(keys) - visible)
    seen = sorted(visible & set(keys))
    # A part of a hidden person's name that a visible person's name holds too, a visible
    # person's part, a hidden person's whole number, a part of numbers, a letter, a case
    # number's start.
    shared = next(
        key[i : i + 3]
        for pid in hidden
        for key in [keys[pid]]
        for i in range(len(key) - 2)
        if any(key[i : i + 3] in keys[v] for v in seen) and " " not in key[i : i + 3]
    )
    texts = [
        shared,
        keys[seen[0]][:4],
        numbers[hidden[0]],
        numbers[seen[0]][2:8],
        keys[hidden[0]][0],
        case_number[:7],
    ]
    statements = []

    def seen_sql(conn, cursor, statement, params, context, executemany):
        statements.append(statement)

    coordinator, _user = signin.log_in(server["url"], "bo", PASSWORD)
    everything = Database(server["url"])
    event.listen(coordinator.engine, "before_cursor_execute", seen_sql)
    try:
        for name, make in searching_lists().items():
            mine, all_rows = make(coordinator), make(everything)
            listed = {r.id for r in mine.page(None, None)}
            for text in texts:
                expected = {r.id for r in all_rows.page(None, None, text=text)} & listed
                n = mine.count(text)
                assert n == len(expected), (name, text)
                assert mine.count(text, capped=True) == len(expected), (name, text)
                for matches in (n, None):  # the few (narrow) and the many
                    page = {r.id for r in mine.page(0, 200, text=text, matches=matches)}
                    assert page == expected, (name, text, matches)
                assert {r.id for r in mine.page(None, None, text=text)} == expected
            assert listed < {r.id for r in all_rows.page(None, None)} or name == "aktualiseringar"
    finally:
        coordinator.close()
        everything.close()
    # The coordinator's searches went through the server's function.
    assert any(server_roles.SEARCH_FUNCTION in s for s in statements)


def test_a_coordinators_number_search_is_counted_and_paged_from_the_search_functions_ids(
    server, monkeypatch
):
    """The coordinator's list of persons counts a search, and pages a number past the cap
    in the id's order, from the ids the server's search function found
    (``ListQuery.found_ids``), without reading them again through the person table: the
    count is the visible matches' (capped), each page the start of the whole search in
    either direction, as Python finds them."""
    from collections import Counter

    from finsam_desktop.services import listing, persons, signin

    monkeypatch.setattr(listing, "COUNT_CAP", 1)
    with owner(server) as o:
        visible = visible_to_coordinator_truth(o, [server["a"]])
        numbers = dict(o.execute("SELECT id, personnummer FROM person").fetchall())
    runs = Counter(numbers[i][k : k + 4] for i in visible for k in range(9))
    text, _n = runs.most_common(1)[0]
    expected = sorted(i for i in visible if text in numbers[i])
    assert len(expected) > 2  # past the cap: the pages are not read from the count's ids
    coordinator, _user = signin.log_in(server["url"], "bo", PASSWORD)
    try:
        mine = persons.person_list(coordinator)
        asked = []
        found_ids = mine.found_ids
        mine.found_ids = lambda text, first: asked.append(first) or found_ids(text, first)
        assert mine.count(text) == len(expected)
        matches = mine.count(text, capped=True)
        assert matches == 2 and asked == [2]
        for descending, whole in ((False, expected), (True, expected[::-1])):
            for offset in (0, 1, 3):
                page = mine.page(offset, 2, None, descending, text, None, matches)
                assert [r.id for r in page] == whole[offset : offset + 2], (descending, offset)
        assert asked[1:] == [None] * 6
        # A chosen filter: the search read through the person table with the filter (the
        # function's first ids are any of the matches, most perhaps outside it: the
        # filtered count of a common name said 258 where more than 1,000 were there).
        asked.clear()
        with owner(server) as o:
            where = dict(o.execute("SELECT id, municipality_id FROM person").fetchall())
        municipality = where[expected[-1]]
        in_it = [i for i in expected if where[i] == municipality]
        chosen = {"municipality_id": municipality}
        assert mine.count(text, chosen, capped=True) == min(len(in_it), 2)
        page = mine.page(0, 2, None, False, text, chosen, min(len(in_it), 2))
        assert [r.id for r in page] == in_it[:2]
        assert asked == []
    finally:
        coordinator.close()


def test_an_existing_role_server_upgraded_gets_the_search_function(server):
    """A role server from before the function (revision 0018): the owner's upgrade makes
    it, and the coordinator's search finds the same."""
    from alembic.script import ScriptDirectory

    from finsam_desktop.db.migrate import alembic_config, open_database

    before = ScriptDirectory.from_config(alembic_config()).get_revision("0020").down_revision
    function = server_roles.SEARCH_FUNCTION
    # Wound back by the migrations' own downgrades (the function goes with 0020's).
    wound_back(server, before)
    signature = server_roles.SEARCH_SIGNATURE
    with owner(server) as o:
        assert o.execute("SELECT to_regprocedure(%s)", (signature,)).fetchone()[0] is None
    open_database(server["url"]).close()
    with owner(server) as o:
        assert o.execute("SELECT to_regprocedure(%s)", (signature,)).fetchone()[0]
        # Revision 0026's: only the function with the number of persons.
        assert not o.execute("SELECT to_regprocedure(%s)", (f"{function}(text,text)",)).fetchone()[
            0
        ]
    with connect_as(server, "bo") as bo, owner(server) as o:
        assert ids(bo, f"SELECT {function}('name_key', '%%')") == visible_to_coordinator_truth(
            o, [server["a"]]
        )


def test_a_coordinators_overview_counts_and_lists_exactly_their_insatsers_reminders(server):
    """Översikt as a coordinator of insats A and as one of insats B (row-level security):
    every kind's count and first reminder are those of the owner's whole list that belong
    to the coordinator's insats (a referral's or a participation's), for the team and for
    one contact person, on a day when every enrolment is due for something. The counts
    read the indexes that hold the insats (migration 0024), the remissvar are counted
    without their persons, and each kind's cut is read first, as a value
    (``reminders._first_of_every_kind``)."""
    from datetime import date, timedelta

    from finsam_desktop.db.engine import Database
    from finsam_desktop.domain.casework import ReminderKind
    from finsam_desktop.services import accounts, reminders, signin
    from finsam_desktop.services.access import Role

    with owner(server) as o:
        insats_of = {
            **{("r", k): v for k, v in o.execute("SELECT id, insats_id FROM referral")},
            **{("p", k): v for k, v in o.execute("SELECT id, insats_id FROM participation")},
        }
        contact = dict(
            o.execute(
                "SELECT insats_id, min(contact_person_id) FROM participation "
                "WHERE status = 'enrolled' GROUP BY insats_id"
            ).fetchall()
        )
    admin_db, _admin = signin.log_in(server["url"], "admin", PASSWORD)
    try:
        with admin_db.session() as session:
            dora = accounts.create_user(
                session, "dora", "Dora Samordnare", Role.COORDINATOR, PASSWORD, PASSWORD
            )
            accounts.set_insatser(session, dora.id, [server["b"]])
    finally:
        admin_db.close()

    def insats(item) -> int:
        if item.participation_id is not None:
            return insats_of["p", item.participation_id]
        return insats_of["r", item.referral_id]

    day = date.today() + timedelta(days=2000)  # every enrolment is due for something
    everything = Database(server["url"])
    cut, hidden = 0, 0
    try:
        for username, mine in (("bo", server["a"]), ("dora", server["b"])):
            coordinator, _user = signin.log_in(server["url"], username, PASSWORD)
            try:
                for who in (None, contact.get(mine)):
                    with everything.reading() as s:
                        whole = reminders.due_items(s, day, who)
                    with coordinator.reading() as s:
                        shown = reminders.due_summary(s, day, who, 1)
                    for kind in ReminderKind:
                        expected = [item for item in whole[kind] if insats(item) == mine]
                        assert shown[kind].total == len(expected), (username, who, kind)
                        assert shown[kind].items == expected[:1], (username, who, kind)
                        cut += len(expected) > 1
                        hidden += len(whole[kind]) - len(expected)
            finally:
                coordinator.close()
    finally:
        everything.close()
    assert cut >= 4  # kinds with more reminders than shown: a cut was read
    assert hidden  # and reminders the coordinator may not see were left out
