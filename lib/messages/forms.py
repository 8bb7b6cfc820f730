"""Messages shared by every form: validation errors, refusals, outcomes."""

MESSAGES: dict[str, dict[str, str]] = {
    "form.error.invalid": {
        "en": "Some fields need fixing; see the messages below them.",
        "zh": "部分字段需要修改，请查看字段下方的提示。",
    },
    "form.error.required": {"en": "Required.", "zh": "必填。"},
    "form.error.too_long": {"en": "Too long (at most 4,000 characters).", "zh": "内容过长（最多 4,000 个字符）。"},
    "form.error.bad_characters": {"en": "Contains characters that cannot be stored.", "zh": "包含无法保存的字符。"},
    "form.error.future_date": {"en": "Cannot be in the future.", "zh": "不能晚于今天。"},
    "form.error.too_old": {
        "en": "More than a year ago; ask a team lead to correct old records.",
        "zh": "早于一年前；如需更正历史记录请联系团队主管。",
    },
    "form.error.score_range": {"en": "A score is between 0 and 100.", "zh": "评分应在 0 到 100 之间。"},
    "form.error.due_after_visit": {
        "en": "The next revisit must come after this one.",
        "zh": "下次回访日期必须晚于本次回访。",
    },
    "form.error.out_of_scope": {
        "en": "This account is not in your portfolio or region, so you cannot write for it. Nothing was saved.",
        "zh": "该客户不在您的客户范围或辖区内，无法为其录入。未保存任何内容。",
    },
    "form.error.role": {
        "en": "Your role cannot record this. Nothing was saved.",
        "zh": "您的角色无权录入此内容。未保存任何内容。",
    },
    "form.error.transition": {
        "en": "This step is not possible from the current status.",
        "zh": "当前状态下无法执行此操作。",
    },
    "form.error.stale": {
        "en": "Someone else changed this record meanwhile; reload and try again.",
        "zh": "该记录已被他人修改，请刷新后重试。",
    },
    "form.saved": {"en": "Saved.", "zh": "已保存。"},
    "form.already_saved": {
        "en": "This form had already been saved; it was not stored twice.",
        "zh": "该表单此前已保存，未重复保存。",
    },
    "form.db_unavailable": {
        "en": "The database cannot be reached, so nothing was saved. Your input is still here: submit again in a moment.",
        "zh": "无法连接数据库，未保存任何内容。您输入的内容仍在此处，请稍后再次提交。",
    },
}
