/// Small batches for intake tests, in the handover form's shape.
public enum BatchSamples {
    public static let header = "序号,案件编号,企业名称,统一社会信用代码,所在地区,企业类型,反映人,反映人身份证号,联系电话,被反映单位,案件类别,诉求内容,是否已信访,移交日期"

    /// `count` valid rows with refs `prefix-0001…`, spread over several regions.
    public static func validRows(_ count: Int, prefix: String = "LN", claim: String = "要求退还履约保证金") -> [String] {
        let regions = ["凌海市", "沈阳市铁西区", "大连", "210781", "锦州", "朝阳县", "鞍山铁西区"]
        let codes = ["91210700MADR9L8F50", "91210231550644863P", "91110000600037341L"]
        return (1...count).map { n in
            let ref = "\(prefix)-" + String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n)
            return "\(n),\(ref),企业\(n)有限公司,\(codes[n % 3]),\(regions[n % regions.count]),民营,王某\(n),11010519491231002X,13804165678,某局\(n),申诉,\(claim)\(n)万元,否,2026-11-2\(n % 7)"
        }
    }

    /// A CSV file (UTF-8, CRLF) from a header and rows.
    public static func csv(_ rows: [String], header: String = BatchSamples.header) -> [UInt8] {
        Array(([header] + rows).joined(separator: "\r\n").utf8) + [13, 10]
    }
}
