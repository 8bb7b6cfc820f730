"""Regions charts: the tile-grid map of the provinces and the ranking bars of a drill level."""

from __future__ import annotations

import json
from typing import Optional

import altair as alt
import pandas as pd

from lib.charts import PALETTE

TILE_WIDTH = 78
TILE_HEIGHT = 58
NO_VALUE = "#e6e6e6"
PICK = "pick"  # the name of the click selection; st.altair_chart(selection_mode=PICK)


def _value_text(value: str, value_format: str, missing: str) -> str:
    """A Vega expression: the value formatted with a d3 format, or `missing` when there is none."""
    return f"isValid(datum['{value}']) ? format(datum['{value}'], {json.dumps(value_format)}) : {json.dumps(missing)}"


def _dark_tiles(values: pd.Series, diverging: bool) -> pd.Series:
    """Tiles whose fill is dark enough to need white text (the upper 40 % of the colour range)."""
    if values.notna().sum() == 0:
        return pd.Series(False, index=values.index)
    if diverging:
        largest = values.abs().max()
        return (values.abs() / largest > 0.6).fillna(False) if largest else pd.Series(False, index=values.index)
    low, high = values.min(), values.max()
    if high == low:
        return pd.Series(False, index=values.index)
    return ((values - low) / (high - low) > 0.6).fillna(False)


def province_tile_map(
    df: pd.DataFrame,
    *,
    value: str,
    value_title: str,
    name_title: str,
    value_format: str,
    missing: str,
    scheme: str = "blues",
    diverging: bool = False,
    selectable: bool = False,
) -> alt.LayerChart:
    """Provinces as tiles on a fixed grid (columns code, label, name, row, col, highlight, `value`).

    Tiles with a value are coloured by it, the others grey; highlighted tiles get a dark outline.
    With `selectable`, a click selects a tile's code (selection parameter PICK).
    """
    dark = _dark_tiles(df[value], diverging)
    data = df.assign(text_colour=dark.map({True: "white", False: "#1b1b1b"})).astype({"highlight": bool})
    base = (
        alt.Chart(data)
        .encode(
            x=alt.X("col:O", axis=None, scale=alt.Scale(paddingInner=0.06)),
            y=alt.Y("row:O", axis=None, scale=alt.Scale(paddingInner=0.08)),
            tooltip=[alt.Tooltip("name:N", title=name_title), alt.Tooltip("value_text:N", title=value_title)],
        )
        .transform_calculate(
            value_text=_value_text(value, value_format, missing), lines="[datum.label, datum.value_text]"
        )
    )
    scale = alt.Scale(scheme=scheme, domainMid=0) if diverging else alt.Scale(scheme=scheme)
    background = base.mark_rect(cornerRadius=4, color=NO_VALUE)
    coloured = (
        base.transform_filter(f"isValid(datum['{value}'])")
        .mark_rect(cornerRadius=4)
        .encode(
            color=alt.Color(
                f"{value}:Q",
                title=value_title,
                scale=scale,
                legend=alt.Legend(orient="bottom", format=value_format, gradientLength=240),
            ),
        )
    )
    # Two lines per tile: the name, then the value.
    text = base.mark_text(fontSize=11, lineHeight=15, dy=-7).encode(
        text=alt.Text("lines:N"), color=alt.Color("text_colour:N", scale=None)
    )
    outline = base.transform_filter("datum.highlight").mark_rect(
        cornerRadius=4, filled=False, stroke="#1b1b1b", strokeWidth=3
    )
    if selectable:  # a click anywhere in the layered view (tile or its text) selects the tile's code
        background = background.add_params(alt.selection_point(name=PICK, fields=["code"], on="click", toggle=False))
    return (
        alt.layer(background, coloured, text, outline)
        .resolve_scale(color="independent")  # the fill scale of the tiles is not the colour of their text
        .properties(width=alt.Step(TILE_WIDTH), height=alt.Step(TILE_HEIGHT))
    )


def region_bar_chart(
    df: pd.DataFrame,
    *,
    value: str,
    value_title: str,
    name_title: str,
    value_format: str,
    highlight: Optional[str] = None,
    selectable: bool = False,
) -> alt.Chart:
    """Horizontal bars of `value` per region row (columns code, name, `value`), largest first.

    Rows without a value are left out (the table lists them). With `selectable`, a click selects a
    bar's code (selection parameter PICK); the `highlight` code is drawn in the accent colour.
    """
    data = df[df[value].notna()]
    data = data.assign(bar_colour=data["code"].eq(highlight).map({True: PALETTE[1], False: PALETTE[0]}))
    chart = (
        alt.Chart(data)
        .mark_bar(cornerRadiusEnd=2)
        .encode(
            x=alt.X(
                f"{value}:Q",
                title=value_title,  # whole-number measures get whole-number ticks
                axis=alt.Axis(format=value_format, tickMinStep=1 if value_format.endswith(".0f") else alt.Undefined),
            ),
            y=alt.Y("name:N", title=None, sort="-x", axis=alt.Axis(labelLimit=220)),
            color=alt.Color("bar_colour:N", scale=None),
            tooltip=[
                alt.Tooltip("name:N", title=name_title),
                alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
            ],
        )
        .properties(height=alt.Step(22))
    )
    if selectable:
        chart = chart.add_params(alt.selection_point(name=PICK, fields=["code"], on="click", toggle=False))
    return chart
