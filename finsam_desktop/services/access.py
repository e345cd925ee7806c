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
import functools
import inspect
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

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


# The same view of the same person by the same user is logged once a minute at most: a
# screen that reads again after every save is not a new look at the case.
REPEAT_VIEW_SECONDS = 60.0


def log_view(session: Session, person_id: int | None, what: str) -> None:
    """Record that the signed-in user opened a person's case (``what``: which part,
    e.g. "person", "referral", "plan"; a short code, never names or case text)."""
    from finsam_desktop.services import audit

    database = session.info.get("database")
    if database is not None:
        user = current_user(session)
        key = (user.id if user else None, person_id, what)
        recent = database.__dict__.setdefault("_recent_views", {})
        now = time.monotonic()
        if now - recent.get(key, -REPEAT_VIEW_SECONDS) < REPEAT_VIEW_SECONDS:
            return
        recent[key] = now
    audit.record(session, audit.Action.VIEW, person_id=person_id, what=what)


def log_output(session: Session, kind: str, person_id: int | None = None) -> None:
    """Record a printout or export (``kind``: e.g. "letter", "statistics-xlsx")."""
    from finsam_desktop.services import audit

    audit.record(session, audit.Action.OUTPUT, person_id=person_id, what=kind)


# --- every public service function says who may call it ---------------------------------------
#
# tests/services/test_every_function_checks_the_role.py enumerates every public function of
# every module in services/ and calls it as every role: it reads these declarations to know
# whether to expect a refusal or a result without personal data, and fails for a function
# that has none. A whole module may declare one rule for all its functions with
# ``MODULE_ACCESS = ...`` (the sign-in steps).

F = TypeVar("F", bound=Callable[..., Any])


class Kind(enum.StrEnum):
    PERMISSION = "permission"  # refused unless the role has ``permission``
    NO_PERSONAL_DATA = "no_personal_data"  # every role; the result names nobody
    PURE = "pure"  # no database: works only on what the caller passes in
    BEFORE_LOGIN = "before_login"  # a step of signing in: no role exists yet
    BUILDING_BLOCK = "building_block"  # used only inside services, after their own check


@dataclass(frozen=True)
class AccessRule:
    kind: Kind
    permission: Permission | None = None


ACCESS_ATTRIBUTE = "access_rule"


def declare(fn: F, rule: AccessRule) -> F:
    """Say who may call ``fn`` without wrapping it (it checks inside)."""
    setattr(fn, ACCESS_ATTRIBUTE, rule)
    return fn


def requires(permission: Permission) -> Callable[[F], F]:
    """Refuse the call unless the signed-in user may ``permission``; the Session, the
    Database or the ListQuery is the function's first argument (by position or by name)."""

    def decorate(fn: F) -> F:
        first = next(iter(inspect.signature(fn).parameters))

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

# The argument a read names its person by, and the table that argument is the id of.
PERSON_ARGUMENTS: dict[str, str] = {
    "person_id": "person",
    "participation_id": "participation",
    "referral_id": "referral",
    "meeting_id": "info_meeting",
    "info_meeting_id": "info_meeting",
    "revision_id": "plan_revision",
    "letter_id": "sent_letter",
    "work_training_id": "work_training",
}
SHOWS_PERSON_ATTRIBUTE = "shows_person"


def shows_person(what: str) -> Callable[[F], F]:
    """A read that shows one person's data: after it, the access log gets who, when,
    which person and ``what`` view (``log_view``). The person is found from the argument
    that names it (``PERSON_ARGUMENTS``) or, for a look-up by personnummer, from the
    result (a Person, or anything with a ``person_id``)."""

    def decorate(fn: F) -> F:
        signature = inspect.signature(fn)
        first = next(iter(signature.parameters))
        named_by = [n for n in signature.parameters if n in PERSON_ARGUMENTS]

        @functools.wraps(fn)
        def logged(*args: Any, **kwargs: Any) -> Any:
            arguments = signature.bind(*args, **kwargs).arguments
            session = arguments[first]
            # A read made inside another (the history reads the contact journal) is part
            # of the outer view: only the outermost is logged.
            depth = session.info.get("showing_person", 0)
            session.info["showing_person"] = depth + 1
            try:
                result = fn(*args, **kwargs)
            finally:
                session.info["showing_person"] = depth
            if depth:
                return result
            given = next((n for n in named_by if arguments.get(n) is not None), None)
            if given is not None:
                from finsam_desktop.services import audit

                person_id = audit.person_of(session, PERSON_ARGUMENTS[given], arguments[given])
            else:
                person_id = _person_in(result)
            if person_id is not None:
                log_view(session, person_id, what)
            return result

        setattr(logged, SHOWS_PERSON_ATTRIBUTE, what)
        return logged  # type: ignore[return-value]

    return decorate


def _person_in(result: Any) -> int | None:
    person_id = getattr(result, "person_id", None)
    if isinstance(person_id, int):
        return person_id
    if type(result).__name__ == "Person":
        return result.id
    return None


def before_login(fn: F) -> F:
    """A step of signing in, run by the program before anyone is signed in on the
    Session (its first argument): refused in a signed-in user's session, whatever the role
    (signing in again as someone else goes through the login, not through this)."""
    first = next(iter(inspect.signature(fn).parameters))

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
for _fn in (before_login, shows_person, access_rule):
    pure(_fn)
for _fn in (log_view, log_output):
    no_personal_data(_fn)
