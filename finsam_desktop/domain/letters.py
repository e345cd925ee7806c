"""Who a letter is from and who signs it: the same for every letter the program prints
(kallelse, decisions, the closing summary to the remittent)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Letterhead:
    """Who sends the letter: the förbund and the insats (team)."""

    organisation: str
    unit: str = ""
    address_lines: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    website: str = ""
    org_number: str = ""
    logo_png: bytes | None = None


@dataclass
class Signatory:
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
