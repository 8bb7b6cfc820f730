"""Definitions: every metric's name and definition, grouped and searchable, and the settings they refer to."""

import datetime as dt

import streamlit as st

import ui
from lib import cache
from lib.messages.definitions import METRIC_GROUPS
from lib.queries import definitions

today = dt.date.today()

st.title(ui.tr("page.definitions"))
st.caption(ui.tr("definitions.caption"))
search = st.text_input(
    ui.tr("definitions.search"), key="q", bind="query-params", max_chars=80, icon=":material/search:"
)
words = search.casefold().split()


def matches(metric: str) -> bool:
    """Every word of the search appears in the metric's name or definition (as shown), or in its code."""
    text = " ".join((ui.tr(f"metric.{metric}"), ui.tr(f"metric.{metric}.def"), metric.replace("_", " "))).casefold()
    return all(word in text for word in words)


total = sum(len(metrics) for metrics in METRIC_GROUPS.values())
shown = {group: [m for m in metrics if matches(m)] for group, metrics in METRIC_GROUPS.items()}
count = sum(len(metrics) for metrics in shown.values())
if words:
    st.caption(ui.tr("definitions.count", n=count, total=total))
if not count:
    st.info(ui.tr("definitions.no_match"), icon=":material/search_off:")
for group, metrics in shown.items():
    if not metrics:
        continue
    st.subheader(ui.tr(f"definitions.group.{group}"))
    for metric in metrics:  # the catalogue's own text, so markdown is safe here
        st.markdown(f"**{ui.tr(f'metric.{metric}')}**  \n{ui.tr(f'metric.{metric}.def')}")

# The settings the definitions refer to, as stored (administrators change them on the Admin page).
settings = cache.read(definitions.settings_in_force, ui.current_user().scope, day=today)
st.header(ui.tr("definitions.settings_title"), divider="gray")
st.caption(ui.tr("definitions.settings_caption", date=today.isoformat()))
since = st.column_config.DateColumn(ui.tr("definitions.col.effective_from"))


def settings_table(frame, name: str, columns: dict | None = None) -> None:
    """A settings table (all its columns unless `columns` picks and titles some) with its CSV download."""
    if frame.empty:
        st.info(ui.tr("definitions.not_set"), icon=":material/info:")
        return
    shown = frame[list(columns)] if columns else frame
    st.dataframe(shown, hide_index=True, width="content", column_config=columns)
    ui.download_csv(shown, f"{name}.csv", key=f"download_{name}")


left, right = st.columns(2)
with left:
    threshold = settings["threshold"]
    st.metric(
        ui.tr("definitions.threshold"),
        f"¥{threshold['amount']:,.0f}" if threshold else ui.tr("definitions.no_threshold"),
        help=ui.tr("definitions.threshold_help"),
        border=True,
    )
    if threshold:
        st.caption(ui.tr("definitions.threshold_since", date=f"{threshold['effective_from']}"))
    st.markdown(f"**{ui.tr('definitions.threshold_history')}**")
    settings_table(
        settings["thresholds"],
        "high_value_thresholds",
        {
            "effective_from": since,
            "amount": st.column_config.NumberColumn(ui.tr("definitions.col.amount"), format="¥%,.0f"),
        },
    )
with right:
    st.markdown(f"**{ui.tr('definitions.cadence_title')}**")
    cadences = settings["cadences"]
    settings_table(
        cadences.assign(service_grade=cadences["service_grade"].map(lambda g: ui.label("grade", g))),
        "revisit_cadences",
        {
            "service_grade": ui.tr("col.grade"),
            "days": st.column_config.NumberColumn(ui.tr("definitions.col.days")),
            "effective_from": since,
        },
    )
    st.markdown(f"**{ui.tr('definitions.complaint_targets_title')}**")
    targets = settings["complaint_targets"]
    settings_table(
        targets.assign(severity=targets["severity"].map(lambda s: ui.label("severity", s))),
        "complaint_targets",
        {
            "severity": ui.tr("definitions.col.severity"),
            "response_hours": ui.tr("definitions.col.response"),
            "resolution_hours": ui.tr("definitions.col.resolution"),
            "effective_from": since,
        },
    )

st.markdown(f"**{ui.tr('definitions.stage_targets_title')}**")
stages = settings["stage_targets"]
grid = stages.assign(
    stage=stages["stage"].map(lambda s: ui.label("stage", s)),
    grade=stages["service_grade"].map(lambda g: ui.label("grade", g)),
)
grid = grid.pivot(index="stage", columns="grade", values="target_hours").reindex(
    index=list(dict.fromkeys(grid["stage"])), columns=list(dict.fromkeys(grid["grade"]))
)
settings_table(grid.rename_axis(index=ui.tr("definitions.col.stage"), columns=None).reset_index(), "stage_targets")
