"""Where the database lives: --db, else FINSAM_DB, else the user's data folder (a file,
or a PostgreSQL server given by its URL); and
where the files shipped with the program are (``package_data``)."""

from __future__ import annotations

import os
from pathlib import Path

from finsam_desktop import APP_ID

DB_FILENAME = "finsam.sqlite"
DEMO_FILENAME = "finsam-demo.sqlite"


def data_dir() -> Path:
    from platformdirs import user_data_path  # only here: a command given --db needs none

    return user_data_path(APP_ID, appauthor=False)


SERVER_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def is_server(location: str | os.PathLike | None) -> bool:
    """True for a PostgreSQL URL (``postgresql://…``), False for a database file."""
    return isinstance(location, str) and location.lower().startswith(SERVER_SCHEMES)


def location(path: str | os.PathLike) -> Path | str:
    """A database given as text or Path: the URL kept as it is, a file as a Path."""
    return str(path) if is_server(path) else Path(path)


def database_path(explicit: str | os.PathLike | None = None, demo: bool = False) -> Path | str:
    """The database: a file (a Path) or, for ``postgresql://…``, the URL itself (a str)."""
    if explicit:
        return str(explicit) if is_server(explicit) else Path(explicit).expanduser().resolve()
    if demo:
        return data_dir() / DEMO_FILENAME
    env = os.environ.get("FINSAM_DB")
    if env:
        return env if is_server(env) else Path(env).expanduser().resolve()
    return data_dir() / DB_FILENAME


def package_data(*parts: str) -> Path:
    """A folder or file shipped inside the package (``resources/fonts``,
    ``resources/help``, ``translations``), found through importlib.resources: the same
    in a source tree, an installed wheel and the PyInstaller bundle."""
    from importlib.resources import files

    found = files("finsam_desktop")
    for part in parts:
        found = found / part
    return Path(str(found))
