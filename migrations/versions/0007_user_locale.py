"""users.locale: how amounts and dates are written for the user (NULL follows the browser)

Revision ID: 0007_user_locale
Revises: 0006_spending_rollups
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007_user_locale"
down_revision = "0006_spending_rollups"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("locale", sa.String(length=16), nullable=True))


def downgrade():
    # Not batch mode: on SQLite that copies `users` into a new table, and dropping the old one
    # would cascade to every row that references it. SQLite 3.35+ drops a plain column in place.
    op.execute("ALTER TABLE users DROP COLUMN locale")
