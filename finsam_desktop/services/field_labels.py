"""Swedish words for tables, columns and stored codes, wherever records are shown as
they are stored: the registerutdrag and the access log's list of changed fields.

Every enum has a ``label``; ``code_label`` is the one place a stored code (a column
holding an enum's value) becomes those words, and ``enum_classes`` finds every enum so
a test can prove none prints as its code."""

from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

from finsam_desktop.i18n import N_, _
from finsam_desktop.services.access import pure

TABLE_TITLES = {
    "person": N_("Personal details"),
    "info_meeting": N_("Information meetings"),
    "referral": N_("Referrals"),
    "referral_party_contact": N_("Parties in contact at referral"),
    "participation": N_("Participations"),
    "sent_letter": N_("Letters sent"),
    "case_file": N_("Case file"),
    "case_contact": N_("Contacts"),
    "case_event": N_("Case events"),
    "mapping_session": N_("Mapping conversations"),
    "mapping_answer": N_("Mapping answers"),
    "plan_revision": N_("Action plans"),
    "plan_goal": N_("Action plan goals"),
    "plan_insats": N_("Action plan activities"),
    "study_support": N_("Study support"),
    "work_training": N_("Work training"),
    "work_visit": N_("Workplace visits"),
    "participant_survey": N_("Participant survey"),
}

COLUMN_LABELS = {
    "id": N_("Record number"),
    "personnummer": N_("Personal identity number"),
    "first_name": N_("First name"),
    "last_name": N_("Last name"),
    "street": N_("Street address"),
    "postcode": N_("Postcode"),
    "city": N_("Town"),
    "municipality_id": N_("Home municipality"),
    "gender": N_("Gender"),
    "expected_per_year": N_("Expected participants per year"),
    "target_work_studies_percent": N_("Target share to work or studies (%)"),
    "in_activity": N_("Counts as in activity"),
    "process_profile": N_("Process"),
    "outcome_reminder_weeks": N_("Remind of a missing outcome after (weeks)"),
    "beredning_id": N_("Beredning"),
    "destination_id": N_("Destination"),
    "outcome_on": N_("Ended on"),
    "sent_on": N_("Sent"),
    "answered_on": N_("Answered"),
    "score": N_("Score (1–5)"),
    "comment": N_("Comment"),
    "protected_identity": N_("Protected identity"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "created_at": N_("Registered"),
    "updated_at": N_("Last changed"),
    "insats_id": N_("Insats"),
    "meeting_date": N_("Meeting date"),
    "meeting_time": N_("Time"),
    "staff1_id": N_("Staff member"),
    "staff2_id": N_("Second staff member"),
    "place_name": N_("Place"),
    "place_street": N_("Street address of the place"),
    "place_postcode": N_("Postcode of the place"),
    "place_city": N_("Town of the place"),
    "outcome": N_("Outcome"),
    "notes": N_("Notes"),
    "note": N_("Note"),
    "text": N_("Text"),
    "remittent_party_id": N_("Referring party"),
    "remittent_name": N_("Referring officer"),
    "remittent_phone": N_("Referring officer's phone"),
    "remittent_email": N_("Referring officer's e-mail"),
    "remittent_address": N_("Referring officer's address"),
    "case_number": N_("Case number"),
    "info_meeting_id": N_("Information meeting"),
    "referral_id": N_("Referral"),
    "participation_id": N_("Participation"),
    "arrived_on": N_("Arrived"),
    "answer_due": N_("Answer due"),
    "reason": N_("Reason for referral"),
    "consent": N_("Consent given"),
    "consent_on": N_("Consent date"),
    "status": N_("Status"),
    "decided_on": N_("Decided"),
    "decision_reason": N_("Reason for the decision"),
    "next_step": N_("Next step"),
    "exclusions_applying": N_("Exclusion criteria noted"),
    "override_motivation": N_("Motivation for exception"),
    "answer_sent_on": N_("Answer sent"),
    "answer_sort_due": N_("Answer due while not sent"),
    "answer_contact1_id": N_("Contact person in the answer"),
    "answer_contact2_id": N_("Second contact person in the answer"),
    "party_id": N_("Party"),
    "enrolled_on": N_("Enrolled"),
    "planned_end": N_("Planned end"),
    "contact_person_id": N_("Contact person"),
    "second_contact_person_id": N_("Second contact person"),
    "af_registered": N_("Registered at Arbetsförmedlingen"),
    "due_plan_follow_up": N_("Plan follow-up due"),
    "due_remittent_contact": N_("Contact with the remittent due"),
    "due_end": N_("Ends (extension included)"),
    "due_extension_decision": N_("Extension awaiting decision since"),
    "kind": N_("Kind"),
    "recipient": N_("Recipient"),
    "subject": N_("Subject"),
    "reference": N_("Reference"),
    "sent_at": N_("Sent"),
    "sent_by": N_("Sent by"),
    "pdf": N_("Letter as sent"),
    "occurred_on": N_("Date"),
    "happened_on": N_("Date"),
    "held_on": N_("Date"),
    "made_on": N_("Date"),
    "visited_on": N_("Date"),
    "written_on": N_("Written"),
    "author_id": N_("Written by (account)"),
    "author_name": N_("Written by"),
    "staff_id": N_("Staff member"),
    "made_by_id": N_("Made by"),
    "responsible_id": N_("Responsible"),
    "counterparts": N_("Counterparts"),
    "counterpart_name": N_("Counterpart"),
    "summary": N_("Summary"),
    "recommendations": N_("Recommendations"),
    "closed_on": N_("Closed"),
    "exit_route_id": N_("Exit route"),
    "exit_sub_route_id": N_("Exit route, detail"),
    "ends_on": N_("Ends"),
    "starts_on": N_("Starts"),
    "study_start": N_("Study start"),
    "school": N_("School"),
    "months": N_("Months"),
    "workplace": N_("Workplace"),
    "employer_contact": N_("Employer contact"),
    "employer_phone": N_("Employer phone"),
    "hours_per_week": N_("Hours per week"),
    "number": N_("Number"),
    "is_follow_up": N_("Follow-up"),
    "position": N_("Order"),
    "description": N_("Description"),
    "type_id": N_("Type"),
    "question_key": N_("Question"),
    "value": N_("Answer"),
    "meeting_offered_on": N_("Closing meeting offered"),
    "meeting_held_on": N_("Closing meeting held"),
    "meeting_attendees": N_("Present at the closing meeting"),
    "advice_offered_on": N_("Financial advice offered"),
    "advice_offered_by_id": N_("Financial advice offered by"),
    "advice_note": N_("Financial advice, note"),
    "extension_requested_on": N_("Extension requested"),
    "extension_decided_on": N_("Extension decided"),
    "extension_months": N_("Extension (months)"),
    "revision_id": N_("Action plan"),
    "work_training_id": N_("Work training"),
    "corrects_id": N_("Corrects entry"),
    "mapping_template_id": N_("Mapping template"),
    "last_remittent_contact_on": N_("Last contact with the referring officer"),
    "last_plan_event_on": N_("Last action plan event"),
    "entry_recorded_on": N_("Situation at entry recorded"),
    "entry_income_source_id": N_("Income at entry"),
    "entry_occupation_id": N_("Occupation at entry"),
    "entry_education_level_id": N_("Education at entry"),
    "entry_support_time_id": N_("Time with support at entry"),
    "exit_income_source_id": N_("Income at exit"),
    "exit_occupation_id": N_("Occupation at exit"),
    "exit_education_level_id": N_("Education at exit"),
    "advice_benefit_ids": N_("Benefits discussed"),
    "action": N_("Action"),
    "action_id": N_("What was done"),
    "active": N_("Active"),
    "age_max": N_("Highest age"),
    "age_min": N_("Lowest age"),
    "answer_days": N_("Answer within (days)"),
    "at": N_("Time"),
    "birth_year": N_("Birth year"),
    "body": N_("Text"),
    "caseload_cap": N_("Participants per coordinator, at most"),
    "closed": N_("Closed"),
    "coordination_need": N_("Need for coordination"),
    "created_on": N_("Created"),
    "details": N_("Details"),
    "display_name": N_("Name"),
    "display_name_key": N_("Sort key"),
    "enrolment_months": N_("Longest enrolment (months)"),
    "exclusion_criteria": N_("Exclusion criteria"),
    "failed_attempts": N_("Failed attempts"),
    "foreign_background": N_("Foreign background"),
    "hash": N_("Checksum"),
    "import_fingerprint": N_("Import fingerprint"),
    "individual_case": N_("Individärende"),
    "key": N_("Key"),
    "last_login_at": N_("Last login"),
    "list_key": N_("List"),
    "logo_png": N_("Logo"),
    "min_parties_in_contact": N_("Parties in contact, at least"),
    "must_change_password": N_("Must change the password"),
    "name": N_("Name"),
    "name_key": N_("Sort key"),
    "officer": N_("Officer"),
    "officer_key": N_("Officer (search key)"),
    "org_number": N_("Organisation number"),
    "outcome_id": N_("Outcome"),
    "parent_id": N_("Belongs to"),
    "password_hash": N_("Password (hashed)"),
    "payload": N_("Content"),
    "person_id": N_("Person"),
    "plan_follow_up_months": N_("Action plan follow-up every (months)"),
    "prev_hash": N_("Previous checksum"),
    "question_id": N_("Question"),
    "received": N_("Received"),
    "record_id": N_("Record"),
    "record_key": N_("Record key"),
    "remittent_contact_days": N_("Contact with the remittent at least every (days)"),
    "role": N_("Role"),
    "saved_at": N_("Saved"),
    "sections": N_("Sections"),
    "short_name": N_("Short name"),
    "sick_leave_fs": N_("On sick leave with försörjningsstöd"),
    "survey_score": N_("Survey score"),
    "survey_sent": N_("Survey sent"),
    "table_name": N_("Table"),
    "title": N_("Title"),
    "user_id": N_("User"),
    "username": N_("Username"),
    "version": N_("Version"),
    "wait_until": N_("Wait until"),
    "website": N_("Website"),
    "what": N_("What"),
    "work_or_studies": N_("Counts as work or studies"),
    "lots_case_id": N_("Lotsärende"),
    "category_id": N_("Category"),
}


@pure
def enum_classes() -> list[type[enum.Enum]]:
    """Every enum defined in ``domain`` and ``services`` (found by introspection, so a new
    one is covered without anyone remembering to add it)."""
    import finsam_desktop.domain
    import finsam_desktop.services

    found: list[type[enum.Enum]] = []
    for package in (finsam_desktop.domain, finsam_desktop.services):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, enum.Enum) and cls.__module__ == module.__name__:
                    found.append(cls)
    return found


# Enums that never reach a person's eyes (program states, not recorded codes).
INTERNAL_ENUMS = {"DatabaseState", "Kind", "Change"}  # Kind: services.access, how a call is
# ruled; Change: domain.changes, which screens a save concerns


def _letter_kind(value: str) -> str:
    from finsam_desktop.services.letter_templates import kind_label

    return kind_label(value)


def _coded_columns() -> dict[tuple[str, str], Callable[[Any], str]]:
    """Which stored column holds which code, and how to say it in words."""
    from finsam_desktop.domain.casework import ContactKind, Counterpart, TimelineKind
    from finsam_desktop.domain.closing import OptionList
    from finsam_desktop.domain.krans import LocalListKind, ProcessProfile
    from finsam_desktop.domain.lots_summary import Answer, CategoryKind
    from finsam_desktop.domain.persons import Gender
    from finsam_desktop.domain.plans import GoalStatus
    from finsam_desktop.domain.referrals import (
        MeetingOutcome,
        ParticipationStatus,
        ReferralStatus,
    )
    from finsam_desktop.services.access import Role
    from finsam_desktop.services.audit import Action

    return {
        ("person", "gender"): Gender,
        ("person", "foreign_background"): Answer,
        ("lots_case", "gender"): Gender,
        ("lots_case", "foreign_background"): Answer,
        ("lots_case", "sick_leave_fs"): Answer,
        ("lots_case", "coordination_need"): Answer,
        ("lots_category", "kind"): CategoryKind,
        ("info_meeting", "outcome"): MeetingOutcome,
        ("referral", "status"): ReferralStatus,
        ("participation", "status"): ParticipationStatus,
        ("case_contact", "kind"): ContactKind,
        ("case_contact", "counterparts"): Counterpart,
        ("case_event", "kind"): TimelineKind,
        ("plan_goal", "status"): GoalStatus,
        ("sent_letter", "kind"): _letter_kind,
        ("case_option", "list_key"): OptionList,
        ("insats", "process_profile"): ProcessProfile,
        ("local_option", "kind"): LocalListKind,
        ("users", "role"): Role,
        ("audit_log", "action"): Action,
    }


@pure
def code_label(table: str, column: str, value: Any) -> str | None:
    """The words for a stored code in ``table.column`` (a list of codes: joined), or None
    when the column holds no code. The one place lists, letters and documents that show
    stored values turn codes into words."""
    coded = _coded_columns().get((table, column))
    if coded is None:
        return None
    values = value if isinstance(value, list) else [value]
    return ", ".join(say(coded, v) for v in values)


@pure
def say(coded: Callable[[Any], str], value: Any) -> str:
    """``value`` through an enum's label (or a label function); an unknown code, say from
    a newer version of the program, reads as "unknown code", never as the code itself."""
    if isinstance(coded, type) and issubclass(coded, enum.Enum):
        try:
            return coded(value).label
        except ValueError:
            return _("Unknown value")
    return coded(value)


@pure
def label(value: enum.Enum) -> str:
    """Any enum member in words (its ``label``)."""
    return value.label  # type: ignore[attr-defined]


@pure
def table_title(name: str) -> str:
    return _(TABLE_TITLES[name]) if name in TABLE_TITLES else name


# Where one column name means different things in different tables.
TABLE_COLUMN_LABELS = {
    ("plan_revision", "number"): N_("Version"),
    ("mapping_answer", "question_key"): N_("Mapping question"),
    ("mapping_template", "number"): N_("Version"),
    ("setting", "key"): N_("Setting"),
    ("setting", "value"): N_("Value"),
}


@pure
def column_label(name: str, table: str | None = None) -> str:
    label = TABLE_COLUMN_LABELS.get((table, name)) or COLUMN_LABELS.get(name)
    return _(label) if label else name
