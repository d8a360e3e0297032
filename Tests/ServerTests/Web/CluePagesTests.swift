import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdBcrypt
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

@Suite("web pages: supervision clues")
struct CluePagesTests {
    @Test("a clue found in review is transferred, then its result recorded, through the case page's forms")
    func clueForms() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            let id = try await world.caseInReview("K")
            let leader = try await world.principal("leader.jz")
            var review = TransitionRequest(to: .followUp)
            (review.grade, review.clues) = ("合格", ["某局超期未答复"])
            _ = try await CaseTransitions.perform(caseID: id, review, by: leader, address: "t", using: client)
            let clue = try await client.query("SELECT id FROM supervision_clues WHERE case_id = \(id)")[0].decode(Int64.self, at: 0)
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                // Found is not transferred: the words match the weekly summary's 新发现 / 已移送 / 有结果.
                let found = try await WebClient.page(http, "/app/cases/\(id)", session)
                #expect(found.contains("发现监督线索：某局超期未答复") && found.contains("<li>某局超期未答复（待移送）</li>"))
                #expect(!found.contains("移送监督线索"))
                #expect(!found.contains("记录线索</button>"), "clues are noted in review; this case is in follow-up")
                let transferred = try await WebClient.post(http, "/app/cases/\(id)/clues/\(clue)/transfer",
                                                           ["department": "行政检察部", "csrf_token": session.csrf], cookie: session.cookie)
                #expect(transferred.status == .seeOther)
                let result = try await WebClient.post(http, "/app/cases/\(id)/clues/\(clue)/result",
                                                      ["result": "立案", "csrf_token": session.csrf], cookie: session.cookie)
                #expect(result.status == .seeOther)
                let (department, outcome) = try await client.query("SELECT department, result FROM supervision_clues WHERE id = \(clue)")[0]
                    .decode((String?, String?).self)
                #expect(department == "行政检察部" && outcome == "立案")
                let done = try await WebClient.page(http, "/app/cases/\(id)", session)
                #expect(done.contains("移送监督线索") && done.contains("线索办理结果") && done.contains("<li>某局超期未答复（已反馈结果）</li>"))
            }
        }
    }
}

extension CluePagesTests {
    @Test("in review a clue is noted as soon as it is found, before the review is finished")
    func clueNotedInReview() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            let id = try await world.caseInReview("Q")
            try await ServerHarness.application(client: client).test(.router) { http in
                let session = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let empty = try await WebClient.post(http, "/app/cases/\(id)/clues", ["summary": " ", "csrf_token": session.csrf], cookie: session.cookie)
                #expect(empty.status == .unprocessableContent && String(buffer: empty.body).contains("请填写线索内容"))
                let noted = try await WebClient.post(http, "/app/cases/\(id)/clues", ["summary": "某局未依法送达处罚决定书", "csrf_token": session.csrf],
                                                     cookie: session.cookie)
                #expect(noted.status == .seeOther)
                let page = try await WebClient.page(http, "/app/cases/\(id)", session)
                #expect(page.contains("发现监督线索：某局未依法送达处罚决定书") && page.contains("<li>某局未依法送达处罚决定书（待移送）</li>"))
                #expect(page.contains("记录线索</button>"), "more may follow while the review goes on")
                #expect(try await world.state(id).stage == "review")
            }
        }
    }
}
