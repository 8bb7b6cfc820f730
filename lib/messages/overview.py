"""Messages of the overview page."""

MESSAGES: dict[str, dict[str, str]] = {
    "overview.portfolio_title": {"en": "Portfolio and satisfaction", "zh": "客户规模与满意度"},
    "overview.revenue_share": {"en": "Key-account revenue share", "zh": "大客户收入占比"},
    "overview.revenue_caption": {
        "en": "Key-account spend ¥{key} of ¥{total} in the period.",
        "zh": "期间内大客户消费 {key} 元，全部客户消费 {total} 元。",
    },
    "overview.on_time": {"en": "On-time rate", "zh": "及时率"},
    "overview.revisits_logged": {"en": "Revisits logged", "zh": "已完成回访"},
    "overview.potential_conversion": {"en": "Potential conversion", "zh": "潜在客户转化率"},
    "overview.revisit_compliance": {"en": "Revisit compliance", "zh": "回访达标率"},
    "overview.title": {"en": "Overview", "zh": "总览"},
    "overview.scope": {"en": "Scope: {scope}", "zh": "范围：{scope}"},
    "overview.key_accounts": {"en": "Key accounts", "zh": "大客户数"},
    "overview.key_accounts_help": {
        "en": "Accounts in at least one of the four categories at the end of the period.",
        "zh": "期末至少属于四类之一的客户数。",
    },
    "overview.premium": {"en": "Premium accounts", "zh": "特级大客户"},
    "overview.premium_help": {
        "en": "Accounts in two or more categories at the end of the period.",
        "zh": "期末同时属于两类及以上的客户数。",
    },
    "overview.category_help": {
        "en": "Accounts in this category at the end of the period (an account may be in several).",
        "zh": "期末属于该类别的客户数（一个客户可属于多个类别）。",
    },
    "overview.satisfaction": {"en": "Satisfaction index", "zh": "满意度指数"},
    "overview.satisfaction_help": {
        "en": "Mean survey score (0–100) in the period; the change is year on year, in points.",
        "zh": "期间内调查得分（0–100）的平均值；变化为同比，单位为分。",
    },
    "overview.points_yoy": {"en": "{delta:+.2f} pts YoY", "zh": "{delta:+.2f} 分（同比）"},
    "overview.surveys_n": {"en": "{n:,} surveys", "zh": "{n:,} 份调查"},
    "overview.open_orders": {"en": "Open orders", "zh": "在途工单"},
    "overview.open_orders_help": {
        "en": "Orders received and not yet closed at the end of the period.",
        "zh": "期末已受理且尚未归档的工单数。",
    },
    "overview.orders_opened": {"en": "Orders opened", "zh": "新受理工单"},
    "overview.orders_opened_help": {"en": "Orders received in the period.", "zh": "期间内受理的工单数。"},
    "overview.orders_closed": {"en": "Orders closed", "zh": "已归档工单"},
    "overview.orders_closed_help": {"en": "Orders closed in the period.", "zh": "期间内归档的工单数。"},
    "overview.open_complaints": {"en": "Open complaints", "zh": "未解决投诉"},
    "overview.open_complaints_help": {
        "en": "Complaints received and not resolved at the end of the period.",
        "zh": "期末已受理但尚未解决的投诉数。",
    },
    "overview.categories_title": {"en": "Key accounts by category", "zh": "各类别大客户"},
    "overview.categories_caption": {
        "en": "Categories overlap: an account in two or more is premium.",
        "zh": "类别之间存在交叉：属于两类及以上的为特级大客户。",
    },
    "overview.flow_title": {"en": "Orders and complaints", "zh": "工单与投诉"},
    "overview.vs_previous": {"en": "vs previous period", "zh": "较上期"},
    "overview.no_surveys": {"en": "No surveys in this period", "zh": "本期间无调查"},
    "overview.empty": {
        "en": "No key accounts in your scope at the end of this period. Choose a later period or ask an administrator to import data.",
        "zh": "所选期末您的范围内没有大客户。请选择更晚的期间，或请管理员导入数据。",
    },
}
