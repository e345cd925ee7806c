"""Every column holding a Swedish sort key (``domain.sorting.swedish_key``: the
``name_key`` columns and ``users.display_name_key``) compares byte by byte on both
engines, so that å ä ö sort after z whatever language the server was installed in
(``db.models.sort_key``, migration 0015)."""

import pytest
from sqlalchemy import text

from finsam_desktop.db.schema import metadata

KEY_COLUMNS = sorted(
    (table.name, column.name)
    for table in metadata.tables.values()
    for column in table.c
    if column.name.endswith("name_key")
)


def test_every_swedish_sort_key_column_is_found():
    assert len(KEY_COLUMNS) >= 8
    assert ("person", "name_key") in KEY_COLUMNS
    assert ("users", "display_name_key") in KEY_COLUMNS


def test_every_swedish_sort_key_column_collates_byte_by_byte(db):
    if not db.on_server:
        pytest.skip("SQLite compares text byte by byte unless told otherwise")
    with db.reading() as session:
        found = {
            (table, column): collation
            for table, column, collation in session.execute(
                text(
                    "SELECT table_name, column_name, collation_name "
                    "FROM information_schema.columns WHERE table_schema = current_schema()"
                )
            )
        }
    assert {key: found.get(key) for key in KEY_COLUMNS} == {key: "C" for key in KEY_COLUMNS}
