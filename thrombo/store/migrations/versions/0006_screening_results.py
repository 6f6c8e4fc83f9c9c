"""screening results kept with the data and rules version they were computed from

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screening_results",
        sa.Column("patient_id", sa.String(length=200), nullable=False),
        sa.Column("rules_key", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("time_zone", sa.String(length=100), nullable=False),
        sa.Column("criteria", sa.String(length=100), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("rules_version", sa.String(length=100), nullable=False),
        sa.Column("data_version", sa.String(length=100), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.patient_id"]),
        sa.PrimaryKeyConstraint("patient_id", "rules_key", "as_of", "time_zone"),
    )


def downgrade() -> None:
    op.drop_table("screening_results")
