"""Lists that every screen shows: counted, sorted, filtered and paged in SQL.

A ``ListQuery`` is what the UI's one lazy table model reads from. It owns the SQL;
the widget only asks for a count and for pages of display rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column as SqlColumn
from sqlalchemy import ColumnElement, Select, and_, func, select, true, union_all
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, ColumnClause, UnaryExpression
from sqlalchemy.sql.selectable import Exists, Join, ScalarSelect, SelectBase

from finsam_desktop.db.engine import Database
from finsam_desktop.db.expressions import (
    FEW_DIGITS,
    among,
    among_ids,
    contains,
    count_rows,
    digits_of_persons,
    following,
    joins_as_written,
    reads_without_transaction,
    rows_of_persons,
    visible_persons_containing,
    without_estimate,
)
from finsam_desktop.domain import clock
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.services import audit
from finsam_desktop.services.access import (
    Permission,
    building_block,
    pure,
    requires,
)


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # English source text marked with N_; the UI translates it
    sort: Any = None  # SQL expression to ORDER BY; None: not sortable
    numeric: bool = False


@dataclass(frozen=True)
class ListRow:
    id: int
    values: tuple
    muted: bool = False  # retired values and the like, shown greyed


def is_number_search(text: str) -> bool:
    """Whether a search text is (part of) a personnummer rather than a name: at least four
    digits and nothing but digits, dashes and spaces. The lists search the personnummer
    column for it, and such a search is logged as a look-up of the persons it finds."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return len(digits) >= 4 and len(digits) >= len(text.replace("-", "").replace(" ", ""))


@dataclass(frozen=True)
class SearchLog:
    """How a list logs a search by personnummer: ``what`` is the access log's code for the
    view, ``person_column`` the column of the person each found row is about."""

    what: str
    person_column: Any
    # More persons than this found by one search: one entry says how many (a part of a
    # number typed on the way to the whole one), not one entry per person.
    named_up_to: int = 5


# A search matching at most this many rows is narrow (``ListQuery.narrow_search``).
NARROW_MATCHES = 1000
# A page at least this far down skips the rows before it by their ids (``ListQuery.page``).
DEEP_OFFSET = 1000
# A capped count (``ListQuery.count(capped=True)``, a list's search while typing) stops
# here: COUNT_CAP + 1 means "more than COUNT_CAP". Finding the first thousand matches of
# a search of one letter costs a few ms; counting all 50,000 of them tens of ms.
COUNT_CAP = NARROW_MATCHES


def _state(text: str, filters: Mapping[str, Any] | None) -> tuple:
    """A search text and its chosen filters, comparable with another's."""
    chosen = sorted((k, v) for k, v in (filters or {}).items() if v is not None)
    return ((text or "").strip(), tuple(chosen))


def _few_matches(text: str) -> bool:
    """Whether a search text is likely to match few rows: three letters or more, or a
    number (a personnummer or a case number)."""
    text = text.strip()
    return len(text) >= 3 or any(ch.isdigit() for ch in text)


@dataclass
class ListQuery:
    db: Database
    columns: list[Column]
    base: Select  # selects the id first, then what ``to_row`` needs
    to_row: Callable[[Any], ListRow]
    id_column: Any
    search: Callable[[str], ColumnElement] | None = None
    filters: Mapping[str, Callable[[Any], ColumnElement]] = field(default_factory=dict)
    search_log: SearchLog | None = None
    # The order before anyone clicks a header: (column index, descending); the id
    # breaks ties. None: the order the records were made in.
    default_sort: tuple[int, bool] | None = None
    # What a count needs of the base: ``count_base`` selects from the same rows with only
    # the joins that never change the number (None: the whole base); ``count_joins`` adds
    # those a search ("search") or a chosen filter (its key) needs to the count.
    count_base: Select | None = None
    count_joins: Mapping[str, Callable[[Select], Select]] = field(default_factory=dict)
    # The same search as ``search``, written to find the few matching persons first
    # (``person_search(..., person_id=...)``): a page of a search that matches at most
    # NARROW_MATCHES rows reads those and sorts them, instead of walking the sort
    # order's index past every row that does not match.
    narrow_search: Callable[[str], ColumnElement] | None = None
    # How a count adds a search to ``count_base``, given the session, the text and whether
    # the count is capped: for a list whose search reads a joined table it can pick the
    # join order that suits the text (``person_count_search``). None:
    # ``count_joins["search"]`` or ``narrow_search``.
    count_search: Callable[[Any, Select, str, bool], Select] | None = None
    # On a server, counts the server keeps of the base's rows (a coordinator's persons
    # under row-level security: ``server_roles.visible_person_count`` and
    # ``visible_person_start``): ``kept_count(session)`` is the count without a search or
    # filter; ``kept_start(offset)`` where the id order reaches row ``offset`` (SQL: an
    # id, and how many rows from it come before), so that a page far down in the id's
    # order reads no row before it. None: counted and walked.
    kept_count: Callable[[Any], int] | None = None
    kept_start: Callable[[int], tuple[Any, Any]] | None = None
    # The search as a test of rows already found (the ids a capped count kept, each
    # tested again by a page): on each row's own columns, never a look-up of every
    # match. None: ``search``. For an account under row-level security, whose
    # ``search`` of a number asks the server's search function for every match again.
    recheck: Callable[[str], ColumnElement] | None = None
    # For a list whose rows are the persons a search finds, read by an account under
    # row-level security: ``found_ids(text, first)``, the ids of the persons ``text``
    # finds (at most ``first``; None: all) from the server's search function alone
    # (``person_ids_found``), or None where it cannot find them (a text too short). The
    # function keeps to the persons the account may see, as the policy does: reading
    # them through the person table tested each one again (3 ms for a thousand). A
    # capped count and the pages of a number in the id's order read them so, where no
    # filter is chosen. None: ``narrow_search``.
    found_ids: Callable[[str, int | None], Select | None] | None = None
    _orders: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    # (search and filters, ids) of the last capped count that found at most COUNT_CAP.
    _found: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def _where(
        self,
        stmt: Select,
        text: str,
        chosen: Mapping[str, Any] | None,
        narrow: bool = False,
        recheck: bool = False,
    ) -> Select:
        """``stmt`` with the search and the chosen filters: ``narrow``, the search that
        finds few matches first (``narrow_search``); ``recheck``, the search of rows
        already found (``recheck``)."""
        text = (text or "").strip()
        if text and recheck and self.recheck is not None:
            stmt = stmt.where(self.recheck(text))
        elif text and narrow and self.narrow_search is not None:
            stmt = stmt.where(self.narrow_search(text))
        elif text and self.search is not None:
            stmt = stmt.where(self.search(text))
        for key, value in (chosen or {}).items():
            if value is not None and key in self.filters:
                stmt = stmt.where(self.filters[key](value))
        return stmt

    def count(
        self, text: str = "", filters: Mapping[str, Any] | None = None, capped: bool = False
    ) -> int:
        """How many rows the search and filters match; ``capped``: at most COUNT_CAP + 1
        (which then means more than COUNT_CAP), found without reading every match."""
        # A search of three letters or more, a number or a case number matches few
        # enough rows to count by the subquery (``narrow_search``), which needs no join;
        # a letter or two matches so many that the join along the list's rows is faster.
        searching = bool((text or "").strip()) and self.search is not None
        narrow = searching and self.narrow_search is not None and _few_matches(text)
        own_search = searching and self.count_search is not None and self.count_base is not None
        with self.db.reading() as session:
            reads_without_transaction(session)
            if self.kept_count is not None and _state(text, filters) == ("", ()):
                kept = self.kept_count(session)
                if capped:
                    self._found = None
                    return min(kept, COUNT_CAP + 1)
                return kept
            if self.count_base is None:
                stmt = self.base.with_only_columns(count_rows(self.id_column))
                conditions = self._where(select(), text, filters, narrow).whereclause
                stmt = _without_lookups(stmt, self._froms(), conditions)
            else:
                stmt = self.count_base.with_only_columns(count_rows(self.id_column))
                needed = [k for k, v in (filters or {}).items() if v is not None]
                if searching and not narrow and not own_search:
                    needed.insert(0, "search")
                for key in needed:
                    if key in self.count_joins:
                        stmt = self.count_joins[key](stmt)
            if own_search:
                assert self.count_search is not None
                stmt = self.count_search(session, stmt, text.strip(), capped)
                stmt = self._where(stmt, "", filters)
            else:
                stmt = self._where(stmt, text, filters, narrow)
            stmt = stmt.order_by(None)
            if not capped:
                return session.execute(stmt).scalar_one()
            # The first COUNT_CAP + 1 matches; up to the cap their ids are kept for the
            # pages of this search, which then need not search again (``page``).
            first = self._found_ids(text, filters, COUNT_CAP + 1) if narrow else None
            if first is None:
                first = stmt.with_only_columns(self.id_column).limit(COUNT_CAP + 1)
            ids = list(session.scalars(first))
            few = searching and len(ids) <= COUNT_CAP
            self._found = (_state(text, filters), ids) if few else None
            return len(ids)

    def page(
        self,
        offset: int | None,
        limit: int | None,
        sort_index: int | None = None,
        descending: bool = False,
        text: str = "",
        filters: Mapping[str, Any] | None = None,
        matches: int | None = None,
    ) -> list[ListRow]:
        """Rows ``offset`` to ``offset + limit`` as the list shows them (None: all rows).
        ``matches``: how many rows the search and filters match (``count``, also capped),
        when known."""
        by_index = self._persons_by_index(text)
        narrow = matches is not None and (matches <= NARROW_MATCHES or by_index)
        found = None
        kept: list | None = None
        if narrow and self._found is not None and self._found[0] == _state(text, filters):
            # The rows the capped count found, each tested against the search again
            # (by its own row: no second look through every person). Their ids are bound
            # as one value (``among_ids``).
            kept = self._found[1]
            found = among_ids(self.id_column, kept)
            stmt = self._where(self.base.where(found), text, filters, recheck=True)
        else:
            stmt = self._where(self.base, text, filters, narrow)
        if sort_index is None and self.default_sort is not None:
            sort_index, descending = self.default_sort
        order = self._order(sort_index, descending)
        stmt = stmt.order_by(None).order_by(*order)
        ids = None
        if limit is not None and self.db is not None and self.db.on_server:
            ids = self._server_ids(sort_index, descending, text, filters, narrow, kept, order)
            ids = ids if ids is None else ids(offset or 0, limit)
        if ids is None and limit is not None and by_index and narrow and kept is None:
            # Its matches' ids sorted from the lean rows (on a file an index holds the
            # Remisser list's days left beside the person), only the page's rows joined
            # to what it shows: sorting every match joined to five tables took as long as
            # walking the list's order (40 ms for a birth year at 100,000 referrals).
            lean = self._lean_ids(text, filters, narrow, list(order))
            ids = None if lean is None else lean.offset(offset or 0).limit(limit)
        if (
            ids is None
            and limit is not None
            and (offset or 0) >= DEEP_OFFSET
            and self.kept_start is not None
            and _state(text, filters) == ("", ())
            and sort_index is None
            and not descending
        ):
            # A page far down in the id's order of all rows, where the server keeps counts
            # of them: from the id where they reach the page, past the rows before it there.
            first_id, skip = self.kept_start(offset or 0)
            ids = self._lean().where(self.id_column >= first_id).order_by(*order)
            ids = ids.offset(skip).limit(limit)
        if ids is None and limit is not None and (offset or 0) >= DEEP_OFFSET:
            # A page far down: the rows before it are skipped by their ids alone (the
            # joins the page shows are not made for them), then the page's rows read.
            ids = self._ids(text, filters, narrow, list(order)).offset(offset).limit(limit)
        if ids is not None:
            stmt = self.base.where(among(self.id_column, ids))
            stmt = stmt.order_by(None).order_by(*order)
        elif limit is not None:
            stmt = stmt.offset(offset or 0).limit(limit)
        with self.db.reading() as session:
            if self._memoized("joins", lambda: len(_tables_joined(self.base, self._froms()))) > 3:
                # Only where there are join orders to weigh (a transaction for SET LOCAL).
                joins_as_written(session)
            else:
                reads_without_transaction(session)
            rows = [self.to_row(r) for r in session.execute(stmt)]
            if offset == 0 and self.search_log is not None and is_number_search(text or ""):
                self._log_search(session, text, filters, matches, found)
            return rows

    def _persons_by_index(self, text: str) -> bool:
        """Whether a page of ``text``, however many rows it matches, is read from its
        persons (``narrow_search``) and sorted: a number on a file, whose persons the
        indexes of its digits find (``digits_of_persons``: a birth year's 2-3 % of the
        persons in 2 ms), where walking the list's order past every row that does not
        match took 40-70 ms of CPU at 100,000 referrals for the page of a birth year.
        A server likewise (migration 0025's indexes of the positions, its few matches'
        ids sorted first: ``_server_ids``), where the page joined 66,000 referrals to a
        birth year's persons to walk the order (40–70 ms)."""
        return self.narrow_search is not None and is_number_search(text or "")

    def _found_ids(self, text: str, filters, first: int | None = None) -> Select | None:
        """``found_ids`` of ``text`` where the list has them and no filter is chosen,
        selecting the ids as the list's id column (for its order); else None."""
        if self.found_ids is None or _state(text, filters)[1]:
            return None
        found = self.found_ids(text.strip(), first)
        if found is None:
            return None
        return select(found.subquery().c[0].label(self.id_column.key))

    def _memoized(self, key, make: Callable[[], Any]) -> Any:
        """What the list's statements are made of, found once: finding a statement's
        FROM compiles it (``get_final_froms``), several ms at each page otherwise."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def _froms(self) -> list:
        return self._memoized("froms", self.base.get_final_froms)

    def _lean(self) -> Select:
        """The rows of the list with as few joins as give the same rows: the count's rows
        (``count_base``), or the id's table alone where the base only adds outer joins,
        else the whole base; selecting the id."""
        return self._memoized("lean", self._make_lean)

    def _make_lean(self) -> Select:
        if self.count_base is not None:
            lean = self.count_base
        elif _only_outer_joins(self._froms()):  # no join leaves a row out
            lean = select(self.id_column)
            if self.base.whereclause is not None:
                lean = lean.where(self.base.whereclause)
        else:
            lean = self.base
        return lean.with_only_columns(self.id_column)

    def _ids(self, text: str, filters, narrow: bool, order: list, kept=None) -> Select:
        """The ids of the rows the search and filters match (``kept``: among these ids,
        each tested again by ``recheck``), in ``order``: from the count's rows (``_lean``)
        where the base's condition, the search, filters and order read nothing else, so
        that the server can read them from an index alone; else from the whole base."""
        ids = self._lean_ids(text, filters, narrow, order, kept)
        if ids is not None:
            return ids
        stmt = self.base if kept is None else self.base.where(among_ids(self.id_column, kept))
        stmt = self._where(stmt, text, filters, narrow and kept is None, kept is not None)
        return stmt.with_only_columns(self.id_column).order_by(None).order_by(*order)

    def _lean_ids(self, text: str, filters, narrow: bool, order: list, kept=None):
        """``_ids`` from ``_lean`` (``kept``: only these ids), joined where it must be to
        the tables a count joins for the search and filters (``count_joins``); None where
        the conditions or the order read a table they do not join."""
        lean = self._lean()
        if kept is not None:
            lean = lean.where(among_ids(self.id_column, kept))
        ids = self._lean_ids_of(lean, (), text, filters, narrow and kept is None, kept, order)
        if ids is None and self.count_base is not None:
            chosen = [k for k, v in (filters or {}).items() if v is not None]
            searched = ["search"] if (text or "").strip() else []
            joins = tuple(k for k in searched + chosen if k in self.count_joins)
            for key in joins:
                lean = self.count_joins[key](lean)
            ids = self._lean_ids_of(
                lean, joins, text, filters, narrow and kept is None, kept, order
            )
        return ids

    def _lean_ids_of(self, lean: Select, joins: tuple, text, filters, narrow, kept, order):
        ids = self._where(lean, text, filters, narrow, kept is not None)
        ids = ids.order_by(None).order_by(*order)
        read = [ids.whereclause, *order] if ids.whereclause is not None else order
        return ids if _tables_read(read) <= self._lean_tables(lean, joins) else None

    def _lean_tables(self, lean: Select | None = None, joins: tuple = ()) -> set:
        """The tables ``_lean`` joins (with the count's ``joins``: ``lean``, so joined)."""
        return self._memoized(
            ("lean_tables", joins), lambda: _tables_joined(self._lean() if lean is None else lean)
        )

    def _server_ids(self, sort_index, descending, text, filters, narrow, kept, order):
        """On a PostgreSQL server, how a page's ids are found before its rows are read
        (a function of offset and limit), or None for the plain statement:

        - sorted by a column of a small table the rows look up (a person's home
          municipality): each of its rows' first ``offset + limit`` rows by the id's
          order, read from an index on (the look-up column, id), and the page among those
          (``_by_lookup``); the plain statement sorted every row;
        - a search matching few rows (``narrow``) and an order read from the lean rows:
          those few sorted first, and only the page's rows joined to what the page shows
          (the plain statement joined every match to five tables, then sorted them).

        - a search matching many rows: its page's ids found from the lean rows and the
          tables the search reads (``count_joins``), which the server's covering indexes
          hold (migration 0026), then only the page's rows read (the plain statement
          read each row walked, 1,800 referrals for a page of a common name).

        SQLite is left as it is: it joins a row in a fraction of the server's time, and
        its pages are measured against their own plans (the Remisser keystroke)."""
        if sort_index is not None and kept is None:
            by_lookup = self._by_lookup(sort_index, descending, text, filters, narrow, order)
            if by_lookup is not None:
                return by_lookup
        if not (narrow or kept is not None or (text or "").strip()):
            return None
        if kept is not None:
            # The kept rows sorted by their ids alone (from the whole base where the
            # lean rows cannot test them: the server leaves out the outer joins nothing
            # reads), then only the page's rows joined to what it shows. Joining all of
            # them before the sort took 16 ms for a birth year's 934 referrals.
            ids = self._ids(text, filters, narrow, list(order), kept)
        else:
            ids = self._lean_ids(text, filters, narrow, list(order))
            if ids is not None and is_number_search(text or ""):
                # A number is part of a few percent of the personnummer at most: its
                # matches found by the indexes of its positions, then sorted. The planner
                # walked the order's index instead, testing ten ranges on each row it
                # passed: 21 ms for the first page of a birth year's persons, this 3.5.
                # In the id's order, the ids the server's search function found (3 ms
                # for a birth year's 1,500 persons, 6 ms read again by their rows).
                by_id = self._found_ids(text, filters) if len(order) == 1 else None
                if by_id is None:
                    ids = _matches_first(ids, order)
                else:
                    found = by_id.selected_columns[0]
                    ids = by_id.order_by(found.desc() if descending else found)
        if ids is None:
            return None
        return lambda offset, limit: ids.offset(offset).limit(limit)

    def _by_lookup(self, sort_index, descending, text, filters, narrow, order):
        """``_server_ids`` for a page sorted by a column of a table the base joins by that
        table's primary key (``_looked_up``) through a foreign key of the lean rows (a
        person's municipality_id). The rows without one (NULL: first ascending, last
        descending) and each looked-up row's rows are read in the id's order, each group
        stopping at ``offset + limit``; the page is then cut from their union in the
        list's order. None where the list is not of that shape."""
        sort = self.columns[sort_index].sort
        sort = _clause(sort)
        if not isinstance(sort, SqlColumn):
            return None
        table = _plain(sort.table)
        join = self._memoized(("lookup", table), lambda: _lookup_join(self._froms(), table))
        if join is None:
            return None
        joined = self._lean_tables()
        ids = self._lean_ids(text, filters, narrow, [order[-1]])
        if ids is None or table in {_plain(t) for t in joined}:
            return None
        right, key, foreign = join
        if not any(fk.references(_plain(table)) for fk in _plain(foreign).foreign_keys):
            return None  # a value without its row would belong to no group
        by_id = order[-1]
        id_label = self.id_column.label("id")
        ids = ids.with_only_columns(id_label)

        def page(offset: int, limit: int) -> Select:
            first = offset + limit
            groups = ids.where(foreign == key).order_by(None).order_by(by_id).limit(first)
            groups = groups.lateral("by_group")
            in_groups = select(sort.label("k"), groups.c.id).select_from(right).join(groups, true())
            without = (
                ids.outerjoin(right, foreign == key)
                .where(foreign.is_(None))
                .with_only_columns(sort.label("k"), id_label)
                .order_by(None)
                .order_by(by_id)
                .limit(first)
            )
            rows = union_all(without, in_groups).subquery("grouped")
            k = rows.c.k.desc().nulls_last() if descending else rows.c.k.asc().nulls_first()
            last = rows.c.id.desc() if descending else rows.c.id.asc()
            return select(rows.c.id).order_by(k, last).offset(offset).limit(limit)

        return page

    def _order(self, sort_index: int | None, descending: bool) -> tuple:
        """The ORDER BY of a page, made once per column and direction: telling whether
        the sort column may be NULL compiles the whole base statement (ms per page)."""
        key = (sort_index, descending)
        order = self._orders.get(key)
        if order is None:
            order = ()
            if sort_index is not None and self.columns[sort_index].sort is not None:
                order = (sort_order(self.base, self.columns[sort_index].sort, descending),)
            order += (self.id_column.desc() if descending else self.id_column.asc(),)
            self._orders[key] = order
        return order

    def _log_search(
        self,
        session,
        text: str,
        filters: Mapping[str, Any] | None,
        matches: int | None,
        found: ColumnElement | None = None,
    ) -> None:
        """One access-log entry per person a personnummer search found (written after the
        read), or one entry with the number found when the search named many
        (``matches``, when the caller counted them already; past COUNT_CAP, as a capped
        count knows it: more than COUNT_CAP). ``found``: the rows are among the ids the
        capped count found (``page``): their persons are read by those ids instead of
        searching every row again (a whole personnummer, whose one person does not stop
        that look early: 22-44 ms of CPU at 100,000 referrals, by the ids 1.5-2.6 ms)."""
        log = self.search_log
        assert log is not None
        # Where the rows are the persons, a count of more than the log names says so.
        many = matches is not None and matches > log.named_up_to and self._rows_are_persons()
        person_ids = [] if many else self._persons_found(session, text, filters, found)
        if many or len(person_ids) > log.named_up_to:
            count = self.count(text, filters) if matches is None else matches
            details = {"found": count} if count <= COUNT_CAP else {"found_more_than": COUNT_CAP}
            audit.record(session, audit.Action.VIEW, what=log.what, details=details)
            return
        for person_id in person_ids:
            audit.record(session, audit.Action.VIEW, person_id=person_id, what=log.what)

    def _rows_are_persons(self) -> bool:
        """Whether each row of the list is a person of its own (the search log's person
        column is the list's id): a count of rows is then a count of persons."""
        assert self.search_log is not None
        return _plain(_clause(self.search_log.person_column)) is _plain(_clause(self.id_column))

    def _persons_found(self, session, text: str, filters, found) -> list:
        """The first persons (up to one more than the search log names) of the rows a
        search found (``found``: among the ids the capped count kept)."""
        log = self.search_log
        assert log is not None
        if found is not None:
            # The persons of the found rows (at most COUNT_CAP), from the lean rows where
            # they hold the person (a referral's person_id; the base joined each row to
            # five tables for it), told apart here: a DISTINCT made the server walk every
            # referral in its persons' order, testing each against the found ids.
            held = _tables_read([log.person_column]) <= self._lean_tables()
            rows = self._lean() if held else self.base
            persons = rows.where(found).with_only_columns(log.person_column).order_by(None)
            distinct = dict.fromkeys(pid for (pid,) in session.execute(persons))
            return [pid for pid in distinct if pid is not None][: log.named_up_to + 1]
        persons = self._where(self.base, text, filters).with_only_columns(log.person_column)
        persons = persons.distinct().order_by(None).limit(log.named_up_to + 1)
        return [pid for (pid,) in session.execute(persons) if pid is not None]


def _tables_joined(stmt: Select, froms: list | None = None) -> set:
    """The tables (and aliases) in a statement's FROM (``froms`` when known), through its
    joins."""
    found: set = set()

    def walk(node) -> None:
        if isinstance(node, Join):
            walk(node.left)
            walk(node.right)
        else:
            found.add(node)

    for source in stmt.get_final_froms() if froms is None else froms:
        walk(source)
    return found


def _clause(node):
    """A column as SQL (an ORM attribute's column)."""
    return node.__clause_element__() if hasattr(node, "__clause_element__") else node


def _plain(node):
    """A table, alias or column without the ORM's annotations (compared by identity)."""
    return node._deannotate() if hasattr(node, "_deannotate") else node


def _lookup_join(froms: list, table) -> tuple | None:
    """(right side, its key column, the foreign column) of the join in ``froms`` (a
    statement's FROM) that looks up ``table`` (``_looked_up``), or None."""
    found = []

    def walk(node) -> None:
        if isinstance(node, Join):
            walk(node.left)
            walk(node.right)
            if _plain(node.right) is table and _looked_up(node):
                found.append(node)

    for source in froms:
        walk(source)
    if len(found) != 1:
        return None
    join = found[0]
    clause = join.onclause
    if _plain(clause.left.table) is table:
        return join.right, clause.left, clause.right
    return join.right, clause.right, clause.left


def _looked_up(join: Join) -> bool:
    """Whether ``join`` is an outer join that finds at most one row of its right side for
    each row of its left side: ``right.pk == a column of the left side``, on the right
    table's whole (one-column) primary key. Such a join never changes how many rows
    there are."""
    if not join.isouter:
        return False
    right = _plain(join.right)
    keys = list(getattr(right, "primary_key", ()))
    clause = join.onclause
    if len(keys) != 1 or not isinstance(clause, BinaryExpression):
        return False
    if clause.operator is not operators.eq:
        return False
    sides = (clause.left, clause.right)
    for key_side, other in (sides, sides[::-1]):
        if (
            isinstance(key_side, SqlColumn)
            and _plain(key_side.table) is right
            and key_side.key == keys[0].key
            and isinstance(other, SqlColumn)
            and _plain(other.table) is not right
        ):
            return True
    return False


def _without_lookups(stmt: Select, froms: list, conditions) -> Select:
    """``stmt`` (a count) without its outer joins to a table by that table's primary key
    (``_looked_up``) that nothing else reads: neither the statement's condition nor
    ``conditions`` (the search and filters that will be added), nor another join;
    ``froms``: the statement's FROM. They cannot change the count and cost a look-up per row (SQLite),
    or keep the server from counting from an index alone (PostgreSQL's own join removal
    still read every row's joined column from the table: four times as slow at 100,000
    persons)."""
    if stmt._group_by_clauses or stmt._distinct or stmt._having_criteria:
        return stmt
    if len(froms) != 1 or not isinstance(froms[0], Join):
        return stmt
    read: set = set()
    for expr in (stmt.whereclause, conditions):
        if expr is not None:
            read |= {_plain(n.table) for n in visitors.iterate(expr) if isinstance(n, ColumnClause)}

    def kept(node):
        if not isinstance(node, Join):
            return node
        left = kept(node.left)
        right = _plain(node.right)
        if _looked_up(node) and right not in read and right not in needed:
            return left
        return left.join(node.right, node.onclause, isouter=node.isouter, full=node.full)

    # The tables the joins' own conditions read (a join kept may read one before it).
    needed: set = set()

    def walk(node) -> None:
        if isinstance(node, Join):
            walk(node.left)
            walk(node.right)
            right = _plain(node.right)
            needed.update(
                _plain(n.table)
                for n in visitors.iterate(node.onclause)
                if isinstance(n, ColumnClause) and _plain(n.table) is not right
            )

    walk(froms[0])
    pruned = select(*stmt.selected_columns).select_from(kept(froms[0]))
    return pruned.where(stmt.whereclause) if stmt.whereclause is not None else pruned


def _only_outer_joins(froms: list) -> bool:
    """Whether every join of a statement's FROM is an outer join to its right side."""

    def outer(node) -> bool:
        if isinstance(node, Join):
            return node.isouter and outer(node.left) and outer(node.right)
        return True

    return all(outer(source) for source in froms)


def _matches_first(ids: Select, order) -> Select:
    """``ids`` (one column, sorted by ``order``) found before they are sorted: the search
    in a subquery the server plans on its own (``OFFSET 0`` keeps the order and the
    limit out of it), the order's expressions beside each id, and the page sorted by them."""
    keys = [_sorted_expression(o) for o in order]
    columns = [ids.selected_columns[0].label("id")]
    columns += [k.label(f"k{i}") for i, k in enumerate(keys)]
    matches = ids.with_only_columns(*columns).order_by(None).offset(0).subquery("matches")
    by = {id(k): matches.c[f"k{i}"] for i, k in enumerate(keys)}
    outer = [visitors.replacement_traverse(o, {}, lambda e: by.get(id(e))) for o in order]
    return select(matches.c.id).order_by(*outer)


def _sorted_expression(o: ColumnElement) -> ColumnElement:
    """What an ORDER BY item sorts by, without its ASC, DESC and NULLS FIRST or LAST."""
    while isinstance(o, UnaryExpression) and o.modifier in _ORDER_MODIFIERS:
        o = o.element
    return o


_ORDER_MODIFIERS = {
    operators.asc_op,
    operators.desc_op,
    operators.nulls_first_op,
    operators.nulls_last_op,
}


def _tables_read(exprs) -> set:
    """The tables whose columns the expressions read, leaving out what a subquery reads
    in its own FROM."""
    found: set = set()
    stack = list(exprs)
    while stack:
        node = stack.pop()
        if isinstance(node, SelectBase | ScalarSelect | Exists):
            continue
        if isinstance(node, ColumnClause) and node.table is not None:
            found.add(node.table)
        stack.extend(node.get_children())
    return found


def _outer_tables(stmt: Select) -> set:
    """The tables a statement reaches through an outer join (their columns may be NULL)."""
    found: set = set()

    def walk(node, outer: bool) -> None:
        if isinstance(node, Join):
            walk(node.left, outer)
            walk(node.right, outer or node.isouter)
        elif outer:
            found.add(node)

    for source in stmt.get_final_froms():
        walk(source, False)
    return found


def may_be_null(stmt: Select, expr: Any) -> bool:
    """Whether a list's sort expression may be NULL in ``stmt``'s rows: a nullable column,
    a column of an outer-joined table, or a scalar subquery (no row: NULL)."""
    outer = _outer_tables(stmt)
    expr = _clause(expr)
    for node in visitors.iterate(expr):
        if isinstance(node, ScalarSelect):
            return True
        if isinstance(node, SqlColumn) and (node.nullable or node.table in outer):
            return True
    return False


def sort_order(stmt: Select, expr: Any, descending: bool) -> ColumnElement:
    """``expr`` ascending or descending with NULL as the smallest value on every engine
    (first ascending, last descending): SQLite's own order, which PostgreSQL (NULL as the
    largest) is told explicitly. Only where the value may be NULL, so that a sort of a
    column that is never NULL keeps its plain ORDER BY (and its index) on PostgreSQL."""
    if not may_be_null(stmt, expr):
        return expr.desc() if descending else expr.asc()
    return expr.desc().nulls_last() if descending else expr.asc().nulls_first()


def like_any(text: str, *columns) -> ColumnElement:
    """'Contains' on any of the columns; pass key columns and a swedish_key() text."""
    from sqlalchemy import or_

    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(c.like(pattern, escape="\\") for c in columns))


def is_case_number_search(text: str) -> bool:
    """Whether a search text is (the start of) a case number: R and four digits or more."""
    digits = "".join(ch for ch in text if ch.isdigit())
    return text.strip().upper().startswith("R") and len(digits) >= 4


# Persons looked at to tell whether a search matches many of them (``person_count_search``).
SAMPLE_PERSONS = 1000
# A count from the persons outwards reads every person (in the order of the searched
# column's index, where a name's first letter puts its matches); along the rows a capped
# count stops at COUNT_CAP + 1 matches, early once they are as dense as one person in
# twenty. So a capped count goes persons first only for a search matching fewer.
FEW_PERSONS, FEW_PERSONS_CAPPED = 3, 20


def person_count_search(
    person: Any, person_id: Any, case_number: Any = None, under_policies: bool = False
) -> Callable[[Any, Select, str], Select]:
    """``ListQuery.count_search`` for a list of rows about a person (``person_id``: the
    list's column of the person; ``person``: the person table): a search that matches a
    minority of the persons (counted in a sample of them: ``person`` is the person's
    mapped class) is counted from those persons
    outwards, reading each one's rows by ``person_id``'s index; one that matches most of
    them along the list's rows, looking up each row's person. Either order reads every
    person or every row once, whichever is fewer look-ups (a third of the persons is
    where the two cost the same at 100,000, tests/benchmarks/test_remisser_overview_bench.py).
    ``under_policies`` (see ``person_search``): the few persons are found by the server's
    search function (the sample is tested by its own rows, as before)."""
    found = person_search(person.personnummer, person.name_key, under_policies=under_policies)
    by_case = person_search(
        person.personnummer, person.name_key, case_number, person_id, under_policies
    )

    def count_search(session, stmt: Select, text: str, capped: bool = False) -> Select:
        if case_number is not None and is_case_number_search(text):
            return stmt.where(by_case(text))  # the case number's own index: no person
        condition = found(text)
        one_in = FEW_PERSONS_CAPPED if capped else FEW_PERSONS
        # A number (four digits or more) is part of a few percent of the personnummer at
        # most (a birth year: 2-3 %): its persons are the few, without a sample to tell.
        if is_number_search(text) or matches_few_persons(session, person, condition, one_in):
            if under_policies:
                return stmt.where(by_case(text))
            return rows_of_persons(session, stmt, person, person_id, condition)
        return stmt.join(person, person.id == person_id).where(condition)

    return count_search


def matches_few_persons(
    session, person: Any, condition: ColumnElement, one_in: int = FEW_PERSONS
) -> bool:
    """Whether ``condition`` holds for fewer than one in ``one_in`` of a sample of the
    persons."""
    from sqlalchemy import case

    # The first persons registered, each tested as it is read (the sample's ids read
    # first and looked up by the primary key took 1.3–2.2 ms on PostgreSQL, this 0.5).
    # In the id's order: SQLite would otherwise read the first names of the alphabet
    # from the name's index.
    hit = select(case((condition, 1)).label("hit")).order_by(person.id)
    sample = hit.limit(SAMPLE_PERSONS).subquery()
    looked_at, matched = session.execute(select(func.count(), func.count(sample.c.hit))).one()
    return matched * one_in < looked_at


def person_search(
    personnummer: Any,
    name_key: Any,
    case_number: Any = None,
    person_id: Any = None,
    under_policies: bool = False,
) -> Callable[[str], ColumnElement]:
    """The search of every list of persons: part of a personnummer (``is_number_search``),
    a case number (R and four digits or more) where the list has ``case_number``, or else
    a name (Swedish letters folded, as ``name_key`` stores them). ``person_id``: the
    list's column of the person (a referral's, or the person's own id): the person is
    then searched in a subquery (``ListQuery.narrow_search``); the columns are those of
    the person table. ``under_policies``: the list is read by an account under
    row-level security (``server_roles.bound_by_policies``): that subquery is then the
    server's search function, which finds the persons by the trigram index and keeps
    to those the account may see (``visible_persons_containing``); without
    ``person_id`` (a page of many matches) the condition is one the planner does not
    estimate (``without_estimate``)."""

    def search(text: str) -> ColumnElement:
        wanted = text.strip().upper()
        if case_number is not None and is_case_number_search(text):
            if person_id is None:
                return case_number.like(wanted + "%")
            # Case numbers are written in capitals: the range lets SQLite read the
            # matches from the unique index (it does not for LIKE, which keeps the
            # meaning exact). Only in the narrow search: a page of many matches is
            # found faster along the sort order's index.
            return and_(
                case_number >= wanted,
                case_number < following(wanted),
                case_number.like(wanted + "%"),
            )
        # The key and the number are stored as searched: a plain substring test (of a
        # number, on a file, by the indexes of its digits: ``digits_of_persons``).
        number = is_number_search(text)
        column, key = _searched_for(personnummer, name_key, text)
        holds = (
            digits_of_persons(personnummer, name_key.table.c.id, key)
            if number
            else contains(column, key)
        )
        visible = visible_persons_containing(column, key) if under_policies else None
        if person_id is None:
            if number and visible is not None and len(key) >= FEW_DIGITS:
                # Under row-level security the indexes of a number's positions serve
                # only the server's function (the policy comes first on the person
                # table, and ``substr`` is not leakproof): the few persons it finds.
                return among(name_key.table.c.id, visible)
            # Under row-level security the search of a page of many matches walks the
            # list's order: the planner must not take it for a search of few persons.
            return without_estimate(holds) if under_policies else holds
        if visible is not None:
            return among(person_id, visible)
        return among(person_id, select(name_key.table.c.id).where(holds))

    return search


def _searched_for(personnummer: Any, name_key: Any, text: str) -> tuple[Any, str]:
    """The person column a search looks in and the text as that column stores it: a
    number's digits (``is_number_search``) in the personnummer, else the name key."""
    if is_number_search(text):
        return personnummer, "".join(ch for ch in text if ch.isdigit())
    return name_key, swedish_key(text)


def person_ids_found(
    personnummer: Any, name_key: Any
) -> Callable[[str, int | None], Select | None]:
    """``ListQuery.found_ids`` of the list of persons for an account under row-level
    security: the ids the server's search function finds (``visible_persons_containing``:
    only persons the account may see), at most ``first``; None for a text too short."""

    def found(text: str, first: int | None) -> Select | None:
        return visible_persons_containing(*_searched_for(personnummer, name_key, text), first)

    return found


# --- a list as a spreadsheet ------------------------------------------------------------


@dataclass
class ListState:
    """What a list shows: its search text, filters and sort, and how the screen names
    the chosen filters (for the export's heading)."""

    text: str = ""
    filters: Mapping[str, Any] = field(default_factory=dict)
    sort_index: int | None = None
    descending: bool = False
    shown_filters: list[tuple[str, str]] = field(default_factory=list)


def list_report(query: ListQuery, title: str, state: ListState):
    """Every row the list shows, in its order, as a ``Report`` with one table.

    It holds names: only the samordnare role (CASEWORK) may take it out.
    """
    from finsam_desktop.i18n import _, format_date, format_number, ngettext
    from finsam_desktop.reports.model import Column as ReportColumn
    from finsam_desktop.reports.model import Kind, Report, Table

    rows = query.page(None, None, state.sort_index, state.descending, state.text, state.filters)
    columns = [
        ReportColumn(_(c.title), Kind.COUNT if c.numeric else Kind.TEXT) for c in query.columns
    ]

    def cell(column: ReportColumn, value: Any):
        if value is None:
            return None
        if column.kind is Kind.COUNT and isinstance(value, int | float):
            return value
        if hasattr(value, "isoformat"):
            return format_date(value)
        return str(value)

    filters = list(state.shown_filters)
    if state.text.strip():
        filters.insert(0, (_("Search"), state.text.strip()))
    if state.sort_index is not None:
        order = _("descending") if state.descending else _("ascending")
        filters.append((_("Sorted by"), f"{columns[state.sort_index].title} ({order})"))
    table = Table(
        "list",
        title,
        columns,
        [[cell(c, v) for c, v in zip(columns, r.values, strict=True)] for r in rows],
        base=ngettext("{n} row", "{n} rows", len(rows)).format(n=format_number(len(rows))),
    )
    return Report(title, format_date(clock.today()), filters, [table], key="list")


def export_list(query: ListQuery, key: str, title: str, state: ListState, path, fmt: str) -> int:
    """Write the list as ``fmt`` (xlsx or csv) to ``path`` and log it; returns the rows."""
    from finsam_desktop.reports import export

    if fmt not in ("xlsx", "csv"):
        raise ValueError(fmt)
    report = list_report(query, title, state)
    export.write(report, path, fmt)
    with query.db.session() as session:
        audit.log_output(session, f"list-{key}-{fmt}")
    return len(report.tables[0].rows)


like_any = pure(like_any)
person_search = pure(person_search)
person_ids_found = pure(person_ids_found)
person_count_search = pure(person_count_search)
matches_few_persons = building_block(matches_few_persons)
is_case_number_search = pure(is_case_number_search)
is_number_search = pure(is_number_search)
# The check runs on the query's own database (``current_user`` reads a ListQuery).
list_report = requires(Permission.CASEWORK)(list_report)
export_list = requires(Permission.CASEWORK)(export_list)
may_be_null = pure(may_be_null)
sort_order = pure(sort_order)
