import Domain
import Foundation
import Logging
import Postgres
import ServiceLifecycle
import Store

/// Issues last week's summary every week at a set time (default Monday 08:00 Asia/Shanghai),
/// once even with several gateway instances: the snapshot store issues only when the week has
/// no snapshot yet, under a lock per week. Checks every minute, so a gateway that was down at
/// 08:00 issues when it comes back.
public struct WeeklyScheduler: Service {
    /// When to issue: ISO weekday (1 = Monday) and time of day, Asia/Shanghai.
    public struct Schedule: Sendable, Equatable {
        public var weekday = 1, hour = 8, minute = 0
        public init(weekday: Int = 1, hour: Int = 8, minute: Int = 0) {
            (self.weekday, self.hour, self.minute) = (weekday, hour, minute)
        }

        /// Parses `1 08:00` (`HUQI_WEEKLY_ISSUE_AT`).
        public init?(_ text: String) {
            let parts = text.split(separator: " ")
            guard parts.count == 2, let day = Int(parts[0]), (1...7).contains(day) else { return nil }
            let time = parts[1].split(separator: ":")
            guard time.count == 2, let hour = Int(time[0]), let minute = Int(time[1]), (0...23).contains(hour), (0...59).contains(minute) else { return nil }
            self.init(weekday: day, hour: hour, minute: minute)
        }

        /// True when, at `now`, this week's issuing time has passed.
        public func isDue(now: Date) -> Bool {
            var calendar = Calendar(identifier: .iso8601)
            calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
            let parts = calendar.dateComponents([.weekday, .hour, .minute], from: now)
            let isoWeekday = ((parts.weekday! + 5) % 7) + 1  // Foundation: 1 = Sunday
            return (isoWeekday, parts.hour!, parts.minute!) >= (weekday, hour, minute)
        }
    }

    let issuer: WeeklyIssuer
    let schedule: Schedule
    let logger: Logger

    public init(database: PostgresClient, schedule: Schedule = Schedule(), logger: Logger) {
        issuer = WeeklyIssuer(database: database)
        self.schedule = schedule
        self.logger = logger
    }

    public func run() async throws {
        await repeatUntilShutdown(every: .seconds(60)) { await tick(now: Date()) }
    }

    /// Issues last week's summary when due and not issued yet. Returns the snapshot it stored.
    @discardableResult
    public func tick(now: Date) async -> WeeklySnapshots.Snapshot? {
        guard schedule.isDue(now: now) else { return nil }
        let week = WeeklyIssuer.lastCompleteWeek(now: now)
        do {
            let snapshot = try await issuer.issue(week, by: AuditEvent(actor: "system", actorLabel: "定时任务", action: "report.issue"),
                                                  onlyIfNone: true)
            if let snapshot { logger.info("weekly summary issued", metadata: ["week": "\(snapshot.week)", "version": "\(snapshot.version)"]) }
            return snapshot
        } catch {
            logger.warning("weekly summary not issued", metadata: ["week": "\(week)", "error": "\(error)"])
            return nil
        }
    }
}
