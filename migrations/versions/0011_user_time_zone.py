"""users.time_zone: the IANA time zone whose today the account's dates are counted in

Revision ID: 0011_user_time_zone
Revises: 0010_drop_caches
Create Date: 2026-12-05 05:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_user_time_zone"
down_revision = "0010_drop_caches"
branch_labels = None
depends_on = None


def upgrade():
    # Existing accounts keep counting days in UTC, as the server did for them until now.
    op.add_column(
        "users", sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC")
    )


def downgrade():
    # Not batch mode: on SQLite that copies `users` into a new table, and dropping the old one
    # would cascade to every row that references it. SQLite 3.35+ drops a plain column in place.
    op.execute("ALTER TABLE users DROP COLUMN time_zone")
