"""The settings that the metric definitions refer to, as in force on a day.

Settings are dated rows (admins add a row to change one; history is kept): the row in force
for a key is the one with the latest effective_from on or before the day. They are the same
for every user, so the scope does not limit them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, func, select

from lib.access import Scope
from lib.domain import COMPLAINT_SEVERITIES, GRADES, STAGES
from lib.models import ComplaintTarget, HighValueThreshold, RevisitCadence, StageTarget
from lib.queries import reads

THRESHOLDS = HighValueThreshold.__table__
CADENCES = RevisitCadence.__table__
STAGE_TARGETS = StageTarget.__table__
COMPLAINT_TARGETS = ComplaintTarget.__table__


def _in_force(conn: Connection, table: Table, keys: list[str], values: list[str], day: dt.date) -> pd.DataFrame:
    """The latest row per key on or before `day`: the key columns, the value columns and effective_from."""
    rank = func.row_number().over(
        partition_by=[table.c[k] for k in keys],
        order_by=[table.c.effective_from.desc(), table.c.id.desc()],
    )
    ranked = (
        select(*(table.c[c] for c in [*keys, *values, "effective_from"]), rank.label("rank"))
        .where(table.c.effective_from <= day)
        .subquery()
    )
    stmt = select(*(ranked.c[c] for c in [*keys, *values, "effective_from"])).where(ranked.c.rank == 1)
    return pd.DataFrame(conn.execute(stmt).all(), columns=[*keys, *values, "effective_from"])


def _in_order(frame: pd.DataFrame, column: str, order: tuple[str, ...]) -> pd.DataFrame:
    """Rows in the domain's order of `column` (unknown codes last)."""
    position = {code: i for i, code in enumerate(order)}
    return frame.sort_values(column, key=lambda s: s.map(lambda c: position.get(c, len(order))), kind="stable")


@reads("high_value_thresholds", "revisit_cadences", "stage_targets", "complaint_targets")
def settings_in_force(conn: Connection, scope: Scope, *, day: dt.date) -> dict[str, Any]:
    """threshold (amount and effective_from of the one in force, or None), thresholds (every dated value,
    newest first), cadences (grade, days), stage_targets (grade, stage, target_hours) and complaint_targets
    (severity, response_hours, resolution_hours), each with the effective_from of the row in force."""
    history = select(THRESHOLDS.c.effective_from, THRESHOLDS.c.amount).order_by(
        THRESHOLDS.c.effective_from.desc(), THRESHOLDS.c.id.desc()
    )
    thresholds = pd.DataFrame(conn.execute(history).all(), columns=["effective_from", "amount"])
    thresholds["amount"] = pd.to_numeric(thresholds["amount"].astype(object)).astype("float64")
    current = thresholds[pd.to_datetime(thresholds["effective_from"]) <= pd.Timestamp(day)]
    threshold = None if current.empty else current.iloc[0].to_dict()  # at most a few dozen rows
    cadences = _in_force(conn, CADENCES, ["service_grade"], ["days"], day)
    stages = _in_force(conn, STAGE_TARGETS, ["service_grade", "stage"], ["target_hours"], day)
    stages = _in_order(_in_order(stages, "stage", (*STAGES, "closed")), "service_grade", GRADES)
    complaints = _in_force(conn, COMPLAINT_TARGETS, ["severity"], ["response_hours", "resolution_hours"], day)
    return {
        "threshold": threshold,
        "thresholds": thresholds,
        "cadences": _in_order(cadences, "service_grade", GRADES).reset_index(drop=True),
        "stage_targets": stages.reset_index(drop=True),
        "complaint_targets": _in_order(complaints, "severity", COMPLAINT_SEVERITIES[::-1]).reset_index(drop=True),
    }
