"""Messages of the accounts page."""

MESSAGES: dict[str, dict[str, str]] = {
    "accounts.title": {"en": "Key accounts", "zh": "大客户名录"},
    "accounts.caption": {
        "en": "Current key accounts in your scope, with their categories and last 3 months' average spend.",
        "zh": "您范围内的当前大客户、所属类别及近三个月月均消费。",
    },
    "accounts.count": {"en": "{n:,} accounts", "zh": "共 {n:,} 个客户"},
    "accounts.only_premium": {"en": "Premium only", "zh": "仅特级大客户"},
    "accounts.empty": {
        "en": "No key accounts match these filters in your scope.",
        "zh": "您的范围内没有符合筛选条件的大客户。",
    },
    "accounts.truncated": {
        "en": "Showing the first {shown:,} of {n:,}; the download has them all.",
        "zh": "仅显示前 {shown:,} 个，共 {n:,} 个；下载文件包含全部。",
    },
}
