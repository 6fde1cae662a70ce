"""search embeddings and misses

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_embeddings",
        sa.Column("owner_type", sa.String(length=24), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("backend", sa.String(length=48), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner_type", "owner_id", "backend", name=op.f("pk_search_embeddings")),
    )
    op.create_table(
        "search_misses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("query", sa.String(length=200), nullable=False),
        sa.Column("locale", sa.String(length=12), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_misses")),
        sa.UniqueConstraint("query", "locale", name=op.f("uq_search_misses_query_locale")),
    )
    with op.batch_alter_table("search_misses") as batch_op:
        batch_op.create_index(batch_op.f("ix_search_misses_last_seen"), ["last_seen"], unique=False)


def downgrade() -> None:
    op.drop_table("search_misses")
    op.drop_table("search_embeddings")
