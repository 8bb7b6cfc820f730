"""Messages of the users page."""

MESSAGES: dict[str, dict[str, str]] = {
    "users.title": {"en": "Users and roles", "zh": "用户与角色"},
    "users.caption": {
        "en": "Everyone who can be assigned work. Users without a password set cannot sign in until one is set.",
        "zh": "所有可分配工作的用户。未设置密码的用户在设置密码前无法登录。",
    },
    "users.by_role": {"en": "Users by role", "zh": "各角色用户数"},
    "users.empty": {"en": "No users match these filters.", "zh": "没有符合筛选条件的用户。"},
    "users.role_filter": {"en": "Role", "zh": "角色"},
}
