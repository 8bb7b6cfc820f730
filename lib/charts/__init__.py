"""Pure Altair chart builders (no Streamlit, never cached) and the one registered theme."""

from __future__ import annotations

import altair as alt
import pandas as pd

THEME = "kam"
PALETTE = ["#1f5fa8", "#e07b39", "#3a9e6f", "#8e5cb8", "#c0392b", "#7f8c8d"]


@alt.theme.register(THEME, enable=True)
def kam_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', 'Noto Sans CJK SC', 'PingFang SC', sans-serif",
            "range": {"category": PALETTE},
            "bar": {"color": PALETTE[0]},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "grid": False},
            "title": {"fontSize": 14, "anchor": "start"},
            "view": {"stroke": None},
        }
    }


def count_bar_chart(
    df: pd.DataFrame, *, label: str, value: str, title: str, label_title: str, value_title: str
) -> alt.Chart:
    """Horizontal bars of `value` per `label`, largest first, with tooltips."""
    return (
        alt.Chart(df, title=title)
        .mark_bar()
        .encode(
            x=alt.X(f"{value}:Q", title=None),
            y=alt.Y(f"{label}:N", title=None, sort="-x"),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=label_title),
                alt.Tooltip(f"{value}:Q", title=value_title, format=","),
            ],
        )
        .properties(height=alt.Step(28))
    )
