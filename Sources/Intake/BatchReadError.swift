import Domain

/// A file that cannot be read as a batch at all (as opposed to rows with errors): stable code,
/// Chinese message. The upload is still stored, with this error, so nothing is lost.
public struct BatchReadError: BatchFileError, Sendable, Equatable, CustomStringConvertible {
    /// Stable identifier, e.g. `encoding.invalid`.
    public let code: String
    /// What is wrong and how to fix it.
    public let message: String

    /// Creates an error.
    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }

    static let empty = BatchReadError("file.empty", "文件是空的。")
    static let invalidEncoding = BatchReadError("encoding.invalid", "文件既不是有效的 UTF-8，也不是 GB18030/GBK 编码。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新上传。")
    static let utf16 = BatchReadError("encoding.utf16", "文件是 UTF-16 编码（Excel 另存为“Unicode 文本”时的格式），无法作为 CSV 读取。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新上传。")
    static let legacyExcel = BatchReadError("file.xls", "这是旧版 Excel 文件（.xls），无法直接读取。请在 Excel 或 WPS 中另存为“Excel 工作簿（.xlsx）”或“CSV UTF-8（逗号分隔）”后重新上传。")
    static let tabSeparated = BatchReadError("csv.tab_separated", "文件是用制表符（Tab）分隔的文本，不是逗号分隔的 CSV。请在 Excel 中另存为“CSV UTF-8（逗号分隔）”后重新上传。")
    static let noRows = BatchReadError("batch.no_rows", "文件只有表头，没有案件行。")
    static func missingColumns(_ headers: [String]) -> BatchReadError {
        BatchReadError("header.missing_columns", "缺少必填列：\(headers.joined(separator: "、"))。请使用移交表模板的表头（第一行）。")
    }
    static func tooManyRows(_ limit: Int) -> BatchReadError {
        BatchReadError("batch.too_many_rows", "一个批次最多 \(limit) 行，请拆分后上传。")
    }
}
