"""Skyddad identitet: what a list, a letter or an export may show of a protected person.

A person flagged with protected identity (skyddade personuppgifter) must not have
their address given out, and exports that leave the program (to a party, to a
spreadsheet, to the förbund) must leave them out or mask them. Every such place calls
one of these functions instead of deciding for itself:

- ``mask_person_fields(fields)``: a copy of a person's fields (a dict, a row mapping
  or a ``Person``) with the address, phone and e-mail blanked when protected; with
  ``identity=True`` also the name and the last four digits of the personnummer.
- ``mask_person(person)``: the same for a ``domain.persons.Person``.
- ``exportable(rows)``: leaves protected persons out of an export entirely.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, TypeVar

from finsam_desktop.domain.organisation import PostalAddress
from finsam_desktop.domain.persons import Person
from finsam_desktop.i18n import N_, _
from finsam_desktop.services.access import pure

PROTECTED = N_("Protected identity")
CONTACT_FIELDS = ("street", "postcode", "city", "address", "phone", "email")
NAME_FIELDS = ("first_name", "last_name", "name", "full_name", "name_key")
T = TypeVar("T")


@pure
def is_protected(fields: Mapping[str, Any] | Person | Any) -> bool:
    if isinstance(fields, Mapping):
        return bool(fields.get("protected_identity"))
    return bool(getattr(fields, "protected_identity", False))


@pure
def masked_personnummer(text: str) -> str:
    """Birth date kept, the last four digits hidden: 19900101-****."""
    digits = "".join(ch for ch in str(text) if ch.isalnum())
    return f"{digits[:8]}-****" if len(digits) >= 8 else "****"


@pure
def mask_person_fields(fields: Mapping[str, Any], identity: bool = False) -> dict[str, Any]:
    """A copy of ``fields`` safe to show or export: for a protected person the contact
    fields are blanked (the town says "Protected identity"); with ``identity=True``
    the name and personnummer are masked too. Unprotected persons pass unchanged."""
    out = dict(fields)
    if not is_protected(fields):
        return out
    for key in CONTACT_FIELDS:
        if key in out:
            out[key] = ""
    if "city" in out:
        out["city"] = _(PROTECTED)
    if identity:
        for key in NAME_FIELDS:
            if key in out:
                out[key] = ""
        if "last_name" in out or "name" in out:
            out["last_name" if "last_name" in out else "name"] = _(PROTECTED)
        if "personnummer" in out and out["personnummer"]:
            out["personnummer"] = masked_personnummer(out["personnummer"])
    return out


@pure
def mask_person(person: Person, identity: bool = False) -> Person:
    """The same masking for a domain Person (for letters and documents)."""
    if not person.protected_identity:
        return person
    masked = replace(person, address=PostalAddress(), phone="", email="")
    if identity:
        masked = replace(masked, first_name="", last_name=_(PROTECTED))
    return masked


@pure
def exportable(rows: Iterable[T]) -> list[T]:
    """The rows of an export without the persons who have protected identity."""
    return [r for r in rows if not is_protected(r)]
