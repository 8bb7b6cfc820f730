"""Messages of the settings page and of its commands."""

MESSAGES: dict[str, dict[str, str]] = {
    "settings.title": {"en": "Settings", "zh": "参数设置"},
    "settings.caption": {
        "en": "Each change takes effect from its date and is kept with who made it and when; nothing is overwritten.",
        "zh": "每次修改自其生效日期起生效，并记录修改人和时间；历史值不会被覆盖。",
    },
    "settings.tab.threshold": {"en": "High-value threshold", "zh": "高值客户门槛"},
    "settings.tab.cadence": {"en": "Revisit cadence", "zh": "回访周期"},
    "settings.tab.stages": {"en": "Stage targets", "zh": "环节时限"},
    "settings.tab.complaints": {"en": "Complaint targets", "zh": "投诉时限"},
    "settings.threshold_now": {"en": "Threshold in force today", "zh": "当前生效门槛"},
    "settings.in_force_since": {"en": "In force since {day}.", "zh": "自 {day} 起生效。"},
    "settings.field.amount": {"en": "Average monthly spend, yuan", "zh": "月均消费（元）"},
    "settings.field.effective_from": {"en": "Effective from", "zh": "生效日期"},
    "settings.field.days": {"en": "Days between revisits", "zh": "回访间隔（天）"},
    "settings.field.target_hours": {"en": "Target, hours", "zh": "时限（小时）"},
    "settings.field.response_hours": {"en": "First response, hours", "zh": "首次响应（小时）"},
    "settings.field.resolution_hours": {"en": "Resolution, hours", "zh": "解决（小时）"},
    "settings.col.stage": {"en": "Order stage", "zh": "工单环节"},
    "settings.col.severity": {"en": "Severity", "zh": "严重程度"},
    "settings.set_by": {"en": "Set by", "zh": "设置人"},
    "settings.set_at": {"en": "Set at (UTC)", "zh": "设置时间（UTC）"},
    "settings.initial": {"en": "Initial setting", "zh": "初始设置"},
    "settings.history": {"en": "History", "zh": "历史记录"},
    "settings.no_history": {"en": "Nothing has been set yet; the defaults apply.", "zh": "尚未设置，使用默认值。"},
    "settings.save": {"en": "Save", "zh": "保存"},
    "settings.threshold_help": {
        "en": "The first day of a month, in the past or the future. High-value and premium membership are "
        "re-derived from that month on; months before keep their history.",
        "zh": "须为某月第一天，可以是过去或将来的日期。高值客户和特级大客户资格将从该月起重新认定；之前的月份保留原有记录。",
    },
    "settings.target_help": {
        "en": "Today or later. Orders, complaints and revisits from that day on are measured against the new "
        "values; what was measured before keeps its targets.",
        "zh": "今天或以后的日期。自该日起的工单、投诉和回访按新值考核；之前的记录保留原有时限。",
    },
    "settings.threshold_saved": {
        "en": "The threshold is saved. High-value membership changed for {n} accounts.",
        "zh": "门槛已保存。{n} 个客户的高值客户资格随之变化。",
    },
    "settings.saved": {"en": "Saved: {n} values changed.", "zh": "已保存：修改了 {n} 项。"},
    "settings.error.number": {"en": "Enter a number.", "zh": "请输入数字。"},
    "settings.error.threshold_range": {
        "en": "Between 1 and 10,000,000 yuan.",
        "zh": "须在 1 至 10,000,000 元之间。",
    },
    "settings.error.first_of_month": {
        "en": "The threshold takes effect from the first day of a month.",
        "zh": "门槛须从某月第一天起生效。",
    },
    "settings.error.too_far_ahead": {"en": "At most a year ahead.", "zh": "最多提前一年。"},
    "settings.error.too_early": {"en": "Not before 2000.", "zh": "不能早于 2000 年。"},
    "settings.error.not_in_past": {
        "en": "Today or later: targets already measured are not changed afterwards.",
        "zh": "须为今天或以后：已考核的时限不能事后修改。",
    },
    "settings.error.cadence_range": {"en": "A whole number of days, 1 to 730.", "zh": "1 至 730 之间的整数天。"},
    "settings.error.hours_range": {
        "en": "More than 0 and at most 8,760 hours.",
        "zh": "须大于 0 且不超过 8,760 小时。",
    },
    "settings.error.resolution_before_response": {
        "en": "Resolution cannot be due before the first response.",
        "zh": "解决时限不能早于首次响应时限。",
    },
    "settings.error.unchanged": {
        "en": "Nothing to save: these are the values already in force on that date.",
        "zh": "无需保存：这些值在该日期已经生效。",
    },
}
