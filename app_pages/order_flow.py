"""Order flow: throughput, time in stage, work in progress, cumulative flow, aging, on-time scorecard, at risk."""

import datetime as dt

import streamlit as st

import ui
from lib import cache
from lib.charts import order_flow as charts
from lib.domain import GRADES, STAGES
from lib.queries import order_flow as flow

# Column and axis titles, each the message "order_flow.t.<name>"; the charts and the tables share them.
TITLES = """stage grade service_grade orders intervals week day age region rate ended on_time overdue overdue_now median
    p90 target hours order_code account_name account_code entered_at elapsed_h target_h over_target_h on_time_rate
    on_time_share share_of_target province city""".split()
PERCENT_COLUMNS = ("on_time_rate", "on_time_share", "share_of_target")
RISK_COLUMNS = """order_code account_name account_code stage service_grade entered_at elapsed_h target_h over_target_h
    share_of_target province city""".split()


def show(chart, frame, name: str, width: str = "stretch") -> None:
    """A chart, and the CSV of the frame it shows."""
    ui.altair_chart(chart, width=width)
    ui.download_csv(frame, f"{name}.csv", key=f"download_{name}")


def empty(key: str, **values) -> None:
    st.info(ui.tr(key, **values), icon=":material/info:")


user = ui.current_user()
as_of = ui.data_as_of()
st.title(ui.tr("page.order_flow"))
st.caption(ui.tr("order_flow.caption", scope=ui.scope_name(user.scope), date=as_of.isoformat()))
period = ui.period_filter(as_of)
scope = ui.region_filter(user.scope)
titles = {name: ui.tr(f"order_flow.t.{name}") for name in TITLES}
stages = {s: ui.label("stage", s) for s in STAGES}
grades = {g: ui.label("grade", g) for g in GRADES}
grade_names = {"all": ui.tr("filter.all")} | grades
with st.container(horizontal=True):
    categories = ui.category_filter()
    grade = ui.url_choice(st.selectbox, titles["grade"], list(grade_names), key="grade", format_func=grade_names.get)
end = dt.datetime.combine(period.end, dt.time())
st.caption(ui.tr("order_flow.at_end", moment=f"{end:%Y-%m-%d %H:%M}"))
filters = {"categories": categories, "grade": None if grade == "all" else grade}
lang = ui.lang()
percent = {name: st.column_config.NumberColumn(titles[name], format="percent") for name in PERCENT_COLUMNS}
entered = st.column_config.DatetimeColumn(titles["entered_at"], format="YYYY-MM-DD HH:mm")
columns = titles | percent | {"entered_at": entered}

scorecard = cache.read(flow.on_time_scorecard, scope, period=period, **filters)
wip = cache.read(flow.work_in_progress, scope, moment=end, **filters)
at_risk, at_risk_total = cache.read(flow.orders_at_risk, scope, moment=end, **filters)
ended = int(scorecard["ended"].sum())
rate = ui.tr("order_flow.percent", value=100 * scorecard["on_time"].sum() / ended) if ended else "–"
rate_help = f"{ui.metric_help('on_time_rate')} {ui.tr('order_flow.kpi_ended', n=ended)}"
overdue = ui.number(scorecard["overdue_now"].sum())
with st.container(horizontal=True):
    st.metric(titles["rate"], rate, help=rate_help, border=True)
    st.metric(titles["overdue"], overdue, help=ui.metric_help("on_time_rate"), border=True)
    st.metric(ui.tr("order_flow.kpi_wip"), ui.number(wip["orders"].sum()), help=ui.metric_help("wip"), border=True)
    st.metric(ui.tr("order_flow.kpi_at_risk"), ui.number(at_risk_total), help=ui.metric_help("at_risk"), border=True)

st.subheader(ui.tr("order_flow.throughput_title"), help=ui.metric_help("stage_throughput"))
throughput = cache.read(flow.throughput_per_week, scope, period=period, **filters)
if throughput["intervals"].any():
    st.caption(ui.tr("order_flow.throughput_caption"))
    show(charts.throughput_chart(throughput, stages=stages, titles=titles), throughput, "stage_throughput")
else:
    empty("order_flow.throughput_empty")

st.subheader(ui.tr("order_flow.time_title"), help=ui.metric_help("time_in_stage"))
times = cache.read(flow.time_in_stage, scope, period=period, **filters)
if times.empty:
    empty("order_flow.time_empty")
else:
    targets = cache.read(flow.stage_targets_in_force, scope, day=period.last_day)
    times = times.merge(targets, on=["stage", "service_grade"], how="left")
    units = {"hours": ui.tr("order_flow.unit_h"), "days": ui.tr("order_flow.unit_d")}
    st.caption(ui.tr("order_flow.time_caption"))
    ui.altair_chart(
        charts.time_in_stage_chart(times, stages=stages, grades=grades, titles=titles, units=units), width="content"
    )
    table = times.assign(
        stage=times["stage"].map(stages),
        service_grade=times["service_grade"].map(grades),
        on_time_share=times["on_time"] / times["intervals"],
    )
    for name in ("median", "p90", "target"):
        table[name] = table[f"{name}_seconds"].map(lambda s: charts.readable_duration(s, **units))
    shown = ["stage", "service_grade", "intervals", "median", "p90", "target", "on_time_share"]
    st.dataframe(table, hide_index=True, column_order=shown, column_config=columns)
    ui.download_csv(table, "time_in_stage.csv", key="download_time_in_stage")

left, right = st.columns(2)
with left:
    st.subheader(ui.tr("order_flow.wip_title"), help=ui.metric_help("wip"))
    if wip["orders"].any():
        show(charts.wip_chart(wip, stages=stages, titles=titles), wip, "work_in_progress")
    else:
        empty("order_flow.wip_empty")
with right:
    st.subheader(ui.tr("order_flow.aging_title"), help=ui.metric_help("aging"))
    aging = cache.read(flow.aging, scope, moment=end, **filters)
    buckets = {code: ui.tr(f"order_flow.bucket.{code}") for code, _ in flow.AGING_BUCKETS}
    aging_stages = stages | {"unknown": ui.tr("order_flow.stage.unknown")}
    if aging.empty:
        empty("order_flow.aging_empty")
    else:
        show(charts.aging_chart(aging, stages=aging_stages, buckets=buckets, titles=titles), aging, "aging")

st.subheader(ui.tr("order_flow.cfd_title"), help=ui.metric_help("wip"))
cfd = cache.read(flow.cumulative_flow, scope, period=period, **filters)
days = flow.cfd_points(period)[0] // flow.DAY_SECONDS
if cfd["orders"].any():
    weekly = ui.tr("order_flow.cfd_caption_weekly", days=days, max=flow.MAX_CFD_POINTS)
    st.caption(ui.tr("order_flow.cfd_caption_daily") if days == 1 else weekly)
    show(charts.cumulative_flow_chart(cfd, stages=stages, titles=titles), cfd, "cumulative_flow")
else:
    empty("order_flow.cfd_empty")

st.subheader(ui.tr("order_flow.scorecard_title"), help=ui.metric_help("on_time_rate"))
worst = flow.worst_cell(scorecard)
region = f"region_{lang}"
if worst is not None:
    stage, rate, n = stages[worst["stage"]], 100 * worst["on_time_rate"], int(worst["ended"])
    st.markdown(ui.tr("order_flow.worst_cell", stage=stage, region=worst[region], rate=rate, n=n))
    st.caption(ui.tr("order_flow.worst_cell_rule", n=flow.MIN_CELL_INTERVALS))
if scorecard.empty:
    empty("order_flow.scorecard_empty")
else:
    st.caption(ui.tr("order_flow.scorecard_caption"))
    ui.altair_chart(charts.scorecard_chart(scorecard, stages=stages, region=region, titles=titles), width="content")
    table = scorecard.assign(region=scorecard[region], stage=scorecard["stage"].map(stages))
    table = table[["region", "stage", "ended", "on_time", "on_time_rate", "overdue_now"]]
    with st.expander(ui.tr("order_flow.scorecard_table")):
        st.dataframe(table, hide_index=True, column_config=columns)
    ui.download_csv(table, "on_time_scorecard.csv", key="download_scorecard")

st.subheader(ui.tr("order_flow.risk_title"), help=ui.metric_help("at_risk"))
if at_risk.empty:
    empty("order_flow.risk_empty", percent=flow.AT_RISK_PERCENT)
else:
    st.caption(ui.tr("order_flow.risk_caption", percent=flow.AT_RISK_PERCENT, total=at_risk_total))
    if at_risk_total > len(at_risk):
        st.caption(ui.tr("order_flow.risk_truncated", shown=len(at_risk)))
    risk = at_risk.assign(
        stage=at_risk["stage"].map(stages),
        service_grade=at_risk["service_grade"].map(grades),
        province=at_risk[f"province_{lang}"],
        city=at_risk[f"city_{lang}"],
    )
    for name in ("elapsed", "target", "over_target"):
        risk[f"{name}_h"] = (risk[f"{name}_seconds"] / charts.HOUR).round(1)
    st.dataframe(risk[RISK_COLUMNS], hide_index=True, column_config=columns)
    ui.download_csv(risk[RISK_COLUMNS], "orders_at_risk.csv", key="download_at_risk")
