import Domain
import Testing

/// The audit log's details as an administrator reads them: Chinese names for keys and codes,
/// nothing recorded hidden.
@Suite("audit details in Chinese")
struct AuditSummaryNamesTests {
    func shown(_ action: String, _ summary: [String: String]) -> [String] {
        AuditSummaryNames.items(action: action, summary: summary).map { "\($0.name)：\($0.value)" }
    }

    @Test("keys, outcomes, stages, roles, deadline kinds and 是/否 in Chinese, in key order, empty values left out")
    func names() {
        #expect(shown("case.create", ["batch": "4", "row": "25", "outcome": "accepted", "petition_related": "false", "triage_rule_version": "1"])
                == ["批次：4", "结果：新增", "涉信访：否", "行号：25", "分流规则版本：1"])
        #expect(shown("case.transition", ["from": "evaluation", "to": "follow_up"]) == ["原阶段：评估", "新阶段：接续办案"])
        #expect(shown("case.transfer", ["from": "210700", "to": "210781", "reason": "管辖"]) == ["原检察院：210700", "理由：管辖", "移送至：210781"])
        #expect(shown("user.roles", ["before": "prosecutor", "after": "leader,prosecutor"]) == ["新角色：院领导、承办检察官", "原角色：承办检察官"])
        #expect(shown("case.reply", ["kind": "procedural_reply", "on_time": "是"]) == ["期限：程序性答复（7日）", "按期：是"])
        #expect(shown("case.personal_data_viewed", ["fields": "reporter_id_number,phone"]) == ["查看的内容：身份证号、电话"])
        #expect(shown("batch.apply", ["batch_no": "", "format": "csv"]) == ["格式：csv"])
    }

    @Test("a key or value without a name is shown as written, and every item keeps what was recorded")
    func unknown() {
        let items = AuditSummaryNames.items(action: "future.action", summary: ["colour": "blue", "outcome": "weird"])
        #expect(items.map(\.name) == ["colour", "结果"] && items.map(\.value) == ["blue", "weird"])
        #expect(items.map(\.raw) == ["colour=blue", "outcome=weird"])
    }
}
