"""Accounts: first administrator, roles enforced by the services, waiting after failures."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from finsam_desktop.db.security_models import AuditRow, UserRow
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.services import accounts, audit, log_review, persons
from finsam_desktop.services.access import AccessDenied, Permission, Role, require

PASSWORD = "correct horse 42"


def make_admin(db):
    with db.session() as s:
        return accounts.create_user(s, "Admin", "Anna Admin", Role.ADMIN, PASSWORD, PASSWORD)


def add(db, admin, username, role):
    db.user = admin
    try:
        with db.session() as s:
            return accounts.create_user(s, username, username.title(), role, PASSWORD, PASSWORD)
    finally:
        db.user = None


def test_first_account_is_administrator_and_password_is_hashed_with_argon2id(db):
    with db.session() as s:
        assert not accounts.has_accounts(s)
        first = accounts.create_user(s, " Admin ", "Anna", Role.STATISTICS, PASSWORD, PASSWORD)
    assert first.role is Role.ADMIN and first.username == "admin"
    with db.reading() as s:
        stored = s.scalar(select(UserRow.password_hash))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_short_password_and_mismatch_are_refused_next_to_the_field(db):
    with db.session() as s, pytest.raises(ValidationError) as exc:
        accounts.create_user(s, "a", "A", Role.ADMIN, "kort", "kort")
    assert "minst 10" in exc.value.problems["password"]
    with db.session() as s, pytest.raises(ValidationError) as exc:
        accounts.create_user(s, "a", "A", Role.ADMIN, PASSWORD, PASSWORD + "x")
    assert "repeat" in exc.value.problems


def test_second_account_needs_an_administrator(db):
    admin = make_admin(db)
    coordinator = add(db, admin, "kalle", Role.COORDINATOR)
    db.user = coordinator
    with db.session() as s, pytest.raises(AccessDenied):
        accounts.create_user(s, "olle", "Olle", Role.ADMIN, PASSWORD, PASSWORD)


def test_sign_in_and_waiting_after_five_failures(db):
    make_admin(db)
    with db.session() as s:
        assert accounts.sign_in(s, "ADMIN", PASSWORD).ok
    for _attempt in range(4):
        with db.session() as s:
            result = accounts.sign_in(s, "admin", "wrong password")
        assert not result.ok and "Fel användarnamn" in result.message
    with db.session() as s:
        fifth = accounts.sign_in(s, "admin", "wrong password")
    assert "Försök igen om 30 s" in fifth.message
    with db.session() as s:  # even the right password waits
        assert "Försök igen" in accounts.sign_in(s, "admin", PASSWORD).message
        row = s.scalar(select(UserRow))
        row.wait_until = audit.utc_now() - timedelta(seconds=1)
    with db.session() as s:
        assert accounts.sign_in(s, "admin", PASSWORD).ok
        assert s.scalar(select(UserRow)).failed_attempts == 0
    with db.reading() as s:
        actions = [a for (a,) in s.execute(select(AuditRow.action).order_by(AuditRow.id))]
    assert actions.count("login_failed") == 5 and actions.count("login") == 2


def test_unknown_user_fails_the_same_way(db):
    make_admin(db)
    with db.session() as s:
        result = accounts.sign_in(s, "nobody", PASSWORD)
    assert not result.ok and result.message == str(accounts.LoginFailed())


def test_admin_resets_password_logged_and_user_must_change_it(db):
    admin = make_admin(db)
    kalle = add(db, admin, "kalle", Role.COORDINATOR)
    db.user = admin
    with db.session() as s:
        accounts.reset_password(s, kalle.id, "temporary-pass-1", "temporary-pass-1")
    db.user = None
    with db.session() as s:
        attempt = accounts.sign_in(s, "kalle", "temporary-pass-1")
    assert attempt.ok and attempt.user.must_change_password
    db.user = attempt.user
    with db.session() as s, pytest.raises(ValidationError) as exc:
        accounts.change_own_password(s, "wrong", "new-password-99", "new-password-99")
    assert "current" in exc.value.problems
    with db.session() as s:
        changed = accounts.change_own_password(
            s, "temporary-pass-1", "new-password-99", "new-password-99"
        )
    assert not changed.must_change_password
    with db.reading() as s:
        entries = s.execute(
            select(AuditRow.user_id, AuditRow.what).where(AuditRow.action == "password")
        ).all()
    assert entries == [(admin.id, "reset"), (kalle.id, "changed")]


def test_last_administrator_cannot_be_demoted_or_deactivated(db):
    admin = make_admin(db)
    other = add(db, admin, "kalle", Role.COORDINATOR)
    db.user = admin
    with db.session() as s, pytest.raises(ValidationError):
        accounts.set_role(s, admin.id, Role.COORDINATOR, admin.version)
    with db.session() as s, pytest.raises(ValidationError):
        accounts.deactivate(s, admin.id)
    with db.session() as s:
        gone = accounts.deactivate(s, other.id)
    assert not gone.active
    db.user = None
    with db.session() as s:
        assert not accounts.sign_in(s, "kalle", PASSWORD).ok


def test_statistics_role_is_refused_names_by_the_services(db):
    admin = make_admin(db)
    stats = add(db, admin, "siffror", Role.STATISTICS)
    db.user = stats
    with db.reading() as s:
        require(s, Permission.STATISTICS)
        with pytest.raises(AccessDenied):
            persons.get_person(s, 1)
        with pytest.raises(AccessDenied):
            accounts.list_users(s)
        with pytest.raises(AccessDenied):
            log_review.log_list(db)
    with pytest.raises(AccessDenied):
        persons.person_list(db)


def test_roles_have_swedish_names():
    assert [r.label for r in Role] == ["Administratör", "Samordnare", "Statistik"]


def test_lock_minutes_are_one_setting_for_every_pc_and_only_admins_change_them(db):
    admin = make_admin(db)
    coordinator = add(db, admin, "kalle", Role.COORDINATOR)
    with db.reading() as s:
        assert accounts.lock_minutes(s) == 10
    db.user = coordinator
    with db.session() as s, pytest.raises(AccessDenied):
        accounts.set_lock_minutes(s, 3)
    db.user = admin
    with db.session() as s, pytest.raises(ValidationError):
        accounts.set_lock_minutes(s, 0)
    with db.session() as s:
        accounts.set_lock_minutes(s, 5)
    with db.reading() as s:
        assert accounts.lock_minutes(s) == 5
    rows = log_review.log_list(db).page(0, 500)
    settings = [r.values for r in rows if r.values[3].startswith("Inställning")]
    assert [(v[3], v[6]) for v in settings] == [
        ("Inställning: security.lock_minutes", "Inställning, Värde")
    ]
