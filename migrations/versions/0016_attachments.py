"""attachments: receipts kept with expenses, in the database or a directory

Revision ID: 0016_attachments
Revises: 0015_api_tokens
Create Date: 2026-12-05 08:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_attachments"
down_revision = "0015_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("expense_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sa.String(length=120), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=True),
        sa.Column("has_thumbnail", sa.Boolean(), nullable=False),
        sa.Column("storage_key", sa.String(length=80), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reading_state", sa.String(length=16), nullable=True),
        sa.Column("reading", sa.JSON(), nullable=True),
        sa.CheckConstraint("byte_size >= 0", name=op.f("ck_attachments_byte_size_not_negative")),
        sa.CheckConstraint(
            "reading_state IS NULL OR reading_state IN ('reading', 'read', 'unreadable', 'not_installed')",
            name=op.f("ck_attachments_known_reading_state"),
        ),
        sa.ForeignKeyConstraint(
            ["expense_id"], ["expenses.id"], name=op.f("fk_attachments_expense_id_expenses"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_attachments_ledger_id_ledgers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_attachments_uploaded_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    op.create_index("ix_attachments_expense_id", "attachments", ["expense_id"], unique=False)
    op.create_index("ix_attachments_ledger_id_expense_id", "attachments", ["ledger_id", "expense_id"], unique=False)


def downgrade():
    op.drop_index("ix_attachments_ledger_id_expense_id", table_name="attachments")
    op.drop_index("ix_attachments_expense_id", table_name="attachments")
    op.drop_table("attachments")
