"""idempotent_requests: the first answer to a POST sent with an idempotency key (quick add offline, the API)

Revision ID: 0014_idempotent_requests
Revises: 0013_two_factor
Create Date: 2026-12-05 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_idempotent_requests"
down_revision = "0013_two_factor"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.SmallInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotent_requests_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_requests")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotent_requests_user_id_key")),
    )
    op.create_index("ix_idempotent_requests_created_at", "idempotent_requests", ["created_at"], unique=False)


def downgrade():
    op.drop_index("ix_idempotent_requests_created_at", table_name="idempotent_requests")
    op.drop_table("idempotent_requests")
