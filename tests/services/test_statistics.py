"""The statistics service on a real database, against figures counted by hand
(tests/statistics_fixture.py): the shape of seed 000's Steget vidare table, exit routes
with "ute i aktivitet", income at entry and exit, targets, lead times, the survey."""

from datetime import date

import pytest
from statistics_fixture import build

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.periods import half_year, parse_period
from finsam_desktop.reports.model import SMALL, Rounding
from finsam_desktop.services.access import AccessDenied, Role, User
from finsam_desktop.services.statistics import insats_named, statistics

H1 = half_year(2026, 1)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, postgres):
    """One database for the tests that only read (building it takes a few seconds)."""
    from finsam_desktop.db.migrate import open_database
    from finsam_desktop.i18n import set_language

    set_language("sv")
    where = postgres.new() if postgres else tmp_path_factory.mktemp("stats") / "finsam.sqlite"
    database = open_database(where)
    ids = build(database)
    yield database, ids
    database.close()
    if postgres:
        postgres.drop(where)


@pytest.fixture
def ids(shared):
    return shared[1]


@pytest.fixture
def sdb(shared):
    return shared[0]


@pytest.fixture
def report(sdb):
    with sdb.reading() as s:
        return statistics(s, H1)


def test_started_has_the_shape_boards_read(report):
    t = report.table("started")
    assert t.base == "av 10 deltagare som började under perioden"
    assert t.cell("Totalt", "Antal") == 10 and t.cell("Totalt", "Andel") == 1.0
    assert t.cell("Kvinna", "Antal") == 6 and t.cell("Kvinna", "Andel") == 0.6
    assert t.cell("Man", "Antal") == 4 and t.cell("Man", "Andel") == 0.4
    assert t.cell("Utländsk bakgrund", "Antal") == 3
    assert t.cell("Utländsk bakgrund", "Andel") == 0.3
    assert t.cell("Utländsk bakgrund okänd", "Antal") == 2  # unknown is its own row
    assert t.cell("Medelålder vid start", "Antal") == 37.8
    texts = {row[0]: row[1:] for row in t.texts()}
    assert texts["Kvinna"] == ["6", "60,0\u00a0%"]
    assert texts["Medelålder vid start"] == ["37,8", ""]


def test_flow_counts_each_measure_by_its_own_date(report):
    flow = report.table("flow")
    assert flow.cell("Inkomna remisser", "Totalt") == 13
    assert flow.cell("Antagna", "Totalt") == 10
    assert flow.cell("Avslag", "Totalt") == 1
    assert flow.cell("Vilande", "Totalt") == 1
    assert flow.cell("Började", "Totalt") == 10
    assert flow.cell("Pågående vid periodens slut", "Totalt") == 4
    assert flow.cell("Avslutade under perioden", "Totalt") == 7
    assert flow.cell("Avslutade under perioden", "Kvinna") == 5
    ages = report.table("age")
    assert ages.cell("25–29", "Började") == 2  # 25 and 26
    assert ages.cell("Ålder okänd", "Började") == 0


def test_exit_routes_with_share_in_activity_per_column(report):
    t = report.table("exit_routes")
    assert t.base == "av 7 deltagare som avslutades under perioden"
    total_in = "Totalt ute i aktivitet"
    assert [t.cell(total_in, c) for c in ("Totalt", "Kvinnor", "Män", "Utländsk bakgrund")] == [
        5,
        4,
        1,
        4,
    ]
    assert [t.cell("Avslutade under perioden", c) for c in ("Totalt", "Kvinnor", "Män")] == [
        7,
        5,
        2,
    ]
    share = "Andel ute i aktivitet"
    assert [t.cell(share, c) for c in ("Totalt", "Kvinnor", "Män", "Utländsk bakgrund")] == [
        0.71,
        0.8,
        0.5,
        1.0,
    ]
    texts = {row[0]: row[1:] for row in t.texts()}
    assert texts[share] == [
        "71\u00a0%",
        "80\u00a0%",
        "50\u00a0%",
        "100\u00a0%",
    ]  # whole percent: a cross-table
    assert t.cell("Arbete", "Totalt") == 2 and t.cell("Avbrott", "Totalt") == 2
    assert t.chart is not None and "Arbete" in t.chart.categories


def test_moved_from_benefits_to_work_or_studies(report):
    t = report.table("moved")
    assert t.cell("Försörjningsstöd", "Avslutade") == 4
    assert t.cell("Försörjningsstöd", "Till arbete eller studier") == 2
    assert t.cell("Sjukpenning", "Till arbete eller studier") == 1
    assert t.cell("Tillsammans", "Andel") == 0.5
    cross = report.table("income")
    assert cross.cell("Försörjningsstöd", "Ej angivet") == 4  # exit income not recorded
    assert cross.cell("Totalt", "Totalt") == 7


def test_targets_pro_rata_and_caseload(report):
    t = report.table("targets")
    assert t.cell("Steget vidare", "Förväntat under perioden") == 10.0
    assert t.cell("Steget vidare", "Andel av förväntat") == 1.0
    assert t.cell("Steget vidare", "Till arbete eller studier") == 4
    assert t.cell("Steget vidare", "Andel till arbete eller studier") == 0.57
    assert t.cell("Steget vidare", "Målet nått") == "Ja"
    load = report.table("caseload")
    assert load.cell("Steget vidare", "Pågående deltagare") == 4
    assert load.cell("Steget vidare", "Flest per samordnare") == 3
    assert load.cell("Steget vidare", "Samordnare över taket") == 1


def test_lead_times_survey_and_national_follow_up(report):
    lead = report.table("lead_times")
    assert lead.cell("Alla insatser", "Beslut") == 12
    assert lead.cell("Alla insatser", "Dagar till beslut, median") == 5.0
    assert lead.cell("Alla insatser", "Dagar till beslut, högst") == 8
    survey = report.table("survey")
    assert survey.cell("Alla insatser", "Skickat") == 3
    assert survey.cell("Alla insatser", "Svarsfrekvens") == 0.67
    assert survey.cell("Alla insatser", "Andel nöjda") == 0.5
    assert survey.cell("Alla insatser", "Målet uppnått") == "Nej"
    national = report.table("national")
    assert national.cell("Steget vidare", "Deltagare, totalt") == 11
    assert national.cell("Steget vidare", "Nya, kvinnor") == 6
    assert national.cell("Steget vidare", "Avslutade, totalt") == 7


def test_one_municipality_and_one_insats(sdb, ids):
    with sdb.reading() as s:
        only_b = statistics(s, H1, municipality_id=ids["b"])
        assert insats_named(s, "steget VIDARE") == ids["insats"]
        with pytest.raises(ValidationError):
            insats_named(s, "Finns inte")
    assert only_b.table("started").cell("Totalt", "Antal") == 5
    assert ("Hemkommun", "Påhittsby") in only_b.filters


def test_small_counts_are_hidden_on_request(sdb, ids):
    with sdb.reading() as s:
        hidden = statistics(s, H1, rounding=Rounding(hide_small=True))
    t = hidden.table("started")
    assert t.cell("Man", "Antal") == SMALL and t.cell("Man", "Andel") == SMALL
    assert t.cell("Kvinna", "Antal") == 6  # five or more stay
    chart = hidden.table("flow").chart
    assert all(v == 0 or v >= 5 for _n, values in chart.series for v in values)


def test_no_name_personnummer_or_comment_in_any_cell(sdb, ids):
    from finsam_desktop.reports.export import json_text

    with sdb.reading() as s:
        text = json_text(statistics(s, parse_period("2025-01-01:2026-12-31")))
        numbers = [
            r[0]
            for r in s.execute(__import__("sqlalchemy").text("select personnummer from person"))
        ]
    assert "Person1" not in text and "Testa" not in text and "Påhittad" not in text
    assert not any(n in text or n[2:] in text for n in numbers)


def test_the_statistics_role_may_run_it_and_nothing_needs_casework(sdb, ids):
    db = sdb
    db.user = User(9, "stat", "Stat", Role.STATISTICS)
    with db.reading() as s:
        assert statistics(s, H1).table("started").cell("Totalt", "Antal") == 10
    db.user = None


def test_a_role_without_statistics_is_refused(sdb, ids, monkeypatch):
    db = sdb
    from finsam_desktop.services import access

    monkeypatch.setitem(access.ROLE_PERMISSIONS, Role.STATISTICS, frozenset())
    db.user = User(9, "stat", "Stat", Role.STATISTICS)
    try:
        with db.reading() as s, pytest.raises(AccessDenied):
            statistics(s, H1)
    finally:
        db.user = None


def test_ages_unknown_when_personnummer_is_blank(db):
    """A de-identified copy blanks the numbers: the report still runs, ages unknown."""
    from sqlalchemy import update

    from finsam_desktop.db.models import PersonRow

    build(db)
    with db.session() as s:
        for pid in s.scalars(__import__("sqlalchemy").select(PersonRow.id)):
            s.execute(update(PersonRow).where(PersonRow.id == pid).values(personnummer=f"x{pid}"))
    with db.reading() as s:
        r = statistics(s, H1)
    assert r.table("age").cell("Ålder okänd", "Började") == 10
    assert r.table("started").cell("Medelålder vid start", "Antal") is None


def test_periods_parse_as_the_command_line_writes_them():
    assert parse_period("2026").start == date(2026, 1, 1)
    assert parse_period("2026H2").start == date(2026, 7, 1)
    q = parse_period("2026Q3")
    assert (q.start, q.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert parse_period("2026-02").end == date(2026, 2, 28)
    w = parse_period("2016-W26:2016-W43")
    assert (w.start, w.end) == (date(2016, 6, 27), date(2016, 10, 30))
    assert w.label == "2016 v. 26–43"
    d = parse_period("2026-01-15:2026-05-31")
    assert (d.start, d.end) == (date(2026, 1, 15), date(2026, 5, 31))
    for bad in (
        "2026H3",
        "2026Q5",
        "2026-13",
        "2026-05-31:2026-01-01",
        "förra året",
        "2015-W53:2015-W54",
    ):
        with pytest.raises(ValidationError):
            parse_period(bad)


def test_rounding_follows_the_teams_setting(db):
    from finsam_desktop.services.statistics import set_rounding

    build(db)
    with db.session() as s:
        set_rounding(s, 0, 1)
        with pytest.raises(ValidationError):
            set_rounding(s, 4, 0)  # refused: the setting stays as it was
    with db.reading() as s:
        r = statistics(s, H1)
    assert r.table("started").cell("Kvinna", "Andel") == 0.6
    assert dict((row[0], row[1:]) for row in r.table("started").texts())["Kvinna"] == [
        "6",
        "60\u00a0%",
    ]
    assert r.table("exit_routes").cell("Andel ute i aktivitet", "Totalt") == 0.714
