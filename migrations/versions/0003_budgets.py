"""budget periods and per-category budgets

Revision ID: 0003_budgets
Revises: 0002_user_sessions
Create Date: 2026-11-25 09:26:12.365532

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003_budgets"
down_revision = '0002_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('category_budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('limit_cents', sa.BigInteger(), nullable=True),
    sa.Column('rollover', sa.Boolean(), nullable=False),
    sa.CheckConstraint('limit_cents >= 0', name=op.f('ck_category_budgets_limit_not_negative')),
    sa.ForeignKeyConstraint(['category_id', 'user_id'], ['categories.id', 'categories.user_id'], name='fk_category_budgets_category_id_user_id_categories', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_category_budgets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_budgets')),
    sa.UniqueConstraint('user_id', 'category_id', 'effective_from', name=op.f('uq_category_budgets_user_id_category_id_effective_from'))
    )
    op.create_table('overall_budgets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('amount_cents >= 0', name=op.f('ck_overall_budgets_amount_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_overall_budgets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overall_budgets')),
    sa.UniqueConstraint('user_id', 'effective_from', name=op.f('uq_overall_budgets_user_id_effective_from'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('period_start_day', sa.SmallInteger(), server_default='1', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('period_start_day')

    op.drop_table('overall_budgets')
    op.drop_table('category_budgets')
