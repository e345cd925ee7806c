"""The board's week table as a statistics ``Report`` (reports/model.py of the statistics
pipeline), so the Lokal samverkan page and ``finsam statistik krans`` export it to PDF,
XLSX, CSV and JSON through the same exporter as the statistics report.

The tables are the page's own layout (``krans_tables.sections``): screen and files
show the same figures.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from finsam_desktop.i18n import _
from finsam_desktop.services import krans, organisation
from finsam_desktop.services.access import Permission, requires
from finsam_desktop.services.krans_tables import period_text, sections, shown_columns


@requires(Permission.STATISTICS)
def krans_report(
    session: Session,
    start: date,
    end: date,
    insats_id: int | None = None,
    municipality_id: int | None = None,
    organisation_name: str | None = None,
):
    """The week table of ``start``–``end`` for one local model or all side by side, in
    one municipality or all, as a ``Report``."""
    from finsam_desktop.reports.model import Column, Kind, Report, Table

    table = krans.week_table(session, start, end, insats_id, municipality_id)
    if organisation_name is None:
        organisation_name = organisation.get_federation(session).name
    tables = [
        Table(
            key=s.key,
            title=s.title,
            columns=[Column(s.header[0], Kind.TEXT), *(Column(h) for h in s.header[1:])],
            rows=[list(row) for row in s.rows],
            notes=[s.note] if s.note else [],
            bold_rows=set(s.bold_rows),
        )
        for s in sections(table)
    ]
    models = {c.insats_id: c.name for c in table.columns}
    municipalities = {m.id: m.name for m in organisation.list_municipalities(session, True)}
    filters = [
        (_("Local model"), models.get(insats_id, "") if insats_id else _("All local models")),
        (
            _("Municipality"),
            municipalities.get(municipality_id, "") if municipality_id else _("All municipalities"),
        ),
    ]
    return Report(
        title=_("Local cooperation: aktualiseringar"),
        period_label=period_text(table),
        filters=filters,
        tables=tables,
        organisation=organisation_name,
        key="krans",
        period={"start": start, "end": end},
        data={
            "models": [
                {
                    "insats": c.name,
                    "aktualiserade": c.total,
                    "by_party": dict(c.by_party),
                    "by_destination": dict(c.by_destination),
                    "avvaktan": c.avvaktan,
                    "avslag": c.avslag,
                    "not_decided": c.not_decided,
                    "outcomes": dict(c.outcomes),
                    "outcome_missing": c.outcome_missing,
                    "work_or_studies": c.work_or_studies,
                    "year_to_date": c.year_to_date,
                    "expected_per_year": c.expected_per_year,
                    "expected_to_date": (
                        None if c.expected_to_date is None else round(c.expected_to_date, 1)
                    ),
                }
                for c in shown_columns(table)
            ]
        },
    )
