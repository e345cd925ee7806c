"""Form dialogs: a message next to each field that is wrong, and nothing typed is lost.

A FormDialog stays open when saving fails, shows each problem under its field in
Swedish, and asks before closing when something has been typed but not saved.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from finsam_desktop.i18n import _
from finsam_desktop.ui.widgets.date_field import DateField, date_edit

ERROR_STYLE = "color: #b00020;"
# A long form scrolls rather than grow taller than this (a 1280×800 screen, less the
# window frame and taskbar).
MAX_FORM_HEIGHT = 720
# Every window and dialog fits a 1280×800 screen less its frame, title bar and taskbar.
SCREEN_FIT = QSize(1280 - 16, MAX_FORM_HEIGHT)
WARNING_STYLE = "color: #8a5a00;"
SAVED_STYLE = "background: #e6f4ea; color: #1e4620; padding: 6px; border-radius: 4px;"
BANNER_STYLE = "background: #fdecea; color: #8a1c13; padding: 6px; border-radius: 4px;"


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def banner(text: str = "", style: str = BANNER_STYLE) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(style)
    label.setWordWrap(True)
    label.setVisible(bool(text))
    return label


def line(text: str = "", max_length: int = 200) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setMaxLength(max_length)
    return edit


def spin(value: int, minimum: int = 0, maximum: int = 999) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setValue(value)
    return box


def choice(items: Iterable[tuple[str, Any]], current: Any = None, empty: str | None = None):
    """A combo box of (label, value); ``empty`` adds a first 'none' item with value None."""
    box = QComboBox()
    if empty is not None:
        box.addItem(empty, None)
    for label, value in items:
        box.addItem(label, value)
    set_choice(box, current)
    return box


def set_choice(box: QComboBox, value: Any) -> None:
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


def refill(box: QComboBox, items: Iterable[tuple[str, Any]], empty: str | None = None) -> None:
    """New items for a choice (e.g. after a municipality was added), keeping what was
    chosen and without signalling a change."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    if empty is not None:
        box.addItem(empty, None)
    for text, value in items:
        box.addItem(text, value)
    box.setCurrentIndex(max(box.findData(current), 0))
    box.blockSignals(False)


__all__ = ["DateField", "date_edit"]  # the one date field lives in ui/widgets/date_field.py


def fit_window(window: QWidget, width: int, height: int) -> None:
    """Resize ``window`` to the size it would like, within a 1280×800 screen."""
    window.resize(QSize(width, height).boundedTo(fit_size()))


class WindowFit(QObject):
    """Every window and dialog, as it is shown, is made to fit the screen (1280×800
    less decorations): one place for it, installed on the application, so a dialog
    that asks for 860×900 can no longer hide its own buttons."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and watched.windowType() != Qt.WindowType.Popup
        ):
            room = fit_size()
            size = watched.size()
            if size.width() > room.width() or size.height() > room.height():
                watched.resize(size.boundedTo(room).expandedTo(watched.minimumSize()))
        return False


def install_window_fit(app: QApplication) -> WindowFit:
    keeper = getattr(app, "_finsam_window_fit", None)
    if keeper is None:
        keeper = WindowFit(app)
        app.installEventFilter(keeper)
        app._finsam_window_fit = keeper
    return keeper


def fit_size() -> QSize:
    """The most a window may take: 1280×800 less decorations, or a smaller screen's room."""
    screen = QApplication.primaryScreen()
    if screen is None:
        return SCREEN_FIT
    room = screen.availableGeometry().size() - QSize(16, 80)
    # The offscreen test platform reports 800×800: measure against the real target there.
    if QApplication.platformName() in ("offscreen", "minimal"):
        return SCREEN_FIT
    return SCREEN_FIT.boundedTo(room)


def active_items(items, current_id: int | None, label=lambda x: x.name):
    """Active values, plus the current one even if retired (marked as such)."""
    out = []
    for item in items:
        if item.active or item.id == current_id:
            text = label(item) if item.active else _("{name} (retired)").format(name=label(item))
            out.append((text, item.id))
    return out


class _Cell(QWidget):
    """One form cell: a field and its message underneath. Its height is worked out here
    from the message's wrapped height at the cell's width, so the form's layout never
    switches to height-for-width, where Qt gave a tall field (the outcome list) the
    height of one line and let it overlap the next row."""

    def __init__(self, widget: QWidget):
        super().__init__()
        self.widget = widget
        self.message = error_label()
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.setSizeConstraint(QVBoxLayout.SizeConstraint.SetNoConstraint)
        box.addWidget(widget)
        box.addWidget(self.message)

    def hasHeightForWidth(self) -> bool:
        return False

    def _field_height(self) -> int:
        """What the field itself gets: its size hint unless it may shrink below it."""
        w = self.widget
        shrinks = w.sizePolicy().verticalPolicy().value & QSizePolicy.PolicyFlag.ShrinkFlag.value
        wanted = w.minimumSizeHint().height() if shrinks else w.sizeHint().height()
        return min(max(wanted, w.minimumHeight()), w.maximumHeight())

    def minimumSizeHint(self) -> QSize:
        field = self.widget.minimumSizeHint().expandedTo(self.widget.minimumSize())
        height = self._field_height()
        if not self.message.isHidden():
            width = max(self.width(), field.width(), 120)
            height += self.layout().spacing() + self.message.heightForWidth(width)
        return QSize(field.width(), height)

    def sizeHint(self) -> QSize:
        # A field of fixed height (the outcome list) asks for no more than it can take,
        # or its row stands half empty.
        hint = self.widget.sizeHint()
        hint.setHeight(min(hint.height(), self.widget.maximumHeight()))
        return hint.expandedTo(self.minimumSizeHint())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self.message.isHidden() and self.height() < self.minimumSizeHint().height():
            self.updateGeometry()  # narrower: the message wraps to more lines


def with_error_label(widget: QWidget) -> tuple[QWidget, QLabel]:
    """One form cell: the widget with its (hidden) error message underneath. The cell
    never shrinks below what the widget and its message need, so a message pushes the
    next field down instead of squashing or overlapping it."""
    cell = _Cell(widget)
    return cell, cell.message


def date_fields_in(widget: QWidget) -> list[DateField]:
    if isinstance(widget, DateField):
        return [widget]
    return widget.findChildren(DateField)


def date_problems(fields: dict[str, QWidget]) -> dict[str, str]:
    """{key: message} for each field whose date is mistyped or missing: checked before
    anything is saved, so a date that cannot be read never becomes another date."""
    out = {}
    for key, widget in fields.items():
        for field in date_fields_in(widget):
            problem = field.problem() if field.isEnabled() else ""
            if problem:
                out[key] = problem
                break
    return out


_NO_VALUE = object()


def _value_of(w: QWidget) -> Any:
    if isinstance(w, QLineEdit):
        # The line edit inside an editable combo box or spin box is kept by its owner;
        # a password is never kept anywhere.
        owner = w.parentWidget()
        if isinstance(owner, QComboBox | QSpinBox | QDoubleSpinBox):
            return _NO_VALUE
        if w.echoMode() != QLineEdit.EchoMode.Normal:
            return _NO_VALUE
        return w.text()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QComboBox):
        data = w.currentData()
        simple = data is None or isinstance(data, str | int | float | bool)
        return ["data", data] if simple else ["index", w.currentIndex()]
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QSpinBox | QDoubleSpinBox):
        return w.value()
    return _NO_VALUE


def _set_value(w: QWidget, value: Any) -> None:
    if isinstance(w, QLineEdit) and isinstance(value, str):
        w.setText(value)
    elif isinstance(w, QPlainTextEdit) and isinstance(value, str):
        w.setPlainText(value)
    elif isinstance(w, QComboBox) and isinstance(value, list) and len(value) == 2:
        how, what = value
        index = w.findData(what) if how == "data" else what
        if isinstance(index, int) and 0 <= index < w.count():
            w.setCurrentIndex(index)
    elif isinstance(w, QCheckBox) and isinstance(value, bool):
        w.setChecked(value)
    elif isinstance(w, QSpinBox) and isinstance(value, int | float):
        w.setValue(int(value))
    elif isinstance(w, QDoubleSpinBox) and isinstance(value, int | float):
        w.setValue(float(value))


def _weak(fn):
    if fn is None:
        return None
    return weakref.WeakMethod(fn) if hasattr(fn, "__self__") else (lambda: fn)


def _call(ref):
    return ref() if ref is not None else None


# The signal of each kind of field that says the user changed it.
_EDIT_SIGNALS = (
    (QLineEdit, "textEdited"),
    (QPlainTextEdit, "textChanged"),
    (QComboBox, "activated"),
    (QCheckBox, "toggled"),
    (QSpinBox, "valueChanged"),
    (QDoubleSpinBox, "valueChanged"),
)


class FieldForm(QWidget):
    """Labelled fields, each with a place for its message, and a dirty flag.

    ``show_problems`` shows every problem at once, each under its own field. Once shown,
    a message is re-checked as its field is edited and disappears as soon as the field
    is valid: with ``validator`` (a function returning the current problems without
    saving) every shown message is brought up to date; without one, editing a field
    clears its own message. Date fields report a mistyped date as it is typed.
    ``show_warnings`` shows advice that does not stop saving (in amber).
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._fields: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self._problems: dict[str, str] = {}
        self._warnings: dict[str, str] = {}
        # Hooks of the dialog around the form, held weakly (a dialog closed with
        # WA_DeleteOnClose must not be kept alive by its own form).
        self._validator = None  # () -> dict[str, str] | None
        self._warner = None  # () -> dict[str, str]: plausibility advice, never blocking
        self._on_resize = None  # called after messages appear or go
        self.validator_complete = False  # the validator knows every rule of the form
        self.dirty = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.banner = banner()
        outer.addWidget(self.banner)
        self.layout_form = QFormLayout()
        self.layout_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(self.layout_form)

    validator = property(
        lambda self: _call(self._validator),
        lambda self, fn: setattr(self, "_validator", _weak(fn)),
    )
    warner = property(
        lambda self: _call(self._warner), lambda self, fn: setattr(self, "_warner", _weak(fn))
    )
    on_resize_needed = property(
        lambda self: _call(self._on_resize),
        lambda self, fn: setattr(self, "_on_resize", _weak(fn)),
    )

    def add_field(
        self, key: str, label: str, widget: QWidget, value: QWidget | None = None
    ) -> QWidget:
        """A row ``label``: ``widget``; ``value`` is the widget inside it that holds the
        field's value when ``widget`` is a row of several (a choice and its button)."""
        holder, err = with_error_label(widget)
        self.layout_form.addRow(label, holder)
        self._fields[key] = value or widget
        self._errors[key] = err
        self._watch(key, widget)
        return widget

    def _watch(self, key: str, widget: QWidget) -> None:
        widgets = [widget, *widget.findChildren(QWidget)]
        for w in widgets:
            for kind, name in _EDIT_SIGNALS:
                if isinstance(w, kind):
                    signal = getattr(w, name)
                    signal.connect(self.mark_dirty)
                    signal.connect(lambda *_a, k=key: self._edited(k))
                    break
            if isinstance(w, DateField):
                w.problemChanged.connect(lambda *_a, k=key: self._date_problem_changed(k))
                w.editingFinished.connect(lambda k=key: self._date_problem_changed(k, True))

    def date_fields(self, key: str) -> list[DateField]:
        return date_fields_in(self._fields[key])

    def date_problems(self) -> dict[str, str]:
        """Dates that are mistyped or missing, per field (disabled ones do not count)."""
        return date_problems(self._fields)

    def mark_dirty(self, *_args) -> None:
        self.dirty = True

    def _edited(self, key: str) -> None:
        if self._problems:
            current = self.validator() if self.validator is not None else None
            if current is not None:
                current = {**current, **self.date_problems()}
            # Bring the shown messages up to date (new ones wait for the next save): the
            # edited field's goes unless it is still wrong; another field's goes when a
            # validator that knows every rule no longer reports it.
            problems = {}
            for k, text in self._problems.items():
                if current is not None and k in current:
                    problems[k] = current[k]
                elif k != key and not (current is not None and self.validator_complete):
                    problems[k] = text
            self._show(problems, keep_banner=bool(problems))
        if self.warner is not None:
            self.show_warnings(self.warner())

    def _date_problem_changed(self, key: str, finished: bool = False) -> None:
        fields = self.date_fields(key)
        problem = next((f.problem() for f in fields if f.problem()), "")
        typing = not finished and any(f.hasFocus() for f in fields)
        if problem and typing and key not in self._problems:
            return  # half a date is no mistake yet: the red frame shows it until Tab
        problems = dict(self._problems)
        if problem:
            problems[key] = problem
        elif key in problems and key in self.date_problems_shown():
            del problems[key]
        self._show(problems, keep_banner=bool(problems))

    def date_problems_shown(self) -> set[str]:
        """Keys whose shown message came from a mistyped date (cleared when it parses)."""
        from finsam_desktop.ui.widgets.date_field import date_problem_text

        texts = {date_problem_text(), _("Enter the date.")}
        return {k for k, v in self._problems.items() if v in texts}

    def show_problems(self, message: str, problems: dict[str, str]) -> None:
        problems = {**problems, **self.date_problems()}
        placed = {k: v for k, v in problems.items() if k in self._errors}
        unplaced = [v for k, v in problems.items() if k not in self._errors]
        text = "\n".join(t for t in [message, *unplaced] if t)
        if not text and placed:
            text = _("Check the marked fields.")
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        self._show(placed, keep_banner=True)
        for key in problems:
            if key in self._fields:
                self._fields[key].setFocus()
                break

    def _show(self, problems: dict[str, str], keep_banner: bool) -> None:
        self._problems = dict(problems)
        for key, label in self._errors.items():
            text = problems.get(key, "")
            style = ERROR_STYLE
            if not text and self._warnings.get(key):
                text, style = self._warnings[key], WARNING_STYLE
            label.setStyleSheet(style)
            label.setText(text)
            label.setVisible(bool(text))
            label.parentWidget().updateGeometry()
        if not keep_banner:
            self.banner.clear()
            self.banner.hide()
        if self.on_resize_needed is not None:
            self.on_resize_needed()

    def show_warnings(self, warnings: dict[str, str]) -> None:
        """Advice under fields that does not stop saving (a problem wins over advice)."""
        self._warnings = {k: v for k, v in warnings.items() if k in self._errors and v}
        self._show(self._problems, keep_banner=self.banner.isVisible())

    def clear_problems(self) -> None:
        self.show_problems("", {})

    def error_text(self, key: str) -> str:
        """The message shown under a field ('' when none): what tests and screen readers read."""
        return self._problems.get(key, "")

    def warning_text(self, key: str) -> str:
        return self._warnings.get(key, "") if key not in self._problems else ""

    def error_label(self, key: str) -> QLabel:
        return self._errors[key]

    # --- what is typed, as plain data (kept as a draft on a shared PC) ---

    def snapshot(self) -> dict[str, Any]:
        """{key: value} of every field a person types into or chooses in."""
        out: dict[str, Any] = {}
        for key, widget in self._fields.items():
            values = [_value_of(w) for w in [widget, *widget.findChildren(QWidget)]]
            values = [v for v in values if v is not _NO_VALUE]
            if values:
                out[key] = values
        return out

    def restore(self, data: dict[str, Any]) -> None:
        for key, values in data.items():
            widget = self._fields.get(key)
            if widget is None or not isinstance(values, list):
                continue
            targets = [w for w in [widget, *widget.findChildren(QWidget)]]
            targets = [w for w in targets if _value_of(w) is not _NO_VALUE]
            for target, value in zip(targets, values, strict=False):
                _set_value(target, value)


class FormDialog(QDialog):
    """A FieldForm with Save and Cancel. Subclasses define ``save()``, which builds the
    record from the fields, saves it through the operation runner and returns it, and
    may define ``check()``: the problems as they stand, without saving, so messages
    clear as soon as their field is right; and ``warnings()``: plausibility advice."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        self.result_value: Any = None
        outer = QVBoxLayout(self)
        self.fields = FieldForm()
        self.fields.on_resize_needed = self.fit_to_content
        self.banner = self.fields.banner
        outer.addWidget(self.fields)
        self.body = outer
        self._scroll: QScrollArea | None = None
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        outer.addStretch(1)
        outer.addWidget(self.buttons)

    def add_field(
        self, key: str, label: str, widget: QWidget, value: QWidget | None = None
    ) -> QWidget:
        return self.fields.add_field(key, label, widget, value)

    check_is_complete = False  # True when check() knows every rule the save applies

    def check(self) -> dict[str, str] | None:
        """The problems of the fields as they stand, without saving; None: not known."""
        return None

    def warnings(self) -> dict[str, str]:
        """Plausibility advice per field (shown in amber; saving goes ahead)."""
        return {}

    # --- drafts: what is typed, kept for its owner when the PC changes user ---

    def draft_identity(self) -> tuple[str, str]:
        """(kind, record key) the draft of this form is kept under: the form's class,
        and the id of the record it edits ("" for a new one)."""
        record = next(
            (
                getattr(self, a)
                for a in ("item", "case", "record", "referral", "meeting")
                if getattr(getattr(self, a, None), "id", None) is not None
            ),
            None,
        )
        return "form:" + type(self).__name__, str(record.id) if record is not None else ""

    def _context(self):
        ctx = getattr(self, "ctx", None) or getattr(getattr(self, "screen", None), "ctx", None)
        return ctx if hasattr(ctx, "runner") else None

    def keep_as_draft(self) -> bool:
        """Store what is typed as the signed-in user's draft (before the PC changes
        user); True when stored. A form with drafts of its own stores them its way."""
        own = getattr(self, "save_draft", None)
        if callable(own):
            own()
            return True
        ctx = self._context()
        if ctx is None:
            return False
        from finsam_desktop.services import drafts

        kind, key = self.draft_identity()
        snapshot = self.fields.snapshot()
        if not snapshot:
            return False
        try:
            ctx.runner.run(drafts.save_draft, kind, key, {"fields": snapshot})
        except Exception:  # noqa: BLE001 - a draft is a safety net; never stop the switch
            return False
        return True

    def _restore_kept_draft(self) -> None:
        """Put back what the signed-in user typed here before the PC changed user."""
        ctx = self._context()
        if ctx is None or callable(getattr(self, "save_draft", None)):
            return
        from finsam_desktop.i18n import format_datetime
        from finsam_desktop.services import drafts

        kind, key = self.draft_identity()
        try:
            found = ctx.runner.read(drafts.load_draft, kind, key)
        except Exception:  # noqa: BLE001 - e.g. a role without drafts: nothing to restore
            return
        if not found:
            return
        data, saved_at = found
        self.fields.restore(data.get("fields", {}))
        self.fields.dirty = True
        self._kept_draft = (kind, key)
        self.banner.setStyleSheet(SAVED_STYLE)
        self.banner.setText(
            _("What you typed here before the user was switched is back ({when}).").format(
                when=format_datetime(saved_at)
            )
        )
        self.banner.show()

    def _forget_kept_draft(self) -> None:
        kept = getattr(self, "_kept_draft", None)
        ctx = self._context()
        if kept is None or ctx is None:
            return
        from finsam_desktop.services import drafts

        self._kept_draft = None
        try:
            ctx.runner.run(drafts.discard_draft, *kept)
        except Exception:  # noqa: BLE001 - the draft stays; harmless
            return

    def scroll_fields(self, height: int = MAX_FORM_HEIGHT) -> None:
        """Call at the end of a long form's constructor: its fields scroll, so the dialog
        fits a 1280×800 screen with Save and Cancel always in view."""
        if self._scroll is not None:
            return
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Moving the fields into the area takes the focus from the field being typed in
        # (a message that appears while typing can start the scrolling): give it back.
        focused = QApplication.focusWidget()
        index = self.body.indexOf(self.fields)
        self.body.removeWidget(self.fields)
        area.setWidget(self.fields)
        self.body.insertWidget(index, area, 1)
        stretch = self.body.itemAt(index + 1)  # the area takes the room the stretch took
        if stretch is not None and stretch.spacerItem() is not None:
            self.body.removeItem(stretch)
        self._scroll = area
        area.show()  # at once: a layout shows a new child only at the next event loop
        if focused is not None and self.fields.isAncestorOf(focused):
            focused.setFocus()
        scrollbar = area.verticalScrollBar().sizeHint().width()
        area.setMinimumWidth(self.fields.minimumSizeHint().width() + scrollbar)
        wanted = self.fields.sizeHint().height() + self.buttons.sizeHint().height() + 40
        self.resize(max(self.width(), area.minimumWidth() + 24), min(wanted, height))

    def fit_to_content(self) -> None:
        """Grow so every field and message has its room (never squashed); past the
        screen, the fields scroll instead."""
        if not self.isVisible():
            return
        self.layout().activate()
        room = fit_size()
        if self._scroll is None and self.sizeHint().height() > room.height():
            self.scroll_fields(room.height())
            self.layout().activate()
        if self._scroll is not None:
            # A scroll area sizes its widget by height-for-width when anything in it wraps
            # (the banner), which can be less than the rows need: hold the fields at
            # what both say, or the layout squeezes rows into each other.
            form = self._scroll.widget()
            form.setMinimumHeight(0)
            wrapped = form.heightForWidth(self._scroll.viewport().width())
            form.setMinimumHeight(max(wrapped, form.minimumSizeHint().height()))
            form.adjustSize()
        needed = self.minimumSizeHint().boundedTo(room)
        self.setMinimumSize(needed.expandedTo(QSize(self.minimumWidth(), 0)))
        wanted = self.sizeHint().boundedTo(room)
        self.resize(self.size().expandedTo(wanted))

    def showEvent(self, event) -> None:
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            self._restore_kept_draft()
        enter_presses(self, self.buttons.button(QDialogButtonBox.StandardButton.Save))
        if self.fields.validator is None and type(self).check is not FormDialog.check:
            self.fields.validator = self.check
            self.fields.validator_complete = self.check_is_complete
        if self.fields.warner is None and type(self).warnings is not FormDialog.warnings:
            self.fields.warner = self.warnings
            self.fields.show_warnings(self.warnings())
        # A set minimum width wins over what the fields need: never narrower than them
        # (a row of check boxes was cut off).
        room = fit_size()
        needed = self.minimumSizeHint().boundedTo(room)
        self.setMinimumSize(self.minimumSize().expandedTo(needed))
        self.resize(self.size().expandedTo(needed).boundedTo(room.expandedTo(needed)))
        super().showEvent(event)

    def mark_dirty(self, *_args) -> None:
        self.fields.mark_dirty()

    def show_problems(self, message: str, problems: dict[str, str]) -> None:
        self.fields.show_problems(message, problems)

    def accept(self) -> None:
        dates = self.fields.date_problems()
        if dates:
            # A mistyped date is never saved as some other date: say so with every other
            # problem known without saving.
            known = self.check() or {}
            self.show_problems(_("Check the marked fields."), {**known, **dates})
            return
        # Imported here: the login dialog is a form, painted before SQLAlchemy is imported.
        from finsam_desktop.ui.operations import OperationFailed
        from finsam_desktop.ui.widgets.conflict import resolve_conflict

        try:
            self.result_value = self.save()
        except OperationFailed as exc:
            # Someone else saved the record first: show both versions (ui/widgets/conflict.py).
            if not resolve_conflict(self, exc):
                self.show_problems(exc.message, exc.problems)
            return
        self.fields.dirty = False
        self._forget_kept_draft()
        super().accept()

    def reject(self) -> None:
        if self.fields.dirty and not self._leave_unsaved():
            return
        self._forget_kept_draft()
        super().reject()

    def _leave_unsaved(self) -> bool:
        """Ask about unsaved changes: Spara saves (and closes when it worked),
        Förkasta leaves them, Avbryt stays. True when the form may close unsaved."""
        answer = ask_unsaved(self)
        if answer == UNSAVED_SAVE:
            self.accept()
            return False
        return answer == UNSAVED_DISCARD

    def close_for_user_switch(self) -> None:
        """Closed without asking: what was typed is kept as a draft (keep_as_draft)."""
        self.fields.dirty = False
        QDialog.done(self, QDialog.DialogCode.Rejected)

    def closeEvent(self, event) -> None:  # the window's close button behaves like Cancel
        if self.fields.dirty and not self._leave_unsaved():
            event.ignore()
            return
        self.fields.dirty = False
        super().closeEvent(event)


def enter_presses(dialog: QDialog, button) -> None:
    """Make Enter in any field press ``button``: every other push button in the dialog
    (Registerutdrag, Glömt lösenordet…, Lägg till…) would otherwise grab the default as
    an auto-default button and fire on Enter instead of Save."""
    from PySide6.QtWidgets import QPushButton

    for other in dialog.findChildren(QPushButton):
        if other is not button:
            other.setAutoDefault(False)
            other.setDefault(False)
    button.setAutoDefault(True)
    button.setDefault(True)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """The one yes-or-cancel question of the program (deleting, deactivating, closing
    a participation, …): Cancel is the default, so Enter and Esc never do the thing."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_continue(parent: QWidget | None, title: str, text: str) -> bool:
    """Continue with something kept (a draft)? Yes is the default; No discards it."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


UNSAVED_SAVE, UNSAVED_DISCARD, UNSAVED_CANCEL = "save", "discard", "cancel"


def ask_unsaved(parent: QWidget, can_save: bool = True) -> str:
    """What to do with typed, unsaved changes before leaving a form: save them,
    discard them, or stay (the default)."""
    buttons = QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
    if can_save:
        buttons |= QMessageBox.StandardButton.Save
    answer = QMessageBox.question(
        parent,
        _("Save changes?"),
        _("You have typed things that are not saved. Save them before closing?")
        if can_save
        else _("You have typed things that are not saved. Close without saving?"),
        buttons,
        QMessageBox.StandardButton.Cancel,
    )
    if answer == QMessageBox.StandardButton.Save:
        return UNSAVED_SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return UNSAVED_DISCARD
    return UNSAVED_CANCEL


def confirm_discard(parent: QWidget) -> bool:
    """Leave without saving? (for forms that cannot save from the question)"""
    return ask_unsaved(parent, can_save=False) == UNSAVED_DISCARD


def propose_gender(personnummer: QLineEdit, gender: QComboBox) -> None:
    """Every form where a personnummer is typed: propose the gender from it (domain
    gender_from_personnummer) until someone chooses one by hand; annat and okänt stay
    choosable."""
    from finsam_desktop.domain.persons import gender_from_personnummer

    chosen_by_hand = {"yes": False}

    def by_hand(_index: int) -> None:
        chosen_by_hand["yes"] = True

    def propose(text: str) -> None:
        if chosen_by_hand["yes"]:
            return
        proposal = gender_from_personnummer(text)
        if proposal is not None:
            set_choice(gender, proposal)

    gender.activated.connect(by_hand)
    personnummer.textChanged.connect(propose)


class BusyCursor:
    """A wait cursor while something takes a moment (key derivation, a backup, gallring)."""

    def __enter__(self):
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        return self

    def __exit__(self, *exc):
        QApplication.restoreOverrideCursor()
        return False


def save_from_form(ctx, form: FieldForm, fn, *args) -> bool:
    """Save a settings form that is not a dialog: problems go next to its fields and
    it stays as typed; True, with the form clean, when it was saved."""
    from finsam_desktop.ui.operations import OperationFailed

    try:
        ctx.runner.run(fn, *args)
    except OperationFailed as exc:
        form.show_problems(exc.message, exc.problems)
        return False
    form.clear_problems()
    form.dirty = False
    return True


def confirm_destructive(parent: QWidget, title: str, text: str, action: str, on_confirm):
    """A warning with ``action`` and Cancel (the default); ``on_confirm()`` runs only when
    the action is chosen. Opened window-modal; returns the box (tests press its buttons)."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    chosen = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.button(QMessageBox.StandardButton.Cancel).setText(_("Cancel"))
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.finished.connect(lambda _r: on_confirm() if box.clickedButton() is chosen else None)
    box.open()
    return box
