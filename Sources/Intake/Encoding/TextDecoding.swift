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

    /// The text and the encoding it was in, or `encoding.invalid`.
    public static func decode(_ bytes: [UInt8]) throws -> (text: String, encoding: Encoding) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(validating: bytes.dropFirst(3), as: UTF8.self) else { throw BatchReadError.invalidEncoding }
            return (text, .utf8BOM)
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, .utf8) }
        return (try convertGB18030(bytes), .gb18030)
    }

    /// GB18030 → UTF-8 with iconv; any invalid sequence fails the whole file.
    static func convertGB18030(_ bytes: [UInt8]) throws -> String {
        guard let output = convert(bytes, from: "GB18030", to: "UTF-8"),
              let text = String(validating: output, as: UTF8.self) else { throw BatchReadError.invalidEncoding }
        return text
    }

    /// Encodes UTF-8 text as GB18030 (for fixtures and tests of the reader).
    public static func encodeGB18030(_ text: String) -> [UInt8]? {
        convert(Array(text.utf8), from: "UTF-8", to: "GB18030")
    }

    /// Converts a whole buffer with glibc's iconv; nil on any invalid or incomplete sequence.
    /// Between GB18030 and UTF-8 a character never grows beyond 4 bytes, so 2× + 16 is enough.
    private static func convert(_ bytes: [UInt8], from source: String, to target: String) -> [UInt8]? {
        let converter = iconv_open(target, source)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)
        let produced: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outputBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1, inLeft == 0 else { return -1 }
                return outputBuffer.count - outLeft
            }
        }
        return produced >= 0 ? Array(output[0..<produced]) : nil
    }
}
