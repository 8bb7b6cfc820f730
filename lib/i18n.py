"""The message catalogue: every user-facing string, in English and Simplified Chinese.

`t(lang, key, **values)` looks a message up and fills its {placeholders}. Domain codes are
translated with `label(lang, kind, code)`, e.g. label("zh", "category", "high_value").
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    # frame
    "app.title": {"en": "Key-account management", "zh": "大客户管理"},
    "app.language": {"en": "Language", "zh": "语言"},
    "app.signed_in_as": {"en": "Signed in as **{name}** · {role} · {org}", "zh": "当前用户：**{name}** · {role} · {org}"},
    "app.logout": {"en": "Log out", "zh": "退出登录"},
    "app.denied": {
        "en": "You do not have access to this page. Choose a page from the menu.",
        "zh": "您无权访问此页面，请从菜单中选择页面。",
    },
    "app.db_unavailable": {
        "en": "The database cannot be reached right now. Nothing you entered is lost; try again in a moment.",
        "zh": "暂时无法连接数据库。您输入的内容不会丢失，请稍后重试。",
    },
    "app.retry": {"en": "Try again", "zh": "重试"},
    "app.config_error": {"en": "The app is not configured correctly: {detail}", "zh": "应用配置有误：{detail}"},
    "app.data_as_of": {"en": "Data as of {date}", "zh": "数据截至 {date}"},
    "app.empty_database": {
        "en": "The database has no users yet. Run `make run` (demo data) or create the first administrator.",
        "zh": "数据库中还没有用户。请运行 `make run`（演示数据）或创建第一个管理员。",
    },
    # login
    "login.title": {"en": "Sign in", "zh": "登录"},
    "login.username": {"en": "Username", "zh": "用户名"},
    "login.password": {"en": "Password", "zh": "密码"},
    "login.submit": {"en": "Log in", "zh": "登录"},
    "login.failed": {"en": "Username or password is incorrect.", "zh": "用户名或密码错误。"},
    "login.prompt": {
        "en": "Sign in to see the dashboards of your region.",
        "zh": "请登录以查看您所辖区域的看板。",
    },
    "login.no_longer_active": {
        "en": "This user can no longer sign in. Ask an administrator.",
        "zh": "该用户已无法登录，请联系管理员。",
    },
    # pages
    "page.overview": {"en": "Overview", "zh": "总览"},
    "page.accounts": {"en": "Key accounts", "zh": "大客户名录"},
    "page.users": {"en": "Users and roles", "zh": "用户与角色"},
    # filters
    "filter.period": {"en": "Period", "zh": "统计期间"},
    "filter.period_help": {
        "en": "Start and end dates, both included. Deltas compare with the period of the same length just before.",
        "zh": "起止日期（含）。变化值与紧邻的等长前一期间比较。",
    },
    "filter.comparison": {"en": "Compared with {start} – {end}", "zh": "对比期间：{start} – {end}"},
    "filter.pick_both_dates": {"en": "Pick a start and an end date.", "zh": "请选择开始和结束日期。"},
    "filter.category": {"en": "Category", "zh": "客户类别"},
    "filter.all": {"en": "All", "zh": "全部"},
    "filter.search": {"en": "Search name or code", "zh": "搜索名称或编码"},
    # overview
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
    "overview.points_yoy": {"en": "{delta:+.2f} pts YoY", "zh": "同比 {delta:+.2f} 分"},
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
    # accounts page
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
    "col.code": {"en": "Code", "zh": "编码"},
    "col.name": {"en": "Name", "zh": "名称"},
    "col.industry": {"en": "Industry", "zh": "行业"},
    "col.province": {"en": "Province", "zh": "省份"},
    "col.city": {"en": "City", "zh": "地市"},
    "col.manager": {"en": "Account manager", "zh": "客户经理"},
    "col.categories": {"en": "Categories", "zh": "类别"},
    "col.premium": {"en": "Premium", "zh": "特级"},
    "col.grade": {"en": "Service grade", "zh": "服务等级"},
    "col.stage": {"en": "Lifecycle", "zh": "生命周期"},
    "col.avg_spend": {"en": "Avg monthly spend, 3 mo (¥)", "zh": "近三月月均消费（元）"},
    "col.username": {"en": "Username", "zh": "用户名"},
    "col.role": {"en": "Role", "zh": "角色"},
    "col.org": {"en": "Organisation", "zh": "所属机构"},
    "col.active": {"en": "Active", "zh": "启用"},
    "col.locked_until": {"en": "Locked until", "zh": "锁定至"},
    "col.can_sign_in": {"en": "Can sign in", "zh": "可登录"},
    "col.accounts": {"en": "Accounts", "zh": "客户数"},
    "col.category": {"en": "Category", "zh": "类别"},
    # users page
    "users.title": {"en": "Users and roles", "zh": "用户与角色"},
    "users.caption": {
        "en": "Everyone who can be assigned work. Users without a password set cannot sign in until one is set.",
        "zh": "所有可分配工作的用户。未设置密码的用户在设置密码前无法登录。",
    },
    "users.by_role": {"en": "Users by role", "zh": "各角色用户数"},
    "users.empty": {"en": "No users match these filters.", "zh": "没有符合筛选条件的用户。"},
    "users.role_filter": {"en": "Role", "zh": "角色"},
    # scope descriptions
    "scope.national": {"en": "National", "zh": "全国"},
    "scope.manager": {"en": "My accounts", "zh": "我的客户"},
    "scope.none": {"en": "No data", "zh": "无数据"},
    "common.download": {"en": "Download CSV", "zh": "下载 CSV"},
    "col.users": {"en": "Users", "zh": "用户数"},
    "common.yes": {"en": "Yes", "zh": "是"},
    "common.no": {"en": "No", "zh": "否"},
}

# Labels of domain codes, by kind.
LABELS: dict[str, dict[str, dict[str, str]]] = {
    "role": {
        "executive": {"en": "Executive", "zh": "决策层"},
        "team_lead": {"en": "Team lead", "zh": "团队主管"},
        "staff": {"en": "Account manager", "zh": "客户经理"},
        "admin": {"en": "Administrator", "zh": "系统管理员"},
    },
    "category": {
        "important": {"en": "Important", "zh": "重要客户"},
        "high_value": {"en": "High-value", "zh": "高值客户"},
        "group": {"en": "Group", "zh": "集团客户"},
        "strategic": {"en": "Strategic", "zh": "战略客户"},
        "premium": {"en": "Premium", "zh": "特级大客户"},
    },
    "grade": {
        "premium": {"en": "Premium", "zh": "特级"},
        "key": {"en": "Key", "zh": "重点"},
        "standard": {"en": "Standard", "zh": "标准"},
    },
    "lifecycle": {
        "potential": {"en": "Potential", "zh": "潜在"},
        "new": {"en": "New", "zh": "新建"},
        "growing": {"en": "Growing", "zh": "成长"},
        "mature": {"en": "Mature", "zh": "成熟"},
        "at_risk": {"en": "At risk", "zh": "风险"},
        "churned": {"en": "Churned", "zh": "流失"},
    },
    "industry": {
        "government": {"en": "Government", "zh": "党政军"},
        "finance": {"en": "Finance", "zh": "金融"},
        "manufacturing": {"en": "Manufacturing", "zh": "制造"},
        "education": {"en": "Education", "zh": "教育"},
        "healthcare": {"en": "Healthcare", "zh": "医疗卫生"},
        "energy": {"en": "Energy", "zh": "能源"},
        "transport": {"en": "Transport", "zh": "交通物流"},
        "retail": {"en": "Retail", "zh": "商贸零售"},
        "internet": {"en": "Internet", "zh": "互联网"},
        "media": {"en": "Media", "zh": "传媒"},
    },
}


def t(lang: str, key: str, **values: object) -> str:
    """The message `key` in `lang` (English if the language lacks it), with values filled in."""
    entry = MESSAGES[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text


def label(lang: str, kind: str, code: str) -> str:
    """The label of a domain code; the code itself if the catalogue does not know it."""
    entry = LABELS.get(kind, {}).get(code)
    if entry is None:
        return code
    return entry.get(lang) or entry[DEFAULT_LANGUAGE]


def normalise_language(value: object) -> str:
    return value if value in LANGUAGES else DEFAULT_LANGUAGE  # type: ignore[return-value]
