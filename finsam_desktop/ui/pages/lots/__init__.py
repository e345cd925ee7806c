"""The Lotsärenden page: registering, importing, the yearly summary and the lists."""

from finsam_desktop.ui.pages.lots.page import LotsPage

__all__ = ["LotsPage"]
