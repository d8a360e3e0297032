/// What the details of an audit event (its summary's keys and coded values) are called in
/// Chinese, for the audit log page. A key or value missing here is shown as written, so
/// nothing recorded is ever hidden; the page keeps the raw `key=value` beside each item.
public enum AuditSummaryNames {
    /// One detail as people read it.
    public struct Item: Sendable, Equatable {
        /// The Chinese name of the key, e.g. 结果.
        public var name: String
        /// The value, with codes (stages, roles, outcomes, 是/否) in Chinese.
        public var value: String
        /// As recorded: `outcome=accepted`.
        public var raw: String
    }

    /// Key names used by every action.
    static let keys: [String: String] = [
        "batch": "批次", "row": "行号", "outcome": "结果", "petition_related": "涉信访", "triage_rule_version": "分流规则版本",
        "format": "格式", "batch_no": "第几批", "error": "错误代码", "name": "名称", "key_prefix": "密钥前缀", "prefix": "前缀",
        "new_prefix": "新密钥前缀", "revoked": "吊销的密钥数", "unit": "所属检察院", "roles": "角色", "partner": "合作单位", "version": "版本",
        "sessions_ended": "结束的登录", "cases_held": "退回队列的案件", "count": "件数", "case": "案件", "deadline": "期限编号",
        "kind": "期限", "on_time": "按期", "reason": "理由", "paused_working_days": "暂停的工作日", "target_date": "目标化解日期",
        "fields": "查看的内容", "moved": "改派件数", "skipped": "跳过件数", "department": "移送部门", "result": "结果",
        "years": "年份", "deadlines_checked": "核对的期限", "deadlines_moved": "改动的期限", "deadlines_settled": "确定的期限",
        "day_mode": "计日方式", "lease_minutes": "领取时限（分钟）", "near_due_working_days": "临期提醒（工作日）",
        "programme_start": "项目起始日", "review_grades": "评查等级", "note": "说明", "changed": "改变分流的案件",
        "from": "原", "to": "改为", "before": "原", "after": "改为", "of": "疑似重复于（内部编号）", "finding": "核对结果",
    ]

    /// Key names that depend on the action (`to` is a stage, a person, a date or a procuratorate).
    static let keysByAction: [String: [String: String]] = [
        "case.transition": ["from": "原阶段", "to": "新阶段"],
        "case.transfer": ["from": "原检察院", "to": "移送至"],
        "case.assign": ["to": "指派给（用户编号）"],
        "case.bulk_reassign": ["to": "改派给（用户编号）"],
        "case.extend": ["to": "延至"],
        "case.override_triage": ["to": "改为"],
        "user.roles": ["before": "原角色", "after": "新角色"],
    ]

    /// Coded values by what they are.
    static let outcomes = ["accepted": "新增", "updated": "更正", "unchanged": "未变", "duplicate": "疑似重复", "rejected": "拒绝"]
    static let personalFields = ["reporter_id_number": "身份证号", "phone": "电话"]

    /// The summary's details in key order, each in Chinese; empty values are left out.
    public static func items(action: String, summary: [String: String]) -> [Item] {
        summary.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { key, value in
            Item(name: keysByAction[action]?[key] ?? keys[key] ?? key, value: chinese(action: action, key: key, value: value),
                 raw: "\(key)=\(value)")
        }
    }

    static func chinese(action: String, key: String, value: String) -> String {
        func list(_ names: (String) -> String?) -> String {
            value.split(separator: ",").map { names(String($0)) ?? String($0) }.joined(separator: "、")
        }
        switch (action, key) {
        case ("case.transition", "from"), ("case.transition", "to"): return Stage(rawValue: value)?.chineseName ?? value
        case (_, "roles"), ("user.roles", "before"), ("user.roles", "after"): return list { Role(rawValue: $0)?.chineseName }
        case (_, "outcome"): return outcomes[value] ?? value
        case (_, "finding"): return DuplicateFinding(rawValue: value)?.chineseName ?? value
        case (_, "kind"): return DeadlineKind(rawValue: value)?.chineseName ?? value
        case (_, "day_mode"): return DayMode(rawValue: value)?.chineseName ?? value
        case (_, "fields"): return list { personalFields[$0] }
        default:
            switch value {
            case "true": return "是"
            case "false": return "否"
            default: return value
            }
        }
    }
}
