"""The login is on the screen before SQLAlchemy and Babel are imported (together about
half a second on a slow PC), and the login then opens the main window."""

from __future__ import annotations

import pytest

from tests.startup_probe import expect, start_program


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory):
    """An encrypted demo database with the demo accounts, shared by the tests here."""
    from finsam_desktop.services import demo

    path = tmp_path_factory.mktemp("startup") / "demo.sqlite"
    demo.create_demo_database(path, participants=5, lots=2)
    return path


def test_the_login_is_painted_before_sqlalchemy_and_babel_are_imported(encrypted, tmp_path):
    child = start_program("login", encrypted, tmp_path)
    try:
        heavy = expect(child, "login-painted")
    finally:
        child.wait(timeout=60)
    assert heavy == "", f"imported before the login was painted: {heavy}"


def test_the_login_opens_the_main_window(encrypted, tmp_path):
    """The same probe run to the end: the password typed after the warm-up opens the
    window, which then fills in its first page (so the startup benchmark measures a
    real login)."""
    child = start_program("window", encrypted, tmp_path)
    try:
        expect(child, "login-painted")
        expect(child, "ready")
        child.stdin.write("\n")
        child.stdin.flush()
        expect(child, "window-painted")
        expect(child, "page-painted")
    finally:
        child.wait(timeout=60)
    assert child.returncode == 0


def test_the_heap_is_settled_once_the_window_is_up():
    """What the started program made is frozen out of the collector's full passes."""
    import gc

    from finsam_desktop.app import settle_the_heap

    before = gc.get_freeze_count()
    try:
        settle_the_heap()
        assert gc.get_freeze_count() > before + 1000
    finally:
        gc.unfreeze()
