"""What a committed transaction changed comes from the tables it wrote (db/changes.py)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, insert, update

from finsam_desktop.db import changes, schema
from finsam_desktop.db.models import MunicipalityRow, PartyRow
from finsam_desktop.domain.changes import Change


def municipality(name: str) -> MunicipalityRow:
    return MunicipalityRow(name=name, name_key=name.lower())


def party(name: str) -> PartyRow:
    return PartyRow(name=name, name_key=name.lower())


def test_every_table_of_the_schema_has_its_kinds():
    missing = sorted(set(schema.metadata.tables) - set(changes.TABLE_CHANGES))
    unknown = sorted(set(changes.TABLE_CHANGES) - set(schema.metadata.tables))
    empty = sorted(t for t, kinds in changes.TABLE_CHANGES.items() if not kinds)
    assert (missing, unknown, empty) == ([], [], [])


def test_every_kind_is_what_some_table_holds():
    produced = set().union(*changes.TABLE_CHANGES.values())
    assert set(Change) - produced == set()


def test_an_orm_write_announces_its_tables_kinds(db):
    with db.collecting_changes() as found, db.session() as session:
        session.add(municipality("Exempelbygden"))
    # The access log entry of the change is written in the same transaction.
    assert found == {Change.MUNICIPALITY, Change.ACCESS_LOG}


def test_core_statements_through_the_session_and_its_connection_count_too(db):
    with db.session() as session:
        session.add(municipality("Exempelbygden"))
    with db.collecting_changes() as found, db.session() as session:
        session.execute(update(MunicipalityRow).values(active=False))
    assert Change.MUNICIPALITY in found
    with db.collecting_changes() as found, db.session() as session:
        session.connection().execute(
            insert(PartyRow.__table__),
            [{"name": "Påhittsgatans AF", "name_key": "pahittsgatans af"}],
        )
    assert found == {Change.PARTY}
    with db.collecting_changes() as found, db.session() as session:
        session.execute(delete(PartyRow))
    assert found == {Change.PARTY}


def test_a_rolled_back_transaction_announces_nothing(db):
    with db.collecting_changes() as found:
        with pytest.raises(RuntimeError), db.session() as session:
            session.add(municipality("Exempelbygden"))
            session.flush()
            raise RuntimeError("the save fails after writing")
        with db.session() as session:  # and the next transaction starts clean
            session.add(party("Påhittsgatans AF"))
    assert found == {Change.PARTY, Change.ACCESS_LOG}


def test_a_read_announces_nothing_and_a_block_sees_only_its_own_thread(db):
    with db.collecting_changes() as found:
        with db.reading() as session:
            session.get(MunicipalityRow, 1)

        def elsewhere():
            with db.session() as session:
                session.add(municipality("Exempelbygden"))

        thread = threading.Thread(target=elsewhere)
        thread.start()
        thread.join()
    assert found == set()
    with db.collecting_changes() as outer:
        with db.collecting_changes() as inner, db.session() as session:
            session.add(party("Påhittsgatans AF"))
        with db.session() as session:
            session.add(municipality("Påhittsby"))
    assert inner == {Change.PARTY, Change.ACCESS_LOG}
    assert outer == {Change.PARTY, Change.MUNICIPALITY, Change.ACCESS_LOG}
    with db.session() as session:  # after the blocks: gathered by none
        session.add(municipality("Efterby"))
    assert outer == {Change.PARTY, Change.MUNICIPALITY, Change.ACCESS_LOG}
