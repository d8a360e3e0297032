import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import Store
import Testing
import TestSupport

/// Inputs that once reached PostgreSQL unchecked (found by `ops/check-api`): user ids beyond the
/// `users.id` integer range are "no such user", not a 500. And whatever error a handler leaks
/// becomes a coded 500 problem with a Chinese title and one error log line — never an empty 500.
@Suite("unexpected input and errors")
struct UnexpectedInputTests {
    @Test("user ids past the int4 range: 404, 422 or an empty list, never a 500")
    func hugeUserIDs() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let leader = "Bearer \(fixture.tokens["leader.jz"]!.plaintext)", admin = "Bearer \(fixture.tokens["admin"]!.plaintext)"
            let huge = "9223372036854775806"
            try await ServerHarness.application(client: client).test(.router) { http in
                let user = try await http.execute(uri: "/api/v1/users/\(huge)", method: .get, headers: [.authorization: admin])
                #expect(user.status == .notFound)
                let cases = try await http.execute(uri: "/api/v1/cases?assignee=\(huge)", method: .get, headers: [.authorization: admin])
                #expect(cases.status == .ok && String(buffer: cases.body) == #"{"items":[]}"#)
                let bulk = try await http.execute(uri: "/api/v1/assignments/bulk", method: .post, headers: [.authorization: leader],
                                                  body: ByteBuffer(string: #"{"from_user": \#(huge), "to_user": \#(huge), "dry_run": true}"#))
                #expect(bulk.status == .ok && String(buffer: bulk.body).contains(#""moved":0"#))
            }
        }
    }

    @Test("batch numbers outside 1–99999 are a coded 422 from the query and from a JSON body")
    func batchNumbers() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let key = "Bearer \(fixture.keyA.plaintext)"
            try await ServerHarness.application(client: client).test(.router) { http in
                let query = try await http.execute(uri: "/api/v1/batches?batch_no=2147483648", method: .post, headers: [.authorization: key],
                                                   body: ByteBuffer(bytes: BatchSamples.csv(BatchSamples.validRows(1))))
                #expect(query.status == .unprocessableContent && String(buffer: query.body).contains("batch_no.invalid"))
                // Found by ops/check-api: this reached the int4 column and was a 500.
                let json = try await http.execute(uri: "/api/v1/batches", method: .post, headers: [.authorization: key],
                                                  body: ByteBuffer(string: #"{"batch_no": 400208000000, "cases": []}"#))
                #expect(json.status == .unprocessableContent && String(buffer: json.body).contains("json.batch_no"))
                #expect(String(buffer: json.body).contains("1–99999"))
            }
        }
    }

    @Test("NUL characters: a batch cell with one is a coded error of that row; a JSON body, form, query string or path with one is 422/400")
    func nulCharacters() async throws {
        try await TestDatabase.withClient { client in
            let fixture = try await IdentityFixture.make(client: client)
            let key = "Bearer \(fixture.keyA.plaintext)"
            var sample = BatchSamples.validRows(3)
            sample[1] = sample[1].replacingOccurrences(of: "要求退还", with: "要求\u{0}退还")
            let rows = sample
            try await ServerHarness.application(client: client).test(.router) { http in
                let csv = try await http.execute(uri: "/api/v1/batches", method: .post, headers: [.authorization: key],
                                                 body: ByteBuffer(bytes: BatchSamples.csv(rows)))
                #expect(csv.status == .created)
                let answer = try #require(try JSONSerialization.jsonObject(with: Data(buffer: csv.body)) as? [String: Any])
                let counts = try #require(answer["counts"] as? [String: Int])
                #expect(counts["accepted"] == 2 && counts["rejected"] == 1)
                let json = try await http.execute(uri: "/api/v1/batches", method: .post, headers: [.authorization: key],
                                                  body: ByteBuffer(string: #"{"cases": [{"external_ref": "N-1", "enterprise_name": "甲\u0000公司", "\u0000": "x", "claim": "c", "region": "凌海市"}]}"#))
                #expect(json.status == .created && String(buffer: json.body).contains(#""rejected":1"#))
                let action = try await http.execute(uri: "/api/v1/cases/1/hold", method: .post,
                                                    headers: [.authorization: "Bearer \(fixture.tokens["pros.jz"]!.plaintext)"],
                                                    body: ByteBuffer(string: #"{"reason": "等材料\u0000"}"#))
                #expect(action.status == .unprocessableContent && String(buffer: action.body).contains("request.nul_character"))
                let form = try await http.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "login=a%00b&password=x"))
                #expect(form.status == .badRequest && String(buffer: form.body).contains("空字符"))
                // In a query string (bound to SQL as text): 400, not a 500. (A path segment is not
                // percent-decoded: `21%0007` is just an unknown unit.)
                let lead = "Bearer \(fixture.tokens["leader.jz"]!.plaintext)"
                for uri in ["/api/v1/cases?q=a%00b", "/api/v1/cases?partner=%00", "/api/v1/cases?unit=21%0007"] {
                    let answer = try await http.execute(uri: uri, method: .get, headers: [.authorization: lead])
                    #expect(answer.status == .badRequest && String(buffer: answer.body).contains("request.nul_character"), "\(uri)")
                }
                #expect(try await http.execute(uri: "/api/v1/units/21%0007", method: .get, headers: [.authorization: lead]).status == .notFound)
            }
            let codes = try await client.query("SELECT issues::text FROM batch_rows WHERE outcome = 'rejected'")
                .map { try $0.decode(String.self, at: 0) }
            #expect(codes.count == 2 && codes.allSatisfy { $0.contains("cell.nul_character") })
        }
    }

    struct Leak: Error {}

    @Test("an error no handler answered: 500 problem+json internal.error in Chinese, logged once at error level")
    func leakedError() async throws {
        let lines = CapturingLogHandler.Store()
        try await TestDatabase.withClient { client in
            let router = buildRouter(try ServerHarness.dependencies(client: client))
            router.get("api/v1/test-leak") { _, _ -> String in throw Leak() }
            router.get("app/test-leak") { _, _ -> String in throw Leak() }
            try await Application(router: router, logger: CapturingLogHandler.logger(into: lines)).test(.router) { http in
                let api = try await http.execute(uri: "/api/v1/test-leak", method: .get)
                #expect(api.status == .internalServerError)
                #expect(api.headers[.contentType]?.hasPrefix("application/problem+json") == true)
                let problem = try JSONDecoder().decode(Problem.self, from: Data(buffer: api.body))
                #expect(problem.code == "internal.error" && problem.title.contains("服务器内部错误"))
                let page = try await http.execute(uri: "/app/test-leak", method: .get)
                #expect(page.status == .internalServerError && String(buffer: page.body).contains("服务器内部错误"))
            }
        }
        let errors = lines.text.split(separator: "\n").filter { $0.contains("unexpected error") }
        #expect(errors.count == 2 && errors.allSatisfy { $0.contains("Leak") && $0.contains("error") })
    }
}
