"""The kinds of records a change can touch, as screens subscribe to them.

The caller of a change never names these: the database works them out from the tables
each committed transaction wrote (``db/changes.py`` maps every table to its kinds), the
operation runner announces them, and each screen redraws when a kind it shows is among
them (as Anki's ``OpChanges`` come from its core, not from the screen that saved).
"""

from __future__ import annotations

import enum


class Change(enum.Enum):
    """One kind of record. A plain Enum, not a string: a screen that subscribes with a
    misspelt name fails at import instead of never redrawing."""

    PERSON = enum.auto()
    REFERRAL = enum.auto()  # a referral and the parties in contact about it
    MEETING = enum.auto()  # information meetings and meeting places
    LETTER = enum.auto()  # letters sent
    LETTER_TEMPLATE = enum.auto()
    PARTICIPATION = enum.auto()  # a participation: its start, staff, closing
    CASE = enum.auto()  # the case file: mapping, plan, contacts, events, insatser, surveys
    CASE_OPTION = enum.auto()  # the case lists' values
    MAPPING_TEMPLATE = enum.auto()
    KRANS = enum.auto()  # beredning meetings and the local lists
    INSATS = enum.auto()
    PARTY = enum.auto()
    MUNICIPALITY = enum.auto()
    STAFF = enum.auto()
    FEDERATION = enum.auto()
    LOTS = enum.auto()  # lotsärenden
    LOTS_CATEGORY = enum.auto()
    SETTING = enum.auto()
    USERS = enum.auto()  # accounts
    ACCESS_LOG = enum.auto()
    DRAFT = enum.auto()  # half-typed forms kept for their owner
