import Domain
import Foundation

/// The formats a weekly summary is rendered in.
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    case html, csv, json, md, xlsx

    /// The HTTP content type.
    public var contentType: String {
        switch self {
        case .html: "text/html; charset=utf-8"
        case .csv: "text/csv; charset=utf-8"
        case .json: "application/json; charset=utf-8"
        case .md: "text/markdown; charset=utf-8"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// `周报-2026-W48.html`.
    public func fileName(for week: ISOWeek) -> String { "周报-\(week).\(rawValue)" }
}

/// Renders a summary in any format: the one entry point the CLI, the API and the scheduler use.
public enum WeeklyReport {
    /// The file's bytes.
    public static func render(_ summary: WeeklySummary, as format: ReportFormat) throws -> [UInt8] {
        switch format {
        case .html: Array(WeeklyHTML.render(summary).utf8)
        case .csv: WeeklyCSV.render(summary)
        case .json: Array(json(summary))
        case .md: Array(WeeklyMarkdown.render(summary).utf8)
        case .xlsx: try WeeklyXLSX.render(summary)
        }
    }

    /// The numbers as JSON (snake_case keys, sorted, dates as ISO text).
    public static func json(_ summary: WeeklySummary) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? encoder.encode(summary)) ?? Data("{}".utf8)
    }

    /// Reads the JSON form back (for stored snapshots).
    public static func decode(_ data: Data) throws -> WeeklySummary {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(WeeklySummary.self, from: data)
    }
}
