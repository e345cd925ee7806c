"""Who may do what, and the record of who looked at and printed what.

Every service function that reads or changes case data calls ``require`` with the
permission it needs; screens hide what a role may not do, and this refuses it too.
Opening a person's case calls ``log_view``; every printout and export ``log_output``.
The signed-in user rides on the Session (``session.info["user"]``), set by the
``Database`` the session came from (the operation runner's ``user``); a session
without a user is the program itself (migrations, the demo generator, tests of
services).

Roles: *administratör* (settings, accounts, log review, gallring; may also do case
work), *samordnare* (the team's case work and statistics), *statistik* (reports and
exports only: never a name or a personnummer).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from finsam_desktop.i18n import N_, _


class Permission(enum.StrEnum):
    ADMINISTER = "administer"  # settings, accounts, log review, gallring
    CASEWORK = "casework"  # persons, referrals, cases, lotsärenden: names visible
    STATISTICS = "statistics"  # reports and exports without names or personnummer

    @property
    def label(self) -> str:
        return _(_PERMISSION_LABELS[self])


_PERMISSION_LABELS = {
    Permission.ADMINISTER: N_("Administration"),
    Permission.CASEWORK: N_("Case work"),
    Permission.STATISTICS: N_("Statistics"),
}


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    STATISTICS = "statistics"

    @property
    def label(self) -> str:
        return _(ROLE_LABELS[self])


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Administrator"),
    Role.COORDINATOR: N_("Coordinator"),
    Role.STATISTICS: N_("Statistics"),
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.COORDINATOR: frozenset({Permission.CASEWORK, Permission.STATISTICS}),
    Role.STATISTICS: frozenset({Permission.STATISTICS}),
}


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    must_change_password: bool = False
    active: bool = True
    version: int = 1

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[Role(self.role)]


class AccessDenied(PermissionError):
    def __init__(self):
        super().__init__(_("Your account does not have permission to do this."))


def current_user(subject: Session | Any) -> User | None:
    """The user of a Session, or of a ``Database`` (list queries hold the database)."""
    info = getattr(subject, "info", None)
    if isinstance(info, dict):
        return info.get("user")
    return getattr(subject, "user", None)


def may(subject: Session | Any, permission: Permission) -> bool:
    user = current_user(subject)
    return user is None or user.may(permission)


def require(subject: Session | Any, permission: Permission) -> None:
    """Refuse unless the signed-in user's role has ``permission``.

    ``subject`` is the Session of a service function or the Database of a list query.
    """
    if not may(subject, permission):
        raise AccessDenied()


def log_view(session: Session, person_id: int | None, what: str) -> None:
    """Record that the signed-in user opened a person's case (``what``: which part,
    e.g. "person", "referral", "plan"; a short code, never names or case text)."""
    from finsam_desktop.services import audit

    audit.record(session, audit.Action.VIEW, person_id=person_id, what=what)


def log_output(session: Session, kind: str, person_id: int | None = None) -> None:
    """Record a printout or export (``kind``: e.g. "letter", "statistics-xlsx")."""
    from finsam_desktop.services import audit

    audit.record(session, audit.Action.OUTPUT, person_id=person_id, what=kind)


# Importing the access rules also installs the change log on every Session: every
# service module imports this one, so no change can be made without being recorded.
from finsam_desktop.services import audit as _audit  # noqa: E402, F401
