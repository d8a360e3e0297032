extension String {
    /// The first occurrence of `needle`, compared byte by byte in UTF-8.
    ///
    /// Intake text has been through `TextNormalizer`, so equal text is equal bytes; this avoids
    /// Foundation's locale-aware `range(of:)` (and grapheme breaking), which dominated triage
    /// time on large batches. A match always starts and ends on a Unicode scalar boundary,
    /// because `needle` is itself valid UTF-8.
    public func literalRange(of needle: String) -> Range<String.Index>? {
        let pattern = Array(needle.utf8)
        let offset = utf8.withContiguousStorageIfAvailable { Self.firstOffset(of: pattern, in: $0) }
            ?? Self.firstOffset(of: pattern, in: Array(utf8))
        guard let offset else { return nil }
        let start = utf8.index(startIndex, offsetBy: offset)
        return start..<utf8.index(start, offsetBy: pattern.count)
    }

    private static func firstOffset<Haystack: RandomAccessCollection<UInt8>>(of pattern: [UInt8], in haystack: Haystack) -> Int?
    where Haystack.Index == Int {
        guard let first = pattern.first, pattern.count <= haystack.count else { return nil }
        var position = haystack.startIndex
        while position <= haystack.endIndex - pattern.count {
            if haystack[position] == first, haystack[position..<position + pattern.count].elementsEqual(pattern) {
                return position - haystack.startIndex
            }
            position += 1
        }
        return nil
    }
}
