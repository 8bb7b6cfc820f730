"""per-account month-end rollup

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23 18:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_snapshots',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('mask', sa.Integer(), nullable=False),
    sa.Column('trailing_fen', sa.BigInteger(), nullable=False),
    sa.Column('designations_next', sa.Integer(), nullable=False),
    sa.Column('designations', sa.Integer(), nullable=False),
    sa.Column('spend_fen', sa.BigInteger(), nullable=False),
    sa.Column('surveys', sa.Integer(), nullable=False),
    sa.Column('score_centi', sa.BigInteger(), nullable=False),
    sa.Column('exited', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'account_id', name=op.f('pk_account_snapshots')),
    sqlite_with_rowid=False
    )
    op.create_index('ix_account_snapshots_potential', 'account_snapshots', ['month', 'mask', 'trailing_fen', 'designations_next', 'province_id', 'city_id'], unique=False)
    op.create_index('ix_account_snapshots_account', 'account_snapshots', ['account_id', 'month'], unique=False)
    # Built from the rows already stored; kept by the writes from here on.
    from lib import rollups

    rollups.rebuild_snapshots(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_account_snapshots_account', table_name='account_snapshots')
    op.drop_index('ix_account_snapshots_potential', table_name='account_snapshots')
    op.drop_table('account_snapshots')
