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
        "ix_person_visible_name",
    }
)
# Columns (table, column) only a PostgreSQL server has, made by a migration and kept there
# by the server itself (see each migration), not by the program: likewise left out.
SERVER_ONLY_COLUMNS = frozenset({("person", "linked_insatser")})
