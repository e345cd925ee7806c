"""The contacts journal: who, when, how and a note. A note can be edited on the day it
was written; after that it is locked, and a correction is a new note referring to it."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.domain.casework import ContactEntry, ContactKind, Counterpart
from finsam_desktop.domain.clock import today
from finsam_desktop.i18n import _, format_date
from finsam_desktop.services import casework
from finsam_desktop.ui.widgets.choices import fit_columns, my_staff_id, staff_items, to_date
from finsam_desktop.ui.widgets.forms import FormDialog, choice, date_edit, line
from finsam_desktop.ui.widgets.table_model import USER

LOCKED = QColor(110, 110, 110)


class ContactDialog(FormDialog):
    def __init__(
        self,
        screen,
        entry: ContactEntry | None = None,
        corrects: ContactEntry | None = None,
        parent=None,
    ):
        title = (
            _("Correct a note") if corrects else (_("Edit contact") if entry else _("New contact"))
        )
        super().__init__(title, parent)
        self.setMinimumWidth(560)
        self.screen, self.entry, self.corrects = screen, entry, corrects
        base = entry or corrects
        if corrects is not None:
            original = QLabel(
                _("Original note of {date} (locked):").format(date=format_date(corrects.written_on))
                + "\n"
                + corrects.note
            )
            original.setWordWrap(True)
            original.setStyleSheet("color: #555;")
            self.fields.layout_form.addRow(original)
        self.occurred = self.add_field(
            "occurred_on", _("Date"), date_edit(base.occurred_on if base else today())
        )
        self.kind = self.add_field(
            "kind",
            _("Kind"),
            choice([(k.label, k) for k in ContactKind], base.kind if base else ContactKind.SAMTAL),
        )
        holder = QWidget()
        hl = QHBoxLayout(holder)
        hl.setContentsMargins(0, 0, 0, 0)
        self.counterparts: dict[Counterpart, QCheckBox] = {}
        for c in Counterpart:
            box = QCheckBox(c.label)
            box.setChecked(bool(base and c in base.counterparts))
            self.counterparts[c] = box
            hl.addWidget(box)
        self.add_field("counterparts", _("With"), holder)
        self.name = self.add_field(
            "counterpart_name",
            _("Name (employer, other party)"),
            line(base.counterpart_name if base else ""),
        )
        staff = (base.staff_id if base else None) or my_staff_id(screen.ctx)
        self.staff = self.add_field(
            "staff_id", _("Staff"), choice(staff_items(screen.ctx, staff), staff, empty="–")
        )
        self.note = self.add_field("note", _("Note"), QPlainTextEdit(entry.note if entry else ""))
        self.note.setMinimumHeight(120)

    def save(self) -> ContactEntry:
        e = self.entry
        record = ContactEntry(
            id=e.id if e else None,
            participation_id=self.screen.participation_id,
            occurred_on=to_date(self.occurred),
            kind=ContactKind(self.kind.currentData()),
            counterparts=[c for c, box in self.counterparts.items() if box.isChecked()],
            note=self.note.toPlainText(),
            written_on=e.written_on if e else today(),
            staff_id=self.staff.currentData(),
            counterpart_name=self.name.text(),
            corrects_id=self.corrects.id if self.corrects else (e.corrects_id if e else None),
            version=e.version if e else 0,
        )
        return self.screen.run(casework.save_contact, record, today())


class ContactsTab(QWidget):
    def __init__(self, screen):
        super().__init__()
        self.screen = screen
        self.entries: list[ContactEntry] = []
        outer = QVBoxLayout(self)
        self.remittent = QLabel()
        outer.addWidget(self.remittent)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(
            [_("Date"), _("Kind"), _("With"), _("Staff"), _("Note"), _("Written"), _("Written by")]
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)
        self.tree.currentItemChanged.connect(lambda *_a: self._update_buttons())
        self.tree.itemDoubleClicked.connect(lambda *_a: self.edit_or_correct())
        outer.addWidget(self.tree, 1)
        row = QHBoxLayout()
        self.new_button = QPushButton(_("New contact…"))
        self.new_button.clicked.connect(self.new_contact)
        self.edit_button = QPushButton(_("Edit…"))
        self.edit_button.clicked.connect(self.edit_or_correct)
        self.correct_button = QPushButton(_("Write correction…"))
        self.correct_button.clicked.connect(self.edit_or_correct)
        self.hint = QLabel(_("Notes are locked after the day they were written."))
        self.hint.setStyleSheet("color: #666;")
        for w in (self.new_button, self.edit_button, self.correct_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.hint)
        outer.addLayout(row)

    def refresh(self) -> None:
        case = self.screen.case
        day = today()
        last = case.last_remittent_contact
        text = _("Last contact with the remittent: {date}. Next contact due by {due}.").format(
            date=format_date(last) if last else _("none yet"),
            due=format_date(case.remittent_contact_due),
        )
        if not case.is_open:
            text = _("Last contact with the remittent: {date}.").format(
                date=format_date(last) if last else _("none yet")
            )
        elif case.remittent_contact_due < day:
            text = "<span style='color:#b00020'>" + text + "</span>"
        self.remittent.setText(text)
        self.entries = self.screen.read(casework.list_contacts, self.screen.participation_id)
        self.tree.clear()
        for e in self.entries:
            note = e.note
            if e.corrects_id:
                note = _("[Correction]") + " " + note
            if e.corrected_by_ids:
                note += "  " + _("[corrected later]")
            with_whom = ", ".join(c.label for c in e.counterparts)
            if e.counterpart_name:
                with_whom += f" ({e.counterpart_name})"
            written = format_date(e.written_on)
            if e.locked(day):
                written += " " + _("(locked)")
            item = QTreeWidgetItem(
                [
                    format_date(e.occurred_on),
                    e.kind.label,
                    with_whom,
                    e.staff_name,
                    note.replace("\n", " "),
                    written,
                    e.author_name,
                ]
            )
            item.setToolTip(4, e.note)
            item.setData(0, USER, e.id)
            if e.locked(day):
                for column in range(7):
                    item.setForeground(column, LOCKED)
            self.tree.addTopLevelItem(item)
        fit_columns(self.tree)
        self._update_buttons()

    def selected(self) -> ContactEntry | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        return next((e for e in self.entries if e.id == item.data(0, USER)), None)

    def _update_buttons(self) -> None:
        entry = self.selected()
        locked = entry is not None and entry.locked(today())
        self.edit_button.setEnabled(entry is not None and not locked)
        self.correct_button.setEnabled(locked)

    def new_contact(self) -> ContactDialog:
        dialog = ContactDialog(self.screen, parent=self)
        dialog.open()
        return dialog

    def edit_or_correct(self) -> ContactDialog | None:
        entry = self.selected()
        if entry is None:
            return None
        if entry.locked(today()):
            dialog = ContactDialog(self.screen, corrects=entry, parent=self)
        else:
            dialog = ContactDialog(self.screen, entry=entry, parent=self)
        dialog.open()
        return dialog
