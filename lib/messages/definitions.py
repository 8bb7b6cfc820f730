"""Messages of the definitions page, and how it groups the metrics of lib/messages/metrics.py."""

# Group -> metric names, in the order of METRICS within each group; every metric is in exactly one group.
METRIC_GROUPS: dict[str, tuple[str, ...]] = {
    "categories": (
        "key_accounts",
        "category_size",
        "exclusive_intersection",
        "premium",
        "high_value",
        "potential",
        "potential_conversion",
        "revenue_share",
    ),
    "orders": (
        "orders_opened",
        "orders_closed",
        "stage_throughput",
        "time_in_stage",
        "wip",
        "aging",
        "on_time_rate",
        "at_risk",
    ),
    "complaints": ("complaint_response", "complaint_resolution", "reopen_rate"),
    "satisfaction": ("satisfaction_index", "yoy_change", "csat", "nps", "low_score_follow_up"),
    "service": ("revisit_compliance", "manager_coverage", "value_score"),
}

MESSAGES: dict[str, dict[str, str]] = {
    "definitions.caption": {
        "en": "How every figure in this app is computed. Period P = [start, end): both dates chosen are included.",
        "zh": "本应用中各项指标的计算口径。统计期间 P = [开始, 结束)：所选起止日期均包含在内。",
    },
    "definitions.search": {"en": "Search the definitions", "zh": "搜索指标定义"},
    "definitions.no_match": {
        "en": "No metric matches this search. Try another word, or clear the search box.",
        "zh": "没有与搜索内容匹配的指标。请换个词，或清空搜索框。",
    },
    "definitions.count": {"en": "{n} of {total} metrics", "zh": "共 {total} 项指标，显示 {n} 项"},
    "definitions.group.categories": {"en": "Key-account categories", "zh": "大客户分类"},
    "definitions.group.orders": {"en": "Orders", "zh": "工单"},
    "definitions.group.complaints": {"en": "Complaints", "zh": "投诉"},
    "definitions.group.satisfaction": {"en": "Satisfaction", "zh": "满意度"},
    "definitions.group.service": {"en": "Service and value", "zh": "服务与价值"},
    "definitions.settings_title": {"en": "Settings the definitions refer to", "zh": "指标口径引用的参数设置"},
    "definitions.settings_caption": {
        "en": "As in force on {date}, read from the settings tables; administrators change them, and earlier "
        "values are kept.",
        "zh": "截至 {date} 生效的设置，读取自参数设置表；由管理员调整，历史取值均保留。",
    },
    "definitions.threshold": {"en": "High-value threshold", "zh": "高值客户门槛"},
    "definitions.threshold_help": {
        "en": "Trailing 3-month average monthly spend at or above this amount makes an account high-value.",
        "zh": "近三个月月均消费不低于该金额的客户为高值客户。",
    },
    "definitions.threshold_since": {"en": "in force since {date}", "zh": "自 {date} 起生效"},
    "definitions.no_threshold": {"en": "Not set", "zh": "未设置"},
    "definitions.threshold_history": {"en": "Threshold history", "zh": "门槛调整历史"},
    "definitions.cadence_title": {"en": "Revisit cadence per service grade", "zh": "各服务等级回访周期"},
    "definitions.stage_targets_title": {
        "en": "Stage targets per service grade (hours)",
        "zh": "各服务等级环节时限（小时）",
    },
    "definitions.complaint_targets_title": {
        "en": "Complaint targets per severity (hours)",
        "zh": "各严重程度投诉处理时限（小时）",
    },
    "definitions.not_set": {
        "en": "No rows in force yet: an administrator sets them on the Admin page.",
        "zh": "尚无生效的设置：请管理员在管理页面设置。",
    },
    "definitions.col.effective_from": {"en": "In force since", "zh": "生效日期"},
    "definitions.col.amount": {"en": "Threshold (¥ per month)", "zh": "门槛（元/月）"},
    "definitions.col.days": {"en": "Every (days)", "zh": "周期（天）"},
    "definitions.col.stage": {"en": "Stage", "zh": "环节"},
    "definitions.col.severity": {"en": "Severity", "zh": "严重程度"},
    "definitions.col.response": {"en": "First response (h)", "zh": "首次响应（小时）"},
    "definitions.col.resolution": {"en": "Resolution (h)", "zh": "解决（小时）"},
}
