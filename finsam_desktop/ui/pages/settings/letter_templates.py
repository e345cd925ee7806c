"""Brevmallar: the subject and body of each letter the team sends, with named
placeholders ({fornamn}, {datum}, {tid}, {plats}, ...), a preview with invented
values, and a way back to the text shipped with the program."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.i18n import _
from finsam_desktop.services import letter_templates, letters
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.operations import OperationFailed
from finsam_desktop.ui.widgets.forms import FieldForm, confirm, confirm_discard, line


class LetterTemplatesTab(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.template: letter_templates.Template | None = None
        self.preview_dialog = None
        layout = QHBoxLayout(self)
        self.kinds = QListWidget()
        self.kinds.setMaximumWidth(300)
        for kind in letter_templates.KINDS:
            item = QListWidgetItem(letter_templates.kind_label(kind))
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.kinds.addItem(item)
        layout.addWidget(self.kinds)

        right = QVBoxLayout()
        self.form = FieldForm()
        self.subject = self.form.add_field("subject", _("Subject"), line())
        self.body = self.form.add_field("body", _("Text"), QPlainTextEdit())
        self.body.setMinimumHeight(300)
        right.addWidget(self.form, 1)
        self.state = QLabel()
        right.addWidget(self.state)
        help_text = (
            "<b>"
            + _("Placeholders")
            + "</b><br>"
            + "<br>".join(
                f"<code>{{{name}}}</code> – {_(meaning)}"
                for name, meaning in letter_templates.PLACEHOLDERS.items()
            )
        )
        self.placeholders = QLabel(help_text)
        self.placeholders.setWordWrap(True)
        self.placeholders.setTextFormat(Qt.TextFormat.RichText)
        right.addWidget(self.placeholders)
        buttons = QHBoxLayout()
        self.save_button = QPushButton(_("Save"))
        self.save_button.clicked.connect(self.save)
        self.preview_button = QPushButton(_("Preview…"))
        self.preview_button.clicked.connect(self.preview)
        self.reset_button = QPushButton(_("Restore the standard text"))
        self.reset_button.clicked.connect(self.reset)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.preview_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reset_button)
        right.addLayout(buttons)
        layout.addLayout(right, 1)

        self.kinds.currentRowChanged.connect(self._switch)
        self.kinds.setCurrentRow(0)

    def _switch(self, row: int) -> None:
        kind = letter_templates.KINDS[row]
        if self.template is not None and kind == self.template.kind:
            return
        if self.form.dirty and not confirm_discard(self):
            self.kinds.blockSignals(True)
            self.kinds.setCurrentRow(letter_templates.KINDS.index(self.template.kind))
            self.kinds.blockSignals(False)
            return
        self.load(kind)

    def load(self, kind: str) -> None:
        self.template = self.ctx.runner.read(letter_templates.get_template, kind)
        self.subject.setText(self.template.subject)
        self.body.setPlainText(self.template.body)
        self.form.clear_problems()
        self.form.dirty = False
        self._show_state()

    def _show_state(self) -> None:
        self.state.setText(
            _("Standard text shipped with the program.")
            if self.template.is_default
            else _("The team's own text.")
        )

    def current(self) -> letter_templates.Template:
        return letter_templates.Template(
            self.template.kind, self.subject.text(), self.body.toPlainText(), self.template.version
        )

    def save(self) -> bool:
        try:
            self.template = self.ctx.runner.run(letter_templates.save_template, self.current())
        except OperationFailed as exc:
            self.form.show_problems(exc.message, exc.problems)
            return False
        self.form.clear_problems()
        self.form.dirty = False
        self._show_state()
        return True

    def reset(self) -> None:
        if not confirm(
            self,
            _("Restore the standard text?"),
            _("The team's own text for this letter is replaced by the standard text."),
        ):
            return
        try:
            self.ctx.runner.run(letter_templates.reset_template, self.template.kind)
        except OperationFailed as exc:
            self.form.show_problems(exc.message, exc.problems)
            return
        self.form.dirty = False
        self.load(self.template.kind)

    def preview(self):
        """The letter as typed (saved or not), filled with invented values."""
        from finsam_desktop.ui.pages.referrals.letter_dialog import LetterPreviewDialog

        problems = {
            key: problem
            for key, text in (("subject", self.subject.text()), ("body", self.body.toPlainText()))
            if (problem := letter_templates.template_problems(text))
        }
        if problems:
            self.form.show_problems(_("Check the marked fields."), problems)
            return None
        self.form.clear_problems()
        pdf = self.ctx.runner.read(letters.preview_template, self.current())
        self.preview_dialog = LetterPreviewDialog(
            self.ctx, pdf, _("Preview: {kind}").format(kind=self.template.label), parent=self
        )
        self.preview_dialog.print_button.hide()
        self.preview_dialog.save_button.hide()
        self.preview_dialog.open()
        return self.preview_dialog
