"""The history of the dated settings: every value ever set, with who set it and when, newest first."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Table, select

from lib.access import Scope
from lib.models import ComplaintTarget, HighValueThreshold, RevisitCadence, StageTarget, User
from lib.queries import reads

USERS = User.__table__
HISTORY_ROWS = 500
KINDS: dict[str, tuple[Table, list[str]]] = {
    "thresholds": (HighValueThreshold.__table__, ["amount"]),
    "cadences": (RevisitCadence.__table__, ["service_grade", "days"]),
    "stage_targets": (StageTarget.__table__, ["service_grade", "stage", "target_hours"]),
    "complaint_targets": (ComplaintTarget.__table__, ["severity", "response_hours", "resolution_hours"]),
}


def _history(conn: Connection, table: Table, values: list[str]) -> pd.DataFrame:
    columns = ["effective_from", *values, "set_by", "set_at"]
    stmt = (
        select(table.c.effective_from, *(table.c[v] for v in values), USERS.c.name, table.c.set_at)
        .select_from(table.outerjoin(USERS, USERS.c.id == table.c.set_by))
        .order_by(table.c.set_at.desc(), table.c.id.desc())
        .limit(HISTORY_ROWS)
    )
    frame = pd.DataFrame(conn.execute(stmt).all(), columns=columns)
    if "amount" in frame:
        frame["amount"] = pd.to_numeric(frame["amount"].astype(object)).astype("float64")
    return frame


@reads("high_value_thresholds", "revisit_cadences", "stage_targets", "complaint_targets", "users")
def settings_history(conn: Connection, scope: Scope) -> dict[str, pd.DataFrame]:
    """Per kind (thresholds, cadences, stage_targets, complaint_targets): effective_from, the values, set_by
    (the name of who set it; empty for the initial settings) and set_at, newest first."""
    return {kind: _history(conn, table, values) for kind, (table, values) in KINDS.items()}
