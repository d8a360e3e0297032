import Foundation

/// "上一页 / 下一页" links of a server-paged list.
enum WebPaging {
    static func links(path: String, query: [String: String], page: Int, hasMore: Bool) -> Markup {
        func url(_ target: Int) -> String {
            var items = query.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
            items.append(URLQueryItem(name: "page", value: String(target)))
            var components = URLComponents()
            components.path = path
            components.queryItems = items
            return components.string ?? path
        }
        var parts: [Markup] = []
        if page > 1 { parts.append("<a rel=\"prev\" href=\"\(url(page - 1))\">上一页</a>") }
        parts.append("<span>第 \(page) 页</span>")
        if hasMore { parts.append("<a rel=\"next\" href=\"\(url(page + 1))\">下一页</a>") }
        return "<nav class=\"pager\" aria-label=\"分页\">\(parts)</nav>"
    }
}
