"""The one date field of the program.

A line edit that shows ISO dates (2026-03-04) and a calendar button. Whatever part of
the text is selected, typing a whole date replaces the whole date (Qt's QDateEdit typed
into its sections and saved 2026-01-11 for 2027-01-11): the field selects everything
when it gets focus, and the text is read as a whole. It accepts the compact forms the
lots form always accepted (20270111, 270111, 11/1/2027, 11.1.2027), and says in Swedish
when a date is impossible. Every QDateEdit was replaced by it; a test keeps it so.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QMenu, QWidgetAction

from finsam_desktop.domain import clock
from finsam_desktop.domain.dates import parse_date_text
from finsam_desktop.i18n import N_, _

DATE_HINT = N_("YYYY-MM-DD")
INVALID_STYLE = "QLineEdit { border: 1px solid #b00020; }"


def date_problem_text() -> str:
    return _("Write the date as {hint}, e.g. 2026-03-04 or 20260304.").format(hint=_(DATE_HINT))


def _calendar_icon() -> QIcon:
    """A small calendar drawn here (no theme icon on Windows)."""
    pixmap = QPixmap(16, 16)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QPen(QColor("#444444"), 1))
    painter.drawRect(1, 2, 13, 12)
    painter.fillRect(2, 3, 12, 3, QColor("#1d5fa8"))
    for row in range(2):
        for col in range(3):
            painter.fillRect(3 + col * 4, 8 + row * 3, 2, 2, QColor("#444444"))
    painter.end()
    return QIcon(pixmap)


class DateField(QLineEdit):
    """A date typed as text or chosen in a calendar.

    ``value()`` is the date (None when empty); ``problem()`` is '' or the Swedish
    message for what was typed; ``dateChanged`` fires with a valid date only.
    ``optional`` fields may be left empty.
    """

    dateChanged = Signal(QDate)
    problemChanged = Signal(str)

    def __init__(self, value: date | QDate | None = None, optional: bool = False, parent=None):
        super().__init__(parent)
        self.optional = optional
        self._problem = ""
        self._last: date | None = None
        self.setMaxLength(20)
        self.setPlaceholderText(_(DATE_HINT))
        self.setToolTip(_("Type a date, e.g. 2026-03-04 or 20260304; Alt+Down opens a calendar."))
        self.calendar_action = QAction(_calendar_icon(), _("Choose in a calendar"), self)
        self.calendar_action.triggered.connect(self.open_calendar)
        self.addAction(self.calendar_action, QLineEdit.ActionPosition.TrailingPosition)
        self.textChanged.connect(self._text_changed)
        self.editingFinished.connect(self._normalise)
        self.setDate(value)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000-00-00") + 48)

    # --- the value ---

    def value(self) -> date | None:
        """The date typed; None when empty or not a date (see ``problem()``)."""
        try:
            return parse_date_text(self.text())
        except ValueError:
            return None

    def date_before_typing(self) -> date:
        """The last whole date the field held (today before any)."""
        return self._last or clock.today()

    def date(self) -> QDate:
        """As QDate (what QDateEdit offered); an invalid QDate when there is no date."""
        value = self.value()
        return QDate(value) if value else QDate()

    def setDate(self, value: date | QDate | None) -> None:
        if isinstance(value, QDate):
            value = value.toPython() if value.isValid() else None
        self.setText(value.isoformat() if value else "")

    def problem(self) -> str:
        """'' or the Swedish message for what is typed (also for an empty required date)."""
        text = self.text().strip()
        if not text:
            return "" if self.optional else _("Enter the date.")
        try:
            parse_date_text(text)
        except ValueError:
            return date_problem_text()
        return ""

    def _text_changed(self, _text: str) -> None:
        problem = self.problem()
        if problem != self._problem:
            self._problem = problem
            self.setStyleSheet(INVALID_STYLE if problem else "")
            self.problemChanged.emit(problem)
        value = self.value()
        if value is not None and value != self._last:
            self._last = value
            self.dateChanged.emit(QDate(value))

    def _normalise(self) -> None:
        """A compact date reads back as ISO once the field is left (20270111 → 2027-01-11)."""
        value = self.value()
        if value is not None and self.text() != value.isoformat():
            self.setText(value.isoformat())

    # --- typing replaces the whole date ---

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        # After the mouse press has placed the cursor: select all, so what is typed next
        # replaces the whole date.
        QTimer.singleShot(0, self, self.selectAll)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        alt_down = key == Qt.Key.Key_Down and event.modifiers() & Qt.KeyboardModifier.AltModifier
        if alt_down or key == Qt.Key.Key_F4:
            self.open_calendar()
            return
        super().keyPressEvent(event)

    # --- the calendar ---

    def open_calendar(self) -> QMenu:
        """The calendar under the field; choosing a day fills it in. Returns the popup."""
        menu = QMenu(self)
        calendar = QCalendarWidget(menu)
        calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        calendar.setGridVisible(True)
        current = self.value() or clock.today()
        calendar.setSelectedDate(QDate(current))
        action = QWidgetAction(menu)
        action.setDefaultWidget(calendar)
        menu.addAction(action)

        def chosen(day: QDate) -> None:
            self.setDate(day)
            self.textEdited.emit(self.text())
            menu.close()

        calendar.clicked.connect(chosen)
        calendar.activated.connect(chosen)
        self.calendar = calendar
        self.calendar_menu = menu
        menu.popup(self.mapToGlobal(QPoint(0, self.height())))
        calendar.setFocus()
        return menu


def date_edit(value=None, optional: bool = False) -> DateField:
    """A date field holding ``value`` (today when none is given and the date is required)."""
    if value is None and not optional:
        value = clock.today()
    return DateField(value, optional)
