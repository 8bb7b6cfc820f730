"""Charts of the Tiers & overlaps page: the UpSet of the four categories, distributions, conversion.

Pure builders: (DataFrame, *, texts) -> Altair chart; the page passes translated names and titles.
"""

from __future__ import annotations

from typing import Optional

import altair as alt
import pandas as pd

from lib.charts import PALETTE
from lib.domain import CATEGORIES, categories_of

PICK = "pick"  # the point selection on the intersection (or category) code, read by the page
VIEWS = ("upset_bars", "upset_dots", "upset_sizes")  # the clickable views
SINGLE_COLOUR, PREMIUM_COLOUR, EMPTY_COLOUR = PALETTE[0], PALETTE[1], "#dcdcdc"
AXIS_WIDTH = 120  # the same left axis width above and below, so the bars sit over their dots
STEP = 34
ROW = 24


def combo_code(mask: int) -> str:
    """The stable code of an exclusive intersection: its mask number (the URL's `combo`)."""
    return str(int(mask))


def _text(value: Optional[float], pattern: str) -> str:
    return "–" if value is None or pd.isna(value) else pattern.format(value)


def upset_chart(
    df: pd.DataFrame,
    *,
    category_names: dict[str, str],
    group_names: dict[bool, str],
    titles: dict[str, str],
    selected: Optional[str] = None,
) -> alt.VConcatChart:
    """An UpSet plot of the exclusive intersections in `df` (columns of lib.queries.tiers.intersections).

    Bars on top (largest first, premium intersections in their own colour), the membership dots
    below joined by a line, and the set sizes of the four categories at the right. A click on a bar,
    a dot or a set-size bar sets the point selection PICK on the field `combo` (a mask number, or a
    category code for the set-size bars). `selected` (such a code) is drawn at full strength, the
    rest faded.
    titles: accounts, intersection, categories, revenue, satisfaction, on_time, group, set_size.
    """
    bars = _bar_rows(df, category_names, group_names, selected)
    data = pd.concat([bars, _cell_rows(bars, category_names), _size_rows(bars, category_names, selected)])
    names = [category_names[c] for c in CATEGORIES]
    x = alt.X("combo:N", sort=bars["combo"].tolist(), axis=None, scale=alt.Scale(paddingInner=0.25))
    y = alt.Y(
        "category_name:N",
        sort=names,
        title=None,
        axis=alt.Axis(minExtent=AXIS_WIDTH, maxExtent=AXIS_WIDTH, domain=False, ticks=False),
    )
    opacity = alt.Opacity("strength:Q", scale=None, legend=None)
    tooltip = [
        alt.Tooltip("label:N", title=titles["intersection"]),
        alt.Tooltip("accounts:Q", title=titles["accounts"], format=","),
        alt.Tooltip("revenue_text:N", title=titles["revenue"]),
        alt.Tooltip("index_text:N", title=titles["satisfaction"]),
        alt.Tooltip("on_time_text:N", title=titles["on_time"]),
        alt.Tooltip("group:N", title=titles["group"]),
    ]
    # One data set for all views, each filtering its part.
    part = {name: alt.Chart().transform_filter(alt.datum.part == name) for name in ("bar", "cell", "member", "size")}
    top = alt.layer(
        part["bar"]
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("accounts:Q", title=titles["accounts"], axis=alt.Axis(minExtent=AXIS_WIDTH, maxExtent=AXIS_WIDTH)),
            color=alt.Color(
                "group:N",
                title=titles["group"],
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=[group_names[False], group_names[True]], range=[SINGLE_COLOUR, PREMIUM_COLOUR]),
            ),
            opacity=opacity,
            tooltip=tooltip,
        )
        .properties(name=VIEWS[0]),
        part["bar"]
        .mark_text(dy=-7, fontSize=11)
        .encode(x=x, y="accounts:Q", text=alt.Text("accounts:Q", format=","), opacity=opacity, tooltip=tooltip),
    ).properties(width=alt.Step(STEP), height=220)
    matrix = alt.layer(
        part["member"]
        .mark_line(strokeWidth=2, color="#555")
        .encode(x=x, y=y, detail="combo:N", order=alt.Order("category_order:Q"), opacity=opacity, tooltip=tooltip),
        # Colours given directly (scale=None), so that the dots stay out of the bars' colour legend.
        part["cell"]
        .mark_circle(size=150)
        .encode(x=x, y=y, opacity=opacity, tooltip=tooltip, color=alt.Color("fill:N", scale=None, legend=None))
        .properties(name=VIEWS[1]),
    ).properties(width=alt.Step(STEP), height=alt.Step(ROW))
    sizes = (
        part["size"]
        .mark_bar(color=SINGLE_COLOUR)
        .encode(
            x=alt.X("accounts:Q", title=titles["set_size"], axis=alt.Axis(format=",d", tickCount=3)),
            y=alt.Y("category_name:N", sort=names, axis=None),
            opacity=opacity,
            tooltip=[
                alt.Tooltip("category_name:N", title=titles["categories"]),
                alt.Tooltip("accounts:Q", title=titles["set_size"], format=","),
            ],
        )
        .properties(name=VIEWS[2], width=140, height=alt.Step(ROW))
    )
    chart = alt.vconcat(top, alt.hconcat(matrix, sizes, spacing=8), spacing=4)
    # The selection and the data are attached last, once, at the top: composing views that carry their own
    # copies is several times slower (Altair copies and validates them at every level).
    chart.params = [
        alt.TopLevelSelectionParameter(
            name=PICK,
            select=alt.PointSelectionConfig(type="point", fields=["combo"], on="click", clear="dblclick"),
            # Altair renames layered views when composing them, so take the names from the composed chart.
            views=[chart.vconcat[0].layer[0].name, chart.vconcat[1].hconcat[0].layer[1].name, VIEWS[2]],
        )
    ]
    chart.data = data
    return chart


def _bar_rows(
    df: pd.DataFrame, category_names: dict[str, str], group_names: dict[bool, str], selected: Optional[str]
) -> pd.DataFrame:
    """One row per intersection, largest first, with its tooltip texts and drawing strength."""
    frame = df.assign(
        part="bar",
        combo=df["mask"].map(combo_code),
        label=df["mask"].map(lambda m: " + ".join(category_names[c] for c in categories_of(m))),
        group=df["premium"].map(group_names),
        revenue_text=df["revenue"].map(lambda v: _text(v, "¥{:,.0f}")),
        index_text=df["satisfaction_index"].map(lambda v: _text(v, "{:.1f}")),
        on_time_text=df["on_time_rate"].map(lambda v: _text(v, "{:.1%}")),
    ).sort_values(["accounts", "degree", "mask"], ascending=[False, True, True])
    frame["strength"] = [_strength(selected, c, m) for c, m in zip(frame["combo"], frame["mask"], strict=True)]
    return frame[
        [
            "part",
            "combo",
            "mask",
            "label",
            "group",
            "premium",
            "accounts",
            "revenue_text",
            "index_text",
            "on_time_text",
            "strength",
        ]
    ]


def _cell_rows(bars: pd.DataFrame, category_names: dict[str, str]) -> pd.DataFrame:
    """The dot matrix: a row per intersection and category; the member cells again for the joining line."""
    cells = bars.merge(pd.DataFrame({"category": CATEGORIES}), how="cross")
    member = pd.Series([c in categories_of(m) for m, c in zip(cells["mask"], cells["category"], strict=True)])
    cells["part"] = "cell"
    cells["category_name"] = cells["category"].map(category_names)
    cells["category_order"] = cells["category"].map(CATEGORIES.index)  # draws each line top to bottom
    cells["fill"] = [
        EMPTY_COLOUR if not m else PREMIUM_COLOUR if p else SINGLE_COLOUR
        for m, p in zip(member, cells["premium"], strict=True)
    ]
    return pd.concat([cells, cells[member.to_numpy()].assign(part="member")], ignore_index=True)


def _size_rows(bars: pd.DataFrame, category_names: dict[str, str], selected: Optional[str]) -> pd.DataFrame:
    """The size of each category (the sum of the intersections holding it), clickable like the bars."""
    sizes = [
        int(bars.loc[bars["mask"].map(lambda m, c=c: c in categories_of(m)), "accounts"].sum()) for c in CATEGORIES
    ]
    return pd.DataFrame(
        {
            "part": "size",
            "combo": list(CATEGORIES),
            "category_name": [category_names[c] for c in CATEGORIES],
            "accounts": sizes,
            "strength": [1.0 if not selected or selected == c else 0.3 for c in CATEGORIES],
        }
    )


def _strength(selected: Optional[str], code: str, mask: int) -> float:
    if not selected or selected == code:
        return 1.0
    if not selected.isdigit() and selected in categories_of(mask):  # a category: its intersections
        return 1.0
    return 0.3


def distribution_chart(df: pd.DataFrame, *, group_names: dict[bool, str], titles: dict[str, str]) -> alt.Chart:
    """Stacked horizontal bars of key accounts per `name`, premium and other, largest total first.

    df columns: name, premium (bool), accounts. titles: name, accounts, group.
    """
    frame = df.assign(group=df["premium"].map(group_names))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort="-x", title=None, axis=alt.Axis(labelLimit=160)),
            x=alt.X("sum(accounts):Q", title=titles["accounts"], stack="zero"),
            color=alt.Color(
                "group:N",
                title=titles["group"],
                scale=alt.Scale(domain=[group_names[False], group_names[True]], range=[SINGLE_COLOUR, PREMIUM_COLOUR]),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("premium:N", sort="descending"),
            tooltip=[
                alt.Tooltip("name:N", title=titles["name"]),
                alt.Tooltip("group:N", title=titles["group"]),
                alt.Tooltip("accounts:Q", title=titles["accounts"], format=","),
            ],
        )
        .properties(height=alt.Step(24))  # room for every label with the app's larger axis font
    )


def conversion_chart(df: pd.DataFrame, *, titles: dict[str, str]) -> alt.Chart:
    """Bars of the monthly conversion rate of potential accounts, with the counts in the tooltip.

    df columns: month (text, e.g. 2026-03), potential, converted, rate. titles: month, rate, potential,
    converted.
    """
    return (
        alt.Chart(df.dropna(subset=["rate"]))
        .mark_bar(color=PALETTE[2])
        .encode(
            x=alt.X("month:O", title=titles["month"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("rate:Q", title=titles["rate"], axis=alt.Axis(format="%")),
            tooltip=[
                alt.Tooltip("month:O", title=titles["month"]),
                alt.Tooltip("potential:Q", title=titles["potential"], format=","),
                alt.Tooltip("converted:Q", title=titles["converted"], format=","),
                alt.Tooltip("rate:Q", title=titles["rate"], format=".1%"),
            ],
        )
        .properties(height=240)
    )


def membership_chart(
    df: pd.DataFrame, thresholds: pd.DataFrame, *, measures: dict[str, str], titles: dict[str, str]
) -> alt.LayerChart:
    """Lines of accounts per month for each measure, with a dashed rule where a threshold took effect.

    df columns: month and one column per key of `measures` (code -> legend text). thresholds columns:
    effective_from, label (the text at the rule). titles: month, accounts, measure, threshold.
    """
    long = df.melt(id_vars="month", value_vars=list(measures), var_name="code", value_name="accounts")
    long["measure"] = long["code"].map(measures)
    long["month"] = pd.to_datetime(long["month"])
    lines = (
        alt.Chart(long)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title=titles["month"], axis=alt.Axis(format="%Y-%m")),
            y=alt.Y("accounts:Q", title=titles["accounts"]),
            color=alt.Color(
                "measure:N", title=titles["measure"], sort=list(measures.values()), legend=alt.Legend(orient="top")
            ),
            tooltip=[
                alt.Tooltip("month:T", title=titles["month"], format="%Y-%m-%d"),
                alt.Tooltip("measure:N", title=titles["measure"]),
                alt.Tooltip("accounts:Q", title=titles["accounts"], format=","),
            ],
        )
    )
    marks = thresholds.assign(effective_from=pd.to_datetime(thresholds["effective_from"]))
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeDash=[4, 4], color=PALETTE[5])
        .encode(x="effective_from:T", tooltip=[alt.Tooltip("label:N", title=titles["threshold"])])
    )
    texts = (
        alt.Chart(marks)
        .mark_text(align="left", dx=4, dy=-6, color=PALETTE[5])
        .encode(x="effective_from:T", y=alt.value(8), text="label:N")
    )
    return alt.layer(lines, rules, texts).properties(height=260)
