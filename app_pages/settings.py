"""Settings (administrators): the high-value threshold, revisit cadences, stage targets and complaint targets.

Every change is a dated row kept with who made it and when; the tables under each form show them all.
"""

import datetime as dt

import pandas as pd
import streamlit as st

import ui
from lib import cache
from lib.commands import settings as commands
from lib.domain import (
    COMPLAINT_SEVERITIES,
    DEFAULT_COMPLAINT_TARGET_HOURS,
    DEFAULT_REVISIT_CADENCE_DAYS,
    DEFAULT_STAGE_TARGET_HOURS,
    GRADES,
    STAGES,
)
from lib.periods import add_months
from lib.queries import definitions
from lib.queries import settings as queries

user = ui.current_user()
today = dt.date.today()
# A threshold change re-derives memberships, so every read of categories is refreshed.
THRESHOLD_TABLES = ("high_value_thresholds", "designations", "accounts")

st.title(ui.tr("settings.title"))
st.caption(ui.tr("settings.caption"))
ui.show_notice()
in_force = cache.read(definitions.settings_in_force, user.scope, day=today)
history = cache.read(queries.settings_history, user.scope)
TITLES = {
    "effective_from": "settings.field.effective_from",
    "amount": "settings.field.amount",
    "service_grade": "col.grade",
    "days": "settings.field.days",
    "stage": "settings.col.stage",
    "target_hours": "settings.field.target_hours",
    "severity": "settings.col.severity",
    "response_hours": "settings.field.response_hours",
    "resolution_hours": "settings.field.resolution_hours",
    "set_by": "settings.set_by",
    "set_at": "settings.set_at",
}
LABELS = {"service_grade": "grade", "stage": "stage", "severity": "severity"}


def history_table(kind: str) -> None:
    """Every value of this kind ever set, newest first, with who and when."""
    st.markdown(f"**{ui.tr('settings.history')}**")
    frame = history[kind].copy()
    if frame.empty:
        st.info(ui.tr("settings.no_history"), icon=":material/info:")
        return
    for column, kind_of_label in LABELS.items():
        if column in frame:
            frame[column] = frame[column].map(lambda code, k=kind_of_label: ui.label(k, code))
    frame["set_by"] = frame["set_by"].fillna(ui.tr("settings.initial"))
    frame = frame.rename(columns={c: ui.tr(TITLES[c]) for c in frame.columns})
    st.dataframe(frame, hide_index=True, width="stretch")
    ui.download_csv(frame, f"{kind}_history.csv", key=f"download_{kind}")


def effective_field(errors: dict[str, str], key: str, default: dt.date, help_key: str) -> dt.date:
    value = st.date_input(
        ui.tr("settings.field.effective_from"), value=default, key=f"effective_{key}", help=ui.tr(help_key)
    )
    ui.field_error(errors, "effective_from")
    return value


def number(label: str, value: float, errors: dict[str, str], field: str, key: str, step: float | int = 1.0):
    entered = st.number_input(label, value=value, step=step, key=f"{field}_{key}")
    ui.field_error(errors, field)
    return entered


def saved(count: int) -> str:
    return ui.tr("settings.saved", n=count)


def in_force_value(frame: pd.DataFrame, keys: dict[str, str], column: str, default: float) -> float:
    match = frame.loc[(frame[list(keys)] == pd.Series(keys)).all(axis=1), column] if not frame.empty else []
    return float(match.iloc[0]) if len(match) else float(default)


threshold_tab, cadence_tab, stage_tab, complaint_tab = st.tabs(
    [ui.tr(f"settings.tab.{t}") for t in ("threshold", "cadence", "stages", "complaints")]
)

with threshold_tab:
    current = in_force["threshold"]
    if current is not None:
        st.metric(ui.tr("settings.threshold_now"), f"¥{current['amount']:,.0f}", help=ui.metric_help("high_value"))
        st.caption(ui.tr("settings.in_force_since", day=f"{current['effective_from']:%Y-%m-%d}"))
    key, errors = ui.form_state("threshold")
    with st.form(f"threshold_{key}", enter_to_submit=False):
        amount_now = current["amount"] if current is not None else 3000.0
        amount = number(ui.tr("settings.field.amount"), float(amount_now), errors, "amount", key, step=100.0)
        effective = effective_field(errors, key, add_months(today.replace(day=1), 1), "settings.threshold_help")
        submitted = st.form_submit_button(ui.tr("settings.save"), type="primary", icon=":material/save:")
    if submitted:
        notice = lambda result: ui.tr("settings.threshold_saved", n=result.accounts_changed)  # noqa: E731
        ui.save_form(
            "threshold", commands.set_threshold, tables=THRESHOLD_TABLES, notice=notice,
            amount=amount, effective_from=effective,
        )  # fmt: skip
    history_table("thresholds")

with cadence_tab:
    key, errors = ui.form_state("cadence")
    with st.form(f"cadence_{key}", enter_to_submit=False):
        days = {}
        for grade, column in zip(GRADES, st.columns(len(GRADES)), strict=True):
            with column:
                now = in_force_value(
                    in_force["cadences"], {"service_grade": grade}, "days", DEFAULT_REVISIT_CADENCE_DAYS[grade]
                )
                days[grade] = number(ui.label("grade", grade), int(now), errors, f"days.{grade}", key, step=1)
        effective = effective_field(errors, key, today, "settings.target_help")
        submitted = st.form_submit_button(ui.tr("settings.save"), type="primary", icon=":material/save:")
    if submitted:
        ui.save_form(
            "cadence", commands.set_cadences, tables=("revisit_cadences",), notice=saved,
            days=days, effective_from=effective,
        )  # fmt: skip
    history_table("cadences")

with stage_tab:
    key, errors = ui.form_state("stages")
    with st.form(f"stages_{key}", enter_to_submit=False):
        hours = {}
        for grade in GRADES:
            st.markdown(f"**{ui.label('grade', grade)}**")
            for stage, column in zip(STAGES, st.columns(len(STAGES)), strict=True):
                with column:
                    now = in_force_value(
                        in_force["stage_targets"], {"service_grade": grade, "stage": stage}, "target_hours",
                        DEFAULT_STAGE_TARGET_HOURS[grade][stage],
                    )  # fmt: skip
                    field = f"hours.{grade}.{stage}"
                    hours[(grade, stage)] = number(ui.label("stage", stage), now, errors, field, key)
        effective = effective_field(errors, key, today, "settings.target_help")
        submitted = st.form_submit_button(ui.tr("settings.save"), type="primary", icon=":material/save:")
    if submitted:
        ui.save_form(
            "stages", commands.set_stage_targets, tables=("stage_targets",), notice=saved,
            hours=hours, effective_from=effective,
        )  # fmt: skip
    history_table("stage_targets")

with complaint_tab:
    key, errors = ui.form_state("complaints")
    with st.form(f"complaints_{key}", enter_to_submit=False):
        targets = {}
        for severity in COMPLAINT_SEVERITIES[::-1]:
            name, response, resolution = st.columns([1, 2, 2], vertical_alignment="center")
            name.markdown(f"**{ui.label('severity', severity)}**")
            frame, default = in_force["complaint_targets"], DEFAULT_COMPLAINT_TARGET_HOURS[severity]
            now = [in_force_value(frame, {"severity": severity}, f"{kind}_hours", default[i])
                   for i, kind in enumerate(("response", "resolution"))]  # fmt: skip
            with response:
                first = number(ui.tr("settings.field.response_hours"), now[0], errors, f"response.{severity}", key)
            with resolution:
                last = number(ui.tr("settings.field.resolution_hours"), now[1], errors, f"resolution.{severity}", key)
            targets[severity] = (first, last)
        effective = effective_field(errors, key, today, "settings.target_help")
        submitted = st.form_submit_button(ui.tr("settings.save"), type="primary", icon=":material/save:")
    if submitted:
        ui.save_form(
            "complaints", commands.set_complaint_targets, tables=("complaint_targets",), notice=saved,
            targets=targets, effective_from=effective,
        )  # fmt: skip
    history_table("complaint_targets")
