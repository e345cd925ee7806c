"""The front door of a participant's journey (seed 002, Bilaga I): information meeting,
referral (remiss), the team's decision (bedömning), the answer to the remittent
(remissvar) and enrolment (inskrivning).

Rules here are plain functions of plain values, so they can be tested without a
database: when the answer is due, how many days are left, which eligibility rules
a referral meets, when an enrolment is planned to end.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass, field
from datetime import date, datetime

from finsam_desktop.domain.organisation import Insats, PostalAddress
from finsam_desktop.i18n import N_, _, format_number, ngettext

# --- enums ------------------------------------------------------------------------


class MeetingOutcome(enum.StrEnum):
    PENDING = ""
    YES = "yes"
    NO = "no"
    THINKING = "thinking"

    @property
    def label(self) -> str:
        return _(_OUTCOME_LABELS[self])


_OUTCOME_LABELS = {
    MeetingOutcome.PENDING: N_("Not yet held"),
    MeetingOutcome.YES: N_("Yes, wants to take part"),
    MeetingOutcome.NO: N_("No, does not want to take part"),
    MeetingOutcome.THINKING: N_("Wants time to think"),
}


class ReferralStatus(enum.StrEnum):
    RECEIVED = "received"  # inkommen, not yet decided
    DORMANT = "dormant"  # vilande: waiting for more information
    ACCEPTED = "accepted"  # antagen, not yet enrolled
    REJECTED = "rejected"  # avslag
    ENROLLED = "enrolled"  # inskriven: a participation exists

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self])

    @property
    def is_open(self) -> bool:
        """Still on its way in: blocks a second referral of the person to the insats."""
        return self in (ReferralStatus.RECEIVED, ReferralStatus.DORMANT, ReferralStatus.ACCEPTED)


_STATUS_LABELS = {
    ReferralStatus.RECEIVED: N_("Received, not decided"),
    ReferralStatus.DORMANT: N_("Dormant"),
    ReferralStatus.ACCEPTED: N_("Accepted"),
    ReferralStatus.REJECTED: N_("Rejected"),
    ReferralStatus.ENROLLED: N_("Enrolled"),
}


class Decision(enum.StrEnum):
    """What the team decides at the teammöte."""

    ACCEPT = "accepted"
    REJECT = "rejected"
    DORMANT = "dormant"

    @property
    def label(self) -> str:
        return ReferralStatus(self.value).label


class ParticipationStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _(N_("Enrolled") if self is ParticipationStatus.ENROLLED else N_("Closed"))


# --- records ----------------------------------------------------------------------


@dataclass
class Remittent:
    """The referring officer at AF, FK, socialtjänsten, psychiatry, ..."""

    party_id: int | None = None
    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""  # postal address, one line per row, for the copy of a letter

    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]


@dataclass
class InfoMeeting:
    id: int | None
    person_id: int
    insats_id: int
    meeting_date: date
    meeting_time: str  # HH:MM
    staff1_id: int | None
    staff2_id: int | None
    place_name: str = ""
    place_address: PostalAddress = field(default_factory=PostalAddress)
    remittent: Remittent = field(default_factory=Remittent)
    outcome: MeetingOutcome = MeetingOutcome.PENDING
    notes: str = ""
    version: int = 0

    def place_description(self) -> str:
        parts = [self.place_name] if self.place_name else []
        return ", ".join(parts + self.place_address.lines())


@dataclass
class Referral:
    id: int | None
    person_id: int | None
    insats_id: int | None
    arrived_on: date
    remittent: Remittent = field(default_factory=Remittent)
    parties_in_contact: list[int] = field(default_factory=list)
    reason: str = ""
    consent: bool = False
    consent_on: date | None = None
    info_meeting_id: int | None = None
    municipality_id: int | None = None
    case_number: str = ""
    answer_due: date | None = None
    status: ReferralStatus = ReferralStatus.RECEIVED
    decided_on: date | None = None
    decision_reason: str = ""
    next_step: str = ""
    exclusions_applying: list[str] = field(default_factory=list)
    override_motivation: str = ""
    answer_sent_on: date | None = None
    answer_contact1_id: int | None = None
    answer_contact2_id: int | None = None
    version: int = 0

    @property
    def awaits_answer(self) -> bool:
        return self.answer_sent_on is None

    def days_left(self, today: date) -> int | None:
        """Days until the remissvar is due (negative: overdue); None once answered."""
        if self.answer_sent_on is not None or self.answer_due is None:
            return None
        return (self.answer_due - today).days


@dataclass
class DecisionInput:
    """What the team records at the teammöte."""

    decision: Decision
    decided_on: date
    reason: str = ""  # required for avslag
    next_step: str = ""
    exclusions_applying: list[str] = field(default_factory=list)
    override_motivation: str = ""
    answer_contact1_id: int | None = None
    answer_contact2_id: int | None = None


@dataclass
class Participation:
    """An enrolment (inskrivning) of a person in an insats."""

    id: int | None
    person_id: int
    insats_id: int
    referral_id: int | None
    status: ParticipationStatus
    enrolled_on: date
    planned_end: date
    contact_person_id: int
    second_contact_person_id: int
    af_registered: bool = False
    version: int = 0


@dataclass(frozen=True)
class DueAnswer:
    """A referral whose remissvar is not yet sent, for Översikt and reminders."""

    referral_id: int
    person_name: str
    insats_name: str
    arrived_on: date
    due: date
    days_left: int  # negative when overdue
    case_number: str = ""

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


@dataclass(frozen=True)
class SentLetter:
    id: int
    kind: str
    recipient: str
    subject: str
    reference: str
    sent_at: datetime
    sent_by: str


# --- rules ------------------------------------------------------------------------

DUE_SOON_DAYS = 5  # an answer due within this many days is shown as "due soon"


# Where an answered referral sorts among the waiting ones by days left: after all of them.
ANSWERED_SORTS_AS = date.max


def answer_sort_due(answer_due: date | None, answer_sent_on: date | None) -> date | None:
    """The Remisser list's "days left" order, stored on the referral so it can be
    indexed: the day the remissvar is due while it is not sent, 9999-12-31 once it is."""
    return answer_due if answer_sent_on is None else ANSWERED_SORTS_AS


def answer_due_date(arrived_on: date, answer_days: int) -> date:
    """The remissvar is due ``answer_days`` after the day the referral arrived."""
    from datetime import timedelta

    return arrived_on + timedelta(days=answer_days)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def planned_end(enrolled_on: date, insats: Insats) -> date:
    """Enrolment lasts ``enrolment_months`` (one year for Samverkansteamet)."""
    return add_months(enrolled_on, insats.enrolment_months)


@dataclass(frozen=True)
class RuleCheck:
    """One line of the eligibility checklist shown beside a referral."""

    key: str  # "age", "parties", or "exclusion:<criterion>"
    text: str  # the rule, for the checklist
    met: bool | None  # None: cannot be judged (e.g. no birth date)
    detail: str = ""


def check_eligibility(
    insats: Insats,
    age: int | None,
    parties_in_contact: int,
    exclusions_applying: list[str],
) -> list[RuleCheck]:
    """The insats's eligibility rules against one referral. Never blocks by itself:
    an unmet rule is a warning the team may override with a written motivation."""
    checks: list[RuleCheck] = []
    if insats.age_min is not None or insats.age_max is not None:
        low = insats.age_min if insats.age_min is not None else 0
        high = insats.age_max if insats.age_max is not None else 200
        text = _("Age {low}–{high} years").format(low=low, high=high)
        if age is None:
            checks.append(RuleCheck("age", text, None, _("Age unknown")))
        else:
            checks.append(
                RuleCheck("age", text, low <= age <= high, _("{age} years").format(age=age))
            )
    if insats.min_parties_in_contact > 0:
        checks.append(
            RuleCheck(
                "parties",
                ngettext(
                    "In contact with at least {n} party",
                    "In contact with at least {n} parties",
                    insats.min_parties_in_contact,
                ).format(n=format_number(insats.min_parties_in_contact)),
                parties_in_contact >= insats.min_parties_in_contact,
                ngettext("{n} party", "{n} parties", parties_in_contact).format(
                    n=format_number(parties_in_contact)
                ),
            )
        )
    for criterion in insats.exclusion_criteria:
        applies = criterion in exclusions_applying
        checks.append(
            RuleCheck(
                "exclusion:" + criterion,
                _("Not: {criterion}").format(criterion=criterion),
                not applies,
                _("Applies") if applies else _("Does not apply"),
            )
        )
    return checks


def unmet(checks: list[RuleCheck]) -> list[RuleCheck]:
    return [c for c in checks if c.met is False]
