"""The closing summary (sammanfattning med rekommendationer och förslag på fortsatta
åtgärder) as a letter to the remittent, on the shared letter layout."""

from __future__ import annotations

from finsam_desktop.domain.closing import ClosingLetterData
from finsam_desktop.i18n import _, format_date
from finsam_desktop.reports.letters import Letter, render_letter


def closing_subject(data: ClosingLetterData) -> str:
    return _("Closing summary – {name}").format(name=data.person_name)


def closing_letter(data: ClosingLetterData) -> Letter:
    closing = data.closing
    route = closing.exit_route_name
    if closing.exit_sub_route_name:
        route += f" ({closing.exit_sub_route_name})"
    paragraphs = [
        _(
            "{name}, {pnr}, has taken part in {insats} from {start} to {end}. "
            "The participation is now closed and we hand the case back to you."
        ).format(
            name=data.person_name,
            pnr=data.personnummer,
            insats=data.insats_name,
            start=format_date(data.enrolled_on),
            end=format_date(closing.closed_on),
        ),
        _("Exit route") + ": " + route,
        _("Summary of the participation") + "\n" + closing.summary,
    ]
    if closing.recommendations.strip():
        paragraphs.append(
            _("Recommendations and proposed next steps") + "\n" + closing.recommendations
        )
    if data.planned_insatser:
        paragraphs.append(
            _("Insatser in the action plan")
            + "\n"
            + "\n".join(f"– {i}" for i in data.planned_insatser)
        )
    if closing.meeting_held_on:
        paragraphs.append(
            _("A closing meeting was held on {date}. Present: {who}.").format(
                date=format_date(closing.meeting_held_on), who=closing.meeting_attendees or "–"
            )
        )
    elif closing.meeting_offered_on:
        paragraphs.append(
            _(
                "A closing meeting with the participant, you and the contact person was offered on "
                "{date}."
            ).format(date=format_date(closing.meeting_offered_on))
        )
    return Letter(
        letterhead=data.letterhead,
        recipient=data.remittent_lines or None,
        date=data.letter_date,
        reference=data.case_number,
        subject=closing_subject(data),
        paragraphs=paragraphs,
        signatories=[data.signatory] if data.signatory else [],
        document_type=_("Closing summary"),
    )


def closing_letter_pdf(data: ClosingLetterData) -> bytes:
    return render_letter(closing_letter(data))
