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
        let converter = iconv_open("UTF-8", "GB18030")
        guard converter != iconv_t(bitPattern: -1) else { throw BatchReadError.invalidEncoding }
        defer { iconv_close(converter) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: bytes.count * 2 + 16)  // every GB18030 char is ≤ 4 bytes → ≤ 4 UTF-8 bytes
        let produced: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outputBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                guard result != -1, inLeft == 0 else { return -1 }
                return outputBuffer.count - outLeft
            }
        }
        guard produced >= 0, let text = String(validating: output[0..<produced], as: UTF8.self) else { throw BatchReadError.invalidEncoding }
        return text
    }

    /// Encodes UTF-8 text as GB18030 (for fixtures and tests of the reader).
    public static func encodeGB18030(_ text: String) -> [UInt8]? {
        let converter = iconv_open("GB18030", "UTF-8")
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let produced: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var inLeft = inputBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outputBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self)
                var outLeft = outputBuffer.count
                guard iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft) != -1 else { return -1 }
                return outputBuffer.count - outLeft
            }
        }
        return produced >= 0 ? Array(output[0..<produced]) : nil
    }
}
