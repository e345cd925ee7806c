"""Every table of the program, gathered on one metadata for Alembic and tests.

A capability that adds tables puts its models in its own module under db/ and
imports it here.
"""

from finsam_desktop.db import (
    casework_models,  # noqa: F401
    krans_models,  # noqa: F401
    lots_models,  # noqa: F401
    models,  # noqa: F401
    referral_models,  # noqa: F401
    security_models,  # noqa: F401
)
from finsam_desktop.db.models import Base

metadata = Base.metadata

# Indexes only a PostgreSQL server has, made by a migration and not declared by a model
# (SQLite cannot hold them, see each migration): the comparison of the models with the
# migrations leaves these out and nothing else. The trigram indexes (0018) need the
# extension pg_trgm; a server without it has the others only (docs/postgresql.md).
SERVER_ONLY_INDEXES = frozenset(
    {
        "ix_referral_answer_sort_due_nulls_first",
        "ix_person_name_key_trgm",
        "ix_person_personnummer_trgm",
        "ix_person_visible",
        "ix_person_visibility_group",
        # 0025: a personnummer from each position, and its length (byte order, with the
        # id and group: db.expressions.server_digit_conditions).
        *(f"ix_person_digits_from_{k}" for k in range(1, 10)),
        "ix_person_digits_length",
        # 0026: a person's referrals with their ids (a count walks it alone).
        "ix_referral_person_covering",
    }
)
# Indexes only a file (SQLite) has, made by migration 0022: a personnummer from each
# position after the first, and its length (``db.expressions.digits_of_persons``; the
# server searches the column by its trigram index instead), and a person's referrals in
# their days-left order (the Remisser page of a number). Likewise left out.
FILE_ONLY_INDEXES = frozenset(
    {
        *(f"ix_person_personnummer_from_{k}" for k in range(2, 10)),
        "ix_person_personnummer_length",
        "ix_referral_person_insats_due",
    }
)
# Columns (table, column) only a PostgreSQL server has, made by a migration and kept there
# by the server itself (see each migration), not by the program: likewise left out.
SERVER_ONLY_COLUMNS = frozenset({("person", "visibility_group")})
