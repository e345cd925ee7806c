"""Översikt: the day's work at a glance, with the coming week's bookings."""

from finsam_desktop.ui.pages.overview.page import OverviewPage

__all__ = ["OverviewPage"]
