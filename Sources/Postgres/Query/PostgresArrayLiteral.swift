/// Parses PostgreSQL's text output of a one-dimensional array: `{a,"b c",NULL,"q\"x"}`.
enum PostgresArrayLiteral {
    /// The elements (`nil` for NULL), or `nil` when the text is not a 1-D array literal.
    static func parse(_ text: String) -> [String?]? {
        let scalars = Array(text.unicodeScalars)
        guard scalars.first == "{", scalars.last == "}" else { return nil }
        var items: [String?] = []
        var index = 1
        let end = scalars.count - 1
        if index == end { return [] }
        while index <= end {
            var item = String.UnicodeScalarView()
            var quoted = false
            if scalars[index] == "\"" {
                quoted = true
                index += 1
                while index < end, scalars[index] != "\"" {
                    if scalars[index] == "\\" { index += 1 }
                    guard index < end else { return nil }
                    item.append(scalars[index])
                    index += 1
                }
                guard index < end else { return nil }
                index += 1  // closing quote
            } else {
                while index < end, scalars[index] != "," {
                    if scalars[index] == "{" || scalars[index] == "\"" { return nil }  // nested or malformed
                    item.append(scalars[index])
                    index += 1
                }
            }
            let value = String(item)
            items.append(!quoted && value == "NULL" ? nil : value)
            if index == end { break }
            guard scalars[index] == "," else { return nil }
            index += 1
        }
        return items
    }
}
