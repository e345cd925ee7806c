"""Brevmallar in the settings: edit, refuse unknown placeholders, preview, restore."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from finsam_desktop.services import letter_templates
from finsam_desktop.ui.pages.settings.letter_templates import LetterTemplatesTab


def test_edit_preview_and_restore_a_template(ctx, qtbot, monkeypatch):
    tab = LetterTemplatesTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.template.kind == letter_templates.KALLELSE and tab.template.is_default
    assert "{fornamn}" in tab.body.toPlainText()
    tab.body.setPlainText("Hej {förnamn}!")
    assert not tab.save()
    assert "{förnamn}" in tab.form.error_text("body")
    assert tab.body.toPlainText() == "Hej {förnamn}!"  # what was typed is kept
    tab.body.setPlainText("Hej {fornamn}! Välkommen {datum} kl. {tid}, {plats}.")
    assert tab.save()
    assert not tab.template.is_default
    preview = tab.preview()
    assert len(preview.preview.pages) == 1
    with ctx.db.reading() as s:
        assert letter_templates.get_template(s, letter_templates.KALLELSE).body.startswith(
            "Hej {fornamn}!"
        )
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.reset()
    assert tab.template.is_default
    tab.kinds.setCurrentRow(2)
    assert tab.template.kind == letter_templates.REMISSVAR_REJECTED
    assert "{motivering}" in tab.body.toPlainText()
