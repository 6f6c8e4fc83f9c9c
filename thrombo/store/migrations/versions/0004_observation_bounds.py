"""censored results keep their comparator; a site lab range says where it came from

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("observations", sa.Column("comparator", sa.String(2), nullable=True))
    op.add_column("observations", sa.Column("ref_source", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("observations") as batch:
        batch.drop_column("ref_source")
        batch.drop_column("comparator")
