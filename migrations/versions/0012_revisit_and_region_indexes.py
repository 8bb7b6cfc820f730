"""store each revisit's next revisit; indexes for due dates, key-on-a-day and a province's cities

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 18:20:00
"""

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('revisits', sa.Column('next_visit_on', sa.Date(), nullable=True))
    op.execute(
        "UPDATE revisits SET next_visit_on = (SELECT min(later.visited_on) FROM revisits AS later"
        " WHERE later.account_id = revisits.account_id AND later.visited_on > revisits.visited_on)"
    )
    op.create_index(
        'ix_revisits_due', 'revisits', ['next_due', 'account_id', 'next_visit_on', 'province_id', 'city_id'],
        unique=False,
    )
    op.create_index('ix_designations_span', 'designations', ['account_id', 'valid_from', 'valid_to'], unique=False)
    op.drop_index('ix_surveys_account', table_name='surveys')
    op.create_index('ix_surveys_account', 'surveys', ['account_id', 'surveyed_on', 'score'], unique=False)
    op.create_index('ix_stage_flow_days_province', 'stage_flow_days', ['province_id', 'day'], unique=False)
    op.create_index('ix_survey_days_province', 'survey_days', ['province_id', 'day'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_survey_days_province', table_name='survey_days')
    op.drop_index('ix_stage_flow_days_province', table_name='stage_flow_days')
    op.drop_index('ix_surveys_account', table_name='surveys')
    op.create_index('ix_surveys_account', 'surveys', ['account_id'], unique=False)
    op.drop_index('ix_designations_span', table_name='designations')
    op.drop_index('ix_revisits_due', table_name='revisits')
    with op.batch_alter_table('revisits') as batch:
        batch.drop_column('next_visit_on')
