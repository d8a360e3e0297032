import Foundation

/// One row of a batch after normalization: every value typed and checked.
public struct CaseRecord: Sendable, Hashable {
    public var seq: Int?
    public var externalRef: String
    public var enterpriseName: String
    public var creditCode: String?
    /// The GB/T 2260 code of the region; also the code of the unit that handles the case.
    public var regionCode: String
    public var enterpriseKind: EnterpriseKind?
    public var reporterName: String?
    public var reporterIDNumber: String?
    public var phone: String?
    public var respondent: String?
    public var matterType: MatterType?
    public var claim: String
    public var petitionedBefore: Bool?
    public var firstPetitionDate: CalendarDate?
    public var petitionCount: Int?
    public var amountWan: Decimal?
    public var litigationStage: LitigationStage?
    public var handedOverOn: CalendarDate
    public var remarks: String?
}

/// A row as read from the file: its number as the partner sees it (the header is row 1), the
/// cells by field name, and the cells of columns that are not part of the form.
public struct RawRow: Sendable, Hashable {
    public var number: Int
    public var cells: [String: String]
    public var extra: [String: String]
    /// Set when the row had more or fewer cells than the header.
    public var cellCountIssue: FieldIssue?
    /// Problems the reader found in single cells (an ID number Excel stored as a number); the
    /// normalizer reports them and does not parse those cells again.
    public var cellIssues: [FieldIssue] = []
    /// Set when the row is no case at all (the header repeated inside the data, a JSON entry
    /// that is not an object): the row is rejected with this issue alone, not one per empty field.
    public var notACase: FieldIssue?

    /// Creates a raw row.
    public init(number: Int, cells: [String: String], extra: [String: String] = [:], cellCountIssue: FieldIssue? = nil) {
        self.number = number
        self.cells = cells
        self.extra = extra
        self.cellCountIssue = cellCountIssue
        if cells.values.contains(where: Self.hasNUL) || extra.contains(where: { Self.hasNUL($0.key) || Self.hasNUL($0.value) }) {
            replaceNULs()
        }
    }

    private static func hasNUL(_ text: String) -> Bool { text.utf8.contains(0) }

    /// PostgreSQL text cannot hold U+0000. A cell with one is an error of that cell (the row is
    /// kept as rejected, its raw cells with U+FFFD in place of each NUL; the file's bytes are
    /// stored unchanged with the batch).
    private mutating func replaceNULs() {
        for (field, value) in cells where Self.hasNUL(value) {
            cells[field] = value.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
            cellIssues.append(.error(field, "cell.nul_character",
                                     "此单元格含有空字符（NUL），无法作为文本保存，已显示为“\u{FFFD}”。请检查导出工具后重新上传。"))
        }
        var cleaned: [String: String] = [:]
        for (name, value) in extra {
            cleaned[name.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")] = value.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
        }
        extra = cleaned
    }
}

/// What normalization made of a row: a record (when no error) and every issue found.
public struct NormalizedRow: Sendable {
    public var raw: RawRow
    public var record: CaseRecord?
    public var issues: [FieldIssue]
    /// Set by the intake for accepted rows: 涉信访事项 or not, and why.
    public var triage: TriageDecision?

    /// Creates a result.
    public init(raw: RawRow, record: CaseRecord?, issues: [FieldIssue], triage: TriageDecision? = nil) {
        self.raw = raw
        self.record = record
        self.issues = issues
        self.triage = triage
    }

    /// True when the row is rejected.
    public var isRejected: Bool { record == nil }
}

/// The rows of a batch handed over a block at a time, so a batch is never held in memory
/// whole, and normalized by the consumer — on several tasks at once: reading a file is
/// sequential, normalizing its rows is not.
public protocol NormalizedRowSource: AnyObject {
    /// Up to `limit` further rows as read, in file order; empty at the end. May throw a
    /// file-level error found late (an unclosed quote at the end, too many rows).
    func nextRaw(limit: Int) throws -> [RawRow]
    /// What normalization (and triage) makes of one row; pure, safe to call from any task.
    var normalize: @Sendable (RawRow) -> NormalizedRow { get }
}
