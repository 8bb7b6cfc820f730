"""survey rollup

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

BINS = [f"bin_{b:02d}" for b in range(20)]
DIMENSIONS = ("network", "service", "billing", "account_manager", "after_sales")


def upgrade() -> None:
    op.create_table('survey_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('surveys', sa.Integer(), nullable=False),
    sa.Column('score_centi', sa.BigInteger(), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in BINS],
    *[column for d in DIMENSIONS for column in (sa.Column(f'{d}_n', sa.Integer(), nullable=False), sa.Column(f'{d}_centi', sa.BigInteger(), nullable=False))],
    sa.PrimaryKeyConstraint('day', 'province_id', 'city_id', name=op.f('pk_survey_days'))
    )
    op.create_index('ix_survey_days_city', 'survey_days', ['city_id', 'day'], unique=False)
    # Built from the surveys already stored; kept in step by the writes from here on.
    from lib import rollups

    rollups.rebuild_surveys(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_survey_days_city', table_name='survey_days')
    op.drop_table('survey_days')
