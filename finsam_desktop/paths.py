"""Where the database lives: --db, else FINSAM_DB, else the user's data folder; and
where the files shipped with the program are (``package_data``)."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from platformdirs import user_data_path

from finsam_desktop import APP_ID

DB_FILENAME = "finsam.sqlite"
DEMO_FILENAME = "finsam-demo.sqlite"


def data_dir() -> Path:
    return user_data_path(APP_ID, appauthor=False)


def database_path(explicit: str | os.PathLike | None = None, demo: bool = False) -> Path:
    if explicit:
        return Path(explicit).expanduser().resolve()
    if demo:
        return data_dir() / DEMO_FILENAME
    env = os.environ.get("FINSAM_DB")
    if env:
        return Path(env).expanduser().resolve()
    return data_dir() / DB_FILENAME


def package_data(*parts: str) -> Path:
    """A folder or file shipped inside the package (``resources/fonts``,
    ``resources/help``, ``translations``), found through importlib.resources: the same
    in a source tree, an installed wheel and the PyInstaller bundle."""
    found = files("finsam_desktop")
    for part in parts:
        found = found / part
    return Path(str(found))
