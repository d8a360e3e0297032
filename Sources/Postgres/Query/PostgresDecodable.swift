import Foundation

/// A Swift type that can be read from a result column in PostgreSQL's text format.
///
/// Decoding is strict: a column of another type, an unparseable value or an unexpected
/// NULL throws; nothing is defaulted away.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value given as text, knowing the column's type.
    static func decode(_ text: String, type: PostgresDataType) throws -> Self
    /// Decodes SQL NULL; only optionals accept it.
    static func decodeNull() throws -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws -> Self { throw PostgresDecodingFailure.unexpectedNull }
}

/// Why one value could not be decoded (wrapped into a `PostgresError` with the column).
public enum PostgresDecodingFailure: Error, Sendable, Equatable {
    /// The column's type cannot become the requested Swift type.
    case typeMismatch
    /// The value is not valid for the requested type.
    case invalidValue
    /// The column is NULL and the requested type is not optional.
    case unexpectedNull
}

extension String: PostgresDecodable {
    /// Any column can be read as its text representation.
    public static func decode(_ text: String, type: PostgresDataType) throws -> String { text }
}

extension FixedWidthInteger where Self: PostgresDecodable {
    static func decodeInteger(_ text: String, type: PostgresDataType) throws -> Self {
        guard [.int2, .int4, .int8, .oidType].contains(type) else { throw PostgresDecodingFailure.typeMismatch }
        guard let value = Self(text) else { throw PostgresDecodingFailure.invalidValue }
        return value
    }
}

extension Int: PostgresDecodable {
    public static func decode(_ text: String, type: PostgresDataType) throws -> Int { try decodeInteger(text, type: type) }
}

extension Int64: PostgresDecodable {
    public static func decode(_ text: String, type: PostgresDataType) throws -> Int64 { try decodeInteger(text, type: type) }
}

extension Int32: PostgresDecodable {
    public static func decode(_ text: String, type: PostgresDataType) throws -> Int32 { try decodeInteger(text, type: type) }
}

extension Double: PostgresDecodable {
    public static func decode(_ text: String, type: PostgresDataType) throws -> Double {
        guard [.float4, .float8, .numeric, .int2, .int4, .int8].contains(type) else {
            throw PostgresDecodingFailure.typeMismatch
        }
        guard let value = Double(text) else { throw PostgresDecodingFailure.invalidValue }
        return value
    }
}

extension Decimal: PostgresDecodable {
    public static func decode(_ text: String, type: PostgresDataType) throws -> Decimal {
        guard [.numeric, .int2, .int4, .int8].contains(type) else { throw PostgresDecodingFailure.typeMismatch }
        guard text != "NaN", let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) else {
            throw PostgresDecodingFailure.invalidValue
        }
        return value
    }
}

extension Bool: PostgresDecodable {
    public static func decode(_ text: String, type: PostgresDataType) throws -> Bool {
        guard type == .bool else { throw PostgresDecodingFailure.typeMismatch }
        switch text {
        case "t": return true
        case "f": return false
        default: throw PostgresDecodingFailure.invalidValue
        }
    }
}

extension UUID: PostgresDecodable {
    public static func decode(_ text: String, type: PostgresDataType) throws -> UUID {
        guard type == .uuid else { throw PostgresDecodingFailure.typeMismatch }
        guard let value = UUID(uuidString: text) else { throw PostgresDecodingFailure.invalidValue }
        return value
    }
}

extension Data: PostgresDecodable {
    /// bytea in hex output format (pinned at connect).
    public static func decode(_ text: String, type: PostgresDataType) throws -> Data {
        guard type == .bytea else { throw PostgresDecodingFailure.typeMismatch }
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw PostgresDecodingFailure.invalidValue
        }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = hexValue(bytes[index]), let low = hexValue(bytes[index + 1]) else {
                throw PostgresDecodingFailure.invalidValue
            }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension Date: PostgresDecodable {
    /// timestamptz, timestamp (taken as UTC) and date (midnight UTC).
    public static func decode(_ text: String, type: PostgresDataType) throws -> Date {
        guard [.timestamptz, .timestamp, .date].contains(type) else { throw PostgresDecodingFailure.typeMismatch }
        guard let value = PostgresTimestamp.parse(text) else { throw PostgresDecodingFailure.invalidValue }
        return value
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(_ text: String, type: PostgresDataType) throws -> Wrapped? {
        try Wrapped.decode(text, type: type)
    }

    public static func decodeNull() throws -> Wrapped? { nil }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// One-dimensional arrays of the element types in `PostgresDataType.arrayElement`.
    public static func decode(_ text: String, type: PostgresDataType) throws -> [Element] {
        guard let elementType = type.arrayElement else { throw PostgresDecodingFailure.typeMismatch }
        guard let items = PostgresArrayLiteral.parse(text) else { throw PostgresDecodingFailure.invalidValue }
        return try items.map { item in
            if let item { try Element.decode(item, type: elementType) } else { try Element.decodeNull() }
        }
    }
}
