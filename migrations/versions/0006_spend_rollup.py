"""spend rollup

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:55:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('spend_months',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('key_fen', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'province_id', 'city_id', name=op.f('pk_spend_months'))
    )
    # Built from the spend and designations already stored; refreshed by the writes from here on.
    from lib import rollups

    rollups.rebuild_spend(op.get_bind())


def downgrade() -> None:
    op.drop_table('spend_months')
