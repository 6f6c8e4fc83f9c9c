"""extra source columns of observations, medications and events kept as attributes

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("observations", "medications", "events")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("attributes", sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("attributes")
