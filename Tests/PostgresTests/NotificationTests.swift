import Foundation
import Postgres
import Testing
import TestSupport

@Suite("LISTEN / NOTIFY")
struct NotificationTests {
    @Test("a listener receives notifications sent on its channels, in order, with Chinese payloads")
    func receivesNotifications() async throws {
        try await TestDatabase.withClient(migrated: false) { client in
            let listener = try await PostgresConnection.connect(configuration: client.configuration, logger: TestDatabase.logger)
            let stream = try await listener.notifications(channels: ["case_events", "批次"])
            try await client.query("SELECT pg_notify('case_events', \("案件 42 进入评估"))")
            try await client.query("SELECT pg_notify('ignored', 'x')")
            try await client.query("SELECT pg_notify('批次', \("第四批"))")
            var received: [PostgresNotification] = []
            for try await notification in stream {
                received.append(notification)
                if received.count == 2 { break }
            }
            #expect(received.map(\.channel) == ["case_events", "批次"])
            #expect(received.map(\.payload) == ["案件 42 进入评估", "第四批"])
            #expect(received.allSatisfy { $0.backendPID > 0 })
        }
    }
}
