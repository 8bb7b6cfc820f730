"""Messages of the regions page."""

MESSAGES: dict[str, dict[str, str]] = {
    "regions.caption": {
        "en": "Drill from the provinces down to cities, account managers and accounts. Scope: {scope}",
        "zh": "从省份逐级下钻到地市、客户经理和客户。范围：{scope}",
    },
    "regions.kpi": {"en": "Measure", "zh": "指标"},
    "regions.manager": {"en": "Account manager", "zh": "客户经理"},
    "regions.kpi.key_accounts": {"en": "Key accounts", "zh": "大客户数"},
    "regions.kpi.premium": {"en": "Premium accounts", "zh": "特级大客户数"},
    "regions.kpi.satisfaction": {"en": "Satisfaction index", "zh": "满意度指数"},
    "regions.kpi.yoy_points": {"en": "YoY change (points)", "zh": "同比变化（分）"},
    "regions.kpi.on_time_rate": {"en": "On-time rate", "zh": "及时率"},
    "regions.kpi.open_complaints": {"en": "Open complaints", "zh": "未解决投诉"},
    "regions.kpi.spend": {"en": "Spend (¥)", "zh": "消费额（元）"},
    "regions.kpi.key_accounts.help": {
        "en": "Accounts in at least one of the four categories on the last day of the period.",
        "zh": "期末至少属于四类之一的客户数。",
    },
    "regions.kpi.open_complaints.help": {
        "en": "Complaints received before the end of the period and not resolved by then.",
        "zh": "期末前受理且截至期末尚未解决的投诉数。",
    },
    "regions.kpi.spend.help": {
        "en": "Monthly spend of the months that start inside the period.",
        "zh": "期间内各月（以月初计）的消费额合计。",
    },
    "regions.map_title": {"en": "Provinces: {kpi}", "zh": "各省：{kpi}"},
    "regions.map_caption": {
        "en": "Each square is a province, placed roughly where it lies. Click one to drill into it; "
        "grey squares have no value in this period.",
        "zh": "每个方块代表一个省份，位置与地理方位大致对应。点击方块可下钻；灰色表示本期间无数据。",
    },
    "regions.map_caption_scoped": {
        "en": "Your region is outlined; the other provinces are outside your scope.",
        "zh": "已用边框标出您所辖区域；其他省份不在您的权限范围内。",
    },
    "regions.no_value": {"en": "no data", "zh": "无数据"},
    "regions.level.province": {"en": "Provinces", "zh": "各省份"},
    "regions.level.city": {"en": "Cities of {region}", "zh": "{region}各地市"},
    "regions.level.manager": {"en": "Account managers in {region}", "zh": "{region}客户经理"},
    "regions.level.account": {"en": "Accounts of {manager}", "zh": "{manager}的客户"},
    "regions.bar_caption": {"en": "Click a bar to drill into it.", "zh": "点击柱条可继续下钻。"},
    "regions.account_caption": {
        "en": "Open an account's 360° view from the table's last column.",
        "zh": "可在表格最后一列打开客户全景。",
    },
    "regions.no_values": {
        "en": "No region here has a value for {kpi} in this period; the table lists them all.",
        "zh": "本期间这些区域均没有“{kpi}”的数值；表格列出了全部区域。",
    },
    "regions.empty": {
        "en": "Nothing to show in your scope for this choice. Choose another region or manager.",
        "zh": "在您的范围内，该选择下没有可显示的数据。请选择其他区域或客户经理。",
    },
    "regions.unassigned": {"en": "No manager", "zh": "未分配客户经理"},
    "regions.col.region": {"en": "Region", "zh": "区域"},
    "regions.col.surveys": {"en": "Surveys", "zh": "调查数"},
    "regions.col.ended": {"en": "Stage intervals ended", "zh": "完成环节数"},
    "regions.col.open": {"en": "Account 360", "zh": "客户全景"},
    "regions.open": {"en": "Open", "zh": "打开"},
}
