import ArgumentParser
import Domain
import Foundation
import Store

extension AuditCommand {
    /// `huqi audit list`: the audit log, newest first, as tab-separated lines for people and scripts.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "列出审计日志（最新的在前，制表符分隔）",
            discussion: "例：huqi audit list --action user.password_reset；huqi audit list --entity case --id 42；"
                + "huqi audit list --actor zhang.san --from 2026-11-01 --through 2026-11-30。--action 以点结尾（如 case.）时列出该类全部操作。")

        @Option(name: .long, help: "操作人：登录名或合作单位代码") var actor: String?
        @Option(name: .long, help: "操作代码，如 case.transfer；以点结尾（case.）表示该类全部") var action: String?
        @Option(name: .long, help: "对象类型：case、batch、clue、user、partner、session、weekly_report") var entity: String?
        @Option(name: .long, help: "对象编号（与 --entity 一起用）") var id: String?
        @Option(name: .long, help: "起始日期（北京时间，含），如 2026-11-01") var from: String?
        @Option(name: .long, help: "截止日期（北京时间，含）") var through: String?
        @Option(name: .long, help: "最多列出几条（1–10000，默认 50）") var limit = 50

        func validate() throws {
            guard (1...10_000).contains(limit) else { throw ValidationError("--limit 应在 1 到 10000 之间。") }
            for (name, text) in [("--from", from), ("--through", through)] {
                if let text, CalendarDate(iso: text) == nil { throw ValidationError("\(name) 应为 2026-11-28 这样的日期，这里是“\(text)”。") }
            }
            if id != nil, entity == nil { throw ValidationError("--id 需要和 --entity 一起使用，如 --entity case --id 42。") }
        }

        func run() async throws {
            let filter = AuditFilter(actorLabel: actor, action: action, entity: entity, entityID: id,
                                     from: from.flatMap { CalendarDate(iso: $0) }, through: through.flatMap { CalendarDate(iso: $0) })
            try await OperatorSession.run { session in
                let entries = try await AuditTrail(client: session.client).search(filter, for: nil, limit: limit)
                print(["编号", "时间（北京）", "操作人", "操作", "操作代码", "对象", "对象编号", "来源地址", "详情"].joined(separator: "\t"))
                for entry in entries {
                    let summary = entry.event.summary.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
                    let fields = [String(entry.id), ShanghaiTime.second(entry.occurredAt), entry.event.actorLabel.isEmpty ? entry.event.actor : entry.event.actorLabel,
                                  AuditActionNames.name(entry.event.action), entry.event.action, entry.event.entity, entry.event.entityID, entry.event.address, summary]
                    print(fields.map { $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ") }
                        .joined(separator: "\t"))
                }
            }
        }
    }
}
