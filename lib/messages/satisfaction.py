"""Messages of the Satisfaction page."""

MESSAGES: dict[str, dict[str, str]] = {
    "satisfaction.caption": {
        "en": "Year on year: compared with the same dates a year earlier, {start} – {end}. Changes are in points.",
        "zh": "同比：与上年同期 {start} – {end} 比较，变化单位为分。",
    },
    "satisfaction.empty": {
        "en": "No surveys in this scope and period. Choose a longer period, another region or fewer categories.",
        "zh": "所选范围和期间内没有调查。请延长期间、选择其他区域或减少类别筛选。",
    },
    # headline
    "satisfaction.points": {"en": "{value:+.2f} pts", "zh": "{value:+.2f} 分"},
    # the sign leads in both languages: st.metric colours a delta by its first character
    "satisfaction.points_yoy": {"en": "{value:+.2f} pts YoY", "zh": "{value:+.2f} 分（同比）"},
    "satisfaction.csat_label": {"en": "CSAT % (score ≥ 80)", "zh": "满意率（≥ 80 分）"},
    "satisfaction.nps_value": {"en": "{value:+.1f}", "zh": "{value:+.1f}"},
    "satisfaction.surveys": {"en": "Surveys", "zh": "调查数"},
    "satisfaction.surveys_help": {
        "en": "Surveys in the period, in scope, of accounts in the chosen categories.",
        "zh": "期间内、范围内、所选类别客户的调查数。",
    },
    "satisfaction.year_earlier_caption": {
        "en": "A year earlier: index {index:.1f} over {n:,} surveys. Growth rate: {growth:+.2f} % of the earlier "
        "index.",
        "zh": "上年同期：指数 {index:.1f}（{n:,} 份调查）。增长率：{growth:+.2f}%（相对上年同期指数）。",
    },
    "satisfaction.no_year_earlier": {
        "en": "No surveys over the same dates a year earlier, so there is no year-on-year change to show (–).",
        "zh": "上年同期没有调查，因此无法给出同比变化（–）。",
    },
    "satisfaction.nps_caption": {
        "en": "Net score: {promoters:.1f} % of scores ≥ 90 minus {detractors:.1f} % below 70.",
        "zh": "净推荐值：≥ 90 分占比 {promoters:.1f}% 减去 < 70 分占比 {detractors:.1f}%。",
    },
    # tabs
    "satisfaction.tab_trend": {"en": "Trend & distribution", "zh": "趋势与分布"},
    "satisfaction.tab_breakdown": {"en": "Dimensions & regions", "zh": "维度与区域"},
    "satisfaction.tab_segments": {"en": "Categories & managers", "zh": "类别与客户经理"},
    "satisfaction.tab_verbatims": {"en": "Verbatims", "zh": "客户原声"},
    "satisfaction.tab_follow_up": {"en": "Low-score follow-up", "zh": "低分跟进"},
    # trend and distribution
    "satisfaction.trend_title": {
        "en": "Index per month, this period and a year earlier",
        "zh": "月度满意度指数：本期与上年同期",
    },
    "satisfaction.distribution_title": {"en": "Distribution of scores (5-point bins)", "zh": "得分分布（每 5 分一档）"},
    "satisfaction.distribution_caption": {
        "en": "Scores below 60 are low scores (followed up within 7 days); 80 and above count towards CSAT. "
        "A score of 100 falls in the 95–100 bin.",
        "zh": "低于 60 分为低分（需在 7 天内跟进）；80 分及以上计入满意率。100 分计入 95–100 档。",
    },
    "satisfaction.dimension_title": {"en": "By dimension", "zh": "分维度"},
    # column, axis, legend and tooltip titles: satisfaction.col.<column name>
    "satisfaction.col.month": {"en": "Month", "zh": "月份"},
    "satisfaction.col.index": {"en": "Index", "zh": "指数"},
    "satisfaction.col.index_year_earlier": {"en": "A year earlier", "zh": "上年同期"},
    "satisfaction.col.mean": {"en": "Mean", "zh": "均值"},
    "satisfaction.col.mean_year_earlier": {"en": "A year earlier", "zh": "上年同期"},
    "satisfaction.col.change_points": {"en": "Change (pts)", "zh": "同比变化（分）"},
    "satisfaction.col.surveys": {"en": "Surveys", "zh": "调查数"},
    "satisfaction.col.surveys_year_earlier": {"en": "Surveys a year earlier", "zh": "上年同期调查数"},
    "satisfaction.col.responses": {"en": "Answers", "zh": "作答数"},
    "satisfaction.col.dimension_label": {"en": "Dimension", "zh": "维度"},
    "satisfaction.col.region": {"en": "Region", "zh": "地区"},
    "satisfaction.col.category_label": {"en": "Category", "zh": "类别"},
    "satisfaction.col.combination": {"en": "Categories", "zh": "类别组合"},
    "satisfaction.col.premium": {"en": "Premium", "zh": "特级"},
    "satisfaction.col.manager": {"en": "Account manager", "zh": "客户经理"},
    "satisfaction.col.day": {"en": "Date", "zh": "日期"},
    "satisfaction.col.origin": {"en": "From", "zh": "来源"},
    "satisfaction.col.kind": {"en": "Type", "zh": "类型"},
    "satisfaction.col.account_code": {"en": "Account code", "zh": "客户编码"},
    "satisfaction.col.account_name": {"en": "Account", "zh": "客户名称"},
    "satisfaction.col.score": {"en": "Score", "zh": "得分"},
    "satisfaction.col.text": {"en": "Text", "zh": "内容"},
    "satisfaction.col.source": {"en": "Survey source", "zh": "调查来源"},
    "satisfaction.col.comment": {"en": "Comment", "zh": "评语"},
    "satisfaction.col.now": {"en": "This period", "zh": "本期"},
    "satisfaction.col.earlier": {"en": "A year earlier", "zh": "上年同期"},
    "satisfaction.col.series": {"en": "Series", "zh": "序列"},
    "satisfaction.col.score_bin": {"en": "Score", "zh": "得分"},
    "satisfaction.col.share_pct": {"en": "Share (%)", "zh": "占比（%）"},
    "satisfaction.col.band": {"en": "Band", "zh": "分段"},
    "satisfaction.col.band_low": {"en": "Low (< 60)", "zh": "低分（< 60）"},
    "satisfaction.col.band_middle": {"en": "60–79", "zh": "60–79"},
    "satisfaction.col.band_satisfied": {"en": "Satisfied (≥ 80)", "zh": "满意（≥ 80）"},
    # regions
    "satisfaction.region_title": {"en": "By region: where satisfaction fell", "zh": "分区域：满意度下降的地区"},
    "satisfaction.region_caption": {
        "en": "Regions sorted by the change in points, largest fall first; regions without surveys a year earlier "
        "come last.",
        "zh": "按同比变化（分）排序，降幅最大的在前；上年同期无调查的地区排在最后。",
    },
    "satisfaction.why": {
        "en": "{region} fell most: {change:+.2f} points year on year. There, {dimension} fell most "
        "({dimension_change:+.2f} points).",
        "zh": "{region}降幅最大：同比 {change:+.2f} 分。其中{dimension}维度降幅最大（{dimension_change:+.2f} 分）。",
    },
    "satisfaction.why_no_dimension": {
        "en": "{region} fell most: {change:+.2f} points year on year; no dimension score fell there.",
        "zh": "{region}降幅最大：同比 {change:+.2f} 分；该地区各维度得分均未下降。",
    },
    "satisfaction.no_fall": {
        "en": "No region fell year on year.",
        "zh": "没有地区的满意度同比下降。",
    },
    # categories and managers
    "satisfaction.category_title": {"en": "By category", "zh": "分类别"},
    "satisfaction.category_caption": {
        "en": "Current categories of the account; an account in several categories counts in each.",
        "zh": "按客户当前类别统计；属于多个类别的客户在每个类别中都计入。",
    },
    "satisfaction.intersection_title": {"en": "By exact combination of categories", "zh": "分类别组合（独占交集）"},
    "satisfaction.intersection_caption": {
        "en": "Each account counts once, in the exact set of categories it is in today.",
        "zh": "每个客户只计一次，归入其当前所属的确切类别组合。",
    },
    "satisfaction.no_category": {"en": "None (not a key account)", "zh": "无（非大客户）"},
    "satisfaction.category_empty": {
        "en": "No surveys of key accounts in this scope and period.",
        "zh": "所选范围和期间内没有大客户的调查。",
    },
    "satisfaction.manager_title": {"en": "By account manager", "zh": "分客户经理"},
    "satisfaction.manager_caption": {
        "en": "Account managers with at least {n} surveys in the period, over the accounts they manage today.",
        "zh": "期间内调查数不少于 {n} 份的客户经理，按其当前负责的客户统计。",
    },
    "satisfaction.manager_top": {"en": "Highest index", "zh": "指数最高"},
    "satisfaction.manager_bottom": {"en": "Lowest index", "zh": "指数最低"},
    "satisfaction.manager_empty": {
        "en": "No account manager has {n} or more surveys in this scope and period.",
        "zh": "所选范围和期间内没有调查数达到 {n} 份的客户经理。",
    },
    # verbatims
    "satisfaction.verbatims_title": {"en": "What customers said", "zh": "客户原声"},
    "satisfaction.verbatims_caption": {
        "en": "The latest {n} survey comments, revisit notes and complaint descriptions in the period, as written.",
        "zh": "期间内最新的 {n} 条调查评语、回访记录和投诉描述（原文）。",
    },
    "satisfaction.search": {"en": "Search text or account", "zh": "搜索内容或客户"},
    "satisfaction.verbatims_empty": {
        "en": "No comments, notes or complaint descriptions match in this scope and period.",
        "zh": "所选范围和期间内没有匹配的评语、回访记录或投诉描述。",
    },
    "satisfaction.origin.survey": {"en": "Survey", "zh": "满意度调查"},
    "satisfaction.origin.revisit": {"en": "Revisit", "zh": "回访"},
    "satisfaction.origin.complaint": {"en": "Complaint", "zh": "投诉"},
    # low-score follow-up
    "satisfaction.follow_up_title": {"en": "Low scores followed up within 7 days", "zh": "低分 7 天内跟进情况"},
    "satisfaction.low_scores": {"en": "Low scores (< 60)", "zh": "低分数（< 60）"},
    "satisfaction.followed_up": {"en": "Followed up", "zh": "已跟进"},
    "satisfaction.follow_up_caption": {
        "en": "Followed up: a revisit of the same account, or a complaint of that account resolved, on the day of "
        "the survey or in the 7 days after it.",
        "zh": "已跟进：调查当天或之后 7 天内，对同一客户进行了回访，或该客户的投诉已解决。",
    },
    "satisfaction.not_followed_title": {"en": "Not followed up (latest {n})", "zh": "未跟进（最新 {n} 条）"},
    "satisfaction.no_low_scores": {
        "en": "No scores below 60 in this scope and period.",
        "zh": "所选范围和期间内没有低于 60 分的调查。",
    },
    "satisfaction.all_followed": {"en": "Every low score was followed up.", "zh": "所有低分均已跟进。"},
}
