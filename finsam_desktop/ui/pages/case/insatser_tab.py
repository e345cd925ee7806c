"""Insatser in detail: arbetsträning (workplace, employer contact, hours, follow-up
visits) and stöd vid studier (one month from study start, at most three)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.casework import STUDY_SUPPORT_MAX_MONTHS, study_start_warning
from finsam_desktop.domain.clock import today
from finsam_desktop.domain.plans import StudySupport, WorkTraining, WorkVisit
from finsam_desktop.i18n import _, format_date, format_number, ngettext
from finsam_desktop.services import plans
from finsam_desktop.ui.widgets.choices import (
    OptionalDate,
    fit_columns,
    my_staff_id,
    staff_items,
    to_date,
)
from finsam_desktop.ui.widgets.forms import FormDialog, banner, choice, date_edit, line, spin
from finsam_desktop.ui.widgets.table_model import USER


class WorkTrainingDialog(FormDialog):
    def __init__(self, screen, item: WorkTraining | None, parent=None):
        super().__init__(_("Work training"), parent)
        self.screen, self.item = screen, item
        i = item
        self.workplace = self.add_field("workplace", _("Workplace"), line(i.workplace if i else ""))
        self.contact = self.add_field(
            "employer_contact", _("Contact at the employer"), line(i.employer_contact if i else "")
        )
        self.phone = self.add_field(
            "employer_phone", _("Employer's phone"), line(i.employer_phone if i else "", 50)
        )
        self.starts = self.add_field(
            "starts_on", _("Start"), date_edit(i.starts_on if i and i.starts_on else today())
        )
        self.ends = self.add_field("ends_on", _("End"), OptionalDate(i.ends_on if i else None))
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, 60)
        self.hours.setDecimals(1)
        self.hours.setValue(i.hours_per_week if i else 0)
        self.add_field("hours_per_week", _("Hours per week"), self.hours)

    def save(self) -> WorkTraining:
        record = WorkTraining(
            self.item.id if self.item else None,
            self.screen.participation_id,
            self.workplace.text(),
            self.contact.text(),
            self.phone.text(),
            to_date(self.starts),
            self.ends.value(),
            self.hours.value(),
            version=self.item.version if self.item else 0,
        )
        return self.screen.run(plans.save_work_training, record)


class VisitDialog(FormDialog):
    def __init__(self, screen, training: WorkTraining, parent=None):
        super().__init__(_("Follow-up visit at {place}").format(place=training.workplace), parent)
        self.screen, self.training = screen, training
        self.visited = self.add_field("visited_on", _("Date"), date_edit(today()))
        me = my_staff_id(screen.ctx) or screen.case.contact_person_id
        self.staff = self.add_field(
            "staff_id", _("Visited by"), choice(staff_items(screen.ctx), me, empty="–")
        )
        self.note = self.add_field("note", _("Note"), QLineEdit())

    def save(self) -> WorkVisit:
        visit = WorkVisit(
            None, to_date(self.visited), self.staff.currentData(), note=self.note.text()
        )
        return self.screen.run(plans.add_work_visit, self.training.id, visit, today())


class StudySupportDialog(FormDialog):
    """New support, or an extension of one already given (never past three months)."""

    def __init__(self, screen, item: StudySupport | None, parent=None):
        super().__init__(_("Support during studies"), parent)
        self.screen, self.item = screen, item
        self.school = self.add_field(
            "school", _("School or programme"), line(item.school if item else "")
        )
        self.start = self.add_field(
            "study_start", _("Study start"), date_edit(item.study_start if item else today())
        )
        if item is not None:
            self.start.setToolTip(_("A mistyped study start can be corrected; the log keeps both."))
        months = min(item.months + 1, STUDY_SUPPORT_MAX_MONTHS) if item else 1
        self.months = self.add_field("months", _("Months of support"), spin(months, 1, 12))
        self.months.setSuffix(" " + _("months"))
        self.months.setToolTip(_("One month from study start, extendable to at most three."))

    def warnings(self) -> dict[str, str]:
        case = self.screen.case
        enrolled_on = case.limits.enrolled_on if case is not None else None
        return {"study_start": study_start_warning(self.start.value(), enrolled_on)}

    def save(self) -> StudySupport:
        record = StudySupport(
            self.item.id if self.item else None,
            self.screen.participation_id,
            to_date(self.start),
            self.school.text(),
            self.months.value(),
            self.item.version if self.item else 0,
        )
        return self.screen.run(plans.save_study_support, record)


class InsatserTab(QWidget):
    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        self.trainings: list[WorkTraining] = []
        self.supports: list[StudySupport] = []
        outer = QVBoxLayout(self)
        self.message = banner()
        outer.addWidget(self.message)

        work = QGroupBox(_("Work training"))
        wl = QVBoxLayout(work)
        self.work_tree = QTreeWidget()
        self.work_tree.setHeaderLabels(
            [
                _("Workplace"),
                _("Contact at the employer"),
                _("Start"),
                _("End"),
                _("Hours/week"),
                _("Visits"),
            ]
        )
        wl.addWidget(self.work_tree)
        row = QHBoxLayout()
        self.new_work = QPushButton(_("New work training…"))
        self.new_work.clicked.connect(lambda: self.edit_work(None))
        self.edit_work_button = QPushButton(_("Edit…"))
        self.edit_work_button.clicked.connect(lambda: self.edit_work(self.current_training()))
        self.visit_button = QPushButton(_("Add follow-up visit…"))
        self.visit_button.clicked.connect(self.add_visit)
        for b in (self.new_work, self.edit_work_button, self.visit_button):
            row.addWidget(b)
        row.addStretch(1)
        wl.addLayout(row)
        outer.addWidget(work, 3)

        study = QGroupBox(_("Support during studies (one month from study start, at most three)"))
        sl = QVBoxLayout(study)
        self.study_tree = QTreeWidget()
        self.study_tree.setHeaderLabels(
            [_("School or programme"), _("Study start"), _("Months"), _("Support ends")]
        )
        self.study_tree.setRootIsDecorated(False)
        sl.addWidget(self.study_tree)
        row = QHBoxLayout()
        self.new_study = QPushButton(_("New support during studies…"))
        self.new_study.clicked.connect(lambda: self.edit_study(None))
        self.extend_study = QPushButton(_("Extend…"))
        self.extend_study.clicked.connect(lambda: self.edit_study(self.current_support()))
        row.addWidget(self.new_study)
        row.addWidget(self.extend_study)
        row.addStretch(1)
        sl.addLayout(row)
        outer.addWidget(study, 2)

    def refresh(self) -> None:
        pid = self.screen.participation_id
        self.trainings = self.screen.read(plans.list_work_training, pid)
        self.supports = self.screen.read(plans.list_study_support, pid)
        self.work_tree.clear()
        for t in self.trainings:
            item = QTreeWidgetItem(
                [
                    t.workplace,
                    " ".join(v for v in (t.employer_contact, t.employer_phone) if v),
                    format_date(t.starts_on),
                    format_date(t.ends_on),
                    f"{t.hours_per_week:g}",
                    ngettext("{n} visit", "{n} visits", len(t.visits)).format(
                        n=format_number(len(t.visits))
                    ),
                ]
            )
            item.setData(0, USER, t.id)
            for v in t.visits:
                child = QTreeWidgetItem(
                    [format_date(v.visited_on), v.staff_name, "", "", "", v.note]
                )
                item.addChild(child)
            self.work_tree.addTopLevelItem(item)
        self.work_tree.expandAll()
        fit_columns(self.work_tree)
        self.study_tree.clear()
        for s in self.supports:
            item = QTreeWidgetItem(
                [s.school, format_date(s.study_start), str(s.months), format_date(s.ends_on)]
            )
            item.setData(0, USER, s.id)
            self.study_tree.addTopLevelItem(item)
        fit_columns(self.study_tree)
        is_open = self.screen.case.is_open
        for b in (
            self.new_work,
            self.edit_work_button,
            self.visit_button,
            self.new_study,
            self.extend_study,
        ):
            b.setEnabled(is_open)

    def current_training(self) -> WorkTraining | None:
        item = self.work_tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None:
            return self.trainings[0] if self.trainings else None
        return next((t for t in self.trainings if t.id == item.data(0, USER)), None)

    def current_support(self) -> StudySupport | None:
        item = self.study_tree.currentItem()
        if item is None:
            return self.supports[0] if self.supports else None
        return next((s for s in self.supports if s.id == item.data(0, USER)), None)

    def edit_work(self, item: WorkTraining | None) -> WorkTrainingDialog:
        dialog = WorkTrainingDialog(self.screen, item, self)
        dialog.open()
        return dialog

    def add_visit(self) -> VisitDialog | None:
        training = self.current_training()
        if training is None:
            return None
        dialog = VisitDialog(self.screen, training, self)
        dialog.open()
        return dialog

    def edit_study(self, item: StudySupport | None) -> StudySupportDialog:
        dialog = StudySupportDialog(self.screen, item, self)
        dialog.open()
        return dialog
