import Domain
import Postgres

extension CalendarDate: PostgresEncodable {
    /// A `date` literal, `2026-11-26`.
    public var postgresText: String? { description }
}

extension CalendarDate: PostgresDecodable {
    /// Reads a `date` column (ISO output, the server's default `DateStyle`).
    public static func decode(_ text: String, type: PostgresDataType) throws -> CalendarDate {
        guard let date = CalendarDate(iso: text) else { throw PostgresDecodingFailure.invalidValue }
        return date
    }
}
