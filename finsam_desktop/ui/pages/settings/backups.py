"""Säkerhetskopior (administrator): where backups go, the copies there, and restoring one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.i18n import _, format_datetime, format_number
from finsam_desktop.problems import user_message
from finsam_desktop.services import backups
from finsam_desktop.services.access import AccessDenied
from finsam_desktop.services.backups import (
    KEEP_DAILY,
    KEEP_MONTHLY,
    KEEP_WEEKLY,
    BackupFile,
)
from finsam_desktop.ui.context import AppContext
from finsam_desktop.ui.widgets.forms import (
    SAVED_STYLE,
    BusyCursor,
    FieldForm,
    banner,
    confirm_destructive,
    line,
    save_from_form,
)


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return _("{n} MB").format(n=format_number(size / (1024 * 1024), 1))
    return _("{n} kB").format(n=format_number(max(1, size // 1024)))


class BackupsTab(QWidget):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.backups: list[BackupFile] = []
        settings = ctx.runner.read(backups.get_settings)

        self.form = FieldForm(self)
        folder_row = QWidget()
        row = QHBoxLayout(folder_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.folder = line(settings.folder, 1000)
        self.folder.setPlaceholderText(
            _("Default: {path}").format(path=backups.folder_for(ctx.db, backups.BackupSettings()))
        )
        browse = QPushButton(_("Choose folder…"))
        browse.clicked.connect(self.choose_folder)
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.form.add_field("folder", _("Backup folder"), folder_row)
        self.folder.textEdited.connect(self.form.mark_dirty)
        self.save_button = QPushButton(_("Save folder"))
        self.save_button.clicked.connect(self.save_settings)

        explain = QLabel(
            _(
                "The database is on a PostgreSQL server. A backup is a pg_dump of the whole "
                "database, checked by restoring it into a scratch database on the server. "
                "An administrator's program takes one at least once a day. The folder keeps "
                "one copy per day for {d} days, one per week for {w} weeks and one per "
                "month for {m} months. Choose a folder on a network share that every "
                "administrator's PC reaches."
            ).format(d=KEEP_DAILY, w=KEEP_WEEKLY, m=KEEP_MONTHLY)
            if ctx.db.on_server
            else _(
                "The program makes a verified backup when it closes and at least once a day "
                "while it is open. The folder keeps one copy per day for {d} days, one per "
                "week for {w} weeks and one per month for {m} months. Choose a folder on a "
                "network share, so that a stolen or broken PC does not take the backups "
                "with it."
            ).format(d=KEEP_DAILY, w=KEEP_WEEKLY, m=KEEP_MONTHLY)
        )
        explain.setWordWrap(True)
        self.status = banner("", SAVED_STYLE)

        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([_("Taken"), _("Size")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(_("Restore the selected backup…"))
        self.restore_button.clicked.connect(self.restore_selected)

        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.form)
        layout.addLayout(save_row)
        layout.addWidget(self.status)
        layout.addWidget(QLabel(_("Backups in the folder")))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.refresh()

    # --- the folder ---
    def choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Backup folder"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)
            self.form.mark_dirty()

    def save_settings(self) -> None:
        settings = backups.BackupSettings(self.folder.text())
        if not save_from_form(self.ctx, self.form, backups.save_settings, settings):
            return
        self.status.setText(_("The backup folder is saved."))
        self.status.show()
        self.refresh()

    # --- the copies ---
    def refresh(self) -> None:
        self.backups = backups.list_backups(self.ctx.db)
        self.table.setRowCount(len(self.backups))
        for i, b in enumerate(self.backups):
            taken = QTableWidgetItem(format_datetime(b.taken_at))
            taken.setData(Qt.ItemDataRole.UserRole, str(b.path))
            taken.setToolTip(str(b.path))
            size = QTableWidgetItem(size_text(b.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(i, 0, taken)
            self.table.setItem(i, 1, size)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> BackupFile | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def progress_dialog(self, title: str) -> tuple[QProgressDialog, Callable]:
        """A dialog showing a server backup's or restore's progress per table."""
        dialog = QProgressDialog(title, "", 0, 0, self)
        dialog.setCancelButton(None)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setValue(0)

        def progress(done: int, total: int, table: str) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)
            dialog.setLabelText(
                _("{title}: table {done} of {total} ({table})").format(
                    title=title, done=done, total=total, table=table
                )
            )
            QApplication.processEvents()

        return dialog, progress

    def backup_now(self) -> None:
        dialog, progress = self.progress_dialog(_("Backing up"))
        try:
            with BusyCursor():
                made = backups.backup_now(self.ctx.db, progress=progress)
        except Exception as exc:  # a full, read-only or vanished folder: said in Swedish
            dialog.close()
            message = user_message(exc)
            if message is None:
                raise
            QMessageBox.warning(self, _("Backup"), message)
            return
        dialog.close()
        self.status.setText(_("Backup written and verified: {name}").format(name=made.path.name))
        self.status.show()
        self.refresh()

    def restore_selected(self) -> QMessageBox | None:
        chosen = self.selected()
        if chosen is None:
            return None
        try:
            self.ctx.runner.read(backups.check_may_restore)
        except AccessDenied as exc:  # the tab is hidden from others anyway
            QMessageBox.warning(self, _("Restore"), str(exc))
            return None
        text = (
            _(
                "Restore the backup from {when}? Everything in the server database is "
                "replaced by the backup, for every workstation. What the database holds now "
                "is first saved as a new backup, so nothing is deleted. Close the program on "
                "every other workstation first. The program closes when the restore is done."
            )
            if self.ctx.db.on_server
            else _(
                "Restore the backup from {when}? Everything saved after that time is "
                "replaced by the backup. The database in use now is kept beside it under a "
                "new name, so nothing is deleted. Other copies of the program that use the "
                "database must be closed first. The program closes when the restore is done."
            )
        )
        return confirm_destructive(
            self,
            _("Restore backup"),
            text.format(when=format_datetime(chosen.taken_at)),
            _("Restore"),
            lambda: self._restore(chosen),
        )

    def _restore(self, chosen: BackupFile) -> None:
        dialog, progress = self.progress_dialog(_("Restoring"))
        try:
            with BusyCursor():
                kept = backups.restore_into(self.ctx.db, chosen.path, progress=progress)
        except Exception as exc:
            dialog.close()
            message = user_message(exc)
            if message is None:
                raise
            QMessageBox.warning(self, _("Restore"), message)
            return
        dialog.close()
        done = QMessageBox(
            QMessageBox.Icon.Information,
            _("Restore backup"),
            _(
                "The backup from {when} is restored. The database that was in use is kept "
                "as {name}. Start the program again to continue."
            ).format(when=format_datetime(chosen.taken_at), name=kept.name if kept else "-"),
            QMessageBox.StandardButton.Ok,
            self,
        )
        # Every open screen shows data from before the restore: start afresh.
        done.finished.connect(lambda _r: QApplication.instance().quit())
        done.open()
