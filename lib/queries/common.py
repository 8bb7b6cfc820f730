"""Small reads shared by several pages: the org tree and the date the data reaches."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, func, select

from lib.access import Scope
from lib.models import Complaint, OrgUnit, Revisit, Survey
from lib.queries import reads

ORG = OrgUnit.__table__


@reads("org_units")
def org_units(conn: Connection, scope: Scope) -> pd.DataFrame:
    """The whole organisation tree (a few hundred rows): id, code, level, parent and names.

    Not limited by scope: every user may see the names of the regions.
    """
    stmt = select(
        ORG.c.id, ORG.c.code, ORG.c.level, ORG.c.parent_id, ORG.c.province_id, ORG.c.name_en, ORG.c.name_zh
    ).order_by(ORG.c.id)
    return pd.DataFrame(
        conn.execute(stmt).mappings().all(),
        columns=["id", "code", "level", "parent_id", "province_id", "name_en", "name_zh"],
    )


@reads("surveys", "complaints", "revisits")
def data_as_of(conn: Connection, scope: Scope) -> dt.date:
    """The latest day with activity (surveys, complaints or revisits) anywhere; today when there is none.

    One date for everybody, so that all users' default periods agree.
    """
    latest_survey = conn.scalar(select(func.max(Survey.surveyed_on)))
    latest_complaint = conn.scalar(select(func.max(Complaint.received_at)))
    latest_revisit = conn.scalar(select(func.max(Revisit.visited_on)))
    days = [_as_date(v) for v in (latest_survey, latest_complaint, latest_revisit) if v is not None]
    return max(days) if days else dt.date.today()


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
