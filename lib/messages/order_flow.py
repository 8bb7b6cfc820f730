"""Messages of the order-flow page."""

MESSAGES: dict[str, dict[str, str]] = {
    "order_flow.caption": {
        "en": "How demand orders move through their stages · {scope} · data as of {date}",
        "zh": "需求工单在各环节的流转情况 · {scope} · 数据截至 {date}",
    },
    "order_flow.at_end": {
        "en": "Work in progress, aging, overdue and at-risk orders are counted at the end of the period ({moment}).",
        "zh": "在途量、账龄、当前超时与临近超时工单均按期末（{moment}）统计。",
    },
    "order_flow.percent": {"en": "{value:.1f} %", "zh": "{value:.1f}%"},
    "order_flow.unit_h": {"en": "h", "zh": "小时"},
    "order_flow.unit_d": {"en": "d", "zh": "天"},
    # Axis, legend, tooltip and column titles
    "order_flow.t.stage": {"en": "Stage", "zh": "环节"},
    "order_flow.t.grade": {"en": "Service grade", "zh": "服务等级"},
    "order_flow.t.orders": {"en": "Orders", "zh": "工单数"},
    "order_flow.t.intervals": {"en": "Stage intervals ended", "zh": "完成环节数"},
    "order_flow.t.week": {"en": "Week starting", "zh": "周起始日"},
    "order_flow.t.day": {"en": "End of day", "zh": "日终"},
    "order_flow.t.age": {"en": "Age since received", "zh": "受理至今时长"},
    "order_flow.t.region": {"en": "Region", "zh": "区域"},
    "order_flow.t.rate": {"en": "On-time rate", "zh": "及时率"},
    "order_flow.t.ended": {"en": "Ended", "zh": "完成数"},
    "order_flow.t.on_time": {"en": "Within target", "zh": "按时完成"},
    "order_flow.t.overdue": {"en": "Overdue now", "zh": "当前超时"},
    "order_flow.t.median": {"en": "Median", "zh": "中位数"},
    "order_flow.t.p90": {"en": "P90", "zh": "P90"},
    "order_flow.t.target": {"en": "Target", "zh": "目标"},
    "order_flow.t.hours": {"en": "Hours in stage", "zh": "环节用时（小时）"},
    "order_flow.t.province": {"en": "Province", "zh": "省份"},
    "order_flow.t.city": {"en": "City", "zh": "地市"},
    "order_flow.t.service_grade": {"en": "Service grade", "zh": "服务等级"},
    "order_flow.t.overdue_now": {"en": "Overdue now", "zh": "当前超时"},
    "order_flow.t.order_code": {"en": "Order", "zh": "工单号"},
    "order_flow.t.account_name": {"en": "Account", "zh": "客户"},
    "order_flow.t.account_code": {"en": "Account code", "zh": "客户编码"},
    "order_flow.t.entered_at": {"en": "Entered stage", "zh": "进入环节时间"},
    "order_flow.t.elapsed_h": {"en": "Time in stage (h)", "zh": "环节用时（小时）"},
    "order_flow.t.target_h": {"en": "Target (h)", "zh": "目标（小时）"},
    "order_flow.t.over_target_h": {"en": "Over target (h)", "zh": "超出目标（小时）"},
    "order_flow.t.on_time_rate": {"en": "On-time rate", "zh": "及时率"},
    "order_flow.t.on_time_share": {"en": "On time", "zh": "按时比例"},
    "order_flow.t.share_of_target": {"en": "Share of target used", "zh": "已用目标时长比例"},
    # KPI cards
    "order_flow.kpi_ended": {"en": "{n:,} stage intervals ended", "zh": "完成环节 {n:,} 个"},
    "order_flow.kpi_wip": {"en": "Orders in progress", "zh": "在途工单"},
    "order_flow.kpi_at_risk": {"en": "Orders at risk", "zh": "临近超时工单"},
    # Throughput
    "order_flow.throughput_title": {"en": "Throughput per stage per week", "zh": "各环节每周处理量"},
    "order_flow.throughput_caption": {
        "en": "Stage intervals that ended in each week (weeks start on Monday; the first and last may be partial).",
        "zh": "每周完成的环节数（每周从周一开始；首末两周可能不完整）。",
    },
    "order_flow.throughput_empty": {
        "en": "No order left a stage in this period with the filters chosen.",
        "zh": "在所选期间和筛选条件下，没有工单完成任何环节。",
    },
    # Time in stage
    "order_flow.time_title": {"en": "Time in stage against target", "zh": "环节时长与目标对比"},
    "order_flow.time_caption": {
        "en": "Bars: median; dark tick: P90; red tick: the target of the grade in force at the end of the period. "
        "Intervals that ended in the period; time on hold is left out. Each stage has its own scale.",
        "zh": "柱：中位数；深色刻度：P90；红色刻度：期末有效的该等级目标时长。统计期间内完成的环节，不含挂起时长。"
        "各环节纵轴刻度独立。",
    },
    "order_flow.time_empty": {
        "en": "No stage interval ended in this period with the filters chosen, so there is no time in stage to show.",
        "zh": "在所选期间和筛选条件下没有完成的环节，无法统计环节时长。",
    },
    # Work in progress and aging
    "order_flow.wip_title": {"en": "Work in progress per stage", "zh": "各环节在途量"},
    "order_flow.wip_empty": {
        "en": "No order was in progress at the end of the period with the filters chosen.",
        "zh": "在所选筛选条件下，期末没有在途工单。",
    },
    "order_flow.aging_title": {"en": "Aging of open orders", "zh": "在途工单账龄"},
    "order_flow.aging_empty": {
        "en": "No order was open at the end of the period with the filters chosen.",
        "zh": "在所选筛选条件下，期末没有未归档的工单。",
    },
    "order_flow.bucket.lt_1d": {"en": "< 1 day", "zh": "< 1 天"},
    "order_flow.bucket.1_3d": {"en": "1–3 days", "zh": "1–3 天"},
    "order_flow.bucket.3_7d": {"en": "3–7 days", "zh": "3–7 天"},
    "order_flow.bucket.7_14d": {"en": "7–14 days", "zh": "7–14 天"},
    "order_flow.bucket.14_30d": {"en": "14–30 days", "zh": "14–30 天"},
    "order_flow.bucket.gt_30d": {"en": "> 30 days", "zh": "> 30 天"},
    "order_flow.stage.unknown": {"en": "No stage recorded", "zh": "无环节记录"},
    # Cumulative flow
    "order_flow.cfd_title": {"en": "Cumulative flow", "zh": "累积流图"},
    "order_flow.cfd_caption_daily": {
        "en": "Orders in each stage at the end of each day, stacked in stage order.",
        "zh": "每日日终各环节的在途工单数，按环节顺序堆叠。",
    },
    "order_flow.cfd_caption_weekly": {
        "en": "Orders in each stage at the end of every {days} days (the period is longer than {max} days), "
        "stacked in stage order.",
        "zh": "每 {days} 天末各环节的在途工单数（期间超过 {max} 天），按环节顺序堆叠。",
    },
    "order_flow.cfd_empty": {
        "en": "No order was in any stage during this period with the filters chosen.",
        "zh": "在所选期间和筛选条件下，没有处于任何环节的工单。",
    },
    # On-time scorecard
    "order_flow.scorecard_title": {"en": "On-time rate by stage and region", "zh": "各环节及时率考核（分区域）"},
    "order_flow.scorecard_caption": {
        "en": "Cell: stage intervals that ended within their target / ended, in the period, with their number. "
        "Right: open intervals already past their target at the end of the period (overdue now).",
        "zh": "单元格：期间内按时完成的环节数 / 完成的环节数，并注明数量。"
        "右侧：期末已超过目标仍未完成的环节（当前超时）。",
    },
    "order_flow.worst_cell": {
        "en": "Lowest on-time rate: **{stage}** in **{region}**, {rate:.1f} % (n = {n:,}).",
        "zh": "及时率最低：**{region}** 的 **{stage}** 环节，{rate:.1f}%（n = {n:,}）。",
    },
    "order_flow.worst_cell_rule": {
        "en": "Among cells with at least {n} ended intervals (all cells when none has that many).",
        "zh": "在完成环节数不少于 {n} 的单元格中比较（若均不足则全部参与比较）。",
    },
    "order_flow.scorecard_empty": {
        "en": "No stage interval ended in this period and none is overdue, with the filters chosen.",
        "zh": "在所选期间和筛选条件下，既没有完成的环节，也没有超时环节。",
    },
    "order_flow.scorecard_table": {"en": "Scorecard as a table", "zh": "考核明细表"},
    # Orders at risk
    "order_flow.risk_title": {"en": "Orders at risk of breaching", "zh": "临近超时工单"},
    "order_flow.risk_caption": {
        "en": "Open at the end of the period, past {percent} % of the stage target (holds left out); "
        "most urgent first. {total:,} in all.",
        "zh": "期末在途、当前环节用时已超过目标 {percent}% 的工单（不含挂起时长），按紧急程度排序。共 {total:,} 张。",
    },
    "order_flow.risk_truncated": {
        "en": "Showing the {shown:,} most urgent; narrow the filters to see the rest.",
        "zh": "仅显示最紧急的 {shown:,} 张；其余请缩小筛选范围查看。",
    },
    "order_flow.risk_empty": {
        "en": "No open order is past {percent} % of its stage target at the end of the period.",
        "zh": "期末没有当前环节用时超过目标 {percent}% 的在途工单。",
    },
}
