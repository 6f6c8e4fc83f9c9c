"""signed head of the audit chain, keyed (HMAC) chain, sign-in throttling

Revision ID: 0005
Revises: 0004

The audit chain written before this revision used plain SHA-256; an intact one is resealed with
the integrity key (`thrombo.store.keys`) and its head signed, a broken one is left for
`thrombo audit verify` to report.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from thrombo.store.audit import reseal_legacy_chain

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entries", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("blocked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    reseal_legacy_chain(op.get_bind())


def downgrade() -> None:
    op.drop_table("sign_in_throttle")
    op.drop_table("audit_head")
