"""index an order's open interval

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 16:35:00
"""

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_order_events_order_open', 'order_events', ['order_id', 'kind', 'exited_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_order_events_order_open', table_name='order_events')
