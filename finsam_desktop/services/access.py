"""Who may do what: roles, permissions and every service function's declaration.

Every service function that reads or changes case data calls ``require`` with the
permission it needs; screens hide what a role may not do, and this refuses it too.
What was looked at and printed is recorded by the access log (``audit.py``: ``log_view``,
``log_output``, ``shows_person``), which builds on this module and never the other way.
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
import functools
from collections import namedtuple
from collections.abc import Callable

from finsam_desktop.i18n import N_, _

# typing is imported only by type checkers: finsam lots summary starts without it.
TYPE_CHECKING = False
if TYPE_CHECKING:  # no SQLAlchemy at import: the fast path of finsam lots summary checks here
    from typing import Any, TypeVar

    from sqlalchemy.orm import Session

    F = TypeVar("F", bound=Callable[..., Any])


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


# The user and the access rules are named tuples, not dataclasses: this module is on the
# way of ``finsam lots summary`` (issue 13: the whole process within 2x of python +
# sqlite3), where importing dataclasses (and inspect with it) and building the classes
# cost more than the queries. Immutable, compared and printed field by field as well.
class User(
    namedtuple(
        "User",
        "id username display_name role must_change_password active version",
        defaults=(False, True, 1),
    )
):
    """A signed-in account: id, username, display_name, role (``Role``),
    must_change_password, active and version (of its row, for saving it)."""

    __slots__ = ()

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[Role(self.role)]


class AccessDenied(PermissionError):
    def __init__(self):
        super().__init__(_("Your account does not have permission to do this."))


def current_user(subject: Session | Any) -> User | None:
    """The user of a Session, of a ``Database``, or of a ``ListQuery`` (its database)."""
    info = getattr(subject, "info", None)
    if isinstance(info, dict):
        return info.get("user")
    database = getattr(subject, "db", None)  # a ListQuery carries its Database
    if database is not None:
        return current_user(database)
    return getattr(subject, "user", None)


def may(subject: Session | Any, permission: Permission) -> bool:
    user = current_user(subject)
    return user is None or user.may(permission)


def require(subject: Session | Any, permission: Permission) -> None:
    """Refuse unless the signed-in user's role has ``permission``.

    ``subject`` is the Session of a service function, a Database, or a ListQuery.
    """
    if not may(subject, permission):
        raise AccessDenied()


# --- every public service function says who may call it ---------------------------------------
#
# tests/services/test_every_function_checks_the_role.py enumerates every public function of
# every module in services/ and calls it as every role: it reads these declarations to know
# whether to expect a refusal or a result without personal data, and fails for a function
# that has none. A whole module may declare one rule for all its functions with
# ``MODULE_ACCESS = ...`` (the sign-in steps).


class Kind(enum.StrEnum):
    PERMISSION = "permission"  # refused unless the role has ``permission``
    NO_PERSONAL_DATA = "no_personal_data"  # every role; the result names nobody
    PURE = "pure"  # no database: works only on what the caller passes in
    BEFORE_LOGIN = "before_login"  # a step of signing in: no role exists yet
    BUILDING_BLOCK = "building_block"  # used only inside services, after their own check


class AccessRule(namedtuple("AccessRule", "kind permission", defaults=(None,))):
    """A declaration: ``kind`` (``Kind``) and, for ``Kind.PERMISSION``, the ``permission``."""

    __slots__ = ()


ACCESS_ATTRIBUTE = "access_rule"


def declare(fn: F, rule: AccessRule) -> F:
    """Say who may call ``fn`` without wrapping it (it checks inside)."""
    setattr(fn, ACCESS_ATTRIBUTE, rule)
    return fn


def _first_parameter(fn: Callable) -> str:
    """The name of ``fn``'s first parameter, as ``inspect.signature`` gives it (through
    ``functools.wraps``), read from the code object: importing inspect costs ``finsam lots
    summary`` more than its queries."""
    while hasattr(fn, "__wrapped__"):
        fn = fn.__wrapped__
    return fn.__code__.co_varnames[0]


def requires(permission: Permission) -> Callable[[F], F]:
    """Refuse the call unless the signed-in user may ``permission``; the Session, the
    Database or the ListQuery is the function's first argument (by position or by name)."""

    def decorate(fn: F) -> F:
        first = _first_parameter(fn)

        @functools.wraps(fn)
        def checked(*args: Any, **kwargs: Any) -> Any:
            require(args[0] if args else kwargs[first], permission)
            return fn(*args, **kwargs)

        return declare(checked, AccessRule(Kind.PERMISSION, permission))  # type: ignore[return-value]

    return decorate


def no_personal_data(fn: F) -> F:
    """Open to every role: what it returns or writes names no person (organisation
    data, counts, the signed-in user's own account)."""
    return declare(fn, AccessRule(Kind.NO_PERSONAL_DATA))


def pure(fn: F) -> F:
    """Takes no Session or Database: reads nothing the caller did not pass in."""
    return declare(fn, AccessRule(Kind.PURE))


pure(declare)


def building_block(fn: F) -> F:
    """A part other service functions use after their own check; never called from
    the window or the command line (the enumeration test checks that it is not)."""
    return declare(fn, AccessRule(Kind.BUILDING_BLOCK))


BEFORE_LOGIN = AccessRule(Kind.BEFORE_LOGIN)


def before_login(fn: F) -> F:
    """A step of signing in, run by the program before anyone is signed in on the
    Session (its first argument): refused in a signed-in user's session, whatever the role
    (signing in again as someone else goes through the login, not through this)."""
    first = _first_parameter(fn)

    @functools.wraps(fn)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if current_user(args[0] if args else kwargs[first]) is not None:
            raise AccessDenied()
        return fn(*args, **kwargs)

    return declare(checked, BEFORE_LOGIN)  # type: ignore[return-value]


def access_rule(fn: Any, module: Any = None) -> AccessRule | None:
    """The declaration of ``fn`` (or of its whole module), None when it has none."""
    rule = getattr(fn, ACCESS_ATTRIBUTE, None)
    if rule is None and module is not None:
        rule = getattr(module, "MODULE_ACCESS", None)
    return rule


for _fn in (current_user, may, require, requires, no_personal_data, pure, building_block):
    pure(_fn)
for _fn in (before_login, access_rule):
    pure(_fn)
