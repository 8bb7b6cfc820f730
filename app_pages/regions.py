"""Regions: drill from the provinces to cities, account managers and accounts, with a tile map of the provinces."""

from functools import partial

import streamlit as st

import ui
from lib import cache
from lib.charts import regions as charts
from lib.province_grid import tile_label, tile_positions
from lib.queries import regions

# Per measure: the chart's d3 format and the table's printf format (the table shows the rate in per cent).
FORMATS = {
    "key_accounts": (",.0f", "%d"),
    "premium": (",.0f", "%d"),
    "satisfaction": (".1f", "%.1f"),
    "yoy_points": ("+.2f", "%+.2f"),
    "on_time_rate": (".1%", "%.1f%%"),
    "open_complaints": (",.0f", "%d"),
    "spend": (",.0f", "¥%,.0f"),
}
HELP = {
    "premium": "metric.premium.def",
    "satisfaction": "metric.satisfaction_index.def",
    "yoy_points": "metric.yoy_change.def",
    "on_time_rate": "metric.on_time_rate.def",
}
SCHEMES = {"open_complaints": "orangered", "yoy_points": "redblue"}
TABLE_COLUMNS = (
    "region key_accounts premium satisfaction yoy_points surveys on_time_rate ended_intervals open_complaints spend"
).split()

user = ui.current_user()
as_of = ui.data_as_of()
lang = ui.lang()
name_column = "name_zh" if lang == "zh" else "name_en"


def kpi_label(kpi: str) -> str:
    return ui.tr(f"regions.kpi.{kpi}")


def pick(chart_key: str, state_key: str) -> None:
    """A click on a chart picks a region: store its code where the pickers read it (before they run)."""
    picked = st.session_state[chart_key]["selection"].get(charts.PICK) or []
    if picked and picked[0].get("code") is not None:
        st.session_state[state_key] = str(picked[0]["code"])


def show(chart, *, key: str, pick_into: str | None) -> None:
    """A chart; with `pick_into`, a click on a mark picks that region (a fresh key per region forgets old clicks)."""
    if pick_into is None:
        ui.altair_chart(chart, width="stretch")
    else:
        ui.altair_chart(
            chart, width="stretch", key=key, on_select=partial(pick, key, pick_into), selection_mode=charts.PICK
        )


st.title(ui.tr("page.regions"))
st.caption(
    f"{ui.tr('regions.caption', scope=ui.scope_name(user.scope))} · {ui.tr('app.data_as_of', date=as_of.isoformat())}"
)
with st.container(horizontal=True, vertical_alignment="bottom"):
    period = ui.period_filter(as_of)
    kpi = ui.url_choice(st.selectbox, ui.tr("regions.kpi"), list(regions.KPIS), key="kpi", format_func=kpi_label)
scope = ui.region_filter(user.scope)
units = ui.org_units().set_index("id")
manager_id, managers = None, None
if scope.level == "city":
    managers = cache.read(regions.manager_kpis, scope, period=period)
    real = managers[managers["key"] != regions.UNASSIGNED]
    names = dict(zip(real["key"].astype(str), real["name_en"], strict=True))
    choice = ui.url_choice(
        st.selectbox,
        ui.tr("regions.manager"),
        ["", *names],  # "": all managers (None would show as an empty picker)
        key="manager",
        format_func=lambda k: names.get(k, ui.tr("filter.all")),
    )
    manager_id = int(choice) if choice else None
else:
    st.query_params.pop("manager", None)

if scope.level == "none":
    st.info(ui.tr("regions.empty"), icon=":material/info:")
    st.stop()
value_title, value_format = kpi_label(kpi), FORMATS[kpi][0]

# The map: every province for the nation (click to drill), or the user's own province outlined.
provinces = cache.read(regions.province_kpis, user.scope, period=period)
picked_province = units.at[scope.province_id, "code"] if scope.province_id is not None else None
tiles = tile_positions().merge(units.loc[units["level"] == "province", ["code", "name_en", "name_zh"]], on="code")
tiles = tiles.merge(provinces[["code", kpi]], on="code", how="left").assign(
    name=lambda f: f[name_column],
    label=lambda f: [tile_label(en, zh, lang) for en, zh in zip(f["name_en"], f["name_zh"], strict=True)],
    highlight=lambda f: f["code"].eq(picked_province),
)
st.subheader(ui.tr("regions.map_title", kpi=value_title))
st.caption(
    f"{ui.tr(HELP.get(kpi, f'regions.kpi.{kpi}.help'))} "
    f"{ui.tr('regions.map_caption' if user.scope.is_national else 'regions.map_caption_scoped')}"
)
tile_map = charts.province_tile_map(
    tiles,
    value=kpi,
    value_title=value_title,
    name_title=ui.tr("filter.province"),
    value_format=value_format,
    missing=ui.tr("regions.no_value") if user.scope.is_national else "",
    scheme=SCHEMES.get(kpi, "blues"),
    diverging=kpi == "yoy_points",
    selectable=user.scope.is_national,
)
show(
    tile_map,
    key=f"province_map_{picked_province}",
    pick_into="province" if user.scope.is_national else None,
)

# The level below the chosen region: ranking bars (click to drill further) and the table behind them.
if manager_id is not None:
    level, rows = "account", cache.read(regions.account_kpis, scope, period=period, manager_id=manager_id)
    title = ui.tr("regions.level.account", manager=ui.plain(names[str(manager_id)]))
elif scope.level == "city":
    level, rows = "manager", managers
    title = ui.tr("regions.level.manager", region=units.at[scope.city_id, name_column])
elif scope.level == "province":
    level, rows = "city", cache.read(regions.city_kpis, scope, period=period)
    title = ui.tr("regions.level.city", region=units.at[scope.province_id, name_column])
else:
    level, rows, title = "province", provinces, ui.tr("regions.level.province")
st.subheader(title)
if rows.empty:
    st.info(ui.tr("regions.empty"), icon=":material/info:")
    st.stop()

rows = rows.assign(
    region=rows[name_column].fillna(ui.tr("regions.unassigned")),
    code=rows["key"].astype(str) if level == "manager" else rows["code"],
)
pick_into = {"province": "province", "city": "city", "manager": "manager"}.get(level)
if rows[kpi].notna().any():
    bars = charts.region_bar_chart(
        rows.assign(name=rows["region"]),
        value=kpi,
        value_title=value_title,
        name_title=ui.tr("regions.col.region"),
        value_format=value_format,
        selectable=pick_into is not None,
    )
    show(bars, key=f"bars_{level}_{scope.province_id}_{scope.city_id}", pick_into=pick_into)
    if pick_into:
        st.caption(ui.tr("regions.bar_caption"))
else:
    st.info(ui.tr("regions.no_values", kpi=value_title), icon=":material/info:")

table = rows[TABLE_COLUMNS + (["code"] if level == "account" else [])]
shown = table.assign(on_time_rate=table["on_time_rate"] * 100)  # the download keeps the rate as a fraction
column_config = {
    "region": ui.tr("regions.col.region"),
    **{k: st.column_config.NumberColumn(kpi_label(k), format=f) for k, (_, f) in FORMATS.items()},
    "surveys": st.column_config.NumberColumn(ui.tr("regions.col.surveys"), format="%d"),
    "ended_intervals": st.column_config.NumberColumn(ui.tr("regions.col.ended"), format="%d"),
}
if level == "account":
    st.caption(ui.tr("regions.account_caption"))
    column_config["code"] = ui.tr("col.code")
    column_config["link"] = st.column_config.LinkColumn(ui.tr("regions.col.open"), display_text=ui.tr("regions.open"))
    st.dataframe(
        shown.assign(link="account?account=" + table["code"]),
        hide_index=True,
        width="stretch",
        column_config=column_config,
        column_order=["region", "link", "code", *TABLE_COLUMNS[1:]],
    )
else:
    st.dataframe(shown, hide_index=True, width="stretch", column_config=column_config)
ui.download_csv(table, f"regions_{level}.csv", key="download_regions")
