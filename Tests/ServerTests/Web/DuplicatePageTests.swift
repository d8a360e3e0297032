import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// The case page says when intake flagged the case as a possible duplicate of a stored one,
/// for the procuratorate's people to check.
@Suite("web pages: possible duplicates")
struct DuplicatePageTests {
    @Test("a possible duplicate names the case it may repeat — linked when the reader may open it — and neither that case nor the partner's view says so")
    func flagShown() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WebPagesTests.world(client)
            // The same enterprise, respondent and claim, handed over twice under two 案件编号,
            // first for 沈阳, then for 锦州.
            let first = try #require(WorkflowWorld.rows(1, prefix: "DU", petition: false, region: "沈阳").first)
            try await world.upload([first])
            let second = first.replacingOccurrences(of: "DU-1,", with: "DV-1,").replacingOccurrences(of: ",沈阳,", with: ",锦州,")
            #expect(try await world.upload([second]).counts.duplicate == 1)
            let (original, repeated) = (try await world.caseID("DU-1"), try await world.caseID("DV-1"))
            try await ServerHarness.application(client: client).test(.router) { http in
                let leader = try await WebClient.signIn(http, "leader.jz", WebPagesTests.password)
                let page = try await WebClient.page(http, "/app/cases/\(repeated)", leader)
                #expect(page.contains("id=\"possible-duplicate\"") && page.contains("案件（内部编号 \(original)）（不在您的查看范围内）"),
                        "锦州's leader cannot open 沈阳's case: \(page.components(separatedBy: "疑似重复").dropFirst().first?.prefix(300) ?? "")")

                let admin = try await WebClient.signIn(http, "admin", WebPagesTests.password)
                let adminPage = try await WebClient.page(http, "/app/cases/\(repeated)", admin)
                #expect(adminPage.contains("与<a href=\"/app/cases/\(original)\">案件 DU-1</a>的统一社会信用代码、被反映单位相同"))
                #expect(!(try await WebClient.page(http, "/app/cases/\(original)", admin)).contains("possible-duplicate"), "the first case repeats nothing")

                let uploader = try await WebClient.signIn(http, "uploader.a", WebPagesTests.password)
                let partnerView = try await WebClient.page(http, "/app/cases/\(repeated)", uploader)
                #expect(partnerView.contains("DV-1") && !partnerView.contains("possible-duplicate"), "a partner is not told about other cases")
            }
        }
    }
}
