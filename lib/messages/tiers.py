"""Messages of the Tiers & overlaps page."""

MESSAGES: dict[str, dict[str, str]] = {
    "tiers.scope": {"en": "Scope: {scope} · Data as of {date}", "zh": "范围：{scope} · 数据截至 {date}"},
    "tiers.rule": {
        "en": "Categories at the end of the period are the designations open on {day} (the category history is "
        "kept, so an earlier period shows the categories of its own time). Trailing spend is the average of "
        "that day's month and the two before.",
        "zh": "期末类别以 {day} 当天有效的客户认定记录为准（类别历史完整保留，早期期间显示当时的类别）。"
        "近三月消费为当日所在月及其前两个月的月均消费。",
    },
    "tiers.vs_previous": {"en": "vs end of previous period", "zh": "较上期末"},
    "tiers.sizes_title": {"en": "Category sizes on {day}", "zh": "{day} 各类别规模"},
    "tiers.key_accounts": {"en": "Key accounts", "zh": "大客户数"},
    "tiers.upset_title": {"en": "How the categories overlap", "zh": "类别交叉分布"},
    "tiers.upset_caption": {
        "en": "Each column is an exclusive intersection: accounts whose categories are exactly the filled dots. "
        "Premium intersections (two or more categories) are orange. Click a bar, a dot or a category's size "
        "bar to list its accounts below, or choose it in the list (its first choice shows all key accounts).",
        "zh": "每一列是一个独占交集：所属类别恰好为实心圆点所示组合的客户。特级交集（两类及以上）以橙色标出。"
        "点击柱形、圆点或类别规模条可在下方列出对应客户，也可在下拉列表中选择（第一项显示全部大客户）。",
    },
    "tiers.upset_empty": {
        "en": "No key accounts in this scope at the end of the period, so there is nothing to overlap. Choose a "
        "later period or another region.",
        "zh": "所选范围在期末没有大客户，无交叉可显示。请选择更晚的期间或其他区域。",
    },
    "tiers.single": {"en": "One category", "zh": "单一类别"},
    "tiers.kind": {"en": "Kind", "zh": "类型"},
    "tiers.intersection": {"en": "Intersection", "zh": "交集"},
    "tiers.combo": {"en": "Accounts of", "zh": "列出客户"},
    "tiers.combo_all": {"en": "All key accounts", "zh": "全部大客户"},
    "tiers.combo_category": {"en": "{category} (any intersection) · {n:,}", "zh": "{category}（含所有交集）· {n:,}"},
    "tiers.combo_option": {"en": "{label} · {n:,}", "zh": "{label} · {n:,}"},
    "tiers.revenue": {"en": "Revenue in the period", "zh": "期间收入"},
    "tiers.satisfaction": {"en": "Satisfaction index", "zh": "满意度指数"},
    "tiers.on_time": {"en": "On-time rate", "zh": "及时率"},
    "tiers.set_size": {"en": "Category size", "zh": "类别规模"},
    "tiers.accounts": {"en": "Accounts", "zh": "客户数"},
    "tiers.category_note": {
        "en": "The category filter narrows this list and the distributions below (any of the chosen categories).",
        "zh": "类别筛选作用于本列表及下方分布图（属于所选任一类别即可）。",
    },
    "tiers.accounts_count": {"en": "{n:,} accounts", "zh": "共 {n:,} 个客户"},
    "tiers.truncated": {
        "en": "Showing the {shown:,} with the highest spend of {n:,}.",
        "zh": "仅显示消费最高的 {shown:,} 个，共 {n:,} 个。",
    },
    "tiers.accounts_empty": {
        "en": "No key account in this scope has exactly this combination of categories (with these filters) at the "
        "end of the period.",
        "zh": "期末所选范围内没有类别组合符合该选择（及筛选条件）的大客户。",
    },
    "tiers.spend": {"en": "Spend in the period (¥)", "zh": "期间消费（元）"},
    "tiers.dist_title": {"en": "Where the key accounts are", "zh": "大客户分布"},
    "tiers.by_province": {"en": "By province", "zh": "按省份"},
    "tiers.by_city": {"en": "By city", "zh": "按地市"},
    "tiers.by_manager": {"en": "By account manager", "zh": "按客户经理"},
    "tiers.by_industry": {"en": "By industry", "zh": "按行业"},
    "tiers.no_manager": {"en": "(no manager)", "zh": "（未分配）"},
    "tiers.dist_empty": {
        "en": "No key accounts match these filters at the end of the period.",
        "zh": "期末没有符合筛选条件的大客户。",
    },
    "tiers.whatif_title": {"en": "High-value threshold: what if?", "zh": "高值门槛模拟"},
    "tiers.whatif_caption": {
        "en": "Both columns apply the same rule on {day}: high-value when the trailing 3-month average spend reaches "
        "the threshold (now ¥{current:,.0f}, the threshold in force); important, group and strategic as "
        "designated that day. Premium = two or more categories.",
        "zh": "两列均按 {day} 的同一规则计算：近三月月均消费达到门槛即为高值客户（当前门槛 {current:,.0f} 元，"
        "即当日生效值）；重要、集团、战略客户按当日认定。特级 = 两类及以上。",
    },
    "tiers.threshold": {"en": "What-if threshold (¥ per month)", "zh": "模拟门槛（元/月）"},
    "tiers.threshold_help": {
        "en": "Move it to see who would enter or leave the high-value category; it changes no setting.",
        "zh": "拖动以查看哪些客户会进入或退出高值类别；不会修改任何设置。",
    },
    "tiers.at_threshold": {"en": "{measure} at ¥{threshold:,.0f}", "zh": "门槛 {threshold:,.0f} 元时的{measure}"},
    "tiers.vs_now": {"en": "vs the threshold in force", "zh": "较当前门槛"},
    "tiers.measure": {"en": "Measure", "zh": "指标"},
    "tiers.now": {"en": "Now", "zh": "当前"},
    "tiers.what_if": {"en": "What if", "zh": "模拟"},
    "tiers.enter": {"en": "Would enter", "zh": "新进入"},
    "tiers.leave": {"en": "Would leave", "zh": "将退出"},
    "tiers.change": {"en": "Change", "zh": "变化"},
    "tiers.whatif_empty": {
        "en": "No accounts with spend or categories in this scope at the end of the period.",
        "zh": "期末所选范围内没有有消费或类别的客户。",
    },
    "tiers.workload_title": {"en": "Workload per account manager", "zh": "客户经理负荷"},
    "tiers.workload_caption": {
        "en": "Key accounts per manager, over the {managers:,} managers with a key account at either threshold "
        "(accounts without a manager are left out). The table shows the {top} busiest at the what-if threshold.",
        "zh": "按任一门槛下至少负责一个大客户的 {managers:,} 名客户经理统计（未分配客户经理的客户不计）。"
        "表中为模拟门槛下负荷最高的 {top} 名。",
    },
    "tiers.mean_load": {"en": "Key accounts per manager", "zh": "人均大客户数"},
    "tiers.mean_load_help": {
        "en": "Mean number of key accounts per account manager at the what-if threshold; the delta is against the "
        "threshold in force.",
        "zh": "模拟门槛下每名客户经理平均负责的大客户数；变化值与当前门槛比较。",
    },
    "tiers.max_load": {"en": "Most per manager", "zh": "单人最多"},
    "tiers.max_load_help": {
        "en": "The largest number of key accounts one manager would have at the what-if threshold.",
        "zh": "模拟门槛下单个客户经理负责的最多大客户数。",
    },
    "tiers.workload_empty": {
        "en": "No key account in this scope has an account manager.",
        "zh": "所选范围内没有已分配客户经理的大客户。",
    },
    "tiers.potential_title": {"en": "Potential key accounts", "zh": "潜在大客户"},
    "tiers.potential_caption": {
        "en": "In no category on {day}, with a trailing 3-month average spend of at least 70 % of the threshold in "
        "force (¥{threshold:,.0f}, so ¥{cut:,.0f}).",
        "zh": "{day} 不属于任何类别，且近三月月均消费达到当日门槛（{threshold:,.0f} 元）的 70%（即 {cut:,.0f} 元）。",
    },
    "tiers.potential_now": {"en": "Potential at the end", "zh": "期末潜在客户"},
    "tiers.vs_start": {"en": "vs the start of the period", "zh": "较期初"},
    "tiers.converted": {"en": "Converted in the period", "zh": "期间转化"},
    "tiers.converted_help": {
        "en": "Potential accounts at the start of the period ({n:,}) that got a category during it.",
        "zh": "期初潜在客户（{n:,} 个）中在期间内获得类别的客户数。",
    },
    "tiers.conversion_chart": {"en": "Conversion per month", "zh": "月度转化率"},
    "tiers.conversion_caption": {
        "en": "Each month: potential accounts at its start (on the day before) that got a category during the month, "
        "over those potential accounts.",
        "zh": "每月：月初（前一日）的潜在客户中在当月获得类别的数量 / 月初潜在客户数。",
    },
    "tiers.month": {"en": "Month", "zh": "月份"},
    "tiers.potential_start": {"en": "Potential at start", "zh": "月初潜在客户"},
    "tiers.converted_n": {"en": "Converted", "zh": "已转化"},
    "tiers.rate": {"en": "Conversion", "zh": "转化率"},
    "tiers.conversion_empty": {
        "en": "No potential key accounts at the start of any month of the period, so there is no conversion to show.",
        "zh": "本期间各月初均无潜在大客户，无转化率可显示。",
    },
    "tiers.potential_empty": {
        "en": "No potential key accounts in this scope at the end of the period.",
        "zh": "期末所选范围内没有潜在大客户。",
    },
    "tiers.share": {"en": "Share of threshold", "zh": "占门槛比例"},
    "tiers.over_time_title": {"en": "Key accounts over time", "zh": "大客户数量变化"},
    "tiers.over_time_caption": {
        "en": "Accounts in each group on the first day of each month (designations open that day).",
        "zh": "每月第一天各类客户数（以当日有效的认定为准）。",
    },
    "tiers.threshold_changes": {
        "en": "Threshold changes (dashed lines): {changes}.",
        "zh": "门槛调整（虚线）：{changes}。",
    },
    "tiers.threshold_in_force": {"en": "Threshold from here on", "zh": "此后门槛"},
    "tiers.over_time_empty": {
        "en": "No key accounts in this scope during these months.",
        "zh": "这些月份内该范围没有大客户。",
    },
}
