import Domain
import Foundation
import Postgres
import Server
import Store
import Testing
import TestSupport

/// Free text arrives as enterprises write it — Chinese punctuation, paragraphs in one Excel
/// cell — and is stored so, cleaned but not rewritten.
@Suite("batch upload: the enterprise's own words")
struct BatchTextTests: BatchUploadSuite {
    @Test("a claim keeps its Chinese punctuation and its paragraphs, and triage reads each line on its own")
    func claimAsWritten() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            // One Excel cell with Alt+Enter paragraphs (CRLF inside the quotes), blank lines and
            // trailing blanks; the first line has no punctuation at its end.
            let claim = "一审判决尚未生效\r\n\r\n\r\n\u{3000}企业负责人已两次到市信访局反映，要求对方支付货款２６８０万元（含利息）！  "
            let row = "T-1,锦州宏达（集团）有限公司,91210700MADR9L8F50,凌海市,\"\(claim)\",　附件：判决书，共３页　"
            let summary = try await BatchIntake(client: client).submit(BatchSubmission(
                partnerID: fixture.partnerA.id, batchNumber: 1, uploader: IdentityFixture.setupActor,
                payload: BatchSamples.csv([row], header: "案件编号,企业名称,统一社会信用代码,所在地区,诉求内容,备注"),
                idempotencyKey: nil, dryRun: false))
            #expect(summary.counts.accepted == 1)
            let stored = try await client.query("""
                SELECT claim, remarks, enterprise_name, petition_related, triage_reasons FROM cases WHERE external_ref = 'T-1'
                """)[0].decode((String, String, String, Bool, [String]).self)
            #expect(stored.0 == "一审判决尚未生效\n\n企业负责人已两次到市信访局反映，要求对方支付货款2680万元（含利息）！")
            #expect(stored.1 == "附件：判决书，共3页")
            #expect(stored.2 == "锦州宏达（集团）有限公司")
            // "尚未" denies only its own line: run together on one line it would deny the visit too.
            #expect(stored.3, "\(stored.4)")
            #expect(stored.4 == ["诉求内容提到“企业负责人已两次到市信访局反映”"])
        }
    }

    @Test("the fixture claims read as written: full-width commas, not ASCII ones")
    func fixtureClaims() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            _ = try await FixtureTests().submit("batches/batch1-utf8-bom.csv", partnerID: fixture.partnerA.id, client: client)
            let claim = try await client.query("SELECT claim FROM cases WHERE external_ref = 'LNFIC-2026-1-001'")[0].decode(String.self, at: 0)
            #expect(claim == "我公司与某公司买卖合同纠纷一案，法院判决认定事实错误，判令我公司赔偿2680万元，请求检察机关提出抗诉。此前曾多次到市信访局反映，均无结果。")
            let withASCIIComma = try await count(client, "SELECT count(*) FROM cases WHERE claim LIKE '%,%'")
            #expect(withASCIIComma == 0)
        }
    }
}
