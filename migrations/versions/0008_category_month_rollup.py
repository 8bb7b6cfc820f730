"""category membership rollup

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 16:25:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('category_months',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('province_id', sa.Integer(), nullable=False),
    sa.Column('city_id', sa.Integer(), nullable=False),
    sa.Column('key_accounts', sa.Integer(), nullable=False),
    sa.Column('premium', sa.Integer(), nullable=False),
    sa.Column('high_value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'province_id', 'city_id', name=op.f('pk_category_months'))
    )
    # Built from the designations already stored; refreshed by the writes from here on.
    from lib import rollups

    rollups.rebuild_category_months(op.get_bind())


def downgrade() -> None:
    op.drop_table('category_months')
