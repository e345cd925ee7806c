"""the server's searches stop at the cap and walk the referrals' indexes alone

A list counts a search while typing up to a cap (``listing.COUNT_CAP``) and shows its
first page; on a file both stop early, on a server three things kept them from it
(issue 14 §6, measured at 100,000 persons):

- A coordinator's search function (``finsam_rls.visible_persons_like``, revision 0020)
  made every matching person before its caller read one (a plpgsql function's result is
  made whole): "åsa" found all its 4,900 persons (13–17 ms) for a count that needed
  1,001. It now takes a third argument, how many persons at most
  (``server_roles._search_statements``); like every function of ``finsam_rls`` it is
  made by ``server_roles.apply`` after the upgrade, which also drops the two-argument
  one.
- The Remisser count of a name walks the referrals in their persons' order beside the
  persons' index: ``ix_referral_person_insats`` holds the person and the insats but not
  the referral's id, so each of 9,500 referrals was read from the table (11 ms for
  "övningström"). ``ix_referral_person_covering`` holds the id too (``INCLUDE``).
- A page of a search in days-left order walks ``ix_referral_answer_sort_due_nulls_first``
  (0016) and tests each referral's person: the index now holds the insats and the person
  (``INCLUDE``), so the page's ids are found from the two indexes alone and only its 200
  rows are read (``ListQuery._server_ids``).

Not in the models (``db.schema.SERVER_ONLY_INDEXES``). Nothing changes in a file.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-02 11:30:00.000000
"""

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

COVERING = "ix_referral_person_covering"
SORT = "ix_referral_answer_sort_due_nulls_first"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # The new function (and the old one dropped): server_roles.apply, after the upgrade.
    op.execute(f"CREATE INDEX {COVERING} ON referral (person_id, insats_id) INCLUDE (id)")
    op.execute(f"DROP INDEX IF EXISTS {SORT}")
    op.execute(
        f"CREATE INDEX {SORT} ON referral (answer_sort_due NULLS FIRST, id) "
        "INCLUDE (insats_id, person_id)"
    )
    op.execute("ANALYZE referral")


def downgrade() -> None:
    from finsam_desktop.db import server_roles

    if op.get_bind().dialect.name != "postgresql":
        return
    # The program of revision 0025 makes its own function again (its server_roles.apply).
    op.execute(f"DROP FUNCTION IF EXISTS {server_roles.SEARCH_SIGNATURE}")
    op.execute(f"DROP INDEX IF EXISTS {COVERING}")
    op.execute(f"DROP INDEX IF EXISTS {SORT}")
    op.execute(f"CREATE INDEX {SORT} ON referral (answer_sort_due NULLS FIRST, id)")
