/// What each audited action, and each kind of thing acted on, is called in Chinese, for the audit log page and `huqi audit list`.
/// An action missing here is shown by its code; the code is always shown beside the name, so a
/// reader can search for it.
public enum AuditActionNames {
    /// Chinese names by action code.
    public static let chinese: [String: String] = [
        "auth.login": "登录", "auth.logout": "退出登录", "auth.login_failed": "登录失败",
        "auth.logout_others": "退出其他登录",
        "user.create": "新增用户", "user.roles": "修改角色", "user.disable": "停用账号", "user.enable": "启用账号",
        "user.password_change": "修改本人密码", "user.password_reset": "重置密码",
        "partner.create": "新增合作单位", "api_key.create": "签发密钥或令牌", "api_key.rotate": "换发密钥",
        "api_key.revoke": "吊销密钥或令牌",
        "batch.apply": "批次入库", "batch.reject": "批次被拒", "case.create": "新增案件", "case.update": "更正案件",
        "case.claim": "领取案件", "case.release": "退回队列", "case.lease_expire": "领取过期", "case.assign": "指派",
        "case.bulk_reassign": "批量改派", "case.transition": "办理（阶段变更）", "case.override_triage": "更正分流",
        "case.reply": "答复", "case.extend": "延长期限", "case.hold": "暂停办理", "case.resume": "恢复办理",
        "case.lead": "领导包案", "case.typical": "标记典型案例", "case.transfer": "移送",
        "case.duplicate_review": "核对疑似重复",
        "case.personal_data_viewed": "查看身份证号和电话",
        "clue.create": "登记监督线索", "clue.update": "更新监督线索", "deadline.escalate": "期限提醒上报",
        "triage_rules.publish": "发布分流规则", "triage_rules.rerun": "重新分流",
        "report.issue": "签发周报", "settings.update": "修改设置", "calendar.load": "导入节假日",
        "db.grant_app_role": "授权数据库账号", "cli.run": "命令行操作",
    ]

    /// Chinese names of the kinds of things events are about, in the order a filter offers them.
    public static let entities: [(code: String, name: String)] = [
        ("case", "案件"), ("batch", "批次"), ("clue", "监督线索"), ("user", "用户"), ("partner", "合作单位"),
        ("session", "登录会话"), ("weekly_report", "周报"),
    ]

    /// The action's Chinese name, or its code when it has none.
    public static func name(_ action: String) -> String { chinese[action] ?? action }
}
