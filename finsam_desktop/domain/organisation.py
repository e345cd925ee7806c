"""The organisation a team works in: förbund, insatser, municipalities, parties, staff.

Configurable lists are never emptied of history: a value is *retired* (active=False),
and a retired value still shows on old records but is not offered for new ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from finsam_desktop.i18n import N_, _


@dataclass(frozen=True)
class PostalAddress:
    street: str = ""
    postcode: str = ""
    city: str = ""

    def lines(self) -> list[str]:
        """The address as it stands on an envelope: street, then 'postcode city'."""
        out = [self.street] if self.street else []
        tail = " ".join(p for p in (self.postcode, self.city) if p)
        if tail:
            out.append(tail)
        return out

    def one_line(self) -> str:
        return ", ".join(self.lines())


@dataclass
class Federation:
    """The samordningsförbund. There is one per database."""

    name: str = ""
    address: PostalAddress = field(default_factory=PostalAddress)
    phone: str = ""
    email: str = ""
    website: str = ""
    org_number: str = ""
    logo_png: bytes | None = None
    version: int = 0


@dataclass
class Municipality:
    id: int | None
    name: str
    active: bool = True
    version: int = 0


@dataclass
class Party:
    """A referring and funding party (huvudman): AF, FK, socialtjänst, region, ..."""

    id: int | None
    name: str
    short_name: str = ""
    active: bool = True
    version: int = 0

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name


@dataclass
class Staff:
    id: int | None
    name: str
    title: str = ""
    party_id: int | None = None
    insats_id: int | None = None
    phone: str = ""
    email: str = ""
    active: bool = True
    version: int = 0


@dataclass
class MeetingPlace:
    """Where information meetings are held for people living in one municipality."""

    municipality_id: int
    name: str = ""
    address: PostalAddress = field(default_factory=PostalAddress)

    def describe(self) -> str:
        parts = [self.name] if self.name else []
        parts += self.address.lines()
        return ", ".join(parts)


@dataclass
class Insats:
    """A team the förbund funds, with its own rules for referrals and participations."""

    id: int | None
    name: str
    address: PostalAddress = field(default_factory=PostalAddress)
    phone: str = ""
    email: str = ""
    answer_days: int = 14
    enrolment_months: int = 12
    extension_months: int = 6
    age_min: int | None = 18
    age_max: int | None = 29
    min_parties_in_contact: int = 2
    exclusion_criteria: list[str] = field(default_factory=list)
    caseload_cap: int = 25
    plan_follow_up_months: int = 3
    remittent_contact_days: int = 30
    # Targets the statistics hold the actuals against; None: no target set.
    expected_per_year: int | None = None
    target_work_studies_percent: int | None = None
    active: bool = True
    meeting_places: list[MeetingPlace] = field(default_factory=list)
    version: int = 0

    @property
    def municipality_ids(self) -> list[int]:
        return [p.municipality_id for p in self.meeting_places]

    def meeting_place_for(self, municipality_id: int | None) -> MeetingPlace | None:
        """The meeting-place rule: where to meet someone from this home municipality."""
        for place in self.meeting_places:
            if place.municipality_id == municipality_id:
                return place
        return None


# The exclusion criteria of Samverkansteamet (seed 002, Bilaga I), shipped as defaults.
DEFAULT_EXCLUSION_CRITERIA = (
    N_("Ongoing substance abuse"),
    N_("Known threatening or violent behaviour"),
    N_("Imminent deprivation of liberty"),
    N_("Severe psychiatric illness without capacity to take part"),
)

# Parties every team starts with; teams add schools, KAA, health centres, ...
DEFAULT_PARTIES = (
    (N_("Arbetsförmedlingen"), "AF"),
    (N_("Försäkringskassan"), "FK"),
    (N_("Social services"), "SOC"),
    (N_("Psychiatry / region"), "REG"),
)


def default_exclusion_criteria() -> list[str]:
    return [_(c) for c in DEFAULT_EXCLUSION_CRITERIA]
