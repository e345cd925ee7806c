"""Hostile text in the login and account forms never crashes or corrupts anything."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finsam_desktop.db.keys import normalise_recovery_key
from finsam_desktop.domain.errors import ValidationError
from finsam_desktop.services import accounts, log_review
from finsam_desktop.services.access import Role

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "'; DROP TABLE users; --",
            "<script>alert(1)</script>",
            "\x00\x01\x1b[31m",
            "a" * 5000,
            "Åsa Öberg-Ängström",
            "admin\u202e",
            "%s%s%n",
        ]
    ),
)
SLOW = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SLOW
@given(username=HOSTILE, display_name=HOSTILE, password=HOSTILE)
def test_creating_an_account_refuses_or_succeeds_cleanly(db, username, display_name, password):
    try:
        with db.session() as s:
            user = accounts.create_user(s, username, display_name, Role.ADMIN, password, password)
    except ValidationError as exc:
        assert exc.problems and all(isinstance(v, str) and v for v in exc.problems.values())
    else:
        with db.session() as s:
            assert accounts.sign_in(s, username, password).ok
            # Clean up for the next example (the first account is the administrator).
            s.delete(s.get(accounts.UserRow, user.id))
    with db.reading() as s:
        assert log_review.verify_chain(s).ok


@SLOW
@given(username=HOSTILE, password=HOSTILE)
def test_signing_in_with_anything_is_an_answer_not_a_crash(db, username, password):
    with db.session() as s:
        attempt = accounts.sign_in(s, username, password)
    assert not attempt.ok and attempt.message


@given(text=st.text(max_size=200))
def test_any_typed_recovery_key_normalises_the_same_way_twice(text):
    once = normalise_recovery_key(text)
    assert normalise_recovery_key(once) == once
    assert all(ch == "-" or ch.isalnum() for ch in once)
