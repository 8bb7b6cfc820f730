"""Tiers & overlaps: category sizes, the UpSet of the four categories (click to list the accounts),
where the key accounts are, a high-value threshold what-if and the potential key accounts."""

import pandas as pd
import streamlit as st

import ui
from lib import cache
from lib.charts import tiers as charts
from lib.domain import CATEGORIES, POTENTIAL_SHARE_OF_THRESHOLD, categories_of
from lib.queries import overview, tiers

MAX_ROWS, TOP_MANAGERS = 500, 20
COMBO_KEY, CHART_KEY, ALL = "combo", "upset_chart", "all"
WHERE = {"province": "col.province", "city": "col.city", "manager": "col.manager"}
ACCOUNT_TABLE = {
    "code": "col.code",
    "name": "col.name",
    "categories": "col.categories",
    **WHERE,
    "spend": "tiers.spend",
}
POTENTIAL_TABLE = {
    "code": "col.code",
    "name": "col.name",
    "industry": "col.industry",
    **WHERE,
    "avg_spend_3m": "col.avg_spend",
    "share_of_threshold": "tiers.share",
}
WHAT_IF_TABLE = {
    "measure": "tiers.measure",
    "now": "tiers.now",
    "what_if": "tiers.what_if",
    "enter": "tiers.enter",
    "leave": "tiers.leave",
}
CONVERSION_TITLES = {
    "month": "tiers.month",
    "rate": "tiers.rate",
    "potential": "tiers.potential_start",
    "converted": "tiers.converted_n",
}
WORKLOAD_TABLE = {"manager": "col.manager", "now": "tiers.now", "what_if": "tiers.what_if", "change": "tiers.change"}
UPSET_TITLES = {
    "accounts": "tiers.accounts",
    "intersection": "tiers.intersection",
    "categories": "col.category",
    "revenue": "tiers.revenue",
    "satisfaction": "tiers.satisfaction",
    "on_time": "tiers.on_time",
    "group": "tiers.kind",
    "set_size": "tiers.set_size",
}


def chart_picked(chart_key: str) -> None:
    """A click on the UpSet chooses the intersection (or category) in the list, and so in the URL.

    An empty selection is ignored: the chart can report one as it first draws, and acting on it
    would drop the intersection a copied link asked for. The list's first choice clears.
    """
    picked = st.session_state[chart_key]["selection"].get(charts.PICK) or []
    code = str(picked[0].get("combo")) if isinstance(picked, list) and picked else ""
    if code in CATEGORIES or code.isdigit():
        st.session_state[COMBO_KEY] = code


def headers(keys: dict[str, str]) -> dict[str, str]:
    """Column (or chart field) -> its translated title, from message keys."""
    return {column: ui.tr(key) for column, key in keys.items()}


def localised(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Each `x` of `columns` taken from `x_zh` or `x_en`, in the session's language."""
    suffix = "zh" if ui.lang() == "zh" else "en"
    return frame.assign(**{c: frame[f"{c}_{suffix}"] for c in columns})


def card(label: str, value: str, help_text: str, delta=None, note: str | None = None) -> None:
    """A bordered KPI card; `note` says what the delta compares with."""
    st.metric(label, value, delta=delta, help=help_text, border=True, delta_description=note)


def show_table(
    frame: pd.DataFrame, columns: dict[str, str], file_name: str, money: str = "", percent: str = ""
) -> None:
    """The `columns` of `frame` under their translated headers (`money` in yuan, `percent` as a share), and a
    CSV download of them."""
    frame, config = frame[list(columns)], headers(columns)
    if money:
        config[money] = st.column_config.NumberColumn(config[money], format="¥%,.0f")
    if percent:
        config[percent] = st.column_config.NumberColumn(config[percent], format="percent")
    st.dataframe(frame, hide_index=True, width="stretch", column_config=config)
    ui.download_csv(frame, file_name, key=f"download_{file_name}")


def combo_label(code: str) -> str:
    """The list's text for a code: all, a category or an intersection, with its accounts (page globals)."""
    if code == ALL:
        return ui.tr("tiers.combo_all")
    if code in CATEGORIES:
        return ui.tr("tiers.combo_category", category=names[code], n=counts[code])
    return ui.tr("tiers.combo_option", label=labels[code], n=counts[code])


user = ui.current_user()
as_of = ui.data_as_of()
st.title(ui.tr("page.tiers"))
period = ui.period_filter(as_of)
scope = ui.region_filter(user.scope)
previous, day = period.previous(), period.last_day
compared = ui.tr("filter.comparison", start=previous.start.isoformat(), end=previous.last_day.isoformat())
st.caption(ui.tr("tiers.scope", scope=ui.scope_name(scope), date=as_of.isoformat()) + " · " + compared)
st.caption(ui.tr("tiers.rule", day=day.isoformat()))
names = {c: ui.label("category", c) for c in CATEGORIES}
kinds = {False: ui.tr("tiers.single"), True: ui.label("category", "premium")}

# Category sizes at the end of the period, against the end of the previous one.
st.subheader(ui.tr("tiers.sizes_title", day=day.isoformat()))
now = overview.summarise_categories(cache.read(overview.category_combinations, scope, day=day))
before = overview.summarise_categories(cache.read(overview.category_combinations, scope, day=previous.last_day))
cards = {
    "key_accounts": (ui.tr("metric.key_accounts"), ui.metric_help("key_accounts")),
    "premium": (ui.tr("metric.premium"), ui.metric_help("premium")),
    **{c: (names[c], ui.metric_help("category_size")) for c in CATEGORIES},
}
with st.container(horizontal=True):
    for key, (title, help_text) in cards.items():
        card(title, ui.number(now[key]), help_text, now[key] - before[key], ui.tr("tiers.vs_previous"))

# The UpSet of the 15 exclusive intersections; a click, or the list, filters the accounts under it.
st.subheader(ui.tr("tiers.upset_title"), help=ui.metric_help("exclusive_intersection"))
inter = cache.read(tiers.intersections, scope, period=period)
inter = inter.sort_values(["accounts", "degree", "mask"], ascending=[False, True, True])
labels = {charts.combo_code(m): " + ".join(names[c] for c in categories_of(m)) for m in inter["mask"]}
counts = {**now, **{charts.combo_code(m): n for m, n in zip(inter["mask"], inter["accounts"], strict=True)}}
with st.container(horizontal=True):
    options = [ALL, *CATEGORIES, *labels]
    picked = ui.url_choice(st.selectbox, ui.tr("tiers.combo"), options, key=COMBO_KEY, format_func=combo_label)
    categories = ui.category_filter()
combo = "" if picked == ALL else picked
if not now["key_accounts"]:
    st.info(ui.tr("tiers.upset_empty"), icon=":material/info:")
else:
    st.caption(ui.tr("tiers.upset_caption"))
    titles = headers(UPSET_TITLES)
    upset = charts.upset_chart(inter, category_names=names, group_names=kinds, titles=titles, selected=combo or None)
    # A new key per choice starts the chart without a selection, so that any next click is a change.
    chart_key = f"{CHART_KEY}_{picked}"
    ui.altair_chart(
        upset, on_select=lambda: chart_picked(chart_key), key=chart_key, selection_mode=charts.PICK, width="content"
    )
    ui.download_csv(inter.assign(categories=inter["mask"].map(labels)), "intersections.csv", key="download_inter")

filters = {"combo": combo, "categories": categories}
rows, total = cache.read(tiers.intersection_accounts, scope, period=period, limit=MAX_ROWS, **filters)
shown = " " + ui.tr("tiers.truncated", shown=len(rows), n=total) if total > len(rows) else ""
st.caption(ui.tr("tiers.category_note") + " " + ui.tr("tiers.accounts_count", n=total) + shown)
if rows.empty:
    st.info(ui.tr("tiers.accounts_empty"), icon=":material/info:")
else:
    rows = localised(rows, "province", "city")
    rows["categories"] = rows["mask"].map(lambda m: ", ".join(names[c] for c in categories_of(m)))
    show_table(rows, ACCOUNT_TABLE, "tier_accounts.csv", money="spend")

# Where the key accounts are: by region one level below the scope, and by industry.
st.subheader(ui.tr("tiers.dist_title"))
by = {"national": "province", "province": "city"}.get(scope.level, "manager")
for column, grouping in zip(st.columns(2), (by, "industry"), strict=True):
    with column:
        st.markdown(f"**{ui.tr(f'tiers.by_{grouping}')}**")
        dist = cache.read(tiers.key_account_distribution, scope, day=day, by=grouping, categories=categories)
        if dist.empty:
            st.info(ui.tr("tiers.dist_empty"), icon=":material/info:")
            continue
        dist = localised(dist, "name")
        dist["name"] = (
            dist["key"].map(lambda c: ui.label("industry", c))
            if grouping == "industry"
            else dist["name"].fillna(ui.tr("tiers.no_manager"))
        )
        texts = headers({"name": f"tiers.by_{grouping}", "accounts": "tiers.accounts", "group": "tiers.kind"})
        ui.altair_chart(charts.distribution_chart(dist, group_names=kinds, titles=texts), width="stretch")
        ui.download_csv(
            dist.assign(premium=dist["premium"].map(kinds))[["name", "premium", "accounts"]],
            f"key_accounts_by_{grouping}.csv",
            key=f"download_{grouping}",
        )

# How the portfolio moved month by month, with the threshold changes that moved it.
st.subheader(ui.tr("tiers.over_time_title"), help=ui.metric_help("high_value"))
moved = cache.read(tiers.membership_over_time, scope, day=day)
changes = moved["thresholds"].assign(label=lambda f: f["amount"].map(lambda a: f"¥{a:,.0f}"))
if changes.empty:
    st.caption(ui.tr("tiers.over_time_caption"))
else:
    pairs = zip(changes["effective_from"], changes["label"], strict=True)
    listed = ", ".join(f"{d:%Y-%m-%d} → {label}" for d, label in pairs)
    st.caption(ui.tr("tiers.over_time_caption") + " " + ui.tr("tiers.threshold_changes", changes=listed))
if not moved["months"][["key_accounts", "high_value"]].to_numpy().any():
    st.info(ui.tr("tiers.over_time_empty"), icon=":material/info:")
else:
    lines = {
        "key_accounts": ui.tr("tiers.key_accounts"),
        "premium": ui.tr("metric.premium"),
        "high_value": names["high_value"],
    }
    texts = headers(
        {
            "month": "tiers.month",
            "accounts": "tiers.accounts",
            "measure": "tiers.measure",
            "threshold": "tiers.threshold_in_force",
        }
    )
    ui.altair_chart(charts.membership_chart(moved["months"], changes, measures=lines, titles=texts), width="stretch")
    ui.download_csv(moved["months"], "key_accounts_over_time.csv", key="download_over_time")

# Threshold what-if: the same rule at the threshold in force and at the chosen one.
st.subheader(ui.tr("tiers.whatif_title"), help=ui.metric_help("high_value"))
current = cache.read(tiers.threshold_in_force, scope, day=day)
st.caption(ui.tr("tiers.whatif_caption", day=day.isoformat(), current=current))
default = min(max(int(round(current, -2)), 1000), 10000)
threshold = st.slider(
    ui.tr("tiers.threshold"),
    1000,
    10000,
    value=default,
    step=100,
    key="threshold",
    bind="query-params",
    format="¥%d",
    help=ui.tr("tiers.threshold_help"),
)
what_if = cache.read(tiers.threshold_what_if, scope, period=period, threshold=float(threshold))
measures = {
    "high_value": (names["high_value"], "high_value"),
    "premium": (ui.tr("metric.premium"), "premium"),
    "key_accounts": (ui.tr("tiers.key_accounts"), "exclusive_intersection"),
}
if not what_if["key_accounts_now"] + what_if["key_accounts_what_if"]:
    st.info(ui.tr("tiers.whatif_empty"), icon=":material/info:")
else:
    with st.container(horizontal=True):
        for key, (measure, metric) in measures.items():
            new, old = what_if[f"{key}_what_if"], what_if[f"{key}_now"]
            title = ui.tr("tiers.at_threshold", measure=measure, threshold=threshold)
            card(title, ui.number(new), ui.metric_help(metric), new - old, ui.tr("tiers.vs_now"))
    parts = ("now", "what_if", "enter", "leave")
    moves = pd.DataFrame(
        [(m, *(what_if[f"{k}_{p}"] for p in parts)) for k, (m, _) in measures.items()], columns=["measure", *parts]
    )
    show_table(moves, WHAT_IF_TABLE, "threshold_what_if.csv")

    st.markdown(f"**{ui.tr('tiers.workload_title')}**")
    managers, load = cache.read(
        tiers.manager_workload, scope, period=period, threshold=float(threshold), limit=TOP_MANAGERS
    )
    if managers.empty:
        st.info(ui.tr("tiers.workload_empty"), icon=":material/info:")
    else:
        st.caption(ui.tr("tiers.workload_caption", managers=load["managers"], top=TOP_MANAGERS))
        with st.container(horizontal=True):
            for stat, digits in (("mean", 1), ("max", 0)):
                new, old = load[f"{stat}_what_if"], load[f"{stat}_now"]
                card(
                    ui.tr(f"tiers.{stat}_load"),
                    ui.number(new, digits),
                    ui.tr(f"tiers.{stat}_load_help"),
                    round(new - old, digits),
                    ui.tr("tiers.vs_now"),
                )
        show_table(managers, WORKLOAD_TABLE, "manager_workload.csv")

# Potential key accounts at the end of the period, and how they converted month by month.
st.subheader(ui.tr("tiers.potential_title"), help=ui.metric_help("potential"))
potential, potential_total, cut_from = cache.read(tiers.potential_accounts, scope, period=period, limit=MAX_ROWS)
conversion = cache.read(tiers.potential_conversion, scope, period=period)
cut = cut_from * POTENTIAL_SHARE_OF_THRESHOLD
st.caption(ui.tr("tiers.potential_caption", day=day.isoformat(), threshold=cut_from, cut=cut))
rate = "–" if conversion["rate"] is None else f"{conversion['rate']:.1%}"
with st.container(horizontal=True):
    card(
        ui.tr("tiers.potential_now"),
        ui.number(potential_total),
        ui.metric_help("potential"),
        potential_total - conversion["potential"],
        ui.tr("tiers.vs_start"),
    )
    card(ui.tr("metric.potential_conversion"), rate, ui.metric_help("potential_conversion"))
    card(
        ui.tr("tiers.converted"),
        ui.number(conversion["converted"]),
        ui.tr("tiers.converted_help", n=conversion["potential"]),
    )
monthly = cache.read(tiers.potential_conversion_by_month, scope, period=period)
monthly = monthly.assign(month=monthly["start"].map(lambda d: d.strftime("%Y-%m")))
st.markdown(f"**{ui.tr('tiers.conversion_chart')}**")
st.caption(ui.tr("tiers.conversion_caption"))
if monthly["rate"].isna().all():
    st.info(ui.tr("tiers.conversion_empty"), icon=":material/info:")
else:
    texts = headers(CONVERSION_TITLES)
    ui.altair_chart(charts.conversion_chart(monthly, titles=texts), width="stretch")
    ui.download_csv(
        monthly[["month", "potential", "converted", "rate"]], "potential_conversion.csv", key="download_conversion"
    )
if potential.empty:
    st.info(ui.tr("tiers.potential_empty"), icon=":material/info:")
else:
    potential = localised(potential, "province", "city")
    potential["industry"] = potential["industry"].map(lambda c: ui.label("industry", c))
    st.caption(ui.tr("tiers.accounts_count", n=potential_total))
    show_table(potential, POTENTIAL_TABLE, "potential_accounts.csv", money="avg_spend_3m", percent="share_of_threshold")
