"""per-account stage rollup

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_stage_months',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('exited', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'account_id', name=op.f('pk_account_stage_months'))
    )
    op.create_index('ix_account_stage_months_account', 'account_stage_months', ['account_id', 'month'], unique=False)
    # Built from the intervals already stored; kept in step by the writes from here on.
    from lib import rollups

    rollups.rebuild_account_months(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_account_stage_months_account', table_name='account_stage_months')
    op.drop_table('account_stage_months')
