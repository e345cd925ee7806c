"""Who may do what, and the record of who looked at and printed what.

Every service function that reads or changes case data calls ``require`` with the
permission it needs; screens hide what a role may not do, and this refuses it too.
Opening a person's case calls ``log_view``; every printout and export ``log_output``.
The signed-in user rides on the Session (``session.info["user"]``), set by the
operation runner; a session without a user is the program itself (migrations,
the demo generator, tests of services).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy.orm import Session

from finsam_desktop.i18n import _


class Permission(enum.StrEnum):
    ADMINISTER = "administer"  # settings, accounts, log review, gallring
    CASEWORK = "casework"  # persons, referrals, cases, lotsärenden: names visible
    STATISTICS = "statistics"  # reports and exports without names or personnummer


class Role(enum.StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    STATISTICS = "statistics"


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

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


class AccessDenied(PermissionError):
    def __init__(self):
        super().__init__(_("Your account does not have permission to do this."))


def current_user(session: Session) -> User | None:
    return session.info.get("user")


def require(session: Session, permission: Permission) -> None:
    user = current_user(session)
    if user is not None and not user.may(permission):
        raise AccessDenied()
