"""Charts of the Satisfaction page: index trend against a year earlier, distribution, dimensions, regions.

Pure builders: (DataFrame, *, titles) -> Altair chart. `titles` holds the translated names the
charts need, keyed by TITLE_KEYS (mostly column names). A missing figure (no surveys a year
earlier) is shown as "–" in tooltips, never as 0.
"""

from __future__ import annotations

from typing import Optional

import altair as alt
import pandas as pd

from lib.charts import PALETTE
from lib.queries.satisfaction import CSAT_MIN, LOW_SCORE_BELOW

NOW_COLOUR, EARLIER_COLOUR = PALETTE[0], "#9aa5b1"
FALL_COLOUR, RISE_COLOUR = PALETTE[4], PALETTE[2]
BANDS = ("low", "middle", "satisfied")  # below 60, 60-79, 80 and above
BAND_COLOURS = (PALETTE[4], "#f0b27a", PALETTE[2])
TITLE_KEYS = (
    "month", "index", "index_year_earlier", "mean", "change_points", "surveys", "dimension_label", "region", "now",
    "earlier", "series", "score_bin", "share_pct", "band", "band_low", "band_middle", "band_satisfied",
)  # fmt: skip


def _text(value: Optional[float], pattern: str) -> str:
    return "–" if value is None or pd.isna(value) else pattern.format(value)


def points_text(value: Optional[float]) -> str:
    """A change in points for a tooltip: "+0.68", or "–" when there is nothing to compare with."""
    return _text(value, "{:+.2f}")


def _series_colour(titles: dict[str, str]) -> alt.Color:
    order = [titles["now"], titles["earlier"]]
    return alt.Color(
        "series:N",
        title=titles["series"],
        sort=order,
        legend=alt.Legend(orient="top"),
        scale=alt.Scale(domain=order, range=[NOW_COLOUR, EARLIER_COLOUR]),
    )


def index_trend_chart(df: pd.DataFrame, *, titles: dict[str, str]) -> alt.Chart:
    """Two lines per month (columns of lib.queries.satisfaction.monthly_index): the period and a year
    earlier, each point with the month's change in points in its tooltip."""
    base = df.assign(change_text=df["change_points"].map(points_text))
    now = base.assign(series=titles["now"], value=base["index"], n=base["surveys"])
    earlier = base.assign(series=titles["earlier"], value=base["index_year_earlier"], n=base["surveys_year_earlier"])
    frame = pd.concat([now, earlier], ignore_index=True).dropna(subset=["value"])
    frame["value_text"] = frame["value"].map(lambda v: _text(v, "{:.1f}"))
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("yearmonth(month):T", title=titles["month"]),
            y=alt.Y("value:Q", title=titles["index"], scale=alt.Scale(zero=False)),
            color=_series_colour(titles),
            strokeDash=alt.StrokeDash("series:N", sort=[titles["now"], titles["earlier"]], legend=None),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=titles["month"]),
                alt.Tooltip("series:N", title=titles["series"]),
                alt.Tooltip("value_text:N", title=titles["index"]),
                alt.Tooltip("change_text:N", title=titles["change_points"]),
                alt.Tooltip("n:Q", title=titles["surveys"], format=","),
            ],
        )
        .properties(height=280)
    )


def score_band(bin_start: int) -> str:
    """low, middle or satisfied: where a 5-point bin lies against the low-score and CSAT cuts."""
    if bin_start < LOW_SCORE_BELOW:
        return "low"
    return "middle" if bin_start < CSAT_MIN else "satisfied"


def distribution_chart(df: pd.DataFrame, *, titles: dict[str, str]) -> alt.Chart:
    """Bars of surveys per 5-point bin (columns of score_distribution), coloured by band."""
    frame = df.assign(
        band=df["bin_start"].map(lambda b: titles[f"band_{score_band(b)}"]),
        range=[f"{a}–{b}" for a, b in zip(df["bin_start"], df["bin_end"], strict=True)],
    )
    domain = [titles[f"band_{b}"] for b in BANDS]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "bin_start:Q",
                bin="binned",
                title=titles["score_bin"],
                scale=alt.Scale(domain=[0, 100]),
                axis=alt.Axis(values=list(range(0, 101, 10))),
            ),
            x2="bin_end:Q",
            y=alt.Y("surveys:Q", title=titles["surveys"]),
            color=alt.Color(
                "band:N",
                title=titles["band"],
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=domain, range=list(BAND_COLOURS)),
            ),
            tooltip=[
                alt.Tooltip("range:N", title=titles["score_bin"]),
                alt.Tooltip("surveys:Q", title=titles["surveys"], format=","),
                alt.Tooltip("share_pct:Q", title=titles["share_pct"], format=".1f"),
                alt.Tooltip("band:N", title=titles["band"]),
            ],
        )
        .properties(height=260)
    )


def dimension_chart(df: pd.DataFrame, *, titles: dict[str, str]) -> alt.LayerChart:
    """A dumbbell per dimension: the mean a year earlier and now, joined by a bar.

    Columns of lib.queries.satisfaction.dimension_means plus dimension_label.
    """
    base = df.assign(
        change_text=df["change_points"].map(points_text),
        now_text=df["mean"].map(lambda v: _text(v, "{:.1f}")),
        earlier_text=df["mean_year_earlier"].map(lambda v: _text(v, "{:.1f}")),
    )
    tooltip = [
        alt.Tooltip("dimension_label:N", title=titles["dimension_label"]),
        alt.Tooltip("now_text:N", title=titles["now"]),
        alt.Tooltip("earlier_text:N", title=titles["earlier"]),
        alt.Tooltip("change_text:N", title=titles["change_points"]),
    ]
    y = alt.Y("dimension_label:N", title=None, sort=None, axis=alt.Axis(labelLimit=220))
    rule = (
        alt.Chart(base.dropna(subset=["mean", "mean_year_earlier"]))
        .mark_rule(color="#bbbbbb", strokeWidth=3)
        .encode(x="mean_year_earlier:Q", x2="mean:Q", y=y, tooltip=tooltip)
    )
    points = pd.concat(
        [
            base.assign(series=titles["now"], value=base["mean"]),
            base.assign(series=titles["earlier"], value=base["mean_year_earlier"]),
        ],
        ignore_index=True,
    ).dropna(subset=["value"])
    dots = (
        alt.Chart(points)
        .mark_circle(size=120, opacity=1)
        .encode(
            x=alt.X("value:Q", title=titles["mean"], scale=alt.Scale(zero=False)),
            y=y,
            color=_series_colour(titles),
            tooltip=tooltip,
        )
    )
    return alt.layer(rule, dots).properties(height=alt.Step(34))


def region_change_chart(df: pd.DataFrame, *, titles: dict[str, str]) -> alt.Chart:
    """Bars of the change in points per region, in the given order (largest fall first), falls in red.

    Regions without a year-earlier figure are left out. Columns: region, index, index_year_earlier,
    change_points, surveys.
    """
    frame = df.dropna(subset=["change_points"]).assign(
        direction=lambda f: f["change_points"].map(lambda v: "fell" if v < 0 else "rose"),
        change_text=lambda f: f["change_points"].map(points_text),
    )
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("change_points:Q", title=titles["change_points"]),
            y=alt.Y("region:N", title=None, sort=frame["region"].tolist()),
            color=alt.Color(
                "direction:N", legend=None, scale=alt.Scale(domain=["fell", "rose"], range=[FALL_COLOUR, RISE_COLOUR])
            ),
            tooltip=[
                alt.Tooltip("region:N", title=titles["region"]),
                alt.Tooltip("index:Q", title=titles["index"], format=".1f"),
                alt.Tooltip("index_year_earlier:Q", title=titles["index_year_earlier"], format=".1f"),
                alt.Tooltip("change_text:N", title=titles["change_points"]),
                alt.Tooltip("surveys:Q", title=titles["surveys"], format=","),
            ],
        )
        .properties(height=alt.Step(20))
    )
