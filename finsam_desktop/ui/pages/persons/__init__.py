"""Deltagare: every person, searched by name or personnummer; the person dialog with its
register extract, and the participant import."""

from finsam_desktop.ui.pages.persons.page import PersonsPage

__all__ = ["PersonsPage"]
