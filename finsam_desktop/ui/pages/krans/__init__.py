"""The Lokal samverkan page: a local model's aktualiseringar, beredning, week table and
lists (issue 11)."""

from finsam_desktop.ui.pages.krans.page import KransPage

__all__ = ["KransPage"]
