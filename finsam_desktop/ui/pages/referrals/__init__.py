"""Remisser: information meetings, referrals, the team's decision, remissvar, enrolment."""

from finsam_desktop.ui.pages.referrals.page import ReferralsPage

__all__ = ["ReferralsPage"]
