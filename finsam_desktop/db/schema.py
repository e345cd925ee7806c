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
