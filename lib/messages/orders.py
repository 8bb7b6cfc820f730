"""Messages of the order desk."""

MESSAGES: dict[str, dict[str, str]] = {
    # refusals of the order commands
    "orders.error.on_hold": {
        "en": "An order on hold cannot move to the next stage; resume it first.",
        "zh": "挂起中的工单不能进入下一环节，请先解挂。",
    },
    "orders.error.unit_outside": {
        "en": "Choose a unit of the order's own province.",
        "zh": "请选择工单所属省份内的单位。",
    },
    "orders.error.same_unit": {"en": "The order is already with this unit.", "zh": "工单已在该单位处理。"},
    "orders.error.urged_recently": {
        "en": "This stage was urged less than an hour ago, so it was not urged again.",
        "zh": "该环节一小时内已催办过，本次未重复催办。",
    },
    "orders.error.no_open_stage": {
        "en": "This order has no open stage record, so its stage time cannot be kept. Ask an administrator.",
        "zh": "该工单没有进行中的环节记录，无法计时，请联系管理员。",
    },
    # the page
    "orders.caption": {
        "en": "Open and held orders of {scope}, the furthest past their stage target first. Time in stage leaves "
        "out time on hold. Times are UTC.",
        "zh": "{scope}范围内在途和挂起的工单，按超出环节时限多少排序。环节用时不含挂起时间。时间为 UTC。",
    },
    "orders.filter_stage": {"en": "Stage", "zh": "环节"},
    "orders.filter_status": {"en": "Status", "zh": "状态"},
    "orders.search": {"en": "Order or account code starts with", "zh": "工单或客户编码开头"},
    "orders.count": {"en": "{n} orders match.", "zh": "共 {n} 张工单。"},
    "orders.truncated": {
        "en": "Showing the {shown} furthest past their target.",
        "zh": "仅显示超时最多的 {shown} 张。",
    },
    "orders.empty": {
        "en": "No open or held order in your scope matches these filters.",
        "zh": "您的范围内没有符合筛选条件的在途或挂起工单。",
    },
    "orders.pick": {"en": "Order to act on", "zh": "选择要处理的工单"},
    "orders.pick_none": {"en": "Choose an order to see its stages and act on it", "zh": "选择一张工单以查看环节并处理"},
    "orders.not_found": {"en": "Order {code} is not open in your scope.", "zh": "工单 {code} 不在您的范围内或已归档。"},
    "orders.facts": {
        "en": "{account} · {grade} · received {received} · with {unit}",
        "zh": "{account} · {grade} · 受理于 {received} · 当前处理单位：{unit}",
    },
    "orders.from_complaint": {"en": "Raised from complaint {code}.", "zh": "由投诉 {code} 生成。"},
    "orders.stage": {"en": "Stage", "zh": "当前环节"},
    "orders.status": {"en": "Status", "zh": "状态"},
    "orders.time_in_stage": {"en": "Time in stage", "zh": "环节用时"},
    "orders.time_help": {
        "en": "Target {target} h; {hold} h on hold not counted.",
        "zh": "时限 {target} 小时；不含挂起 {hold} 小时。",
    },
    "orders.hours": {"en": "{hours} h", "zh": "{hours} 小时"},
    "orders.over_by": {"en": "{hours} h over target", "zh": "超时 {hours} 小时"},
    "orders.left": {"en": "{hours} h left", "zh": "剩余 {hours} 小时"},
    "orders.history": {"en": "Stages and events", "zh": "环节与事件"},
    "orders.act_title": {"en": "Act on the order", "zh": "处理工单"},
    "orders.action": {"en": "Action", "zh": "操作"},
    "orders.action.advance": {"en": "Move to the next stage", "zh": "进入下一环节"},
    "orders.action.close": {"en": "Acceptance done: close the order", "zh": "验收完成：归档工单"},
    "orders.action.hold": {"en": "Put on hold", "zh": "挂起"},
    "orders.action.resume": {"en": "Resume", "zh": "解挂"},
    "orders.action.transfer": {"en": "Transfer to another unit", "zh": "转派"},
    "orders.action.urge": {"en": "Urge", "zh": "催单"},
    "orders.to_unit": {"en": "Transfer to", "zh": "转派至"},
    "orders.to_unit_help": {
        "en": "Only used for a transfer: the province office or one of its local networks.",
        "zh": "仅转派时使用：省公司或其下属本地网。",
    },
    "orders.note": {"en": "Note", "zh": "备注"},
    "orders.note_help": {
        "en": "Required for a hold: why the stage clock stops.",
        "zh": "挂起时必填：说明暂停计时的原因。",
    },
    "orders.submit": {"en": "Apply", "zh": "提交"},
    "orders.done.advance": {"en": "Order {code} moved to {stage}.", "zh": "工单 {code} 已进入{stage}。"},
    "orders.done.closed": {"en": "Order {code} closed.", "zh": "工单 {code} 已归档。"},
    "orders.done.hold": {
        "en": "Order {code} is on hold; its stage clock is stopped.",
        "zh": "工单 {code} 已挂起，环节暂停计时。",
    },
    "orders.done.resume": {
        "en": "Order {code} resumed; its stage clock runs again.",
        "zh": "工单 {code} 已解挂，环节恢复计时。",
    },
    "orders.done.transfer": {"en": "Order {code} transferred.", "zh": "工单 {code} 已转派。"},
    "orders.done.urge": {"en": "Order {code} urged.", "zh": "已催办工单 {code}。"},
    # columns
    "orders.col.code": {"en": "Order", "zh": "工单编号"},
    "orders.col.account": {"en": "Account", "zh": "客户"},
    "orders.col.product": {"en": "Product", "zh": "产品"},
    "orders.col.grade": {"en": "Service grade", "zh": "服务等级"},
    "orders.col.status": {"en": "Status", "zh": "状态"},
    "orders.col.stage": {"en": "Stage", "zh": "环节"},
    "orders.col.entered_at": {"en": "In stage since (UTC)", "zh": "进入环节时间（UTC）"},
    "orders.col.hours": {"en": "Time in stage (h)", "zh": "环节用时（小时）"},
    "orders.col.target_hours": {"en": "Target (h)", "zh": "时限（小时）"},
    "orders.col.over_hours": {"en": "Over target (h)", "zh": "超时（小时）"},
    "orders.col.complaint": {"en": "Complaint", "zh": "投诉编号"},
    "orders.col.kind": {"en": "Event", "zh": "事件"},
    "orders.col.at": {"en": "At (UTC)", "zh": "时间（UTC）"},
    "orders.col.exited_at": {"en": "Left (UTC)", "zh": "离开时间（UTC）"},
    "orders.col.hold_hours": {"en": "On hold (h)", "zh": "挂起（小时）"},
    "orders.col.unit": {"en": "Unit", "zh": "处理单位"},
    "orders.col.actor": {"en": "By", "zh": "操作人"},
    "orders.col.note": {"en": "Note", "zh": "备注"},
}
