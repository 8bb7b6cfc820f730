"""Account 360 charts: category timeline, spend against the threshold, and an order's stage timeline."""

from __future__ import annotations

import altair as alt
import pandas as pd

from lib.charts import PALETTE

STATUS_COLOURS = {
    "on_time": "#3a9e6f",
    "late": "#c0392b",
    "open": "#1f5fa8",
    "overdue": "#e07b39",
    "no_target": "#7f8c8d",
}
POINT_SHAPES = {"hold": "square", "resume": "triangle-right", "urge": "diamond", "transfer": "cross"}


CATEGORY_TITLES = ("category", "source", "valid_from", "to_text", "set_by")
TIMELINE_TITLES = ("stage", "status", "start", "end", "hours", "target_hours", "kind_label", "note")


def category_timeline(df: pd.DataFrame, *, titles: dict[str, str]) -> alt.Chart:
    """One bar per stretch of category membership, from valid_from to end.

    Columns: category (label), source (label), valid_from, end (valid_to or today), to_text, set_by;
    `titles` names the columns of CATEGORY_TITLES in the tooltips and legend.
    """
    return (
        alt.Chart(df)
        .mark_bar(cornerRadius=3, height=alt.RelativeBandSize(0.6))
        .encode(
            x=alt.X("valid_from:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            x2="end:T",
            y=alt.Y("category:N", title=None, sort=None),
            color=alt.Color("source:N", title=titles["source"], legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("category:N", title=titles["category"]),
                alt.Tooltip("source:N", title=titles["source"]),
                alt.Tooltip("valid_from:T", title=titles["valid_from"], format="%Y-%m-%d"),
                alt.Tooltip("to_text:N", title=titles["to_text"]),
                alt.Tooltip("set_by:N", title=titles["set_by"]),
            ],
        )
        .properties(height=alt.Step(34))
    )


def spend_chart(df: pd.DataFrame, *, labels: dict[str, str], month_title: str, amount_title: str) -> alt.LayerChart:
    """Monthly spend and its 3-month mean as lines, the high-value threshold as a step line.

    Columns: month, amount, avg_3m, threshold; `labels` names the three series (keys: amount, avg_3m,
    threshold) in the legend and tooltips.
    """
    long = df.melt(
        id_vars=["month"], value_vars=["amount", "avg_3m", "threshold"], var_name="series", value_name="value"
    ).dropna(subset=["value"])
    long["series_label"] = long["series"].map(labels)
    order = [labels["amount"], labels["avg_3m"], labels["threshold"]]
    colour = alt.Color(
        "series_label:N",
        title=None,
        sort=order,
        scale=alt.Scale(domain=order, range=[PALETTE[0], PALETTE[2], PALETTE[4]]),
        legend=alt.Legend(orient="bottom"),
    )
    base = alt.Chart(long).encode(
        x=alt.X("month:T", title=month_title, axis=alt.Axis(format="%Y-%m")),
        y=alt.Y("value:Q", title=amount_title, axis=alt.Axis(format=",.0f")),
        color=colour,
        tooltip=[
            alt.Tooltip("month:T", title=month_title, format="%Y-%m"),
            alt.Tooltip("series_label:N", title=None),
            alt.Tooltip("value:Q", title=amount_title, format=",.0f"),
        ],
    )
    dashes = alt.StrokeDash("series_label:N", legend=None, scale=alt.Scale(domain=order[:2], range=[[1, 0], [5, 3]]))
    lines = base.transform_filter(alt.datum.series != "threshold").mark_line(point=True).encode(strokeDash=dashes)
    threshold = base.transform_filter(alt.datum.series == "threshold").mark_line(
        interpolate="step-after", strokeWidth=2
    )
    return alt.layer(threshold, lines).properties(height=300)


def stage_timeline(df: pd.DataFrame, *, stage_order: list[str], titles: dict[str, str]) -> alt.LayerChart:
    """A Gantt-like view of one order: a bar per timed stage interval (the archive stage has none) coloured by
    its status, points for holds, resumes, urges and transfers.

    Columns: kind, stage (label), start, end, hours, target_hours, status (code), status_label,
    kind_label, note. `titles` names the columns of TIMELINE_TITLES in the tooltips and legends.
    """
    intervals = df[(df["kind"] == "enter") & (df["status"] != "closed")]
    points = df[df["kind"] != "enter"]
    y = alt.Y(
        "stage:N", title=None, sort=stage_order, scale=alt.Scale(domain=stage_order), axis=alt.Axis(labelLimit=200)
    )
    x_axis = alt.Axis(format="%m-%d %H:%M", labelOverlap=True, labelAngle=0)
    present = [s for s in STATUS_COLOURS if s in set(intervals["status"])]
    labels = dict(zip(intervals["status"], intervals["status_label"], strict=False))
    bars = (
        alt.Chart(intervals)
        .mark_bar(cornerRadius=3, height=alt.RelativeBandSize(0.6))
        .encode(
            x=alt.X("start:T", title=None, axis=x_axis),
            x2="end:T",
            y=y,
            color=alt.Color(
                "status_label:N",
                title=titles["status"],
                legend=alt.Legend(orient="bottom"),
                scale=alt.Scale(domain=[labels[s] for s in present], range=[STATUS_COLOURS[s] for s in present]),
            ),
            tooltip=[
                alt.Tooltip("stage:N", title=titles["stage"]),
                alt.Tooltip("status_label:N", title=titles["status"]),
                alt.Tooltip("start:T", title=titles["start"], format="%Y-%m-%d %H:%M"),
                alt.Tooltip("end:T", title=titles["end"], format="%Y-%m-%d %H:%M"),
                alt.Tooltip("hours:Q", title=titles["hours"], format=",.1f"),
                alt.Tooltip("target_hours:Q", title=titles["target_hours"], format=",.0f"),
            ],
        )
    )
    marks = (
        alt.Chart(points)
        .mark_point(filled=True, size=90, color="#1b1b1b")
        .encode(
            x=alt.X("start:T"),
            y=y,
            shape=alt.Shape("kind_label:N", title=titles["kind_label"], legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("kind_label:N", title=titles["kind_label"]),
                alt.Tooltip("stage:N", title=titles["stage"]),
                alt.Tooltip("start:T", title=titles["start"], format="%Y-%m-%d %H:%M"),
                alt.Tooltip("note:N", title=titles["note"]),
            ],
        )
    )
    if points.empty:  # no point events: no empty legend for them
        return bars.properties(height=alt.Step(34))
    return (
        alt.layer(bars, marks).resolve_scale(color="independent", shape="independent").properties(height=alt.Step(34))
    )
