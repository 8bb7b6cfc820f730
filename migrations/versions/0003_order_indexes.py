"""order indexes: by complaint, by receipt and by closing within a province

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:00:00
"""

from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_orders_complaint', 'orders', ['complaint_id'], unique=False)
    op.create_index('ix_orders_received', 'orders', ['received_at'], unique=False)
    op.create_index('ix_orders_province_closed', 'orders', ['province_id', 'closed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_orders_province_closed', table_name='orders')
    op.drop_index('ix_orders_received', table_name='orders')
    op.drop_index('ix_orders_complaint', table_name='orders')
