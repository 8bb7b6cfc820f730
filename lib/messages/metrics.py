"""Metric definitions (DESIGN section 6): the Definitions page lists them, and every page that
shows a metric uses the same text as its help tooltip. Keys: metric.<name> (the metric's name)
and metric.<name>.def (its definition in words)."""

METRICS = (
    "key_accounts",
    "category_size",
    "exclusive_intersection",
    "premium",
    "high_value",
    "potential",
    "potential_conversion",
    "revenue_share",
    "orders_opened",
    "orders_closed",
    "stage_throughput",
    "time_in_stage",
    "wip",
    "aging",
    "on_time_rate",
    "at_risk",
    "complaint_response",
    "complaint_resolution",
    "reopen_rate",
    "satisfaction_index",
    "yoy_change",
    "csat",
    "nps",
    "low_score_follow_up",
    "revisit_compliance",
    "manager_coverage",
    "value_score",
)

MESSAGES: dict[str, dict[str, str]] = {
    "metric.key_accounts": {"en": "Key accounts", "zh": "大客户数"},
    "metric.key_accounts.def": {
        "en": "Accounts in at least one of the four categories (important, high-value, group, strategic) at the end "
        "of the period; the 15 exclusive intersections add up to it.",
        "zh": "期末至少属于四类（重要、高值、集团、战略）之一的客户数；15 个独占交集之和即为该数。",
    },
    "metric.category_size": {"en": "Category size", "zh": "类别规模"},
    "metric.category_size.def": {
        "en": "Accounts in the category at the end of the period. An account can be in several categories.",
        "zh": "期末属于该类别的客户数。一个客户可同时属于多个类别。",
    },
    "metric.exclusive_intersection": {"en": "Exclusive intersection", "zh": "独占交集"},
    "metric.exclusive_intersection.def": {
        "en": "Accounts whose set of categories is exactly that combination; the 15 intersections add up to the "
        "number of key accounts.",
        "zh": "所属类别恰好为该组合的客户数；15 个交集之和等于大客户总数。",
    },
    "metric.premium": {"en": "Premium accounts", "zh": "特级大客户"},
    "metric.premium.def": {
        "en": "Accounts in two or more of the four categories (derived, never typed in).",
        "zh": "同时属于四类中两类及以上的客户（系统推导，不可手工录入）。",
    },
    "metric.high_value": {"en": "High-value", "zh": "高值客户"},
    "metric.high_value.def": {
        "en": "Average monthly spend over the trailing 3 months at or above the threshold in force on that date "
        "(default ¥3,000).",
        "zh": "近三个月月均消费不低于当日生效的门槛（默认 3,000 元）。",
    },
    "metric.potential": {"en": "Potential key accounts", "zh": "潜在大客户"},
    "metric.potential.def": {
        "en": "Accounts in no category whose trailing 3-month average spend is at least 70 % of the high-value "
        "threshold.",
        "zh": "不属于任何类别、但近三个月月均消费达到高值门槛 70% 的客户。",
    },
    "metric.potential_conversion": {"en": "Potential conversion", "zh": "潜在客户转化率"},
    "metric.potential_conversion.def": {
        "en": "Potential accounts at the start of the period that became key accounts during it, over the potential "
        "accounts at the start.",
        "zh": "期初的潜在大客户中在期间内成为大客户的数量 / 期初潜在大客户数。",
    },
    "metric.revenue_share": {"en": "Key-account revenue share", "zh": "大客户收入占比"},
    "metric.revenue_share.def": {
        "en": "Spend of key accounts / spend of all accounts in the period.",
        "zh": "期间内大客户消费额 / 全部客户消费额。",
    },
    "metric.orders_opened": {"en": "Orders opened", "zh": "新受理工单"},
    "metric.orders_opened.def": {"en": "Orders received in the period.", "zh": "期间内受理的工单数。"},
    "metric.orders_closed": {"en": "Orders closed", "zh": "已归档工单"},
    "metric.orders_closed.def": {"en": "Orders closed (archived) in the period.", "zh": "期间内归档的工单数。"},
    "metric.stage_throughput": {"en": "Stage throughput", "zh": "环节处理量"},
    "metric.stage_throughput.def": {
        "en": "Orders leaving a stage in the period.",
        "zh": "期间内离开某环节的工单数。",
    },
    "metric.time_in_stage": {"en": "Time in stage", "zh": "环节时长"},
    "metric.time_in_stage.def": {
        "en": "Exit minus entry of a stage interval, minus the time on hold inside it; reported as median and P90 "
        "(the value 90 % of intervals do not exceed), never as a mean alone.",
        "zh": "环节退出时间减进入时间，再扣除其间挂起时长；以中位数和 P90（90% 的环节不超过的值）呈现，不单独使用平均值。",
    },
    "metric.wip": {"en": "Work in progress", "zh": "在途量"},
    "metric.wip.def": {
        "en": "Orders in a stage at a moment; the cumulative flow diagram stacks it per stage per day.",
        "zh": "某一时刻处于某环节的工单数；累积流图按日按环节堆叠展示。",
    },
    "metric.aging": {"en": "Aging", "zh": "工单账龄"},
    "metric.aging.def": {
        "en": "Now minus the time received, for open orders, in buckets.",
        "zh": "未归档工单自受理至今的时长，分档统计。",
    },
    "metric.on_time_rate": {"en": "On-time rate", "zh": "及时率"},
    "metric.on_time_rate.def": {
        "en": "Stage intervals that ended within their target / stage intervals that ended, in the period. Open "
        'intervals already past their target are counted separately as "overdue now".',
        "zh": "期间内按时完成的环节数 / 期间内完成的环节数。已超时仍未完成的环节另计为“当前超时”。",
    },
    "metric.at_risk": {"en": "Orders at risk", "zh": "临近超时工单"},
    "metric.at_risk.def": {
        "en": "Open orders whose time in the current stage is past 80 % of its target.",
        "zh": "当前环节用时已超过目标时长 80% 的在途工单。",
    },
    "metric.complaint_response": {"en": "Complaint response time", "zh": "投诉响应时长"},
    "metric.complaint_response.def": {
        "en": "First response minus received.",
        "zh": "首次响应时间减受理时间。",
    },
    "metric.complaint_resolution": {"en": "Complaint resolution time", "zh": "投诉解决时长"},
    "metric.complaint_resolution.def": {"en": "Resolved minus received.", "zh": "解决时间减受理时间。"},
    "metric.reopen_rate": {"en": "Reopen rate", "zh": "重开率"},
    "metric.reopen_rate.def": {
        "en": "Resolved complaints that were reopened / resolved complaints.",
        "zh": "被重新打开的已解决投诉 / 已解决投诉。",
    },
    "metric.satisfaction_index": {"en": "Satisfaction index", "zh": "满意度指数"},
    "metric.satisfaction_index.def": {
        "en": "Mean survey score (0–100) in the period.",
        "zh": "期间内调查得分（0–100）的平均值。",
    },
    "metric.yoy_change": {"en": "Year-on-year change", "zh": "同比变化"},
    "metric.yoy_change.def": {
        "en": "Index in the period minus the index over the same dates a year earlier, in points (not a percentage).",
        "zh": "本期指数减去上年同期指数，单位为分（不是百分比）。",
    },
    "metric.csat": {"en": "CSAT %", "zh": "满意率"},
    "metric.csat.def": {
        "en": "Scores of 80 or more / all scores.",
        "zh": "得分 80 分及以上的调查数 / 全部调查数。",
    },
    "metric.nps": {"en": "NPS-style net score", "zh": "净推荐值（类 NPS）"},
    "metric.nps.def": {
        "en": "Share of scores ≥ 90 minus share of scores < 70, in points (a 0–100 adaptation of NPS).",
        "zh": "得分 ≥ 90 的占比减去得分 < 70 的占比，单位为百分点（NPS 在 0–100 分制下的改编）。",
    },
    "metric.low_score_follow_up": {"en": "Low-score follow-up rate", "zh": "低分跟进率"},
    "metric.low_score_follow_up.def": {
        "en": "Scores below 60 followed by a revisit or a resolved complaint within 7 days / scores below 60.",
        "zh": "低于 60 分的调查中 7 天内有回访或投诉已解决的数量 / 低于 60 分的调查数。",
    },
    "metric.revisit_compliance": {"en": "Revisit compliance", "zh": "回访达标率"},
    "metric.revisit_compliance.def": {
        "en": "Key accounts revisited within their cadence / key accounts due in the period.",
        "zh": "按回访周期完成回访的大客户 / 期间内应回访的大客户。",
    },
    "metric.manager_coverage": {"en": "Account-manager coverage", "zh": "客户经理覆盖率"},
    "metric.manager_coverage.def": {
        "en": "Key accounts with an active account manager / key accounts.",
        "zh": "有在岗客户经理的大客户 / 大客户总数。",
    },
    "metric.value_score": {"en": "Customer value score", "zh": "客户价值评分"},
    "metric.value_score.def": {
        "en": "A weighted score of revenue, growth, breadth of products, strategic weight and satisfaction, with its "
        "weights shown beside it.",
        "zh": "由收入、增长、产品广度、战略权重与满意度加权得到的评分，权重随评分一并展示。",
    },
}
