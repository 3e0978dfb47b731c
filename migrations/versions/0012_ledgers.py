"""ledgers, their members and invitations; every account gets a personal ledger

Revision ID: 0012_ledgers
Revises: 0011_user_time_zone
Create Date: 2026-12-05 08:30:00.000000

Each existing account's personal ledger takes the account's id, its currency, budget and period
start day, so that the next migration can move the account's rows into it by renaming a column.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012_ledgers"
down_revision = "0011_user_time_zone"
branch_labels = None
depends_on = None

ROLE_CHECK = "role IN ('viewer', 'editor', 'owner')"


def upgrade():
    op.create_table(
        "ledgers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("personal_user_id", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("monthly_budget_cents", sa.BigInteger(), nullable=False),
        sa.Column("period_start_day", sa.SmallInteger(), server_default="1", nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["personal_user_id"], ["users.id"], name=op.f("fk_ledgers_personal_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledgers")),
        sa.UniqueConstraint("personal_user_id", name=op.f("uq_ledgers_personal_user_id")),
    )
    op.create_table(
        "ledger_members",
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("joined_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(ROLE_CHECK, name=op.f("ck_ledger_members_known_role")),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_ledger_members_ledger_id_ledgers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ledger_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("ledger_id", "user_id", name=op.f("pk_ledger_members")),
    )
    op.create_index("ix_ledger_members_user_id", "ledger_members", ["user_id"], unique=False)
    op.create_table(
        "ledger_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ledger_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(ROLE_CHECK, name=op.f("ck_ledger_invitations_known_role")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_ledger_invitations_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["ledger_id"], ["ledgers.id"], name=op.f("fk_ledger_invitations_ledger_id_ledgers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ledger_invitations_token_hash")),
    )
    op.create_index(
        "ix_ledger_invitations_ledger_id_created_at", "ledger_invitations", ["ledger_id", "created_at"], unique=False
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ledger_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_user_sessions_ledger_id_ledgers"), "ledgers", ["ledger_id"], ["id"], ondelete="SET NULL"
        )

    # A personal ledger per account, with the account's id, settings and sign-up time.
    op.execute(
        "INSERT INTO ledgers (id, name, personal_user_id, currency, monthly_budget_cents, period_start_day, created_at) "
        "SELECT id, 'Personal', id, currency, monthly_budget_cents, period_start_day, created_at FROM users"
    )
    op.execute(
        "INSERT INTO ledger_members (ledger_id, user_id, role, joined_at) SELECT id, id, 'owner', created_at FROM users"
    )
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids do not move the sequence on: the next ledger must not take an account's id.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('ledgers', 'id'), COALESCE((SELECT max(id) FROM ledgers), 0) + 1, false)"
        )


def downgrade():
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_user_sessions_ledger_id_ledgers"), type_="foreignkey")
        batch_op.drop_column("ledger_id")
    op.drop_index("ix_ledger_invitations_ledger_id_created_at", table_name="ledger_invitations")
    op.drop_table("ledger_invitations")
    op.drop_index("ix_ledger_members_user_id", table_name="ledger_members")
    op.drop_table("ledger_members")
    op.drop_table("ledgers")
