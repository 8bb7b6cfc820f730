"""Messages of the data import page and of the import checks (lib/imports.py)."""

MESSAGES: dict[str, dict[str, str]] = {
    "imports.title": {"en": "Import data", "zh": "导入数据"},
    "imports.caption": {
        "en": "Upload a CSV (UTF-8 or GBK) or Excel .xlsx file. Every row is checked first; the import is stored only when no row is rejected, all at once. Rows already stored as they are change nothing, so importing the same file twice is safe.",
        "zh": "上传 CSV（UTF-8 或 GBK 编码）或 Excel .xlsx 文件。系统先逐行检查；只有没有任何被拒绝的行时才会一次性全部保存。与已存数据相同的行不做任何修改，因此重复导入同一文件是安全的。",
    },
    "imports.kind": {"en": "What to import", "zh": "导入内容"},
    "imports.kind.regions": {"en": "Regions", "zh": "区域"},
    "imports.kind.accounts": {"en": "Accounts", "zh": "客户"},
    "imports.kind.monthly_spend": {"en": "Monthly spend", "zh": "月度消费"},
    "imports.kind.designations": {"en": "Designations", "zh": "客户类别认定"},
    "imports.help.regions": {
        "en": "The organisation tree below headquarters, first on a new database: one row per province or city (level province or city, 省 or 地市), matched by org code (any letter case, stored in capitals). A city names its province in parent_code; a province leaves it empty. A known code updates its names; its level and province cannot change, since accounts and users belong to it.",
        "zh": "总部以下的组织架构，新数据库须最先导入：每行一个省份或地市（层级填写 province 或 city、省 或 地市），按机构编码匹配（不区分大小写，保存为大写）。地市在“上级机构编码”中填写所属省份编码；省份留空。已有编码只更新名称；层级和所属省份不能修改，因为客户和用户都隶属于它。",
    },
    "imports.help.accounts": {
        "en": "One row per account, matched by code: a new code adds an account, a known code updates the values that differ. Province and city by org code (GD, GD-GZ) or name; manager by username. Blank optional values keep what is stored.",
        "zh": "每行一个客户，按客户编码匹配：新编码新增客户，已有编码只更新不同的字段。省份和地市填写机构编码（如 GD、GD-GZ）或名称；客户经理填写用户名。可选字段留空则保留原值。",
    },
    "imports.help.monthly_spend": {
        "en": "One row per account and month (YYYY-MM); the amount in yuan, at least 0. High-value membership is worked out again from the new figures.",
        "zh": "每个客户每月一行（月份格式 YYYY-MM）；金额以元为单位，不小于 0。导入后将按新数据重新认定高值客户。",
    },
    "imports.help.designations": {
        "en": "Important, group or strategic designations (high-value is derived from spend and cannot be imported). A stretch is matched by account, category and start date; stretches of one category may not overlap.",
        "zh": "重要客户、集团客户或战略客户的认定（高值客户由消费自动认定，不能导入）。按客户、类别和生效日期匹配；同一类别的认定期间不能重叠。",
    },
    "imports.template": {"en": "Download the template", "zh": "下载模板"},
    "imports.upload": {"en": "File to import (.csv or .xlsx)", "zh": "待导入文件（.csv 或 .xlsx）"},
    "imports.waiting": {
        "en": "Choose a file: you will see a preview and every rejected row before anything is stored.",
        "zh": "请选择文件：保存前您会看到预览以及所有被拒绝的行。",
    },
    "imports.preview": {"en": "Preview (first {n} rows)", "zh": "预览（前 {n} 行）"},
    "imports.metric.rows": {"en": "Rows", "zh": "行数"},
    "imports.metric.new": {"en": "New", "zh": "新增"},
    "imports.metric.changed": {"en": "Changed", "zh": "修改"},
    "imports.metric.unchanged": {"en": "Unchanged", "zh": "无变化"},
    "imports.metric.rejected": {"en": "Rejected", "zh": "被拒绝"},
    "imports.status.new": {"en": "new", "zh": "新增"},
    "imports.status.changed": {"en": "changed", "zh": "修改"},
    "imports.status.unchanged": {"en": "unchanged", "zh": "无变化"},
    "imports.status.rejected": {"en": "rejected", "zh": "被拒绝"},
    "imports.col.line": {"en": "Line", "zh": "行号"},
    "imports.col.status": {"en": "Result", "zh": "结果"},
    "imports.col.column": {"en": "Column", "zh": "列"},
    "imports.col.reason": {"en": "Reason", "zh": "原因"},
    "imports.rejected": {
        "en": "Rejected rows: {n}. Nothing can be imported until they are fixed: correct them in the file and upload it again.",
        "zh": "被拒绝的行：{n} 行。修正前无法导入，请在文件中修改后重新上传。",
    },
    "imports.ready": {
        "en": "No row is rejected. Importing stores the new ({new}) and changed ({changed}) rows together.",
        "zh": "没有被拒绝的行。导入将一并保存新增（{new} 行）和修改（{changed} 行）的数据。",
    },
    "imports.nothing_to_change": {
        "en": "Nothing to change: every row ({n}) is already stored as it is in the file.",
        "zh": "无需修改：全部 {n} 行已与文件内容一致。",
    },
    "imports.commit": {"en": "Import", "zh": "导入"},
    "imports.progress": {"en": "Storing {done:,} of {total:,} rows…", "zh": "正在保存 {done:,} / {total:,} 行…"},
    "imports.done": {
        "en": "Imported {file}: {inserted} new, {updated} changed, {unchanged} unchanged.",
        "zh": "已导入 {file}：新增 {inserted} 行，修改 {updated} 行，无变化 {unchanged} 行。",
    },
    # Whole-file problems
    "imports.error.role": {
        "en": "Only administrators and team leads can import data. Nothing was stored.",
        "zh": "只有系统管理员和团队主管可以导入数据。未保存任何内容。",
    },
    "imports.error.role_regions": {
        "en": "Only administrators can import regions. Nothing was stored.",
        "zh": "只有系统管理员可以导入区域。未保存任何内容。",
    },
    "imports.error.no_national": {
        "en": "The database has no national organisation node yet: create the first administrator (lib.admin_cli create-admin) first. Nothing was stored.",
        "zh": "数据库中还没有全国机构节点：请先创建第一个管理员（lib.admin_cli create-admin）。未保存任何内容。",
    },
    "imports.error.rejected": {
        "en": "Rows rejected when storing: {n} (the data changed since the check). Nothing was stored; check the file again.",
        "zh": "保存时有 {n} 行被拒绝（检查后数据已发生变化）。未保存任何内容，请重新检查文件。",
    },
    "imports.error.empty": {"en": "The file is empty.", "zh": "文件为空。"},
    "imports.error.no_rows": {
        "en": "The file has a header but no rows to import.",
        "zh": "文件只有表头，没有可导入的行。",
    },
    "imports.error.too_big": {
        "en": "The file is larger than {limit} MB. Split it into smaller files and import them one by one.",
        "zh": "文件超过 {limit} MB，请拆分为较小的文件后逐个导入。",
    },
    "imports.error.too_many_rows": {
        "en": "The file has more than {limit} rows. Split it into smaller files and import them one by one.",
        "zh": "文件超过 {limit} 行，请拆分为较小的文件后逐个导入。",
    },
    "imports.error.encoding": {
        "en": "The file is not text in UTF-8 or GBK. Save it from Excel as “CSV UTF-8” and upload it again.",
        "zh": "文件不是 UTF-8 或 GBK 编码的文本。请在 Excel 中另存为“CSV UTF-8”后重新上传。",
    },
    "imports.error.bad_csv": {
        "en": "The CSV file cannot be read from line {line} on (check its quotes).",
        "zh": "CSV 文件从第 {line} 行起无法读取（请检查引号）。",
    },
    "imports.error.bad_excel": {
        "en": "This is not a readable Excel workbook (.xlsx). Save it again from Excel, or as CSV.",
        "zh": "这不是可读取的 Excel 工作簿（.xlsx）。请在 Excel 中重新保存，或另存为 CSV。",
    },
    "imports.error.file_type": {"en": "Upload a .csv or .xlsx file.", "zh": "请上传 .csv 或 .xlsx 文件。"},
    # The header
    "imports.error.unknown_column": {
        "en": "Unknown column “{value}”. The columns are: {accepted}.",
        "zh": "未知列“{value}”。可用的列：{accepted}。",
    },
    "imports.error.missing_column": {
        "en": "The required column “{value}” is missing.",
        "zh": "缺少必填列“{value}”。",
    },
    "imports.error.duplicate_column": {"en": "The column “{value}” appears twice.", "zh": "列“{value}”出现了两次。"},
    "imports.error.blank_header": {
        "en": "Column {position} has no name in the header.",
        "zh": "表头第 {position} 列没有列名。",
    },
    # Rows
    "imports.error.extra_values": {
        "en": "More values than the header has columns.",
        "zh": "值的个数多于表头的列数。",
    },
    "imports.error.required": {"en": "Required.", "zh": "必填。"},
    "imports.error.too_long": {"en": "Too long (at most {limit} characters).", "zh": "过长（最多 {limit} 个字符）。"},
    "imports.error.bad_characters": {"en": "Contains characters that cannot be stored.", "zh": "包含无法保存的字符。"},
    "imports.error.code": {
        "en": "“{value}” is not an account code: 1–32 letters or digits (also . _ - /), starting with a letter or digit.",
        "zh": "“{value}”不是有效的客户编码：1–32 个字母或数字（也可含 . _ - /），以字母或数字开头。",
    },
    "imports.error.duplicate": {
        "en": "“{value}” is already on line {first} of this file.",
        "zh": "“{value}”已在本文件第 {first} 行出现。",
    },
    "imports.error.org_code": {
        "en": "“{value}” is not an org code: 1–16 letters, digits, - or _, starting with a letter or digit (such as GD or GD-GZ).",
        "zh": "“{value}”不是有效的机构编码：1–16 个字母、数字、- 或 _，以字母或数字开头（如 GD、GD-GZ）。",
    },
    "imports.error.level": {
        "en": "Unknown level “{value}”: use province or city (省 or 地市).",
        "zh": "未知层级“{value}”：请填写 province 或 city（省 或 地市）。",
    },
    "imports.error.national_code": {
        "en": "{value} is the national node (headquarters); it cannot be imported.",
        "zh": "{value} 是全国节点（总部），不能导入。",
    },
    "imports.error.stored_as_province": {
        "en": "{value} is stored as a province; an import cannot make it a city, since accounts and users belong to it.",
        "zh": "{value} 已作为省份保存；不能通过导入改为地市，因为客户和用户都隶属于它。",
    },
    "imports.error.stored_as_city": {
        "en": "{value} is stored as a city; an import cannot make it a province, since accounts and users belong to it.",
        "zh": "{value} 已作为地市保存；不能通过导入改为省份，因为客户和用户都隶属于它。",
    },
    "imports.error.province_parent": {
        "en": "A province belongs to headquarters: leave parent_code empty or write {national}.",
        "zh": "省份隶属于总部：上级机构编码请留空或填写 {national}。",
    },
    "imports.error.city_parent": {
        "en": "A city needs the org code of its province (such as GD).",
        "zh": "地市须填写所属省份的机构编码（如 GD）。",
    },
    "imports.error.parent_not_province": {
        "en": "{value} is not a province: a city belongs to a province.",
        "zh": "{value} 不是省份：地市必须隶属于省份。",
    },
    "imports.error.unknown_parent_region": {
        "en": "No province with the code “{value}” is stored or in this file.",
        "zh": "数据库和本文件中都没有编码为“{value}”的省份。",
    },
    "imports.error.parent_change": {
        "en": "{value} belongs to {parent}; an import cannot move it to another province, since its accounts and users would move with it.",
        "zh": "{value} 隶属于 {parent}；不能通过导入迁移到其他省份，因为其客户和用户会随之迁移。",
    },
    "imports.error.industry": {
        "en": "Unknown industry “{value}”: use a code such as finance, or its English or Chinese name.",
        "zh": "未知行业“{value}”：请填写行业代码（如 finance）或中英文名称。",
    },
    "imports.error.unknown_province": {
        "en": "Unknown province “{value}”: use its org code (such as GD) or its English or Chinese name.",
        "zh": "未知省份“{value}”：请填写机构编码（如 GD）或中英文名称。",
    },
    "imports.error.unknown_city": {
        "en": "Unknown city “{value}”: use its org code (such as GD-GZ) or its English or Chinese name.",
        "zh": "未知地市“{value}”：请填写机构编码（如 GD-GZ）或中英文名称。",
    },
    "imports.error.ambiguous_region": {
        "en": "“{value}” is the name of several regions: use the org code.",
        "zh": "“{value}”对应多个区域，请填写机构编码。",
    },
    "imports.error.city_province": {
        "en": "The city {value} is not in the province {province}.",
        "zh": "地市 {value} 不属于省份 {province}。",
    },
    "imports.error.out_of_scope": {
        "en": "This region is outside yours: you cannot import accounts there.",
        "zh": "该区域不在您的辖区内，不能导入该区域的客户。",
    },
    "imports.error.code_out_of_scope": {
        "en": "The code {value} belongs to an account outside your region.",
        "zh": "编码 {value} 属于您辖区外的客户。",
    },
    "imports.error.region_change": {
        "en": "This account is in {region}; an import cannot move it to another region.",
        "zh": "该客户位于 {region}，不能通过导入迁移到其他区域。",
    },
    "imports.error.unknown_manager": {
        "en": "No active account manager or team lead has the username “{value}”.",
        "zh": "没有用户名为“{value}”的在岗客户经理或团队主管。",
    },
    "imports.error.manager_region": {
        "en": "{value} does not work in this city.",
        "zh": "{value} 不负责该地市。",
    },
    "imports.error.unknown_parent": {
        "en": "No account with the code “{value}” in your region or in this file.",
        "zh": "您的辖区和本文件中都没有编码为“{value}”的客户。",
    },
    "imports.error.parent_self": {
        "en": "An account cannot be its own group parent.",
        "zh": "客户不能是自己的上级客户。",
    },
    "imports.error.parent_nested": {
        "en": "{value} is itself a member unit of a group; a parent must be a top-level account.",
        "zh": "{value} 本身是集团成员单位；上级客户必须是顶层客户。",
    },
    "imports.error.has_members": {
        "en": "{value} has member units of its own, so it cannot become a member of another group.",
        "zh": "{value} 自身有成员单位，不能再成为其他集团的成员。",
    },
    "imports.error.unknown_account": {
        "en": "No account with the code “{value}” in your region.",
        "zh": "您的辖区内没有编码为“{value}”的客户。",
    },
    "imports.error.date": {
        "en": "“{value}” is not a date: write it as YYYY-MM-DD.",
        "zh": "“{value}”不是有效日期，请按 YYYY-MM-DD 填写。",
    },
    "imports.error.month": {
        "en": "“{value}” is not a month: write it as YYYY-MM.",
        "zh": "“{value}”不是有效月份，请按 YYYY-MM 填写。",
    },
    "imports.error.future": {"en": "{value} is in the future.", "zh": "{value} 晚于今天。"},
    "imports.error.number": {"en": "“{value}” is not a number.", "zh": "“{value}”不是数字。"},
    "imports.error.negative": {
        "en": "{value} is negative; spend is at least 0.",
        "zh": "{value} 为负数；消费金额不能小于 0。",
    },
    "imports.error.too_large": {
        "en": "{value} is too large for a monthly spend.",
        "zh": "{value} 超出月度消费的允许范围。",
    },
    "imports.error.category": {
        "en": "Unknown category “{value}”: use important, group or strategic (重要客户, 集团客户, 战略客户).",
        "zh": "未知类别“{value}”：请填写 important、group 或 strategic（重要客户、集团客户、战略客户）。",
    },
    "imports.error.derived_category": {
        "en": "High-value is worked out from spend every month; it cannot be imported as a designation.",
        "zh": "高值客户按月度消费自动认定，不能作为类别认定导入。",
    },
    "imports.error.valid_to": {
        "en": "{value} is not after valid_from; the end date is exclusive.",
        "zh": "{value} 不晚于生效日期；失效日期当天不再有效。",
    },
    "imports.error.overlap_stored": {
        "en": "Overlaps the stored designation of this category that starts on {start}; end that one first (valid_to).",
        "zh": "与已存的同类别认定（{start} 起）重叠；请先为其填写失效日期。",
    },
    "imports.error.overlap_file": {
        "en": "Overlaps the designation of the same account and category on line {other}.",
        "zh": "与本文件第 {other} 行同一客户同一类别的认定重叠。",
    },
}
