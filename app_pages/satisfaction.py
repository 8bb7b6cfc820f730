"""Satisfaction: the index and its year-on-year change in points, and where the change comes from."""

import pandas as pd
import streamlit as st

import ui
from lib import cache
from lib.charts import satisfaction as charts
from lib.domain import categories_of
from lib.queries import satisfaction as sat

MIN_SURVEYS = 5  # a manager is ranked only with at least this many surveys in the period
TOP = 10
ROWS = 200
FORMATS = dict.fromkeys(["index", "index_year_earlier", "mean", "mean_year_earlier", "score"], "{:.1f}")
FORMATS["change_points"] = "{:+.2f}"  # a change in points always shows its sign
YOY = ["index", "index_year_earlier", "change_points", "surveys", "surveys_year_earlier"]
TAB_KEY = "satisfaction_tab"
TAB_NAMES = ("trend", "breakdown", "segments", "verbatims", "follow_up")
KIND_LABELS = {"survey": "survey_source", "revisit": "revisit_channel", "complaint": "complaint_category"}


def column(name: str):
    """The column config of a table column: its title (satisfaction.col.<name>) and kind."""
    title = ui.tr(f"satisfaction.col.{name}")
    if name in FORMATS:  # formatted as text by table(), so that a missing figure reads "–"
        return st.column_config.TextColumn(title, alignment="right")
    if name in ("text", "comment"):
        return st.column_config.TextColumn(title, width="large")  # user text: shown as text, never HTML
    return st.column_config.CheckboxColumn(title) if name == "premium" else title


def table(frame: pd.DataFrame, columns: list[str], name: str) -> None:
    """A table of these columns with its CSV download (numbers as they are); on screen a missing
    figure reads "–", never 0 or None (st.dataframe has no way to show a null otherwise)."""
    shown = frame[columns].copy()
    for number in set(columns) & FORMATS.keys():
        shown[number] = shown[number].map(lambda v, f=FORMATS[number]: "–" if pd.isna(v) else f.format(v))
    st.dataframe(shown, hide_index=True, column_config={c: column(c) for c in columns})
    ui.download_csv(frame[columns], f"{name}.csv", key=f"download_{name}")


def points(value) -> str:
    return "–" if value is None or pd.isna(value) else ui.tr("satisfaction.points", value=value)


user = ui.current_user()
as_of = ui.data_as_of()
name_column = "name_zh" if ui.lang() == "zh" else "name_en"
titles = {key: ui.tr(f"satisfaction.col.{key}") for key in charts.TITLE_KEYS}

st.title(ui.tr("page.satisfaction"))
with st.container(horizontal=True, vertical_alignment="bottom"):
    period = ui.period_filter(as_of)
    categories = ui.category_filter()
scope = ui.region_filter(user.scope)
earlier = period.year_earlier()
where_and_when = f"{ui.tr('overview.scope', scope=ui.scope_name(scope))} · {ui.tr('app.data_as_of', date=as_of)}"
st.caption(f"{where_and_when} · {ui.tr('satisfaction.caption', start=earlier.start, end=earlier.last_day)}")
filters = {"period": period, "categories": categories}

head = cache.read(sat.satisfaction_headline, scope, **filters)
if not head["surveys"]:
    st.info(ui.tr("satisfaction.empty"), icon=":material/info:")
    st.stop()
change = head["change_points"]
with st.container(horizontal=True):
    st.metric(
        ui.tr("metric.satisfaction_index"),
        ui.number(head["index"], 1),
        border=True,
        delta=None if change is None else ui.tr("satisfaction.points_yoy", value=change),
        help=ui.metric_help("satisfaction_index"),
    )
    st.metric(ui.tr("metric.yoy_change"), points(change), help=ui.metric_help("yoy_change"), border=True)
    st.metric(
        ui.tr("satisfaction.csat_label"),
        f"{ui.number(head['csat_pct'], 1)} %",
        help=ui.metric_help("csat"),
        border=True,
    )
    st.metric(ui.tr("metric.nps"), f"{head['nps']:+.1f}", help=ui.metric_help("nps"), border=True)
    st.metric(
        ui.tr("satisfaction.surveys"), ui.number(head["surveys"]), help=ui.tr("satisfaction.surveys_help"), border=True
    )
if change is None:
    st.caption(ui.tr("satisfaction.no_year_earlier"))
else:
    st.caption(
        ui.tr(
            "satisfaction.year_earlier_caption",
            index=head["index_year_earlier"],
            n=head["surveys_year_earlier"],
            growth=head["growth_pct_of_earlier"],
        )
    )
st.caption(ui.tr("satisfaction.nps_caption", promoters=head["promoters_pct"], detractors=head["detractors_pct"]))

# Only the open tab runs its reads; the tab stays open across reruns (it is a widget).
tabs = st.tabs([ui.tr(f"satisfaction.tab_{t}") for t in TAB_NAMES], key=TAB_KEY, on_change="rerun")
with tabs[0]:
    if tabs[0].open:
        st.subheader(ui.tr("satisfaction.trend_title"))
        monthly = cache.read(sat.monthly_index, scope, **filters)
        ui.altair_chart(charts.index_trend_chart(monthly, titles=titles), width="stretch")
        table(monthly.assign(month=monthly["month"].dt.strftime("%Y-%m")), ["month", *YOY], "satisfaction_by_month")
        st.subheader(ui.tr("satisfaction.distribution_title"))
        st.caption(ui.tr("satisfaction.distribution_caption"))
        distribution = cache.read(sat.score_distribution, scope, **filters)
        ui.altair_chart(charts.distribution_chart(distribution, titles=titles), width="stretch")
        ui.download_csv(distribution, "satisfaction_distribution.csv", key="download_distribution")

with tabs[1]:
    if tabs[1].open:
        st.subheader(ui.tr("satisfaction.dimension_title"))
        dimensions = cache.read(sat.dimension_means, scope, **filters)
        dimensions["dimension_label"] = dimensions["dimension"].map(lambda d: ui.label("dimension", d))
        ui.altair_chart(charts.dimension_chart(dimensions, titles=titles), width="stretch")
        table(
            dimensions,
            ["dimension_label", "mean", "mean_year_earlier", "change_points", "responses"],
            "satisfaction_by_dimension",
        )
        st.subheader(ui.tr("satisfaction.region_title"))
        st.caption(ui.tr("satisfaction.region_caption"))
        regions = cache.read(sat.region_index, scope, **filters)
        regions["region"] = regions[name_column]
        fall = sat.largest_fall(regions)
        if fall is None:
            st.success(ui.tr("satisfaction.no_fall"), icon=":material/trending_up:")
        else:
            dimension = fall["dimension"] and ui.label("dimension", fall["dimension"])
            st.info(
                ui.tr(
                    "satisfaction.why" if dimension else "satisfaction.why_no_dimension",
                    region=fall[name_column],
                    change=fall["change_points"],
                    dimension=dimension,
                    dimension_change=fall["dimension_change"],
                ),
                icon=":material/trending_down:",
            )
        if regions["change_points"].notna().any():
            ui.altair_chart(charts.region_change_chart(regions, titles=titles), width="stretch")
        table(regions, ["region", *YOY], "satisfaction_by_region")

with tabs[2]:
    if tabs[2].open:
        st.subheader(ui.tr("satisfaction.category_title"))
        st.caption(ui.tr("satisfaction.category_caption"))
        by_category = cache.read(sat.group_index, scope, min_surveys=MIN_SURVEYS, **filters)
        per_category = by_category["categories"].assign(
            category_label=lambda f: f["category"].map(lambda c: ui.label("category", c))
        )
        if per_category.empty:
            st.info(ui.tr("satisfaction.category_empty"), icon=":material/info:")
        else:
            table(per_category, ["category_label", *YOY], "satisfaction_by_category")
        st.subheader(ui.tr("satisfaction.intersection_title"))
        st.caption(ui.tr("satisfaction.intersection_caption"))
        combos = by_category["intersections"].assign(
            combination=lambda f: f["mask"].map(
                lambda m: (
                    " + ".join(ui.label("category", c) for c in categories_of(m)) or ui.tr("satisfaction.no_category")
                )
            )
        )
        table(combos, ["combination", "premium", *YOY], "satisfaction_by_intersection")
        st.subheader(ui.tr("satisfaction.manager_title"))
        st.caption(ui.tr("satisfaction.manager_caption", n=MIN_SURVEYS))
        managers = by_category["managers"]
        if managers.empty:
            st.info(ui.tr("satisfaction.manager_empty", n=MIN_SURVEYS), icon=":material/info:")
        else:
            for where, end, ranked in zip(
                st.columns(2), ("top", "bottom"), (managers, managers.iloc[::-1]), strict=True
            ):
                with where:
                    st.markdown(f"**{ui.tr(f'satisfaction.manager_{end}')}**")
                    table(ranked.head(TOP), ["manager", *YOY[:4]], f"satisfaction_managers_{end}")

with tabs[3]:
    if tabs[3].open:
        st.subheader(ui.tr("satisfaction.verbatims_title"))
        st.caption(ui.tr("satisfaction.verbatims_caption", n=ROWS))
        search = st.text_input(ui.tr("satisfaction.search"), key="said", bind="query-params", max_chars=80)
        said = cache.read(sat.verbatims, scope, search=search, limit=ROWS, **filters)
        if said.empty:
            st.info(ui.tr("satisfaction.verbatims_empty"), icon=":material/info:")
        else:
            said["kind"] = [ui.label(KIND_LABELS[o], k) for o, k in zip(said["origin"], said["kind"], strict=True)]
            said["origin"] = said["origin"].map(lambda o: ui.tr(f"satisfaction.origin.{o}"))
            table(
                said,
                ["day", "origin", "kind", "account_code", "account_name", "score", "text"],
                "satisfaction_verbatims",
            )

with tabs[4]:
    if tabs[4].open:
        st.subheader(ui.tr("satisfaction.follow_up_title"))
        follow_up = cache.read(sat.low_score_follow_up, scope, limit=ROWS, **filters)
        if not follow_up["low_scores"]:
            st.info(ui.tr("satisfaction.no_low_scores"), icon=":material/info:")
        else:
            with st.container(horizontal=True):
                st.metric(
                    ui.tr("metric.low_score_follow_up"),
                    f"{ui.number(follow_up['rate_pct'], 1)} %",
                    border=True,
                    help=ui.metric_help("low_score_follow_up"),
                )
                st.metric(ui.tr("satisfaction.low_scores"), ui.number(follow_up["low_scores"]), border=True)
                st.metric(ui.tr("satisfaction.followed_up"), ui.number(follow_up["followed_up"]), border=True)
            st.caption(ui.tr("satisfaction.follow_up_caption"))
            missed = follow_up["not_followed"]
            missed["source"] = missed["source"].map(lambda s: ui.label("survey_source", s))
            if missed.empty:
                st.success(ui.tr("satisfaction.all_followed"), icon=":material/task_alt:")
            else:
                st.markdown(f"**{ui.tr('satisfaction.not_followed_title', n=ROWS)}**")
                columns = ["day", "account_code", "account_name", "manager", "score", "source", "comment"]
                table(missed, columns, "satisfaction_not_followed_up")
