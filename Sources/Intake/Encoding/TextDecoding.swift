import Domain
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Decodes an uploaded file: a UTF-8 BOM → UTF-8; valid UTF-8 → UTF-8; otherwise GB18030
/// (a superset of GBK and GB2312, what Excel on Chinese Windows writes) through glibc's iconv.
/// The report says which one was used.
public enum TextDecoding {
    /// The encodings huqi reports.
    public enum Encoding: String, Sendable, Codable {
        case utf8 = "UTF-8"
        case utf8BOM = "UTF-8-BOM"
        case gb18030 = "GB18030"
    }

    /// The file as UTF-8 bytes and the encoding it was in, or `encoding.invalid` (`encoding.utf16`
    /// for a file with a UTF-16 byte-order mark). UTF-8 input is checked in place and returned
    /// without a copy (after its BOM, if any); GB18030 is converted into memory. The check drops
    /// the pages it has read (`PayloadBytes.discard`).
    public static func utf8(_ bytes: PayloadBytes) throws -> (utf8: PayloadBytes, encoding: Encoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            let rest = bytes.dropFirst(3)
            guard isValidUTF8(rest) else { throw BatchReadError.invalidEncoding }
            return (rest, .utf8BOM)
        }
        // Excel's "Unicode 文本" is UTF-16 with a byte-order mark; as GB18030 it is rejected
        // anyway, but the partner should be told which format to choose instead.
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) { throw BatchReadError.utf16 }
        if isValidUTF8(bytes) { return (bytes, .utf8) }
        guard let converted = convert(bytes.unsafeBuffer, from: "GB18030", to: "UTF-8") else { throw BatchReadError.invalidEncoding }
        bytes.discard(before: bytes.count)
        let utf8 = PayloadBytes(converted)
        guard isValidUTF8(utf8) else { throw BatchReadError.invalidEncoding }
        return (utf8, .gb18030)
    }

    /// A small text file (a holiday calendar, …) as a String, by the same rules.
    public static func string(_ bytes: [UInt8]) throws -> (text: String, encoding: Encoding) {
        let (utf8, encoding) = try utf8(PayloadBytes(bytes))
        return (String(decoding: utf8.unsafeBuffer, as: UTF8.self), encoding)
    }

    /// Whether `bytes` are well-formed UTF-8 (the same rules as `String(validating:)`), without
    /// building a string. Drops the pages checked as it goes (`PayloadBytes.PassCursor`).
    static func isValidUTF8(_ bytes: PayloadBytes) -> Bool {
        let buffer = bytes.unsafeBuffer
        var cursor = PayloadBytes.PassCursor(bytes)
        var index = 0
        // ASCII runs, 8 bytes at a time: most of a CSV file's commas, digits and line ends.
        while index < buffer.count {
            cursor.advance(to: index)
            if index + 8 <= buffer.count,
               UnsafeRawPointer(buffer.baseAddress! + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
                continue
            }
            if buffer[index] < 0x80 {
                index += 1
                continue
            }
            var iterator = UnsafeBufferPointer(rebasing: buffer[index...]).makeIterator()
            var parser = Unicode.UTF8.ForwardParser()
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): index += scalar.count
            case .emptyInput: break
            case .error: return false
            }
        }
        bytes.discard(before: buffer.count)
        return true
    }

    /// Encodes UTF-8 text as GB18030 (for fixtures and tests of the reader).
    public static func encodeGB18030(_ text: String) -> [UInt8]? {
        Array(text.utf8).withUnsafeBufferPointer { convert($0, from: "UTF-8", to: "GB18030") }
    }

    /// Converts a whole buffer with glibc's iconv; nil on any invalid or incomplete sequence.
    /// Between GB18030 and UTF-8 a character never grows beyond 4 bytes, so 2× + 16 is enough.
    private static func convert(_ bytes: UnsafeBufferPointer<UInt8>, from source: String, to target: String) -> [UInt8]? {
        let converter = iconv_open(target, source)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        let produced: Int = output.withUnsafeMutableBufferPointer { outputBuffer in
            // iconv's input pointer is not const, but iconv only reads through it.
            var inPointer = UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var inLeft = bytes.count
            var outPointer = UnsafeMutableRawPointer(outputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
            var outLeft = outputBuffer.count
            guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return -1 }
            return outputBuffer.count - outLeft
        }
        guard produced >= 0 else { return nil }
        output.removeSubrange(produced...)
        return output
    }
}
