"""The organisation settings, saved to and read back from a real database."""

import pytest

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.organisation import (
    Federation,
    Insats,
    MeetingPlace,
    Municipality,
    Party,
    PostalAddress,
    Staff,
)
from finsam_desktop.services import organisation
from finsam_desktop.services.records import ConcurrentChange


def test_federation_round_trip_with_logo(db):
    with db.session() as s:
        organisation.save_federation(
            s,
            Federation(
                name="Samordningsförbundet Påhittat",
                address=PostalAddress("Box 1", "999 99", "Örby"),
                logo_png=b"\x89PNG",
            ),
        )
    with db.reading() as s:
        f = organisation.get_federation(s)
    assert f.name == "Samordningsförbundet Påhittat"
    assert f.address.lines() == ["Box 1", "999 99 Örby"]
    assert f.logo_png == b"\x89PNG"


def test_federation_needs_a_name(db):
    with pytest.raises(ValidationError) as err, db.session() as s:
        organisation.save_federation(s, Federation(name="  "))
    assert err.value.problems == {"name": "Ange förbundets namn."}


def test_a_stale_federation_save_is_refused(db):
    with db.session() as s:
        first = organisation.save_federation(s, Federation(name="A"))
    with db.session() as s:
        organisation.save_federation(s, Federation(name="B", version=first.version))
    with pytest.raises(ConcurrentChange), db.session() as s:
        organisation.save_federation(s, Federation(name="C", version=first.version))


def test_municipalities_sort_swedish_and_retired_values_stay(db):
    with db.session() as s:
        for name in ("Östhammar", "Älvkarleby", "Enköping", "Håbo", "Åre"):
            organisation.save_municipality(s, Municipality(None, name))
        heby = organisation.save_municipality(s, Municipality(None, "Heby"))
        heby.active = False
        organisation.save_municipality(s, heby)
    with db.reading() as s:
        active = [m.name for m in organisation.list_municipalities(s)]
        everything = [m.name for m in organisation.list_municipalities(s, include_retired=True)]
    assert active == ["Enköping", "Håbo", "Åre", "Älvkarleby", "Östhammar"]
    assert everything == ["Enköping", "Heby", "Håbo", "Åre", "Älvkarleby", "Östhammar"]


def test_duplicate_names_are_refused(db):
    with db.session() as s:
        organisation.save_party(s, Party(None, "Kommunala aktivitetsansvaret", "KAA"))
    with pytest.raises(ValidationError) as err, db.session() as s:
        organisation.save_party(s, Party(None, "Kommunala aktivitetsansvaret", "KAA2"))
    assert "finns redan" in err.value.problems["name"]


def test_insats_with_meeting_place_rule(db):
    with db.session() as s:
        ids = {
            n: organisation.save_municipality(s, Municipality(None, n)).id
            for n in ("Lindesberg", "Hällefors", "Nora", "Ljusnarsberg")
        }
        office = PostalAddress("Prästgatan 6", "711 30", "Lindesberg")
        saved = organisation.save_insats(
            s,
            Insats(
                id=None,
                name="Samverkansteamet",
                address=office,
                exclusion_criteria=["Pågående missbruk", " ", "Hot eller våld"],
                meeting_places=[
                    MeetingPlace(ids["Lindesberg"], "Samverkansteamets lokaler", office),
                    MeetingPlace(ids["Hällefors"], "Arbetsförmedlingen Hällefors"),
                    MeetingPlace(ids["Nora"], "Arbetsförmedlingen Nora"),
                    MeetingPlace(ids["Ljusnarsberg"], "Kommunhuset"),
                ],
            ),
        )
    with db.reading() as s:
        insats = organisation.get_insats(s, saved.id)
    assert insats.exclusion_criteria == ["Pågående missbruk", "Hot eller våld"]
    assert insats.meeting_place_for(ids["Lindesberg"]).address.street == "Prästgatan 6"
    assert insats.meeting_place_for(ids["Ljusnarsberg"]).name == "Kommunhuset"
    assert insats.meeting_place_for(None) is None
    # Dropping a municipality from the insats removes only that place.
    insats.meeting_places = [p for p in insats.meeting_places if p.municipality_id != ids["Nora"]]
    with db.session() as s:
        organisation.save_insats(s, insats)
    with db.reading() as s:
        assert len(organisation.get_insats(s, saved.id).meeting_places) == 3


def test_insats_rules_are_validated(db):
    with db.session() as s:
        m = organisation.save_municipality(s, Municipality(None, "Nora"))
    bad = Insats(
        id=None,
        name="",
        age_min=30,
        age_max=18,
        answer_days=0,
        meeting_places=[MeetingPlace(m.id), MeetingPlace(m.id)],
    )
    with pytest.raises(ValidationError) as err, db.session() as s:
        organisation.save_insats(s, bad)
    assert set(err.value.problems) == {"name", "age_max", "answer_days", "meeting_places"}


def test_staff_round_trip_and_retire(db):
    with db.session() as s:
        af = organisation.save_party(s, Party(None, "Arbetsförmedlingen", "AF"))
        saved = organisation.save_staff(
            s,
            Staff(None, "Åsa Påhittad", "Arbetsspecialist", af.id, None, "0999-1", "asa@x.example"),
        )
        saved.active = False
        organisation.save_staff(s, saved)
    with db.reading() as s:
        assert organisation.list_staff(s) == []
        retired = organisation.list_staff(s, include_retired=True)[0]
    assert (retired.name, retired.title, retired.party_id, retired.active) == (
        "Åsa Påhittad",
        "Arbetsspecialist",
        af.id,
        False,
    )


def test_staff_email_must_look_like_one(db):
    with pytest.raises(ValidationError) as err, db.session() as s:
        organisation.save_staff(s, Staff(None, "Bo", email="bo.example"))
    assert "@" in err.value.problems["email"]


def test_settings_lists_page_and_search_in_sql(demo_db):
    query = organisation.staff_list(demo_db)
    assert query.count() == 6
    rows = query.page(0, 50, sort_index=0)
    names = [r.values[0] for r in rows]
    assert names == sorted(names, key=lambda n: n.casefold().replace("å", "{"))
    assert [r.values[0] for r in rows if r.muted] == ["Bertil Förrästid"]
    assert query.count("åke") == 1
    assert query.page(0, 10, text="åke")[0].values[0] == "Åke Testlund"
