"""The message catalogue: every user-facing string, in English and Simplified Chinese.

`t(lang, key, **values)` looks a message up and fills its {placeholders}. Domain codes are
translated with `label(lang, kind, code)`, e.g. label("zh", "category", "high_value").
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}
DEFAULT_LANGUAGE = "en"

MESSAGES: dict[str, dict[str, str]] = {
    "app.title": {"en": "Key-account management", "zh": "大客户管理"},
    "app.language": {"en": "Language", "zh": "语言"},
    "app.signed_in_as": {
        "en": "Signed in as **{name}** · {role} · {org}",
        "zh": "当前用户：**{name}** · {role} · {org}",
    },
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
    "nav.dashboards": {"en": "Dashboards", "zh": "看板"},
    "nav.accounts": {"en": "Accounts", "zh": "客户"},
    "nav.work": {"en": "Work", "zh": "工作"},
    "nav.admin": {"en": "Administration", "zh": "系统管理"},
    "nav.reference": {"en": "Reference", "zh": "参考"},
    "page.overview": {"en": "Overview", "zh": "总览"},
    "page.accounts": {"en": "Key accounts", "zh": "大客户名录"},
    "page.users": {"en": "Users and roles", "zh": "用户与角色"},
    "page.import_data": {"en": "Import data", "zh": "导入数据"},
    "page.settings": {"en": "Settings", "zh": "参数设置"},
    "page.my_account": {"en": "My account", "zh": "我的账号"},
    "page.tiers": {"en": "Tiers & overlaps", "zh": "客户分类与交叉"},
    "page.order_flow": {"en": "Order flow", "zh": "工单流转"},
    "page.satisfaction": {"en": "Satisfaction", "zh": "满意度"},
    "page.regions": {"en": "Regions", "zh": "区域下钻"},
    "page.account": {"en": "Account 360", "zh": "客户全景"},
    "page.plan": {"en": "Account plan", "zh": "客户方案"},
    "page.definitions": {"en": "Definitions", "zh": "指标定义"},
    "page.work_queue": {"en": "My work queue", "zh": "我的待办"},
    "page.log_revisit": {"en": "Log a revisit", "zh": "登记回访"},
    "page.log_complaint": {"en": "Log a complaint", "zh": "登记投诉"},
    "page.complaints": {"en": "Complaint workbench", "zh": "投诉工作台"},
    "page.orders": {"en": "Order desk", "zh": "工单调度"},
    "filter.period": {"en": "Period", "zh": "统计期间"},
    "filter.period_help": {
        "en": "Start and end dates, both included. Deltas compare with the period of the same length just before.",
        "zh": "起止日期（含）。变化值与紧邻的等长前一期间比较。",
    },
    "filter.comparison": {"en": "Compared with {start} – {end}", "zh": "对比期间：{start} – {end}"},
    "filter.pick_both_dates": {"en": "Pick a start and an end date.", "zh": "请选择开始和结束日期。"},
    "filter.province": {"en": "Province", "zh": "省份"},
    "filter.city": {"en": "City", "zh": "地市"},
    "filter.category": {"en": "Category", "zh": "客户类别"},
    "filter.all": {"en": "All", "zh": "全部"},
    "filter.search": {"en": "Search name or code", "zh": "搜索名称或编码"},
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
    "col.users": {"en": "Users", "zh": "用户数"},
    "scope.national": {"en": "National", "zh": "全国"},
    "scope.manager": {"en": "My accounts", "zh": "我的客户"},
    "scope.none": {"en": "No data", "zh": "无数据"},
    "common.download": {"en": "Download CSV", "zh": "下载 CSV"},
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
    "stage": {
        "received": {"en": "Received", "zh": "受理"},
        "needs_confirmed": {"en": "Needs confirmed", "zh": "需求确认"},
        "resource_check": {"en": "Resource check", "zh": "资源确认"},
        "provisioning": {"en": "Provisioning", "zh": "施工开通"},
        "acceptance": {"en": "Acceptance", "zh": "验收"},
        "closed": {"en": "Closed", "zh": "归档"},
    },
    "order_status": {
        "open": {"en": "Open", "zh": "在途"},
        "on_hold": {"en": "On hold", "zh": "挂起"},
        "closed": {"en": "Closed", "zh": "已归档"},
    },
    "order_event": {
        "enter": {"en": "Entered stage", "zh": "进入环节"},
        "transfer": {"en": "Transferred", "zh": "转派"},
        "hold": {"en": "Put on hold", "zh": "挂起"},
        "resume": {"en": "Resumed", "zh": "解挂"},
        "urge": {"en": "Urged", "zh": "催单"},
    },
    "complaint_channel": {
        "account_manager": {"en": "Account manager", "zh": "客户经理"},
        "hotline_10000": {"en": "10000 hotline", "zh": "10000 号"},
        "key_account_hotline": {"en": "Key-account hotline", "zh": "大客户专线"},
        "web_app": {"en": "Web / app", "zh": "网厅 / App"},
        "letter_email": {"en": "Letter / email", "zh": "信函 / 邮件"},
        "regulator": {"en": "Regulator", "zh": "工信部 / 监管"},
    },
    "complaint_category": {
        "network_quality": {"en": "Network quality", "zh": "网络质量"},
        "fault_repair": {"en": "Fault repair", "zh": "故障修复"},
        "provisioning_delay": {"en": "Provisioning delay", "zh": "开通延迟"},
        "billing": {"en": "Billing", "zh": "计费账务"},
        "service_attitude": {"en": "Service attitude", "zh": "服务态度"},
        "other": {"en": "Other", "zh": "其他"},
    },
    "severity": {
        "low": {"en": "Low", "zh": "一般"},
        "medium": {"en": "Medium", "zh": "较重"},
        "high": {"en": "High", "zh": "严重"},
        "critical": {"en": "Critical", "zh": "紧急"},
    },
    "complaint_status": {
        "open": {"en": "Open", "zh": "待处理"},
        "in_progress": {"en": "In progress", "zh": "处理中"},
        "resolved": {"en": "Resolved", "zh": "已解决"},
        "closed": {"en": "Closed", "zh": "已关闭"},
        "reopened": {"en": "Reopened", "zh": "重新打开"},
    },
    "revisit_channel": {
        "on_site": {"en": "On site", "zh": "上门"},
        "phone": {"en": "Phone", "zh": "电话"},
        "video": {"en": "Video", "zh": "视频"},
        "email": {"en": "Email", "zh": "邮件"},
    },
    "outcome": {
        "no_change": {"en": "No change", "zh": "无变化"},
        "interested": {"en": "Interested", "zh": "有意向"},
        "order_placed": {"en": "Order placed", "zh": "已下单"},
        "complaint_raised": {"en": "Complaint raised", "zh": "提出投诉"},
        "churn_risk": {"en": "Churn risk", "zh": "流失风险"},
    },
    "dimension": {
        "network": {"en": "Network", "zh": "网络质量"},
        "service": {"en": "Service", "zh": "服务"},
        "billing": {"en": "Billing", "zh": "计费"},
        "account_manager": {"en": "Account manager", "zh": "客户经理"},
        "after_sales": {"en": "After-sales", "zh": "售后"},
    },
    "survey_source": {
        "annual": {"en": "Annual survey", "zh": "年度调查"},
        "after_order": {"en": "After an order", "zh": "工单后回访"},
        "after_complaint": {"en": "After a complaint", "zh": "投诉后回访"},
        "revisit": {"en": "At a revisit", "zh": "客户回访"},
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


def _merge_page_messages() -> None:
    """Add the messages of every module in lib/messages; a key defined twice is an error."""
    import importlib
    import pkgutil

    from lib import messages

    for module_info in pkgutil.iter_modules(messages.__path__):
        module = importlib.import_module(f"lib.messages.{module_info.name}")
        clash = MESSAGES.keys() & module.MESSAGES.keys()
        if clash:
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        MESSAGES.update(module.MESSAGES)


_merge_page_messages()


def t(lang: str, key: str, /, **values: object) -> str:
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
