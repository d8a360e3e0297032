/// A horizontal bar chart as inline SVG, drawn by our own code (no scripts, no external files).
/// Labels are escaped; the bars scale to the largest value.
struct SVGBarChart {
    var title: String
    var bars: [(label: String, value: Int)]
    var width = 640
    var barHeight = 18
    var labelWidth = 150

    func render() -> String {
        let maxValue = max(1, bars.map(\.value).max() ?? 1)
        let height = 28 + bars.count * (barHeight + 6)
        let plot = width - labelWidth - 60
        var svg = "<svg class=\"chart\" role=\"img\" aria-label=\"\(HTML.escape(title))\" viewBox=\"0 0 \(width) \(height)\" "
        svg += "width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(HTML.escape(title))</title>"
        svg += "<text x=\"0\" y=\"16\" class=\"chart-title\">\(HTML.escape(title))</text>"
        for (index, bar) in bars.enumerated() {
            let y = 28 + index * (barHeight + 6)
            let length = bar.value == 0 ? 0 : max(2, bar.value * plot / maxValue)
            svg += "<text x=\"\(labelWidth - 6)\" y=\"\(y + barHeight - 4)\" text-anchor=\"end\">\(HTML.escape(bar.label))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(length)\" height=\"\(barHeight)\" class=\"bar\"/>"
            svg += "<text x=\"\(labelWidth + length + 6)\" y=\"\(y + barHeight - 4)\">\(bar.value)</text>"
        }
        return svg + "</svg>"
    }
}
