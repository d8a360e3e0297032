/// A GB/T 2260 division (province, city or county-level unit).
public struct Division: Sendable, Hashable, Codable {
    public let code: String
    public let name: String
    public let level: Level
    public let parentCode: String?

    /// Province, city (地级市) or county-level (区/县/县级市).
    public enum Level: String, Sendable, Hashable, Codable {
        case province, city, county
    }

    /// Creates a division.
    public init(code: String, name: String, level: Level, parentCode: String?) {
        self.code = code
        self.name = name
        self.level = level
        self.parentCode = parentCode
    }
}

/// Turns what partners write in 所在地区 into a division code: a 6-digit code, a full or short
/// name (锦州, 凌海市), or city + county (沈阳市铁西区, 鞍山铁西区, 辽宁省锦州市凌海市).
/// A name that fits several divisions (铁西区 in 沈阳 and 鞍山; 朝阳 = 朝阳市 or 朝阳县) is an
/// error that says how to disambiguate, never a guess.
public struct RegionResolver: Sendable {
    private let divisions: [String: Division]
    private let byName: [String: [Division]]
    /// Cities, longest name first, with the names they are written as (锦州市, 锦州).
    private let cities: [(city: Division, names: [String])]

    /// Builds the lookup tables from the division list.
    public init(divisions list: [Division]) {
        divisions = Dictionary(list.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        var byName: [String: [Division]] = [:]
        for division in list where division.level != .province {
            for key in Set([division.name, Self.shortName(division.name)]) where !key.isEmpty {
                byName[key, default: []].append(division)
            }
        }
        self.byName = byName
        cities = list.filter { $0.level == .city }.sorted { $0.name.count > $1.name.count }.map { ($0, [$0.name, Self.shortName($0.name)]) }
    }

    /// The city or county-level division, or `region.missing` / `region.unknown` / `region.ambiguous`
    /// / `region.too_broad` (only the province).
    public func resolve(_ text: String, field: String = "region") throws -> Division {
        var value = TextNormalizer.compact(text)
        guard !value.isEmpty else { throw FieldIssue.error(field, "region.missing", "所在地区为空，请填写市或县（区）名称。") }
        // The province is no place of business, and no unit takes a case for "the province".
        let provinceOnly = FieldIssue.error(field, "region.too_broad", "所在地区只写到了省（“\(text)”），请写明企业所在的市或县（区）。")
        if value.count == 6, value.allSatisfy(\.isASCIIDigit) {
            guard let division = divisions[value] else {
                throw FieldIssue.error(field, "region.unknown", "行政区划代码 \(value) 不是辽宁省的市或县（区）代码。")
            }
            guard division.level != .province else { throw provinceOnly }
            return division
        }
        if value == "辽宁省" || value == "辽宁" { throw provinceOnly }
        for prefix in ["辽宁省", "辽宁"] where value.hasPrefix(prefix) && value.count > prefix.count {
            value.removeFirst(prefix.count)
            break
        }
        for (city, names) in cities {
            for cityName in names where value.utf8.count > cityName.utf8.count && value.hasPrefix(cityName) {
                let rest = String(decoding: value.utf8.dropFirst(cityName.utf8.count), as: UTF8.self)
                if let county = (byName[rest] ?? []).first(where: { $0.parentCode == city.code }) { return county }
            }
        }
        let candidates = byName[value] ?? []
        switch candidates.count {
        case 1:
            return candidates[0]
        case 0:
            throw FieldIssue.error(field, "region.unknown", "无法识别所在地区“\(text)”。请填写辽宁省的市或县（区）名称，或 6 位行政区划代码。")
        default:
            throw FieldIssue.error(field, "region.ambiguous", ambiguityMessage(text: value, candidates))
        }
    }

    /// The unit that handles cases of a division: the county-level unit when known, else the city's.
    public func division(code: String) -> Division? { divisions[code] }

    private func ambiguityMessage(text: String, _ candidates: [Division]) -> String {
        let counties = candidates.filter { $0.level == .county }
        if counties.count == candidates.count {
            let parents = counties.compactMap { $0.parentCode.flatMap { divisions[$0]?.name } }
            return "\(counties[0].name)在\(parents.joined(separator: "和"))都有，请写明所属市（如“\(parents[0])\(counties[0].name)”）。"
        }
        let names = candidates.map(\.name).joined(separator: "或")
        return "“\(text)”可能是\(names)，请写全称。"
    }

    /// 锦州市 → 锦州, 凌海市 → 凌海, 喀喇沁左翼蒙古族自治县 → 喀喇沁左翼, 铁西区 → 铁西.
    static func shortName(_ name: String) -> String {
        for suffix in ["满族蒙古族自治县", "蒙古族自治县", "满族自治县", "自治县", "市", "县", "区"] where name.hasSuffix(suffix) && name.count > suffix.count + 1 {
            return String(name.dropLast(suffix.count))
        }
        return name
    }
}
