"""Enter in a field presses the dialog's main button, never a side button."""

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from finsam_desktop.services import demo, signin
from finsam_desktop.ui.login import LoginDialog


def test_enter_in_the_password_field_logs_in(tmp_path, qtbot):
    path = tmp_path / "demo.sqlite"
    demo.create_demo_database(path, participants=3, lots=0)
    dialog = LoginDialog(path, demo=True)
    qtbot.addWidget(dialog)
    dialog.show()
    recovered = []
    dialog.recover = lambda: recovered.append(True)
    dialog.forgot.clicked.disconnect()
    dialog.forgot.clicked.connect(dialog.recover)
    QTest.keyClicks(dialog.username, "demo")
    dialog.password.setText(signin.DEMO_PASSWORD)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert recovered == []
    assert dialog.user is not None and dialog.user.username == "demo"
    dialog.db.close()


def test_enter_in_the_person_dialog_saves(window, qtbot, ctx):
    page = window.show_page("participants")
    dialog = page.open_person(page.panel.model.id_at(0))
    dialog.phone.setText("0999-123 45")
    QTest.keyClick(dialog.phone, Qt.Key.Key_Return)
    assert not dialog.isVisible(), "Enter saved and closed the dialog"
    assert dialog.result_value.phone == "0999-123 45"
