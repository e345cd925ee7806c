"""Who a letter is from and who signs it: the same for every letter the program prints
(kallelse, decisions, the closing summary to the remittent)."""

from __future__ import annotations

from dataclasses import dataclass, field

from finsam_desktop.i18n import _


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

    def lines(self) -> list[str]:
        """Name, title, phone and e-mail as the signature prints them; empty ones left out."""
        return [v.strip() for v in (self.name, self.title, self.phone, self.email) if v.strip()]


def contact_line(name: str, title: str = "", phone: str = "", email: str = "") -> str:
    """ "Karin Exempeldotter, Arbetsspecialist, tfn 0999-100 10, karin@…" with every empty
    part left out, its label too: never a "tfn" with no number after it."""
    parts = [name.strip(), title.strip()]
    if phone.strip():
        parts.append(_("phone {phone}").format(phone=phone.strip()))
    parts.append(email.strip())
    return ", ".join(p for p in parts if p)
