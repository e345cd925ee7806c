"""The closing summary (sammanfattning med rekommendationer och förslag på fortsatta
åtgärder) as a letter to the remittent, on the shared letter layout.

The letter says each thing once: the period and insats in its first sentence, the
planned insatser in their own list (left out when the coordinator's summary already
names them), then the summary, recommendations and the closing meeting."""

from __future__ import annotations

from finsam_desktop.domain.closing import ClosingLetterData
from finsam_desktop.i18n import _, format_date
from finsam_desktop.reports.letters import Letter, LetterSection, render_letter


def closing_subject(data: ClosingLetterData) -> str:
    return _("Closing summary – {name}").format(name=data.person_name)


def closing_letter(data: ClosingLetterData) -> Letter:
    closing = data.closing
    route = closing.exit_route_name
    if closing.exit_sub_route_name:
        route += f" ({closing.exit_sub_route_name})"
    paragraphs: list[str | LetterSection] = [
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
        LetterSection(_("Summary of the participation"), closing.summary),
        LetterSection(_("Recommendations and proposed next steps"), closing.recommendations),
    ]
    summary = " ".join(closing.summary.casefold().split())
    planned = [i for i in data.planned_insatser if " ".join(i.casefold().split()) not in summary]
    if planned:
        paragraphs.append(
            LetterSection(_("Insatser in the action plan"), "\n".join(f"– {i}" for i in planned))
        )
    if closing.meeting_held_on:
        paragraphs.append(
            _("A closing meeting was held on {date}. Present: {who}.").format(
                date=format_date(closing.meeting_held_on),
                who=(closing.meeting_attendees or "").strip().rstrip(".") or "–",
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
