"""orders received and closed per day and region

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-23 18:45:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('order_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('received', sa.Integer(), nullable=False),
    sa.Column('closed', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'province_id', 'city_id', name=op.f('pk_order_days'))
    )
    op.create_index('ix_order_days_city', 'order_days', ['city_id', 'day'], unique=False)
    op.create_index('ix_order_days_province', 'order_days', ['province_id', 'day'], unique=False)
    # Built from the orders already stored; kept by the order commands from here on.
    from lib import rollups

    rollups.rebuild_order_days(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_order_days_province', table_name='order_days')
    op.drop_index('ix_order_days_city', table_name='order_days')
    op.drop_table('order_days')
