"""The command line, ``finsam``: the same services as the window.

program.py       the entry (main), the parser of all groups, exit codes
parser.py        argparse in Swedish, shared options (also read by app.py)
common.py        opening the database, messages, a report's --format/--out
database.py      info, migrate, backup, demo
lots.py          lots summary, lots import
statistics.py    statistik (and statistik krans)
participants.py  deltagare import
protect.py       restore, registerutdrag
keys.py          återställ-nycklar, byt-nyckel
move.py          flytta (a file to a PostgreSQL server)
"""

from finsam_desktop.cli.program import build_parser, main

__all__ = ["build_parser", "main"]
