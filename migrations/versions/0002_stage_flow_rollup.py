"""stage flow rollup

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 15:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stage_flow_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('service_grade', sa.String(length=16), nullable=False),
    sa.Column('entered', sa.Integer(), nullable=False),
    sa.Column('exited', sa.Integer(), nullable=False),
    sa.Column('on_time', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('day', 'province_id', 'city_id', 'stage', 'service_grade', name=op.f('pk_stage_flow_days'))
    )
    op.create_index('ix_stage_flow_days_city', 'stage_flow_days', ['city_id', 'day'], unique=False)
    # Built from the intervals already stored; kept in step by the writes from here on.
    from lib import rollups

    rollups.rebuild_flow(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_stage_flow_days_city', table_name='stage_flow_days')
    op.drop_table('stage_flow_days')
