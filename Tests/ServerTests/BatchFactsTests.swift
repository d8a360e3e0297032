import Domain
import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// What the batch API says about where a batch came from: when it was received, from which
/// partner and by whom (also by name), and which file (size and SHA-256) — the same in the
/// upload's answer, the batch and the list.
@Suite("batch facts")
struct BatchFactsTests: BatchUploadSuite {
    @Test("a batch tells when it came, from whom (by name too) and which file, in its answer, on its own and in the list")
    func receivedFromWhomWhichFile() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let body = BatchSamples.csv(BatchSamples.validRows(3, prefix: "F"))
            let digest = try await client.query("SELECT encode(sha256(\(Data(body))), 'hex')")[0].decode(String.self, at: 0)
            let app = try ServerHarness.application(client: client)
            try await app.test(.router) { http in
                let auth: HTTPFields = [.authorization: "Bearer \(fixture.keyA.plaintext)"]
                let before = Date()
                let created = try await http.execute(uri: "/api/v1/batches?batch_no=2", method: .post, headers: auth, body: ByteBuffer(bytes: body))
                #expect(created.status == .created)
                let id = try #require(json(created)["batch_id"] as? Int)
                let one = try json(try await http.execute(uri: "/api/v1/batches/\(id)", method: .get, headers: auth))
                let listed = try #require((try json(try await http.execute(uri: "/api/v1/batches", method: .get, headers: auth))["items"]
                    as? [[String: Any]])?.first { $0["batch_id"] as? Int == id })
                for answer in [try json(created), one, listed] {
                    #expect(answer["partner"] as? String == "LNFIC" && answer["partner_name"] as? String == "辽宁省工商业联合会")
                    #expect(answer["uploaded_by"] as? String == "partner:\(fixture.partnerA.id)/key:\(fixture.keyA.id)")
                    #expect(answer["uploader_name"] as? String == "辽宁省工商业联合会（接口上传）")
                    #expect(answer["byte_size"] as? Int == body.count)
                    #expect(answer["sha256"] as? String == digest)
                    #expect(answer["batch_no"] as? Int == 2)
                    let received = try #require((answer["received_at"] as? String).flatMap { try? Date.ISO8601FormatStyle().parse($0) })
                    #expect(received > before.addingTimeInterval(-2) && received < Date().addingTimeInterval(2), "\(received)")
                }
            }
            // A command's upload names the login that ran it; a test actor has no name.
            let byCommand = try await submit(BatchSamples.validRows(1, prefix: "C"), partner: fixture.partnerA.id,
                                             uploader: AuditEvent(actor: "cli:ops", actorLabel: "ops", action: "cli.run"), client: client)
            #expect(byCommand.uploaderName == "命令行（ops）")
            let byTest = try await submit(BatchSamples.validRows(1, prefix: "T"), partner: fixture.partnerA.id, client: client)
            #expect(byTest.uploadedBy == "test" && byTest.uploaderName == nil)
        }
    }

    @Test("a case's batches are its partner's own: the database refuses another partner's batch, even from raw SQL")
    func caseBatchesBelongToItsPartner() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let ofA = try await submit(BatchSamples.validRows(1, prefix: "A"), partner: fixture.partnerA.id, client: client)
            let ofB = try await submit(BatchSamples.validRows(1, prefix: "B"), partner: fixture.partnerB.id, client: client)
            let batchA = try #require(ofA.batchID), batchB = try #require(ofB.batchID)
            let caseA = try await client.query("SELECT id FROM cases WHERE batch_id = \(batchA)")[0].decode(Int64.self, at: 0)
            for column in ["batch_id", "first_batch_id"] {
                await #expect { try await client.query("UPDATE cases SET \(unescaped: column) = \(batchB) WHERE id = \(caseA)") } throws: {
                    ($0 as? PostgresError)?.sqlState == PostgresError.SQLState.foreignKeyViolation
                }
            }
            // Moving the case to B's partner without its batches is refused too; with them it is the same rule.
            await #expect { try await client.query("UPDATE cases SET partner_id = \(fixture.partnerB.id) WHERE id = \(caseA)") } throws: {
                ($0 as? PostgresError)?.sqlState == PostgresError.SQLState.foreignKeyViolation
            }
            let untouched = try await client.query("SELECT partner_id, batch_id, first_batch_id FROM cases WHERE id = \(caseA)")[0]
            #expect(try untouched.decode(Int.self, at: 0) == fixture.partnerA.id)
            #expect(try untouched.decode(Int64.self, at: 1) == batchA && untouched.decode(Int64.self, at: 2) == batchA)
        }
    }
}
