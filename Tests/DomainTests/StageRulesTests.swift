import Domain
import Testing

@Suite("stages and transition details")
struct StageRulesTests {
    let prosecutor = Principal(kind: .user(id: 1, login: "p"), label: "p", roles: [.prosecutor], unitCode: "210700")
    let leader = Principal(kind: .user(id: 2, login: "l"), label: "l", roles: [.leader], unitCode: "210700")
    let today = CalendarDate(iso: "2026-11-26")!

    @Test("petition-related matters go to evaluation, others to referral; nothing else leaves triage")
    func triageExits() {
        #expect(StageTransitions.available(from: .triage, petitionRelated: true, for: prosecutor).map(\.to) == [.evaluation])
        #expect(StageTransitions.available(from: .triage, petitionRelated: false, for: prosecutor).map(\.to) == [.referred])
        #expect(StageTransitions.find(from: .triage, to: .closed) == nil)
        #expect(StageTransitions.find(from: .closed, to: .triage) == nil)
    }

    @Test("only a leader may declare a matter unresolved")
    func unresolvedNeedsLeader() {
        #expect(StageTransitions.available(from: .followUp, petitionRelated: true, for: prosecutor).map(\.to) == [.resolved])
        #expect(StageTransitions.available(from: .followUp, petitionRelated: true, for: leader).map(\.to) == [.resolved, .unresolved])
    }

    @Test("every stage but closed has a way forward, and closed has none")
    func noDeadEnds() {
        for stage in Stage.allCases where stage != .closed {
            #expect(StageTransitions.all.contains { $0.from == stage }, "\(stage)")
        }
        #expect(!StageTransitions.all.contains { $0.from == .closed })
    }

    @Test("finishing evaluation needs a risk level from the list, merits and jurisdiction")
    func evaluationDetails() throws {
        var request = TransitionRequest(to: .review)
        #expect(throws: WorkflowProblem(code: "transition.risk_level.missing", message: "请填写风险等级。", field: "risk_level")) {
            try request.validated(for: .review, grades: [], today: today)
        }
        request.riskLevel = "很高"
        #expect(throws: WorkflowProblem.self) { try request.validated(for: .review, grades: [], today: today) }
        request.riskLevel = "重大"
        request.merits = "  诉求部分有理  "
        request.jurisdiction = "本院管辖"
        let clean = try request.validated(for: .review, grades: [], today: today)
        #expect(clean.merits == "诉求部分有理")
        #expect(clean.regulationTrack == false)
    }

    @Test("a review grade must be one of the configured grades; blank clues are dropped")
    func reviewDetails() throws {
        var request = TransitionRequest(to: .followUp)
        request.grade = "优秀"
        do {
            _ = try request.validated(for: .followUp, grades: ["优质", "合格"], today: today)
            Issue.record("an unknown grade must be refused")
        } catch {
            #expect(error.code == "transition.grade.invalid")
            #expect(error.message.contains("优质、合格"))
        }
        request.grade = "合格"
        request.clues = ["  ", "行政机关未依法送达处罚决定书"]
        #expect(try request.validated(for: .followUp, grades: ["优质", "合格"], today: today).clues == ["行政机关未依法送达处罚决定书"])
    }

    @Test("resolution needs how it was resolved; closing needs the reply; a referral date cannot be in the future")
    func otherDetails() throws {
        var resolved = TransitionRequest(to: .resolved)
        resolved.actions = "组织双方座谈"
        resolved.how = "调解"
        #expect(throws: WorkflowProblem.self) { try resolved.validated(for: .resolved, grades: [], today: today) }
        resolved.how = "和解"
        #expect(try resolved.validated(for: .resolved, grades: [], today: today).how == "和解")
        #expect(throws: WorkflowProblem.self) { try TransitionRequest(to: .closed).validated(for: .closed, grades: [], today: today) }
        var referral = TransitionRequest(to: .referred)
        referral.referredTo = "市市场监管局"
        #expect(try referral.validated(for: .referred, grades: [], today: today).referredOn == "2026-11-26")
        referral.referredOn = "2026-12-01"
        #expect(throws: WorkflowProblem.self) { try referral.validated(for: .referred, grades: [], today: today) }
    }
}
