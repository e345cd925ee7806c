"""Accounts: the first administrator, signing in, passwords, roles, deactivation.

Passwords are hashed with argon2id (argon2-cffi's PasswordHasher, its default
parameters). After five failed attempts in a row an account waits before it may try
again, 30 s doubling each further failure up to 15 minutes (``db.keys.wait_seconds``).

When the database is encrypted the database key is wrapped per account in the
sidecar (``db/keys.py``): a new account, a changed or reset password rewraps it and a
deactivated account loses its wrap, all in the same call as the database change. A
login on an encrypted file is proven by unwrapping the key (``KeyFile.unlock``, whose
failure counter lives in the sidecar because the database is not open yet); the
database is then opened and ``signed_in`` records the login. On a plain file
``sign_in`` checks the password hash and keeps the counter in the ``users`` table.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from finsam_desktop.db.engine import Database
from finsam_desktop.db.keys import (
    DATABASE_SCOPE,
    FAST_KDF_VARIABLE,
    STATISTICS_SCOPE,
    wait_seconds,
)
from finsam_desktop.db.models import InsatsRow
from finsam_desktop.db.security_models import AccountInsatsRow, UserRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.domain.sorting import swedish_key
from finsam_desktop.i18n import N_, _
from finsam_desktop.services import audit, statistics_extract
from finsam_desktop.services.access import (
    Permission,
    Role,
    User,
    before_login,
    current_user,
    no_personal_data,
    pure,
    require,
    requires,
)
from finsam_desktop.services.listing import Column, ListQuery, ListRow
from finsam_desktop.services.records import (
    ConcurrentChange,
    apply_version,
    existing_row,
    setting_value,
    store_setting,
)

MIN_PASSWORD_LENGTH = 10
LOCK_SETTING = "security.lock_minutes"
DEFAULT_LOCK_MINUTES = 10
USERNAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-åäö")
_hasher = (
    # The tests' one switch for a cheap KDF (db/keys.py) applies to the hash as well.
    PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    if os.environ.get(FAST_KDF_VARIABLE) == "1"
    else PasswordHasher()
)


class LoginFailed(Exception):
    def __init__(self):
        super().__init__(_("Wrong username or password."))


@pure
def waiting_message(seconds: int) -> str:
    minutes, rest = divmod(max(1, seconds), 60)
    if minutes:
        return _("Too many failed attempts. Try again in {minutes} min {seconds} s.").format(
            minutes=minutes, seconds=rest
        )
    return _("Too many failed attempts. Try again in {seconds} s.").format(seconds=rest)


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        must_change_password=row.must_change_password,
        active=row.active,
        version=row.version,
    )


def _now() -> datetime:
    return audit.utc_now()


# --- checks ------------------------------------------------------------------------------


@pure
def password_problems(password: str, repeat: str, field: str = "password") -> dict[str, str]:
    problems = {}
    if len(password) < MIN_PASSWORD_LENGTH:
        problems[field] = _("The password must have at least {n} characters.").format(
            n=MIN_PASSWORD_LENGTH
        )
    elif password != repeat:
        problems["repeat"] = _("The two passwords are not the same.")
    return problems


@pure
def normalise_username(text: str) -> str:
    return text.strip().lower()


def _username_problems(session: Session, username: str) -> dict[str, str]:
    if not username:
        return {"username": _("Enter a username.")}
    if len(username) > 64 or not set(username) <= USERNAME_CHARS:
        return {"username": _("Use only letters, digits, dot, dash and underscore (no spaces).")}
    if username_taken(session, username):
        return {"username": _("This username is already taken.")}
    return {}


def _wrap_key(session: Session, user_id: int, username: str, password: str) -> None:
    """A new key pair for this account when the database is encrypted, sealed the
    database key, or for the statistics role only the statistics extract's key."""
    db = session.info.get("database")
    if db is None or db.key is None or db.keyfile is None:
        return
    if db.extract_made_at is not None:
        # A statistics account changing its password in the extract: its key pair is
        # sealed the extract's key it holds (never the database key).
        db.keyfile.set_password(
            db.key, user_id, username, password, scope=STATISTICS_SCOPE, scoped=True
        )
        return
    row = session.get(UserRow, user_id)
    statistics = row is not None and row.role == Role.STATISTICS.value
    scope = STATISTICS_SCOPE if statistics else DATABASE_SCOPE
    db.keyfile.set_password(db.key, user_id, username, password, scope=scope)
    if statistics:
        # Once the account is committed, the extract it opens must hold it.
        session.info.setdefault("after_commit", []).append(
            lambda: statistics_extract.refresh_extract(db, force=True)
        )


def _unwrap_key(session: Session, user_id: int) -> None:
    db = session.info.get("database")
    if db is not None and db.keyfile is not None:
        db.keyfile.remove_user(user_id)


def _active_admins(session: Session) -> int:
    return session.scalar(
        select(func.count(UserRow.id)).where(UserRow.active, UserRow.role == Role.ADMIN.value)
    )


def _get(session: Session, user_id: int) -> UserRow:
    row = existing_row(session, UserRow, user_id)
    return row


def _account_roles(session: Session):
    """On a PostgreSQL server with a role per account (``db/server_roles.py``): the
    session's connection, on which the account's role is changed in the same transaction
    as its row; None in a file or a server without account roles."""
    db = session.info.get("database")
    if db is None or not db.on_server:
        return None
    from finsam_desktop.db import server_roles

    connection = session.connection()
    return connection if server_roles.groups_exist(connection) else None


def _stored_hash(session: Session, password: str) -> str:
    """What ``users.password_hash`` holds: argon2id of the password; empty on a server
    with account roles, where the server alone keeps (and checks) the password."""
    return "" if _account_roles(session) is not None else _hasher.hash(password)


# --- reading ----------------------------------------------------------------------------------


@requires(Permission.ADMINISTER)
def username_taken(session: Session, username: str) -> bool:
    name = normalise_username(username)
    return session.scalar(select(UserRow.id).where(UserRow.username == name)) is not None


@no_personal_data
def has_accounts(session: Session) -> bool:
    return session.scalar(select(func.count(UserRow.id))) > 0


@requires(Permission.ADMINISTER)
def get_user(session: Session, user_id: int) -> User:
    require(session, Permission.ADMINISTER)
    return _user(_get(session, user_id))


@requires(Permission.ADMINISTER)
def list_users(session: Session) -> list[User]:
    require(session, Permission.ADMINISTER)
    return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.display_name_key))]


@requires(Permission.ADMINISTER)
def user_list(db: Database) -> ListQuery:
    """The accounts screen's table."""
    require(db, Permission.ADMINISTER)
    u = UserRow

    def row(r) -> ListRow:
        if not r.active:
            state = _("Deactivated")
        elif r.wait_until is not None and r.wait_until > _now():
            state = _("Waiting after failed logins")
        elif r.must_change_password:
            state = _("Must choose a new password")
        else:
            state = _("Active")
        last = (
            audit.local_time(r.last_login_at).strftime("%Y-%m-%d %H:%M") if r.last_login_at else ""
        )
        return ListRow(
            r.id, (r.display_name, r.username, Role(r.role).label, state, last), muted=not r.active
        )

    return ListQuery(
        db=db,
        columns=[
            Column("display_name", N_("Name"), u.display_name_key),
            Column("username", N_("Username"), u.username),
            Column("role", N_("Role"), u.role),
            Column("state", N_("State"), u.active),
            Column("last_login", N_("Last login"), u.last_login_at),
        ],
        base=select(u.id, u.display_name, u.username, u.role, u.active, u.wait_until).add_columns(
            u.must_change_password, u.last_login_at
        ),
        to_row=row,
        id_column=u.id,
        search=lambda text: (
            u.display_name_key.like(f"%{swedish_key(text)}%")
            | u.username.like(f"%{text.strip().lower()}%")
        ),
    )


# --- creating and changing accounts ---------------------------------------------------------


@requires(Permission.ADMINISTER)
def create_user(
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    repeat: str,
    temporary: bool = False,
) -> User:
    """A new account. The very first account needs no signed-in administrator (it is
    created at first start) and is always an administrator. ``temporary``: the password
    was given by the administrator; the person chooses his own at the first login."""
    first = not has_accounts(session)
    if not first:
        require(session, Permission.ADMINISTER)
    username = normalise_username(username)
    problems = _username_problems(session, username)
    if not display_name.strip():
        problems["display_name"] = _("Enter the person's name.")
    problems.update(password_problems(password, repeat))
    roles = _account_roles(session)
    if roles is not None and "username" not in problems:
        from finsam_desktop.db import server_roles

        if not server_roles.name_fits(server_roles.database_name(roles), username):
            problems["username"] = _(
                "The username is too long for the database server: use a shorter one."
            )
    if problems:
        raise ValidationError(problems)
    row = UserRow(
        username=username,
        display_name=display_name.strip(),
        display_name_key=swedish_key(display_name.strip()),
        role=(Role.ADMIN if first else Role(role)).value,
        password_hash=_stored_hash(session, password),
        active=True,
        must_change_password=temporary,
        failed_attempts=0,
    )
    session.add(row)
    session.flush()
    _wrap_key(session, row.id, row.username, password)
    if roles is not None:
        from finsam_desktop.db import server_roles

        server_roles.create_account(roles, row.username, row.role, password)
    audit.record(
        session,
        audit.Action.ACCOUNT,
        table="users",
        record_id=row.id,
        what="created",
        user=current_user(session) or _user(row),
    )
    return _user(row)


@requires(Permission.ADMINISTER)
def set_role(session: Session, user_id: int, role: Role, version: int) -> User:
    require(session, Permission.ADMINISTER)
    me = current_user(session)
    if me is not None and me.id == user_id and Role(role) != Role(me.role):
        # Another administrator does it: nobody locks himself out by mistake.
        raise ValidationError.single("role", _("You cannot change your own role."))
    row = _get(session, user_id)
    apply_version(row, version)
    if (
        row.role == Role.ADMIN.value
        and role != Role.ADMIN
        and row.active
        and _active_admins(session) <= 1
    ):
        raise ValidationError.single(
            "role", _("There must always be at least one active administrator.")
        )
    row.role = Role(role).value
    session.flush()
    roles = _account_roles(session)
    if roles is not None:
        from finsam_desktop.db import server_roles

        server_roles.set_group(roles, row.username, row.role)
    db = session.info.get("database")
    if db is not None and db.key is not None and db.keyfile is not None:
        statistics = row.role == Role.STATISTICS.value
        db.keyfile.set_scope(db.key, row.id, STATISTICS_SCOPE if statistics else DATABASE_SCOPE)
        if statistics:
            session.info.setdefault("after_commit", []).append(
                lambda: statistics_extract.refresh_extract(db, force=True)
            )
    return _user(row)


@requires(Permission.ADMINISTER)
def set_display_name(session: Session, user_id: int, display_name: str, version: int) -> User:
    require(session, Permission.ADMINISTER)
    if not display_name.strip():
        raise ValidationError.single("display_name", _("Enter the person's name."))
    row = _get(session, user_id)
    apply_version(row, version)
    row.display_name = display_name.strip()
    row.display_name_key = swedish_key(row.display_name)
    session.flush()
    return _user(row)


@requires(Permission.ADMINISTER)
def deactivate(session: Session, user_id: int) -> User:
    """The account can no longer sign in; its key wrap is removed. Kept in the table
    because the access log names it."""
    require(session, Permission.ADMINISTER)
    row = _get(session, user_id)
    me = current_user(session)
    if me is not None and me.id == user_id:
        raise ValidationError.single("user", _("You cannot deactivate your own account."))
    if row.role == Role.ADMIN.value and row.active and _active_admins(session) <= 1:
        raise ValidationError.single(
            "user", _("There must always be at least one active administrator.")
        )
    row.active = False
    session.flush()
    _unwrap_key(session, row.id)
    roles = _account_roles(session)
    if roles is not None:
        from finsam_desktop.db import server_roles

        server_roles.deactivate(roles, row.username)
    audit.record(session, audit.Action.ACCOUNT, table="users", record_id=row.id, what="deactivated")
    return _user(row)


@requires(Permission.ADMINISTER)
def reset_password(session: Session, user_id: int, password: str, repeat: str) -> User:
    """The administrator gives a temporary password (the account is reactivated if it
    was deactivated); the user must choose a new one at the next login. Logged."""
    require(session, Permission.ADMINISTER)
    problems = password_problems(password, repeat)
    if problems:
        raise ValidationError(problems)
    row = _get(session, user_id)
    reactivated = not row.active
    row.password_hash = _stored_hash(session, password)
    row.must_change_password = True
    row.active = True
    row.failed_attempts, row.wait_until = 0, None
    session.flush()
    _wrap_key(session, row.id, row.username, password)
    roles = _account_roles(session)
    if roles is not None:
        from finsam_desktop.db import server_roles

        if reactivated:  # deactivation took its group from the account's role
            server_roles.set_group(roles, row.username, row.role)
        server_roles.set_password(roles, row.username, password)
    audit.record(session, audit.Action.PASSWORD, table="users", record_id=row.id, what="reset")
    return _user(row)


@no_personal_data
def change_own_password(session: Session, current: str, password: str, repeat: str) -> User:
    """The signed-in user chooses a new password (also after a reset)."""
    me = current_user(session)
    if me is None:
        raise LoginFailed()
    db = session.info.get("database")
    login = getattr(db, "login", None)
    if login is not None and login.group == "statistics":
        return _change_statistics_password(session, me, current, password, repeat)
    row = _get(session, me.id)
    _check_new_password(_password_right(session, row, current), current, password, repeat)
    if login is not None:
        _change_server_password(session, password)
    row.password_hash = _stored_hash(session, password)
    row.must_change_password = False
    session.flush()
    _wrap_key(session, row.id, row.username, password)
    audit.record(session, audit.Action.PASSWORD, table="users", record_id=row.id, what="changed")
    return _user(row)


def _change_server_password(session: Session, password: str) -> None:
    """The signed-in account's own role gets the new password (a role may change its own);
    once committed, this program connects with it."""
    from dataclasses import replace

    from finsam_desktop.db import server_roles

    db = session.info["database"]
    me = current_user(session)
    server_roles.set_password(session.connection(), me.username, password, login=False)
    new_login = replace(db.login, password=password)
    session.info.setdefault("after_commit", []).append(lambda: db.use_login(new_login))


def _change_statistics_password(
    session: Session, me: User, current: str, password: str, repeat: str
) -> User:
    """A statistik account on a server reads only the de-identified views and writes
    nothing: its new password is set on its role only."""
    from finsam_desktop.db import server_roles

    db = session.info["database"]
    _check_new_password(server_roles.password_ok(db, current), current, password, repeat)
    _change_server_password(session, password)
    return me


def _check_new_password(current_right: bool, current: str, password: str, repeat: str) -> None:
    """The checks of a user's own new password, the same for every kind of account."""
    if not current_right:
        raise ValidationError.single("current", _("The current password is wrong."))
    problems = password_problems(password, repeat)
    if not problems and password == current:
        problems["password"] = _("Choose a password different from the current one.")
    if problems:
        raise ValidationError(problems)


@requires(Permission.ADMINISTER)
def check_recoverable_admin(session: Session, username: str) -> UserRow:
    row = session.scalar(select(UserRow).where(UserRow.username == normalise_username(username)))
    if row is None or row.role != Role.ADMIN.value:
        raise ValidationError.single("username", _("There is no administrator with this username."))
    return row


@requires(Permission.ADMINISTER)
def require_new_passwords(session: Session, keep: int) -> list[str]:
    """After the key file was rebuilt from the recovery key: every other active account
    has no key any more and must get a temporary password from the administrator.
    Returns their display names (for the administrator, never logged)."""
    rows = session.scalars(select(UserRow).where(UserRow.active, UserRow.id != keep)).all()
    for row in rows:
        row.must_change_password = True
    session.flush()
    return sorted((r.display_name for r in rows), key=swedish_key)


@requires(Permission.ADMINISTER)
def recover_account(session: Session, username: str, password: str, repeat: str) -> User:
    """After the recovery key opened the database: give an administrator a new password."""
    row = check_recoverable_admin(session, username)
    problems = password_problems(password, repeat)
    if problems:
        raise ValidationError(problems)
    row.password_hash = _hasher.hash(password)
    row.must_change_password, row.active = False, True
    row.failed_attempts, row.wait_until = 0, None
    session.flush()
    _wrap_key(session, row.id, row.username, password)
    audit.record(
        session,
        audit.Action.RECOVERY,
        table="users",
        record_id=row.id,
        what="password set with recovery key",
        user=_user(row),
    )
    return _user(row)


# --- the insatser an account works in ---------------------------------------------------------


@requires(Permission.ADMINISTER)
def insatser_of(session: Session, user_id: int) -> list[int]:
    """The ids of the insatser the account works in (on a server with account roles a
    coordinator reaches only their persons and cases)."""
    require(session, Permission.ADMINISTER)
    return list(
        session.scalars(
            select(AccountInsatsRow.insats_id)
            .where(AccountInsatsRow.user_id == user_id)
            .order_by(AccountInsatsRow.insats_id)
        )
    )


@requires(Permission.ADMINISTER)
def set_insatser(
    session: Session, user_id: int, insats_ids: list[int], seen: list[int] | None = None
) -> list[int]:
    """The account works in ``insats_ids`` from now on. ``seen``: the insatser the form
    showed; another administrator's change since then is not overwritten."""
    require(session, Permission.ADMINISTER)
    _get(session, user_id)
    wanted = set(insats_ids)
    unknown = wanted - set(session.scalars(select(InsatsRow.id).where(InsatsRow.id.in_(wanted))))
    if unknown:
        raise ValidationError.single("insatser", _("The insats no longer exists."))
    current = set(insatser_of(session, user_id))
    if seen is not None and set(seen) != current:
        raise ConcurrentChange()
    for insats_id in current - wanted:
        session.delete(session.get(AccountInsatsRow, (user_id, insats_id)))
    for insats_id in sorted(wanted - current):
        session.add(AccountInsatsRow(user_id=user_id, insats_id=insats_id))
    session.flush()
    if current != wanted:
        audit.record(
            session,
            audit.Action.ACCOUNT,
            table="users",
            record_id=user_id,
            what="insatser changed",
            details={"insatser": sorted(wanted)},
        )
    return sorted(wanted)


# --- signing in ---------------------------------------------------------------------------------


def _matches(row: UserRow, password: str) -> bool:
    try:
        return _hasher.verify(row.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _password_right(session: Session, row: UserRow, password: str) -> bool:
    """The password checked where it is kept: by the server for an account signed in with
    its own role (``users.password_hash`` is empty there), else against the hash."""
    db = session.info.get("database")
    if getattr(db, "login", None) is not None:
        from finsam_desktop.db import server_roles

        return server_roles.password_ok(db, password)
    return _matches(row, password)


@dataclass(frozen=True)
class Attempt:
    """The outcome of a password check. A failure is a result, not an exception, so
    that the transaction recording it (counter and access log) is committed."""

    user: User | None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.user is not None


def _check_password(session: Session, row: UserRow, password: str, failed_action: str) -> str:
    """Verify with the waiting rule; counts a failure in the users table. Returns the
    message for the user, or "" when the password is right."""
    now = _now()
    if row.wait_until is not None and row.wait_until > now:
        return waiting_message(int((row.wait_until - now).total_seconds()) + 1)
    if not _password_right(session, row, password):
        row.failed_attempts += 1
        wait = wait_seconds(row.failed_attempts)
        row.wait_until = now + timedelta(seconds=wait) if wait else None
        session.flush()
        audit.record(session, failed_action, table="users", record_id=row.id, user=_user(row))
        return waiting_message(wait) if wait else str(LoginFailed())
    if row.failed_attempts:
        row.failed_attempts, row.wait_until = 0, None
    if row.password_hash and _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return ""


@before_login
def sign_in(session: Session, username: str, password: str) -> Attempt:
    """Sign in on a plain database: the password hash is checked here."""
    row = session.scalar(select(UserRow).where(UserRow.username == normalise_username(username)))
    if row is None or not row.active:
        # The same work as a real check, so timing does not tell which names exist.
        _hasher.hash(password)
        audit.record(session, audit.Action.LOGIN_FAILED, what="unknown or inactive account")
        return Attempt(None, str(LoginFailed()))
    message = _check_password(session, row, password, audit.Action.LOGIN_FAILED)
    if message:
        return Attempt(None, message)
    return Attempt(_record_login(session, row))


@before_login
def signed_in(session: Session, user_id: int, pending_failures=()) -> User:
    """Record a login already proven by unwrapping the key (encrypted database), and
    the failed logins the sidecar counted while the database was closed."""
    for failure in pending_failures:
        known = session.get(UserRow, failure.user_id) if failure.user_id else None
        audit.record(
            session,
            audit.Action.LOGIN_FAILED,
            table="users" if known else "",
            record_id=known.id if known else None,
            what="" if known else "unknown account",
            user=_user(known) if known else None,
            at=datetime.fromtimestamp(failure.at, UTC).replace(tzinfo=None, microsecond=0),
        )
    row = _get(session, user_id)
    if not row.active:
        raise LoginFailed()
    row.failed_attempts, row.wait_until = 0, None
    return _record_login(session, row)


@before_login
def server_account(session: Session, username: str) -> User:
    """The account signed in with its own role on a server (the server checked the
    password): its login is recorded. A statistik account reads its row in the
    de-identified views and records nothing (its role writes nowhere; the server's own
    connection log has its logins); its temporary password is changed on the role."""
    login = getattr(session.info.get("database"), "login", None)
    row = session.scalar(select(UserRow).where(UserRow.username == normalise_username(username)))
    if login is None or row is None or not row.active:
        raise LoginFailed()  # only a login the server accepted comes here
    if login.group == "statistics":
        user = _user(row)
        return User(
            id=user.id,
            username=user.username,
            display_name=user.display_name,
            role=Role.STATISTICS,
            must_change_password=False,
            active=True,
            version=user.version,
        )
    row.failed_attempts, row.wait_until = 0, None
    return _record_login(session, row)


def _record_login(session: Session, row: UserRow) -> User:
    row.last_login_at = _now()
    session.flush()
    user = _user(row)
    audit.record(session, audit.Action.LOGIN, table="users", record_id=row.id, user=user)
    return user


@no_personal_data
def verify_for_unlock(session: Session, password: str) -> Attempt:
    """The locked screen asks the signed-in user's password again."""
    me = current_user(session)
    login = getattr(session.info.get("database"), "login", None)
    if me is not None and login is not None and login.group == "statistics":
        # Its role writes nothing on the server: the server's answer is the whole check.
        from finsam_desktop.db import server_roles

        ok = server_roles.password_ok(session.info["database"], password)
        return Attempt(me) if ok else Attempt(None, str(LoginFailed()))
    row = _get(session, me.id) if me is not None else None
    if row is None or not row.active:
        return Attempt(None, str(LoginFailed()))
    message = _check_password(session, row, password, audit.Action.UNLOCK_FAILED)
    if message:
        return Attempt(None, message)
    session.flush()
    audit.record(session, audit.Action.UNLOCK, table="users", record_id=row.id)
    return Attempt(_user(row))


@no_personal_data
def record_lock(session: Session) -> None:
    audit.record(session, audit.Action.LOCK)


@no_personal_data
def record_logout(session: Session) -> None:
    audit.record(session, audit.Action.LOGOUT)


# --- the inactivity lock: one setting for every PC that opens the database ----------------


@no_personal_data
def lock_minutes(session: Session) -> int:
    value = setting_value(session, LOCK_SETTING)
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_LOCK_MINUTES


@requires(Permission.ADMINISTER)
def set_lock_minutes(session: Session, minutes: int) -> int:
    require(session, Permission.ADMINISTER)
    if not 1 <= minutes <= 120:
        raise ValidationError.single("lock_minutes", _("Choose between 1 and 120 minutes."))
    store_setting(session, LOCK_SETTING, minutes)
    return minutes
