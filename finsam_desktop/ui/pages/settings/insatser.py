"""Insatser: each team's address, rules and where it meets people from each municipality."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.changes import Change
from finsam_desktop.domain.krans import ProcessProfile
from finsam_desktop.domain.organisation import Insats, MeetingPlace, PostalAddress
from finsam_desktop.i18n import _
from finsam_desktop.services import krans, organisation
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.pages.settings.lists import ConfigListTab, active_box
from finsam_desktop.ui.widgets.forms import FieldForm, FormDialog, active_items, choice, line, spin

PLACE_COLUMNS = ("municipality", "name", "street", "postcode", "city")


class MeetingPlacesEditor(QWidget):
    """One row per municipality the insats serves, with its information-meeting place."""

    def __init__(self, municipalities, places: list[MeetingPlace], team_address, on_change):
        super().__init__()
        self._municipalities = municipalities
        self._team_address = team_address  # callable -> PostalAddress
        self._on_change = on_change
        self.table = QTableWidget(0, len(PLACE_COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [_("Municipality"), _("Meeting place"), _("Street address"), _("Postcode"), _("Town")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((150, 240, 190, 90)):
            self.table.setColumnWidth(column, width)
        self.table.itemChanged.connect(lambda _item: on_change())
        add = QPushButton(_("Add municipality"))
        add.clicked.connect(lambda: self.add_row(None))
        remove = QPushButton(_("Remove row"))
        remove.clicked.connect(self.remove_current)
        team = QPushButton(_("Use the team's own address"))
        team.setToolTip(_("Meetings for this municipality are held at the team's office."))
        team.clicked.connect(self.use_team_address)
        buttons = QHBoxLayout()
        for b in (add, remove, team):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        for place in places:
            self.add_row(place)

    def add_row(self, place: MeetingPlace | None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox()
        current = place.municipality_id if place else None
        for label, value in active_items(self._municipalities, current):
            combo.addItem(label, value)
        if current is not None:
            combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.activated.connect(lambda _i: self._on_change())
        self.table.setCellWidget(row, 0, combo)
        values = ("", "", "", "")
        if place:
            a = place.address
            values = (place.name, a.street, a.postcode, a.city)
        for column, text in enumerate(values, start=1):
            self.table.setItem(row, column, QTableWidgetItem(text))
        self._on_change()
        return row

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self._on_change()

    def use_team_address(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            return
        address = self._team_address()
        for column, text in enumerate(
            (_("The team's office"), address.street, address.postcode, address.city), start=1
        ):
            self.table.setItem(row, column, QTableWidgetItem(text))

    def places(self) -> list[MeetingPlace]:
        out = []
        for row in range(self.table.rowCount()):
            municipality_id = self.table.cellWidget(row, 0).currentData()
            if municipality_id is None:
                continue

            def text(column: int, r: int = row) -> str:
                item = self.table.item(r, column)
                return item.text() if item else ""

            out.append(
                MeetingPlace(municipality_id, text(1), PostalAddress(text(2), text(3), text(4)))
            )
        return out


class InsatsDialog(FormDialog):
    def __init__(self, ctx: AppContext, item: Insats | None, parent=None):
        super().__init__(_("Insats"), parent)
        self.ctx, self.item = ctx, item
        self.setMinimumWidth(980)
        i = item or Insats(id=None, name="")
        tabs = QTabWidget()
        # The dialog's own FieldForm holds the first tab; the rules tab gets a second one,
        # and both report problems (see show_problems).
        self.fields.layout().removeItem(self.fields.layout_form)
        general = QWidget()
        general.setLayout(self.fields.layout_form)
        rules_page = QWidget()
        self.rules = FieldForm()
        QVBoxLayout(rules_page).addWidget(self.rules)
        targets_page = QWidget()
        self.targets = FieldForm()
        targets_layout = QVBoxLayout(targets_page)
        targets_layout.addWidget(self.targets)
        targets_layout.addStretch(1)
        tabs.addTab(general, _("Address and municipalities"))
        tabs.addTab(rules_page, _("Rules"))
        tabs.addTab(targets_page, _("Targets"))
        self.fields.layout().addWidget(tabs)
        self.tabs = tabs

        self.name = self.add_field("name", _("Name"), line(i.name))
        self.street = self.add_field("street", _("Postal address"), line(i.address.street))
        self.postcode = self.add_field("postcode", _("Postcode"), line(i.address.postcode, 20))
        self.city = self.add_field("city", _("Town"), line(i.address.city, 100))
        self.phone = self.add_field("phone", _("Phone"), line(i.phone, 50))
        self.email = self.add_field("email", _("E-mail"), line(i.email))
        municipalities = ctx.runner.read(organisation.list_municipalities, True)
        group = QGroupBox(_("Municipalities served and where information meetings are held"))
        self.places = MeetingPlacesEditor(
            municipalities,
            i.meeting_places,
            lambda: PostalAddress(self.street.text(), self.postcode.text(), self.city.text()),
            self.mark_dirty,
        )
        QVBoxLayout(group).addWidget(self.places)
        self.add_field("meeting_places", "", group)
        self.fields.dirty = False

        r = self.rules
        self.answer_days = r.add_field(
            "answer_days", _("Answer to the remittent within (days)"), spin(i.answer_days, 1, 365)
        )
        self.enrolment_months = r.add_field(
            "enrolment_months", _("Longest enrolment (months)"), spin(i.enrolment_months, 1, 60)
        )
        self.extension_months = r.add_field(
            "extension_months", _("Longest extension (months)"), spin(i.extension_months, 0, 24)
        )
        self.age_min = r.add_field("age_min", _("Lowest age"), spin(i.age_min or 0, 0, 120))
        self.age_max = r.add_field("age_max", _("Highest age"), spin(i.age_max or 0, 0, 120))
        self.age_min.setSpecialValueText(_("no limit"))
        self.age_max.setSpecialValueText(_("no limit"))
        self.min_parties = r.add_field(
            "min_parties_in_contact",
            _("Parties in contact, at least"),
            spin(i.min_parties_in_contact, 0, 10),
        )
        self.exclusions = r.add_field(
            "exclusion_criteria",
            _("Exclusion criteria (one per line)"),
            QPlainTextEdit("\n".join(i.exclusion_criteria)),
        )
        self.exclusions.setMinimumHeight(90)
        self.caseload_cap = r.add_field(
            "caseload_cap", _("Participants per coordinator, at most"), spin(i.caseload_cap, 1, 500)
        )
        self.follow_up = r.add_field(
            "plan_follow_up_months",
            _("Action plan follow-up every (months)"),
            spin(i.plan_follow_up_months, 1, 24),
        )
        self.remittent_days = r.add_field(
            "remittent_contact_days",
            _("Contact with the remittent at least every (days)"),
            spin(i.remittent_contact_days, 1, 365),
        )
        self.active = r.add_field("active", _("Status"), active_box(i.active))
        self._add_process_fields(r)
        r.dirty = False

        t = self.targets
        explain = QLabel(
            _(
                "The statistics hold the actual figures against these targets: the volume "
                "pro rata for a part of the year, the share of exits to work or studies "
                "among those who ended. Leave a target at 0 when the insats has none."
            )
        )
        explain.setWordWrap(True)
        t.layout_form.addRow(explain)
        self.expected_per_year = t.add_field(
            "expected_per_year",
            _("Expected participants per year"),
            spin(i.expected_per_year or 0, 0, 100_000),
        )
        self.expected_per_year.setSpecialValueText(_("no target"))
        self.target_work_studies = t.add_field(
            "target_work_studies_percent",
            _("Target share of exits to work or studies"),
            spin(i.target_work_studies_percent or 0, 0, 100),
        )
        self.target_work_studies.setSuffix(" %")
        self.target_work_studies.setSpecialValueText(_("no target"))
        t.dirty = False

    def _add_process_fields(self, r: FieldForm) -> None:
        """The process profile (issue 11): the full process or a krans municipality's
        local model, and for a local model the weeks before Översikt asks for an outcome."""
        current = self.ctx.runner.read(krans.model_settings, self.item.id) if self.item else None
        profile = current.profile if current else ProcessProfile.FULL
        self.profile = r.add_field(
            "process_profile",
            _("Process"),
            choice([(p.label, p) for p in ProcessProfile], profile),
        )
        self.reminder_weeks = r.add_field(
            "outcome_reminder_weeks",
            _("Remind of a missing outcome after (weeks)"),
            spin(current.outcome_reminder_weeks if current else 12, 1, 104),
        )
        self.reminder_weeks.setEnabled(profile is ProcessProfile.LOCAL)
        self.profile.currentIndexChanged.connect(
            lambda _i: self.reminder_weeks.setEnabled(self.chosen_profile() is ProcessProfile.LOCAL)
        )
        self._process_before = (profile, self.reminder_weeks.value())

    def chosen_profile(self) -> ProcessProfile:
        return ProcessProfile(self.profile.currentData())

    def mark_dirty(self, *_args) -> None:
        self.fields.mark_dirty()

    def show_problems(self, message: str, problems: dict[str, str]) -> None:
        general = {k: v for k, v in problems.items() if k in self.fields._fields}
        rules = {k: v for k, v in problems.items() if k in self.rules._fields}
        targets = {k: v for k, v in problems.items() if k in self.targets._fields}
        self.fields.show_problems(message, general)
        self.rules.show_problems("", rules)
        self.targets.show_problems("", targets)
        if rules and not general:
            self.tabs.setCurrentIndex(1)
        elif targets and not general:
            self.tabs.setCurrentIndex(2)

    def reject(self) -> None:
        self.fields.dirty = self.fields.dirty or self.rules.dirty or self.targets.dirty
        super().reject()

    def save(self) -> Insats:
        record = Insats(
            id=self.item.id if self.item else None,
            name=self.name.text(),
            address=PostalAddress(self.street.text(), self.postcode.text(), self.city.text()),
            phone=self.phone.text(),
            email=self.email.text(),
            answer_days=self.answer_days.value(),
            enrolment_months=self.enrolment_months.value(),
            extension_months=self.extension_months.value(),
            age_min=self.age_min.value() or None,
            age_max=self.age_max.value() or None,
            min_parties_in_contact=self.min_parties.value(),
            exclusion_criteria=self.exclusions.toPlainText().splitlines(),
            caseload_cap=self.caseload_cap.value(),
            plan_follow_up_months=self.follow_up.value(),
            remittent_contact_days=self.remittent_days.value(),
            expected_per_year=self.expected_per_year.value() or None,
            target_work_studies_percent=self.target_work_studies.value() or None,
            active=self.active.isChecked(),
            meeting_places=self.places.places(),
            version=self.item.version if self.item else 0,
        )
        saved = self.ctx.runner.run(organisation.save_insats, record)
        self.item = saved
        process = (self.chosen_profile(), self.reminder_weeks.value())
        if process != self._process_before or record.id is None:
            weeks = process[1] if process[0] is ProcessProfile.LOCAL else None
            self.ctx.runner.run(krans.set_process_profile, saved.id, process[0], weeks)
            self._process_before = process
        return saved


def InsatserTab(ctx: AppContext) -> ConfigListTab:
    return ConfigListTab(
        ctx,
        organisation.insats_list(ctx.db),
        InsatsDialog,
        organisation.list_insatser,
        {Change.INSATS},
        _("New insats…"),
    )
