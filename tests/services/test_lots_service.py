"""Registering lotsärenden, the category lists, and the summary checked against the
figures of the Långsiktig samverkan reports (seed 003)."""

from dataclasses import replace
from datetime import date

import pytest

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.lots import LotsCategory
from finsam_desktop.domain.lots_summary import Answer, CategoryKind
from finsam_desktop.domain.persons import Gender
from finsam_desktop.i18n import _
from finsam_desktop.services import lots
from finsam_desktop.services.lots_summary import lots_summary, municipality_named, year_period
from finsam_desktop.services.records import ConcurrentChange
from tests.lots_fixtures import case, county, register


@pytest.fixture
def ids(db):
    return county(db)


def rows(summary, key):
    return {r.label: r.count for r in summary.breakdown(key).rows}


def test_register_and_read_back(db, ids):
    draft = case(
        ids, "Håbo", date(2016, 3, 4), party_id=ids["FK"], officer=" FK-3 ", gender=Gender.MAN,
        birth_year=1990, sick_leave_fs=Answer.YES, individual_case=True,
        question_id=ids["question:1"], coordination_need=Answer.YES, reference="H-17",
    )  # fmt: skip
    with db.session() as s:
        saved = lots.save_lots_case(s, draft)
    with db.reading() as s:
        back = lots.get_lots_case(s, saved.id)
    assert back.officer == "FK-3"
    assert back.gender is Gender.MAN and back.birth_year == 1990
    assert back.question_id == ids["question:1"] and back.individual_case
    assert back.version == 1


def test_a_personnummer_reference_is_refused(db, ids):
    with db.session() as s, pytest.raises(ValidationError) as err:
        lots.save_lots_case(s, case(ids, "Heby", date(2016, 1, 5), reference="19850101-1234"))
    assert "personnummer" in err.value.problems["reference"]


def test_a_category_of_the_wrong_list_is_refused(db, ids):
    with db.session() as s, pytest.raises(ValidationError) as err:
        lots.save_lots_case(s, case(ids, "Heby", date(2016, 1, 5), question_id=ids["outcome:1"]))
    assert "question" in err.value.problems


def test_a_used_category_is_renamed_or_retired_never_deleted(db, ids):
    register(db, 2, case(ids, "Tierp", date(2016, 5, 1), question_id=ids["question:2"]))
    with db.session() as s, pytest.raises(ValidationError) as refused:
        lots.delete_category(s, ids["question:2"])
    assert refused.value.problems["name"].startswith("2 lotsärenden använder kategorin")
    register(db, 1, case(ids, "Tierp", date(2016, 5, 2), question_id=ids["question:3"]))
    with db.session() as s, pytest.raises(ValidationError) as refused:
        lots.delete_category(s, ids["question:3"])
    assert refused.value.problems["name"].startswith("1 lotsärende använder kategorin")
    with db.session() as s:
        old = lots.get_category(s, ids["question:2"])
        old.name, old.active = "Otydliga roller", False
        lots.save_category(s, old)
        new = lots.save_category(s, LotsCategory(None, CategoryKind.QUESTION, "Stavfel"))
        lots.delete_category(s, new.id)
    with db.reading() as s:
        assert ids["question:2"] not in [
            c.id for c in lots.list_categories(s, CategoryKind.QUESTION)
        ]
        summary = lots_summary(s, *year_period(2016))
    assert rows(summary, "question")[_("{name} (retired)").format(name="Otydliga roller")] == 2


def test_category_names_are_unique_per_list(db, ids):
    with db.session() as s, pytest.raises(ValidationError):
        lots.save_category(s, LotsCategory(None, CategoryKind.OUTCOME, "arbete"))


def test_habo_2016_shape(db, ids):
    """Håbo: 25 lotsärenden; 15 (60 %) sick leave with försörjningsstöd; 15 men (60 %);
    10 under 30 (40 %); 13 different officers."""
    base = case(ids, "Håbo", date(2016, 6, 1), party_id=ids["SOC"])
    for i in range(25):
        register(
            db, 1, base,
            gender=Gender.MAN if i < 15 else Gender.WOMAN,
            sick_leave_fs=Answer.YES if i < 15 else Answer.NO,
            birth_year=1995 if i < 10 else 1970,
            officer=f"soc-{i % 13}",
            coordination_need=Answer.YES if i < 22 else Answer.NO,
        )  # fmt: skip
    register(db, 4, case(ids, "Enköping", date(2016, 6, 1)))  # another municipality
    with db.reading() as s:
        habo = municipality_named(s, "Håbo kommun")
        summary = lots_summary(s, *year_period(2016), municipality_id=habo)
    assert summary.cases == 25
    assert summary.distinct_officers == 13
    assert rows(summary, "gender")["Man"] == 15
    assert rows(summary, "sick_leave_fs")["Ja"] == 15
    assert rows(summary, "age")["Under 30 år"] == 10
    assert summary.breakdown("gender").total == 25
    assert summary.breakdown("party").extra == (0, 0, 0, 13, 0)  # AF, FK, Region, Soc, -
    assert "municipality" not in [b.key for b in summary.breakdowns]


def test_heby_individarenden_and_outcomes(db, ids):
    """Heby (seed 003): 129 lotsärenden, 57 of them individärenden; of these 15 went to
    work or studies (11 arbete, 4 studier), 12 from försörjningsstöd to another benefit,
    and 37 to RITA: 64 outcome marks on 57 individärenden, as a case may have several."""
    base = case(ids, "Heby", date(2017, 2, 1), closed=date(2017, 9, 1))
    work, studies, fs, rita = (ids[f"outcome:{n}"] for n in (1, 2, 3, 4))
    register(db, 72, base)  # the other lotsärenden, no outcome recorded
    individual = replace(base, individual_case=True)
    register(db, 8, individual, outcome_ids=[work])
    register(db, 3, individual, outcome_ids=[work, rita])
    register(db, 4, individual, outcome_ids=[studies])
    register(db, 4, individual, outcome_ids=[fs])
    register(db, 8, individual, outcome_ids=[fs, rita])
    register(db, 26, individual, outcome_ids=[rita])
    register(db, 4, individual)  # individärenden without a recorded outcome
    with db.reading() as s:
        summary = lots_summary(s, *year_period(2017), municipality_named(s, "Heby"))
    assert (summary.cases, summary.individual_cases) == (129, 57)
    assert summary.work_or_studies == 15
    outcome = summary.breakdown("outcome_individual")
    assert (outcome.total, outcome.marks) == (57, 64)
    counts = rows(summary, "outcome_individual")
    assert counts["Arbete"] + counts["Studier"] == 15 and counts["Arbete"] == 11
    assert counts["Från försörjningsstöd till annan ersättning"] == 12
    assert counts["RITA – rätt insats i rätt tid av rätt aktör"] == 37
    assert counts["Ej angivet"] == 4
    assert rows(summary, "outcome")["Ej angivet"] == 72 + 4

    from finsam_desktop.reports.lots_tables import breakdown_table, key_figures, summary_json

    table = breakdown_table(outcome)
    assert "64 utfallsmarkeringar på 57 individärenden" in table.base
    assert table.rows[-1][:3] == ["Totalt individärenden", 57, 1.0]  # the total row
    assert [r[2] for r in table.rows if r[0] == "Från försörjningsstöd till annan ersättning"] == [
        0.21  # 12 of 57 cases, not of 64 marks
    ]
    figures = {row[0]: row[1:] for row in key_figures(summary).rows}
    assert figures["Individärenden till arbete eller studier"][:2] == [15, 0.26]
    data = summary_json(summary)
    marks = next(b for b in data["breakdowns"] if b["key"] == "outcome_individual")
    assert (marks["total"], marks["marks"]) == (57, 64)


def test_outcomes_are_saved_changed_and_read_back_in_list_order(db, ids):
    work, fs, rita = (ids[f"outcome:{n}"] for n in (1, 3, 4))
    draft = case(ids, "Heby", date(2017, 2, 1), individual_case=True, outcome_ids=[rita, fs, rita])
    with db.session() as s:
        saved = lots.save_lots_case(s, draft)
    assert saved.outcome_ids == [fs, rita] and saved.version == 1
    with db.session() as s:
        changed = lots.save_lots_case(s, replace(saved, outcome_ids=[work]))
    assert changed.outcome_ids == [work] and changed.version == 2  # outcomes alone: a change
    with db.session() as s, pytest.raises(ConcurrentChange):
        lots.save_lots_case(s, replace(saved, outcome_ids=[fs]))  # from the old version
    with db.session() as s, pytest.raises(ValidationError) as err:
        lots.save_lots_case(s, replace(changed, outcome_ids=[ids["question:1"]]))
    assert "outcome" in err.value.problems
    with db.reading() as s:
        assert lots.category_use_count(s, work) == 1 and lots.category_use_count(s, rita) == 0
        page = lots.lots_case_list(db).page(0, 10)
    assert [r.values[8] for r in page] == ["Arbete"]
    # The marks follow the case when its date or individärende flag changes.
    with db.session() as s:
        moved = lots.save_lots_case(
            s, replace(changed, received=date(2018, 3, 1), individual_case=False)
        )
    with db.reading() as s:
        in_2017 = lots_summary(s, *year_period(2017)).breakdown("outcome")
        in_2018 = lots_summary(s, *year_period(2018))
    assert in_2017.marks == 0
    assert in_2018.breakdown("outcome").marks == 1
    assert in_2018.breakdown("outcome_individual").marks == 0
    assert moved.outcome_ids == [work]
    with db.session() as s:
        lots.delete_lots_case(s, changed.id)
    with db.reading() as s:
        assert lots.category_use_count(s, work) == 0  # the marks went with the case


def test_alvkarleby_survey(db, ids):
    """Älvkarleby: 20 lotsärenden (10 men, 10 women), questionnaire sent to all, response
    rate 40 %, 6 of 8 respondents gave 4 or 5: 75 %, the goal is met."""
    base = case(ids, "Älvkarleby", date(2017, 3, 1), closed=date(2017, 4, 1), survey_sent=True)
    scores = [5, 4, 4, 5, 4, 4, 2, 3] + [None] * 12
    for i, score in enumerate(scores):
        register(db, 1, base, gender=Gender.MAN if i % 2 else Gender.WOMAN, survey_score=score)
    with db.reading() as s:
        v = lots_summary(s, date(2016, 8, 1), date(2017, 12, 31)).survey
    assert (v.closed, v.sent, v.answered, v.satisfied) == (20, 20, 8, 6)
    assert v.response_rate == 0.4 and v.satisfied_share == 0.75
    assert v.goal_met is True


def test_the_goal_is_configurable(db, ids):
    register(db, 4, case(ids, "Tierp", date(2017, 3, 1), closed=date(2017, 4, 1),
                         survey_sent=True, survey_score=4))  # fmt: skip
    register(db, 1, case(ids, "Tierp", date(2017, 3, 1), closed=date(2017, 4, 1),
                         survey_sent=True, survey_score=1))  # fmt: skip
    with db.session() as s:
        lots.set_satisfaction_goal(s, 85)
    with db.reading() as s:
        v = lots_summary(s, *year_period(2017)).survey
    assert v.goal_percent == 85 and v.goal_met is False


def test_unknown_gender_is_counted_never_dropped(db, ids):
    """Uppsala: of 168 individuals 73 women and 60 men; in 35 cases gender was missing."""
    base = case(ids, "Uppsala", date(2016, 10, 1))
    register(db, 73, base, gender=Gender.WOMAN)
    register(db, 60, base, gender=Gender.MAN)
    register(db, 35, base)
    with db.reading() as s:
        summary = lots_summary(s, *year_period(2016))
    assert rows(summary, "gender") == {"Kvinna": 73, "Man": 60, "Annat": 0, "Okänt": 35}
    assert sum(rows(summary, "gender").values()) == summary.cases == 168


def test_birth_decade_and_period_bounds(db, ids):
    register(db, 3, case(ids, "Knivsta", date(2015, 9, 14), birth_year=1984))
    register(db, 2, case(ids, "Knivsta", date(2016, 12, 31), birth_year=1992))
    register(db, 1, case(ids, "Knivsta", date(2017, 1, 1), birth_year=1960))
    with db.reading() as s:
        summary = lots_summary(s, date(2015, 9, 14), date(2016, 12, 31))
    assert summary.cases == 5
    assert rows(summary, "birth_decade") == {
        "Födda på 1980-talet": 3,
        "Födda på 1990-talet": 2,
        "Födelseår okänt": 0,
    }
    assert rows(summary, "municipality") == {"Knivsta": 5}
    assert summary.period_label == "2015-09-14 – 2016-12-31"


def test_the_list_filters_by_year_and_municipality(db, ids):
    register(db, 3, case(ids, "Tierp", date(2016, 5, 1)))
    register(db, 2, case(ids, "Heby", date(2017, 5, 1)))
    query = lots.lots_case_list(db)
    assert query.count() == 5
    assert query.count(filters={"year": 2016}) == 3
    assert query.count(filters={"municipality": ids["Heby"]}) == 2
    page = query.page(0, 10, sort_index=0, descending=True)
    assert page[0].values[0] == "2017-05-01" and page[0].values[1] == "Heby"


def test_an_old_version_cannot_overwrite_a_newer_one(db, ids):
    with db.session() as s:
        saved = lots.save_lots_case(s, case(ids, "Tierp", date(2016, 5, 1)))
    first, second = replace(saved, officer="AF-1"), replace(saved, officer="AF-2")
    with db.session() as s:
        lots.save_lots_case(s, first)

    with db.session() as s, pytest.raises(ConcurrentChange):
        lots.save_lots_case(s, second)


def test_recent_officers_are_offered_once_each(db, ids):
    register(db, 2, case(ids, "Tierp", date(2016, 5, 1), officer="AF-7"))
    register(db, 1, case(ids, "Tierp", date(2016, 5, 2), officer="af-7 "))
    register(db, 1, case(ids, "Tierp", date(2016, 5, 3), officer="Öberg FK"))
    with db.reading() as s:
        assert lots.recent_officers(s) == ["af-7", "Öberg FK"]


def test_municipalities_in_the_summary_follow_the_swedish_alphabet(db, ids):
    from finsam_desktop.domain.organisation import Municipality
    from finsam_desktop.services import organisation

    with db.session() as s:
        ids["Åre"] = organisation.save_municipality(s, Municipality(None, "Åre")).id
    for name in ("Östhammar", "Älvkarleby", "Åre", "Uppsala"):
        register(db, 1, case(ids, name, date(2016, 5, 2)))
    with db.reading() as s:
        summary = lots_summary(s, *year_period(2016))
    assert list(rows(summary, "municipality")) == ["Uppsala", "Åre", "Älvkarleby", "Östhammar"]
