import Foundation

/// Links of the filtered, server-paged lists: their query strings and "上一页 / 下一页".
enum WebPaging {
    /// The parameters that have a value, in name order, percent-encoded (`a=1&b=%E9%94%A6`).
    static func query(_ parameters: [String: String]) -> String {
        var components = URLComponents()
        components.queryItems = parameters.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { URLQueryItem(name: $0.key, value: $0.value) }
        return components.percentEncodedQuery ?? ""
    }

    /// `path?query` with the parameters that have a value; the bare path when none has.
    static func url(_ path: String, _ parameters: [String: String]) -> String {
        let query = query(parameters)
        return query.isEmpty ? path : "\(path)?\(query)"
    }

    static func links(path: String, query: [String: String], page: Int, hasMore: Bool) -> Markup {
        func url(_ target: Int) -> String {  // the page number last, after the list's own parameters
            let kept = Self.query(query.filter { $0.key != "page" })
            return "\(path)?\(kept.isEmpty ? "" : kept + "&")page=\(target)"
        }
        var parts: [Markup] = []
        if page > 1 { parts.append("<a rel=\"prev\" href=\"\(url(page - 1))\">上一页</a>") }
        parts.append("<span>第 \(page) 页</span>")
        if hasMore { parts.append("<a rel=\"next\" href=\"\(url(page + 1))\">下一页</a>") }
        return "<nav class=\"pager\" aria-label=\"分页\">\(parts)</nav>"
    }
}
