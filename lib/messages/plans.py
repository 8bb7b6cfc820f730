"""Messages of the account plan page (一户一案)."""

MESSAGES: dict[str, dict[str, str]] = {
    "plan.caption": {
        "en": "One customer, one plan: the objectives, needs, products proposed and competitors of an account, and "
        "the actions that carry the plan out, each with an owner and a due date.",
        "zh": "一户一案：客户的目标、需求、拟推荐产品和竞争对手，以及落实方案的行动计划（各有负责人和截止日期）。",
    },
    "plan.search": {"en": "Find an account (name or code)", "zh": "查找客户（名称或编码）"},
    "plan.account": {"en": "Account", "zh": "客户"},
    "plan.pick": {"en": "Choose an account…", "zh": "请选择客户…"},
    "plan.pick_prompt": {"en": "Choose an account to edit its plan.", "zh": "请选择要编辑方案的客户。"},
    "plan.not_found": {
        "en": "This account is not in your portfolio or region, so you cannot edit its plan.",
        "zh": "该客户不在您的客户范围或辖区内，无法编辑其方案。",
    },
    "plan.updated": {"en": "Last updated {at} by {by}.", "zh": "{by} 于 {at} 最后更新。"},
    "plan.none_yet": {
        "en": "This account has no plan yet: fill in at least the objectives to start one.",
        "zh": "该客户尚无方案：至少填写目标即可创建。",
    },
    "plan.save": {"en": "Save the plan", "zh": "保存方案"},
    "plan.saved": {"en": "Plan saved.", "zh": "方案已保存。"},
    "plan.changed_meanwhile": {
        "en": "Someone else has changed this plan since these forms were filled in, so saving them would be refused.",
        "zh": "自您填写这些表单以来，该方案已被他人修改，保存将被拒绝。",
    },
    "plan.reload": {"en": "Load the current plan (discards your edits)", "zh": "载入最新方案（放弃您的修改）"},
    "plan.add_title": {"en": "Add an action", "zh": "新增行动"},
    "plan.due": {"en": "Due date (optional)", "zh": "截止日期（可选）"},
    "plan.add": {"en": "Add the action", "zh": "添加行动"},
    "plan.added": {"en": "Action added.", "zh": "行动已添加。"},
    "plan.edit_title": {"en": "Change an action", "zh": "修改行动"},
    "plan.pick_action": {"en": "Action to change", "zh": "要修改的行动"},
    "plan.update": {"en": "Save the change", "zh": "保存修改"},
    "plan.updated_action": {"en": "Action updated.", "zh": "行动已更新。"},
    "plan.unchanged": {
        "en": "Nothing was changed: the plan already reads like this.",
        "zh": "未作任何修改：方案内容已是如此。",
    },
    "plan.edit_link": {"en": "Edit the plan", "zh": "编辑客户方案"},
    "plan.error.stale": {
        "en": "Someone else changed this plan after you opened it, so nothing was saved. Your text is still in the "
        "form: copy what you need, then load the current plan.",
        "zh": "您打开后该方案已被他人修改，未保存任何内容。您输入的内容仍在表单中：请先复制需要的内容，再载入最新方案。",
    },
    "plan.error.owner_too_long": {"en": "Too long (at most 120 characters).", "zh": "内容过长（最多 120 个字符）。"},
}
