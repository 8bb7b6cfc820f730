"""stage duration rollup and the index behind exact percentiles

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stage_duration_months',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('service_grade', sa.String(length=16), nullable=False),
    sa.Column('duration_class', sa.Integer(), nullable=False),
    sa.Column('intervals', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'province_id', 'stage', 'service_grade', 'duration_class', name=op.f('pk_stage_duration_months'))
    )
    op.create_index('ix_order_events_duration', 'order_events', ['kind', 'stage', 'service_grade', 'duration_seconds', 'exited_at', 'province_id'], unique=False)
    # Built from the intervals already stored; kept in step by the writes from here on.
    from lib import rollups

    rollups.rebuild_durations(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_order_events_duration', table_name='order_events')
    op.drop_table('stage_duration_months')
