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
    "users.error.username": {
        "en": "2–63 characters: lower-case letters, digits, dot, dash or underscore, starting with a letter or digit.",
        "zh": "2–63 个字符：小写字母、数字、点、连字符或下划线，以字母或数字开头。",
    },
    "users.error.username_taken": {"en": "This username is taken.", "zh": "该用户名已被使用。"},
    "users.error.password_short": {"en": "At least 10 characters.", "zh": "至少 10 个字符。"},
    "users.error.password_long": {"en": "At most 72 bytes.", "zh": "最多 72 字节。"},
    "users.error.password_spaces": {"en": "No spaces at the start or end.", "zh": "首尾不能有空格。"},
}
