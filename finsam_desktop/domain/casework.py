"""The rules of one participation: limits, extension, follow-ups, contacts and notes.

Every rule takes the day it is judged on (``today``) as an argument, so that the
program and its tests run on an explicit calendar, never on the clock of the PC.
Seed 002 (Samverkansteamet) is the source: enrolment at most one year, the styrgrupp
may extend once by at most six months, contact with the remittent about once a
month, stöd vid studier one month from study start, extendable to at most three.
"""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass, field
from datetime import date, timedelta

from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.i18n import N_, _, format_number, ngettext

END_WARNING_DAYS = 30  # Översikt warns this many days before a participation ends
STUDY_SUPPORT_MONTHS = 1
STUDY_SUPPORT_MAX_MONTHS = 3
MAPPING_SESSIONS_MIN = 3
MAPPING_SESSIONS_MAX = 6


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, on the month's last day when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


class CaseStatus(enum.StrEnum):
    ENROLLED = "enrolled"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _(N_("Enrolled") if self is CaseStatus.ENROLLED else N_("Closed"))


# --- limits of a participation ---------------------------------------------------


@dataclass(frozen=True)
class Extension:
    """The styrgrupp's decision on prolonging one participation."""

    requested_on: date | None = None
    decided_on: date | None = None
    months: int = 0  # 0 with a decision date: refused

    @property
    def granted(self) -> bool:
        return self.decided_on is not None and self.months > 0

    @property
    def pending(self) -> bool:
        return self.requested_on is not None and self.decided_on is None


@dataclass(frozen=True)
class ParticipationLimits:
    """When a participation must end, counting a granted extension."""

    enrolled_on: date
    planned_end: date
    extension: Extension = field(default_factory=Extension)

    @property
    def ends_on(self) -> date:
        if self.extension.granted:
            return add_months(self.planned_end, self.extension.months)
        return self.planned_end

    def days_since_enrolment(self, today: date) -> int:
        return (today - self.enrolled_on).days

    def days_left(self, today: date) -> int:
        """Days until the last day; negative once the end has passed."""
        return (self.ends_on - today).days

    def ending_soon(self, today: date) -> bool:
        return 0 <= self.days_left(today) <= END_WARNING_DAYS

    def past_end(self, today: date) -> bool:
        return self.days_left(today) < 0


def planned_end(enrolled_on: date, enrolment_months: int) -> date:
    """The same rule as the enrolment (domain.referrals): ``enrolment_months`` later."""
    return add_months(enrolled_on, enrolment_months)


def check_extension_request(extension: Extension, requested_on: date, today: date) -> None:
    if extension.granted:
        raise ValidationError.single(
            "requested_on", _("The participation has already been extended once.")
        )
    if requested_on > today:
        raise ValidationError.single("requested_on", _("The date must not lie in the future."))


def check_extension_decision(
    limits: ParticipationLimits,
    decided_on: date | None,
    months: int,
    max_months: int,
    today: date,
) -> None:
    """The styrgrupp may extend once, by at most ``max_months``, with a decision date."""
    problems: dict[str, str] = {}
    if limits.extension.granted:
        problems["months"] = _("The participation has already been extended once.")
    if decided_on is None:
        problems["decided_on"] = _("Enter the date of the steering group's decision.")
    elif decided_on > today:
        problems["decided_on"] = _("The decision date must not lie in the future.")
    elif decided_on < limits.enrolled_on:
        problems["decided_on"] = _("The decision date lies before the enrolment.")
    if months < 0 or months > max_months:
        problems["months"] = ngettext(
            "An extension may be at most {n} month.",
            "An extension may be at most {n} months.",
            max_months,
        ).format(n=format_number(max_months))
    if problems:
        raise ValidationError(problems)


# --- stöd vid studier ---------------------------------------------------------------


def study_support_end(study_start: date, months: int) -> date:
    return add_months(study_start, months)


def check_study_support_months(months: int, previous_months: int = 0) -> None:
    """Support lasts one month from study start, extendable to at most three."""
    if months < STUDY_SUPPORT_MONTHS:
        raise ValidationError.single("months", _("Support lasts at least one month."))
    if months > STUDY_SUPPORT_MAX_MONTHS:
        raise ValidationError.single(
            "months",
            _("Support during studies can be extended to at most {n} months.").format(
                n=STUDY_SUPPORT_MAX_MONTHS
            ),
        )
    if months < previous_months:
        raise ValidationError.single(
            "months", _("An extension cannot shorten the support already given.")
        )


# --- follow-ups and contact with the remittent ---------------------------------------


def plan_follow_up_due(last_plan_event: date | None, enrolled_on: date, months: int) -> date:
    """A plan is followed up every ``months``; before any plan, counted from enrolment."""
    return add_months(last_plan_event or enrolled_on, months)


def remittent_contact_due(last_contact: date | None, enrolled_on: date, days: int) -> date:
    return (last_contact or enrolled_on) + timedelta(days=days)


def mapping_session_warning(count: int) -> str:
    """Seed 002: three to six mapping conversations. Empty when the count is within that."""
    if count < MAPPING_SESSIONS_MIN:
        return _("Fewer than {n} mapping conversations so far ({count}).").format(
            n=MAPPING_SESSIONS_MIN, count=count
        )
    if count > MAPPING_SESSIONS_MAX:
        return _("More than {n} mapping conversations ({count}).").format(
            n=MAPPING_SESSIONS_MAX, count=count
        )
    return ""


# --- plausibility: dates that may be right but usually are a typing mistake ------------
# Warnings, never errors: they are shown next to the field and saving goes ahead.

STUDY_START_MONTHS_BEFORE_ENROLMENT = 1


def mapping_date_warning(held_on: date | None, enrolled_on: date | None) -> str:
    """A kartläggningssamtal is held after the enrolment; before it is most likely a
    mistyped date."""
    if held_on is None or enrolled_on is None or held_on >= enrolled_on:
        return ""
    return _("The date lies before the enrolment ({date}). Check the year.").format(
        date=enrolled_on.isoformat()
    )


def study_start_warning(study_start: date | None, enrolled_on: date | None) -> str:
    """Support during studies starts around or after the enrolment; a study start long
    before it (11 months, say) is most likely a mistyped date."""
    if study_start is None or enrolled_on is None:
        return ""
    earliest = add_months(enrolled_on, -STUDY_START_MONTHS_BEFORE_ENROLMENT)
    if study_start >= earliest:
        return ""
    return _(
        "The study start lies more than a month before the enrolment ({date}). Check the year."
    ).format(date=enrolled_on.isoformat())


# --- the contacts journal -------------------------------------------------------------


class ContactKind(enum.StrEnum):
    SAMTAL = "samtal"
    MOTE = "mote"
    TREPARTSMOTE = "trepartsmote"
    TELEFON = "telefon"
    EPOST = "epost"
    SMS = "sms"
    ANTECKNING = "anteckning"  # a note with no contact, e.g. after a team meeting

    @property
    def label(self) -> str:
        return _(_CONTACT_KIND_LABELS[self])


_CONTACT_KIND_LABELS = {
    ContactKind.SAMTAL: N_("Conversation"),
    ContactKind.MOTE: N_("Meeting"),
    ContactKind.TREPARTSMOTE: N_("Three-party meeting"),
    ContactKind.TELEFON: N_("Phone"),
    ContactKind.EPOST: N_("E-mail"),
    ContactKind.SMS: N_("Text message"),
    ContactKind.ANTECKNING: N_("Note"),
}


class Counterpart(enum.StrEnum):
    PARTICIPANT = "participant"
    REMITTENT = "remittent"
    EMPLOYER = "employer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _(_COUNTERPART_LABELS[self])


_COUNTERPART_LABELS = {
    Counterpart.PARTICIPANT: N_("Participant"),
    Counterpart.REMITTENT: N_("Remittent"),
    Counterpart.EMPLOYER: N_("Employer"),
    Counterpart.OTHER: N_("Other party"),
}


@dataclass
class ContactEntry:
    """One line of the journal. ``written_on`` is the day the note was typed."""

    id: int | None
    participation_id: int
    occurred_on: date
    kind: ContactKind
    counterparts: list[Counterpart]
    note: str
    written_on: date
    staff_id: int | None = None
    staff_name: str = ""
    counterpart_name: str = ""
    corrects_id: int | None = None
    corrected_by_ids: list[int] = field(default_factory=list)
    version: int = 0
    author_name: str = ""  # who wrote the note: the signed-in account, set on saving

    def locked(self, today: date) -> bool:
        return note_locked(self.written_on, today)

    @property
    def with_remittent(self) -> bool:
        return Counterpart.REMITTENT in self.counterparts


def note_locked(written_on: date, today: date) -> bool:
    """A note can be edited on the day it was written, never after: then it is evidence."""
    return today > written_on


def check_contact(entry: ContactEntry, today: date) -> None:
    problems: dict[str, str] = {}
    if entry.occurred_on > today:
        problems["occurred_on"] = _("A contact cannot be recorded for a day in the future.")
    if entry.kind is not ContactKind.ANTECKNING and not entry.counterparts:
        problems["counterparts"] = _("Choose who the contact was with.")
    if not entry.note.strip() and entry.kind is ContactKind.ANTECKNING:
        problems["note"] = _("Write the note.")
    if problems:
        raise ValidationError(problems)


# --- what the program reminds of -----------------------------------------------------


class ReminderKind(enum.StrEnum):
    REFERRAL_ANSWER = "referral_answer"
    PLAN_FOLLOW_UP = "plan_follow_up"
    REMITTENT_CONTACT = "remittent_contact"
    STUDY_SUPPORT_END = "study_support_end"
    ENROLMENT_END = "enrolment_end"
    PAST_END = "past_end"
    EXTENSION_DECISION = "extension_decision"
    OUTCOME_MISSING = "outcome_missing"  # a local model's case without an outcome

    @property
    def label(self) -> str:
        return _(_REMINDER_LABELS[self])


_REMINDER_LABELS = {
    ReminderKind.REFERRAL_ANSWER: N_("Answer to the remittent"),
    ReminderKind.PLAN_FOLLOW_UP: N_("Follow-up of the action plan"),
    ReminderKind.REMITTENT_CONTACT: N_("Contact with the remittent"),
    ReminderKind.STUDY_SUPPORT_END: N_("Support during studies ends"),
    ReminderKind.ENROLMENT_END: N_("Participation ends within 30 days"),
    ReminderKind.PAST_END: N_("Past its end without avslut"),
    ReminderKind.EXTENSION_DECISION: N_("Extension awaiting the steering group's decision"),
    ReminderKind.OUTCOME_MISSING: N_("Local cooperation: outcome missing"),
}


@dataclass(frozen=True)
class Reminder:
    kind: ReminderKind
    due_on: date
    person_name: str
    participation_id: int | None = None
    referral_id: int | None = None
    staff_id: int | None = None
    detail: str = ""

    def overdue(self, today: date) -> bool:
        return self.due_on < today


# --- what the case screen shows at a glance ----------------------------------------


@dataclass
class CaseOverview:
    participation_id: int
    person_id: int
    person_name: str
    personnummer: str
    insats_id: int
    insats_name: str
    status: CaseStatus
    contact_person_id: int | None
    contact_person_name: str
    second_contact_person_id: int | None
    second_contact_person_name: str
    limits: ParticipationLimits
    next_follow_up: date
    remittent_contact_due: date
    last_remittent_contact: date | None = None
    remittent_name: str = ""
    remittent_party: str = ""
    remittent_phone: str = ""
    remittent_email: str = ""
    remittent_address: str = ""
    case_number: str = ""
    closed_on: date | None = None
    exit_route_name: str = ""
    entry_recorded: bool = False
    extension_max_months: int = 6
    caseload_cap: int = 25
    version: int = 0

    @property
    def extension(self) -> Extension:
        return self.limits.extension

    @property
    def is_open(self) -> bool:
        return self.status is CaseStatus.ENROLLED


class TimelineKind(enum.StrEnum):
    REFERRAL = "referral"
    MEETING = "meeting"
    ENROLMENT = "enrolment"
    CONTACT = "contact"
    MAPPING = "mapping"
    PLAN = "plan"
    LETTER = "letter"
    VISIT = "visit"
    STUDIES = "studies"
    EXTENSION = "extension"
    CLOSED = "closed"
    REOPENED = "reopened"
    NOTE = "note"

    @property
    def label(self) -> str:
        return _(_TIMELINE_LABELS[self])


_TIMELINE_LABELS = {
    TimelineKind.REFERRAL: N_("Referral"),
    TimelineKind.MEETING: N_("Information meeting"),
    TimelineKind.ENROLMENT: N_("Enrolment"),
    TimelineKind.CONTACT: N_("Contact"),
    TimelineKind.MAPPING: N_("Mapping conversation"),
    TimelineKind.PLAN: N_("Action plan"),
    TimelineKind.LETTER: N_("Letter"),
    TimelineKind.VISIT: N_("Workplace visit"),
    TimelineKind.STUDIES: N_("Support during studies"),
    TimelineKind.EXTENSION: N_("Extension"),
    TimelineKind.CLOSED: N_("Avslut"),
    TimelineKind.REOPENED: N_("Reopened"),
    TimelineKind.NOTE: N_("Note"),
}


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    kind: TimelineKind
    text: str
    staff_name: str = ""


# --- the week ahead on Översikt (Kommande) ---------------------------------------------


class WeekEventKind(enum.StrEnum):
    INFO_MEETING = "info_meeting"
    MAPPING_SESSION = "mapping_session"
    PLAN_FOLLOW_UP = "plan_follow_up"
    CLOSING_MEETING = "closing_meeting"

    @property
    def label(self) -> str:
        return _(_WEEK_EVENT_LABELS[self])


_WEEK_EVENT_LABELS = {
    WeekEventKind.INFO_MEETING: N_("Information meeting"),
    WeekEventKind.MAPPING_SESSION: N_("Mapping conversation"),
    WeekEventKind.PLAN_FOLLOW_UP: N_("Follow-up of the action plan"),
    WeekEventKind.CLOSING_MEETING: N_("Closing meeting"),
}


@dataclass
class WeekEvent:
    """Something booked in a week: ``participation_id`` opens the case (None for an
    information meeting, which has no case yet: ``info_meeting_id`` then)."""

    day: date
    time: str
    kind: WeekEventKind
    participant: str
    staff: str
    participation_id: int | None = None
    info_meeting_id: int | None = None


def iso_week_start(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    return day - timedelta(days=day.weekday())
