import Domain
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Server
import Store
import Testing
import TestSupport

/// `GET/PATCH /api/v1/settings`: the 办案设置 page's settings, with the same checks.
@Suite("settings API")
struct SettingsAPITests {
    typealias Client = any TestClientProtocol

    func call(_ http: Client, _ method: HTTPRequest.Method, _ uri: String, token: String, json: String? = nil) async throws
        -> (status: Int, body: [String: Any]) {
        try await APICall.send(http, method, uri, token: token, body: json.map { Array($0.utf8) })
    }

    private func audited(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*) FROM audit_events WHERE action = 'settings.update'")[0].decode(Int.self, at: 0)
    }

    @Test("everyone signed in reads the settings; an administrator changes some fields, audited once, and a repeat changes nothing")
    func readAndChange() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let shipped = try await WorkflowSettings.current(using: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let read = try await call(http, .get, "/api/v1/settings", token: world.token("pros.jz"))
                #expect(read.status == 200)
                #expect(read.body["day_mode"] as? String == shipped.dayMode.rawValue)
                #expect(read.body["lease_minutes"] as? Int == shipped.leaseMinutes)
                #expect(read.body["review_grades"] as? [String] == shipped.reviewGrades)
                #expect(read.body["programme_start"] as? String == shipped.programmeStart.description && read.body["changed"] == nil)
                #expect(try await call(http, .get, "/api/v1/settings", token: world.identity.keyA.plaintext).status == 404, "not a partner's")
                let refused = try await call(http, .patch, "/api/v1/settings", token: world.token("leader.jz"), json: #"{"lease_minutes": 60}"#)
                #expect(refused.status == 403 && refused.body["code"] as? String == "auth.forbidden")

                let change = #"{"day_mode": "工作日", "lease_minutes": 45, "review_grades": ["优秀", "合格", "不合格"]}"#
                let changed = try await call(http, .patch, "/api/v1/settings", token: world.token("admin"), json: change)
                #expect(changed.status == 200 && changed.body["changed"] as? Bool == true)
                #expect(changed.body["day_mode"] as? String == "working" && changed.body["lease_minutes"] as? Int == 45)
                #expect(changed.body["review_grades"] as? [String] == ["优秀", "合格", "不合格"])
                #expect(changed.body["near_due_working_days"] as? Int == shipped.nearDueWorkingDays, "a field not given stays")
                let again = try await call(http, .patch, "/api/v1/settings", token: world.token("admin"), json: change)
                #expect(again.status == 200 && again.body["changed"] as? Bool == false)
            }
            let stored = try await WorkflowSettings.current(using: client)
            #expect(stored.dayMode == .working && stored.leaseMinutes == 45 && stored.reviewGrades == ["优秀", "合格", "不合格"])
            #expect(try await audited(client) == 1, "audited once: the repeat changed nothing")
        }
    }

    @Test("a wrong value is 422 settings.invalid naming its field, and nothing is saved")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            let world = try await WorkflowWorld.make(client: client)
            let shipped = try await WorkflowSettings.current(using: client)
            try await ServerHarness.application(client: client).test(.router) { http in
                let wrong: [(String, String, String)] = [
                    (#"{"lease_minutes": 0}"#, "settings.invalid", "lease_minutes"),
                    (#"{"near_due_working_days": 31}"#, "settings.invalid", "near_due_working_days"),
                    (#"{"day_mode": "weekly"}"#, "settings.invalid", "day_mode"),
                    (#"{"review_grades": []}"#, "settings.invalid", "review_grades"),
                    (#"{"review_grades": ["好", "好"]}"#, "settings.invalid", "review_grades"),
                    (#"{"review_grades": ["优秀，合格"]}"#, "settings.invalid", "review_grades"),
                    (#"{"programme_start": "2026-02-30"}"#, "settings.invalid", "programme_start"),
                    (#"{"lease_minutes": 30, "programme_start": "明年"}"#, "settings.invalid", "programme_start"),
                    (#"{"lease_minutes": "thirty"}"#, "request.json_invalid", "lease_minutes"),
                ]
                for (body, code, field) in wrong {
                    let answer = try await call(http, .patch, "/api/v1/settings", token: world.token("admin"), json: body)
                    #expect(answer.status == 422 && answer.body["code"] as? String == code && answer.body["field"] as? String == field,
                            "\(body): \(answer)")
                }
            }
            #expect(try await WorkflowSettings.current(using: client) == shipped, "nothing saved, not even the good field beside a wrong one")
            #expect(try await audited(client) == 0)
        }
    }
}
