"""national totals in the stage-flow and duration rollups, and the open-interval rollup

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-23 18:05:00

A national read of stage_flow_days or stage_duration_months added up the 31 province totals of every
day or month; the national total rows (province_id 0) make it one row. The region index now leads
with both region columns, so that a national or province total is one index range.
open_stage_intervals holds the intervals still open with their hold sums, so that the time in stage of
the open intervals needs no join to their orders' hold and resume points.
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('open_stage_intervals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('order_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('stage', sa.String(length=24), nullable=False),
    sa.Column('service_grade', sa.String(length=16), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('target_seconds', sa.Integer(), nullable=True),
    sa.Column('hold_epochs', sa.BigInteger(), nullable=False),
    sa.Column('holds_running', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open_stage_intervals'))
    )
    # Built from the intervals already stored; kept in step by the writes from here on.
    from lib import rollups

    rollups.rebuild_open(op.get_bind())
    op.drop_index('ix_stage_flow_days_city', table_name='stage_flow_days')
    op.create_index('ix_stage_flow_days_region', 'stage_flow_days', ['city_id', 'province_id', 'day'], unique=False)
    op.execute(
        "INSERT INTO stage_flow_days (day, province_id, city_id, stage, service_grade, entered, exited, on_time)"
        " SELECT day, 0, 0, stage, service_grade, SUM(entered), SUM(exited), SUM(on_time) FROM stage_flow_days"
        " WHERE city_id = 0 GROUP BY day, stage, service_grade"
    )
    op.execute(
        "INSERT INTO stage_duration_months (month, province_id, stage, service_grade, duration_class, intervals)"
        " SELECT month, 0, stage, service_grade, duration_class, SUM(intervals) FROM stage_duration_months"
        " GROUP BY month, stage, service_grade, duration_class"
    )


def downgrade() -> None:
    op.execute("DELETE FROM stage_duration_months WHERE province_id = 0")
    op.execute("DELETE FROM stage_flow_days WHERE province_id = 0")
    op.drop_index('ix_stage_flow_days_region', table_name='stage_flow_days')
    op.create_index('ix_stage_flow_days_city', 'stage_flow_days', ['city_id', 'day'], unique=False)
    op.drop_table('open_stage_intervals')
