/// A batch's number in the handover ("第几批"): the federation numbers its batches 1, 2, 3, …
/// within the programme. Every way in (API query, JSON body, upload form, `huqi import`)
/// accepts the same range, which also keeps the value inside the database column.
public enum BatchNumber {
    /// The numbers accepted.
    public static let range = 1...99_999

    /// Whether `number` is a usable batch number.
    public static func isValid(_ number: Int) -> Bool { range.contains(number) }

    /// What to tell a partner whose number is not usable.
    public static let message = "批次号（第几批）应为 1–99999 之间的整数，如 3。"
}
