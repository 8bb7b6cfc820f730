"""Chart builders of the order-flow page: pure Altair, no Streamlit, never cached.

Frames come from lib/queries/order_flow.py with domain codes. `stages` (and `grades`,
`buckets`) map codes to the labels to show, in flow order, so that a chart keeps that order in
either language; `titles` holds the translated axis and tooltip titles, keyed: stage, grade,
orders, intervals, week, day, age, region, rate, ended, on_time, overdue, median, p90, target,
hours.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import pandas as pd

HOUR = 3600
DAY = 86_400
TARGET_COLOUR = "#c0392b"
P90_COLOUR = "#2c3e50"
OVERDUE_COLOUR = "#c0392b"
MISSING_COLOUR = "#eeeeee"

Labels = Mapping[str, str]


def readable_duration(seconds: float, *, hours: str, days: str) -> str:
    """A duration in hours below two days and in days from two days on, e.g. "5.3 h" or "4.5 d"."""
    if pd.isna(seconds):
        return "–"
    if seconds < 2 * DAY:
        return f"{seconds / HOUR:,.1f} {hours}"
    return f"{seconds / DAY:,.1f} {days}"


def _labelled(df: pd.DataFrame, column: str, labels: Labels) -> pd.DataFrame:
    """`df` with `<column>_label` (the label of each code) and `<column>_rank` (its position in `labels`)."""
    rank = {code: i for i, code in enumerate(labels)}
    return df.assign(**{f"{column}_label": df[column].map(labels), f"{column}_rank": df[column].map(rank)})


def _colour(field: str, title: str, labels: Labels) -> alt.Color:
    order = list(labels.values())
    return alt.Color(f"{field}:N", title=title, sort=order, scale=alt.Scale(domain=order))


def throughput_chart(df: pd.DataFrame, *, stages: Labels, titles: Labels) -> alt.Chart:
    """Lines with points: stage intervals ended per week (week, stage, intervals), one line per stage."""
    return (
        alt.Chart(_labelled(df, "stage", stages))
        .mark_line(point=True)
        .encode(
            x=alt.X("week:T", title=titles["week"], axis=alt.Axis(format="%Y-%m-%d", labelAngle=0)),
            y=alt.Y("intervals:Q", title=titles["intervals"]),
            color=_colour("stage_label", titles["stage"], stages),
            tooltip=[
                alt.Tooltip("week:T", title=titles["week"], format="%Y-%m-%d"),
                alt.Tooltip("stage_label:N", title=titles["stage"]),
                alt.Tooltip("intervals:Q", title=titles["intervals"], format=","),
            ],
        )
        .properties(height=280)
    )


def time_in_stage_chart(
    df: pd.DataFrame, *, stages: Labels, grades: Labels, titles: Labels, units: Mapping[str, str]
) -> alt.FacetChart:
    """One panel per stage, each with its own scale in hours: per grade a bar for the median, a dark tick for
    P90 and a red tick for the target.

    `df` has stage, service_grade, intervals, median_seconds, p90_seconds, target_seconds. Targets
    differ a hundredfold between stages (hours in received, days in provisioning), hence the
    separate scales; tooltips show each duration readably (`units`: the words for hours and days).
    """
    data = _labelled(_labelled(df, "stage", stages), "service_grade", grades)
    for name in ("median", "p90", "target"):
        data[f"{name}_hours"] = data[f"{name}_seconds"] / HOUR
        data[f"{name}_text"] = data[f"{name}_seconds"].map(lambda s: readable_duration(s, **units))
    tooltip = [
        alt.Tooltip("stage_label:N", title=titles["stage"]),
        alt.Tooltip("service_grade_label:N", title=titles["grade"]),
        alt.Tooltip("intervals:Q", title=titles["ended"], format=","),
        *[alt.Tooltip(f"{name}_text:N", title=titles[name]) for name in ("median", "p90", "target")],
    ]
    grade_order = [label for code, label in grades.items() if code in set(df["service_grade"])]
    base = alt.Chart().encode(
        x=alt.X("service_grade_label:N", title=None, sort=grade_order, axis=None), tooltip=tooltip
    )
    bars = base.mark_bar().encode(
        y=alt.Y("median_hours:Q", title=titles["hours"]),
        color=alt.Color("service_grade_label:N", title=titles["grade"], sort=grade_order),
    )
    p90 = base.mark_tick(color=P90_COLOUR, thickness=2).encode(y="p90_hours:Q")
    target = base.mark_tick(color=TARGET_COLOUR, thickness=3).encode(y="target_hours:Q")
    return (
        alt.layer(bars, p90, target, data=data)
        .properties(width=90, height=240)
        .facet(column=alt.Column("stage_label:N", title=None, sort=list(stages.values())))
        .resolve_scale(y="independent")
    )


def wip_chart(df: pd.DataFrame, *, stages: Labels, titles: Labels) -> alt.Chart:
    """Horizontal bars: orders in each stage at one moment (stage, orders), in flow order from the top."""
    return (
        alt.Chart(_labelled(df, "stage", stages))
        .mark_bar()
        .encode(
            y=alt.Y("stage_label:N", title=None, sort=list(stages.values()), axis=alt.Axis(labelLimit=200)),
            x=alt.X("orders:Q", title=titles["orders"]),
            tooltip=[
                alt.Tooltip("stage_label:N", title=titles["stage"]),
                alt.Tooltip("orders:Q", title=titles["orders"], format=","),
            ],
        )
        .properties(height=alt.Step(36))
    )


def aging_chart(df: pd.DataFrame, *, stages: Labels, buckets: Labels, titles: Labels) -> alt.Chart:
    """Stacked bars: open orders per age bucket (stage, bucket, orders), split by the stage they are in."""
    data = _labelled(_labelled(df, "stage", stages), "bucket", buckets)
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("bucket_label:N", title=titles["age"], sort=list(buckets.values()), axis=alt.Axis(labelAngle=-35)),
            y=alt.Y("orders:Q", title=titles["orders"], stack="zero"),
            color=_colour("stage_label", titles["stage"], stages),
            order=alt.Order("stage_rank:Q"),
            tooltip=[
                alt.Tooltip("bucket_label:N", title=titles["age"]),
                alt.Tooltip("stage_label:N", title=titles["stage"]),
                alt.Tooltip("orders:Q", title=titles["orders"], format=","),
            ],
        )
        .properties(height=260)
    )


def cumulative_flow_chart(df: pd.DataFrame, *, stages: Labels, titles: Labels) -> alt.LayerChart:
    """Stacked areas of orders per stage per day (day, stage, orders), the first stage on top, with a hover rule
    whose tooltip lists every stage on that day."""
    data = _labelled(df, "stage", stages)
    day = alt.Tooltip("day:T", title=titles["day"], format="%Y-%m-%d")
    base = alt.Chart(data).encode(x=alt.X("day:T", title=titles["day"], axis=alt.Axis(format="%Y-%m-%d")))
    areas = base.mark_area(opacity=0.85).encode(
        y=alt.Y("orders:Q", title=titles["orders"], stack="zero"),
        color=_colour("stage_label", titles["stage"], stages),
        order=alt.Order("stage_rank:Q", sort="descending"),
        tooltip=[day, alt.Tooltip("stage_label:N", title=titles["stage"]), alt.Tooltip("orders:Q", format=",")],
    )
    hover = alt.selection_point(name="cfd_day", fields=["day"], nearest=True, on="pointerover", empty=False)
    per_stage = [alt.Tooltip(f"{code}:Q", title=label, format=",") for code, label in stages.items()]
    rule = (
        base.transform_pivot("stage", value="orders", groupby=["day"])
        .mark_rule(color="#555555")
        .encode(opacity=alt.condition(hover, alt.value(0.6), alt.value(0)), tooltip=[day, *per_stage])
        .add_params(hover)
    )
    return alt.layer(areas, rule).properties(height=320)


def scorecard_chart(df: pd.DataFrame, *, stages: Labels, region: str, titles: Labels) -> alt.HConcatChart:
    """Heatmap of the on-time rate per region x stage, with the rate and the count in each cell, and the
    intervals overdue now per region in bars beside it.

    `df` has stage, ended, on_time, on_time_rate (NaN when nothing ended), overdue_now, region_en and
    the column `region` naming the region to show; regions are listed in the order of region_en.
    """
    data = _labelled(df, "stage", stages).assign(region=df[region])
    rated = data["on_time_rate"].dropna()
    low = float(min(rated.min(), 0.8)) if len(rated) else 0.0
    rate_text = data["on_time_rate"].map(lambda r: "–" if pd.isna(r) else f"{r:.0%}")
    data["label"] = rate_text + "\n" + data["ended"].map(lambda n: f"n={n:,}")
    dark = data["on_time_rate"].map(lambda r: not pd.isna(r) and (r - low) / max(1 - low, 1e-9) < 0.2)
    data["ink"] = dark.map({True: "white", False: "black"})
    regions = data.sort_values("region_en")["region"].drop_duplicates().tolist()
    tooltip = [
        alt.Tooltip("region:N", title=titles["region"]),
        alt.Tooltip("stage_label:N", title=titles["stage"]),
        alt.Tooltip("on_time_rate:Q", title=titles["rate"], format=".1%"),
        alt.Tooltip("on_time:Q", title=titles["on_time"], format=","),
        alt.Tooltip("ended:Q", title=titles["ended"], format=","),
        alt.Tooltip("overdue_now:Q", title=titles["overdue"], format=","),
    ]
    base = alt.Chart(data).encode(
        x=alt.X(
            "stage_label:N",
            title=None,
            sort=list(stages.values()),
            axis=alt.Axis(orient="top", labelAngle=0, labelLimit=200),
        ),
        y=alt.Y("region:N", title=None, sort=regions),
        tooltip=tooltip,
    )
    scale = alt.Scale(scheme="redyellowgreen", domain=[low, 1])
    rate = alt.Color("on_time_rate:Q", title=titles["rate"], scale=scale, legend=alt.Legend(format=".0%"))
    cells = base.mark_rect(stroke="white").encode(
        color=alt.condition("isValid(datum.on_time_rate)", rate, alt.value(MISSING_COLOUR))
    )
    ink = alt.condition("datum.ink == 'white'", alt.value("white"), alt.value("black"))
    text = base.mark_text(lineBreak="\n", fontSize=10, dy=-6).encode(text="label:N", color=ink)
    heat = alt.layer(cells, text).properties(height=alt.Step(34), width=alt.Step(120))
    overdue = data.groupby("region", as_index=False)["overdue_now"].sum()
    bars = (
        alt.Chart(overdue)
        .mark_bar(color=OVERDUE_COLOUR)
        .encode(
            x=alt.X("overdue_now:Q", title=titles["overdue"], axis=alt.Axis(orient="top", format="d", tickMinStep=1)),
            y=alt.Y("region:N", title=None, sort=regions, axis=alt.Axis(labels=False, ticks=False)),
            tooltip=[
                alt.Tooltip("region:N", title=titles["region"]),
                alt.Tooltip("overdue_now:Q", title=titles["overdue"], format=","),
            ],
        )
        .properties(height=alt.Step(34), width=140)
    )
    return alt.hconcat(heat, bars, spacing=8)
