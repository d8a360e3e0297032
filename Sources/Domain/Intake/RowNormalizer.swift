import Foundation

/// Turns a raw row into a `CaseRecord`, collecting every issue of every cell (a partner fixes
/// the whole row at once rather than one error per upload).
public struct RowNormalizer: Sendable {
    let regions: RegionResolver
    /// Used when 移交日期 is empty.
    let uploadDate: CalendarDate

    /// Creates a normalizer for one batch.
    public init(regions: RegionResolver, uploadDate: CalendarDate) {
        self.regions = regions
        self.uploadDate = uploadDate
    }

    /// The row's record (nil when any error) and its issues.
    public func normalize(_ raw: RawRow) -> NormalizedRow {
        if let notACase = raw.notACase { return NormalizedRow(raw: raw, record: nil, issues: [notACase]) }
        var issues: [FieldIssue] = (raw.cellCountIssue.map { [$0] } ?? []) + raw.cellIssues
        let unreadable = Set(raw.cellIssues.map(\.field))
        func text(_ field: String) -> String? {
            guard let value = raw.cells[field], !unreadable.contains(field) else { return nil }
            let column = CanonicalField.named(field)
            let clean = TextNormalizer.normalize(value, as: column?.form ?? .plain)
            if let column, clean.count > column.maximumLength {
                issues.append(.error(field, "field.too_long", "“\(column.header)”超过 \(column.maximumLength) 个字。"))
                return nil
            }
            return clean.isEmpty ? nil : clean
        }
        func parse<Value>(_ field: String, _ parser: (String) throws -> Value) -> Value? {
            text(field).flatMap { parse(field, value: $0, parser) }
        }
        func parse<Value>(_ field: String, value: String, _ parser: (String) throws -> Value) -> Value? {
            do { return try parser(value) } catch let issue as FieldIssue {
                issues.append(issue)
            } catch {
                issues.append(.error(field, "field.invalid", "“\(Masking.digitRuns(in: value))”无效。"))
            }
            return nil
        }
        func required(_ field: String) -> String? {
            let value = text(field)
            if value == nil, !issues.contains(where: { $0.field == field }) {
                issues.append(.error(field, "required.missing", "“\(CanonicalField.named(field)!.header)”不能为空。"))
            }
            return value
        }
        func integer(_ field: String) -> Int? {
            parse(field) { value in
                var digits = TextNormalizer.compact(value)
                if field == "petition_count", digits.hasSuffix("次") { digits.removeLast() }  // "3次"
                guard let number = Int(digits), number >= 0 else {
                    throw FieldIssue.error(field, "integer.invalid", "“\(CanonicalField.named(field)!.header)”应为不小于 0 的整数，这里是“\(value)”。")
                }
                return number
            }
        }

        let externalRef = required("external_ref")
        let enterpriseName = required("enterprise_name")
        let claim = required("claim")
        let kind = parse("enterprise_kind") { try EnterpriseKind.parse($0, field: "enterprise_kind") }
        let creditCodeText = text("credit_code")
        let creditCode = creditCodeText.flatMap { value in parse("credit_code", value: value) { try CreditCode(parsing: $0) } }
        if creditCodeText == nil, kind != .individual, !issues.contains(where: { $0.field == "credit_code" }) {
            issues.append(.error("credit_code", "required.missing", "“统一社会信用代码”不能为空（企业类型为“个体”时可不填）。"))
        }
        if let warning = creditCode?.organisationCodeIssue { issues.append(warning) }
        var region: Division?
        if text("region") == nil {
            _ = required("region")
        } else {
            region = parse("region") { try regions.resolve($0) }
        }
        let record = CaseRecord(
            seq: integer("seq"),
            externalRef: externalRef ?? "",
            enterpriseName: enterpriseName ?? "",
            creditCode: creditCode?.value,
            regionCode: region?.code ?? "",
            enterpriseKind: kind,
            reporterName: text("reporter_name"),
            reporterIDNumber: parse("reporter_id_number") { try IDNumber(parsing: $0).value },
            phone: parse("phone") { try Phone(parsing: $0).value },
            respondent: text("respondent"),
            matterType: parse("matter_type") { try MatterType.parse($0, field: "matter_type") },
            claim: claim ?? "",
            petitionedBefore: parse("petitioned_before") { try YesNo.parse($0, field: "petitioned_before") },
            firstPetitionDate: parse("first_petition_date") { try DateParser.parse($0, field: "first_petition_date") },
            petitionCount: integer("petition_count"),
            amountWan: parse("amount_wan") { try Amount.parse($0) },
            litigationStage: parse("litigation_stage") { try LitigationStage.parse($0, field: "litigation_stage") },
            handedOverOn: parse("handed_over_on") { try DateParser.parse($0, field: "handed_over_on") } ?? uploadDate,
            remarks: text("remarks")
        )
        let rejected = issues.contains { $0.severity == .error }
        return NormalizedRow(raw: raw, record: rejected ? nil : record, issues: issues)
    }
}
