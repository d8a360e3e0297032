import Domain
import Foundation
import Intake
import Testing

@Suite("row normalization")
struct RowNormalizerTests {
    static let divisions: [Division] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fixtures/reference/liaoning-divisions.csv")
        return try! String(contentsOf: url, encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst().map { line in
            let c = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Division(code: c[0], name: c[1], level: .init(rawValue: c[2])!, parentCode: c[3].isEmpty ? nil : c[3])
        }
    }()
    let normalizer = RowNormalizer(regions: RegionResolver(divisions: RowNormalizerTests.divisions),
                                   uploadDate: CalendarDate(year: 2026, month: 11, day: 26)!)

    func row(_ cells: [String: String]) -> RawRow {
        var base = ["external_ref": "LN-1", "enterprise_name": "锦州宏达（集团）有限公司", "credit_code": "91210700MADR9L8F50",
                    "region": "凌海市", "claim": "要求返还保证金"]
        base.merge(cells) { $1 }
        return RawRow(number: 2, cells: base)
    }

    @Test("a complete row becomes a typed record; 移交日期 defaults to the upload date")
    func complete() throws {
        let result = normalizer.normalize(row(["phone": "+86 138 0416 5678", "amount_wan": "1,234.5万", "petitioned_before": "是",
                                                "first_petition_date": "2024年7月25日", "matter_type": "申诉", "enterprise_kind": "民营"]))
        let record = try #require(result.record)
        #expect(result.issues.isEmpty)
        #expect(record.regionCode == "210781")
        #expect(record.enterpriseName == "锦州宏达（集团）有限公司")
        #expect(record.phone == "13804165678")
        #expect(record.amountWan == Decimal(string: "1234.5"))
        #expect(record.petitionedBefore == true)
        #expect(record.firstPetitionDate == CalendarDate(year: 2024, month: 7, day: 25))
        #expect(record.handedOverOn == CalendarDate(year: 2026, month: 11, day: 26))
    }

    @Test("every bad cell of a row is reported at once, with its field and code")
    func collectsAllIssues() {
        let result = normalizer.normalize(row(["credit_code": "91350100M000100Y4Z", "region": "铁西区", "phone": "12345",
                                                "first_petition_date": "去年", "claim": "  "]))
        #expect(result.isRejected)
        #expect(Set(result.issues.map(\.code)) == ["credit_code.checksum", "region.ambiguous", "phone.invalid", "date.unparseable", "required.missing"])
        #expect(result.issues.first { $0.field == "claim" }?.code == "required.missing")
    }

    @Test("信访次数 may carry its unit (3次); 序号 may not; nothing else is read into a number")
    func petitionCountUnit() throws {
        #expect(try #require(normalizer.normalize(row(["petition_count": "3次", "seq": "7"])).record).petitionCount == 3)
        #expect(normalizer.normalize(row(["petition_count": "约3次"])).issues.map(\.code) == ["integer.invalid"])
        #expect(normalizer.normalize(row(["seq": "7次"])).issues.map(\.code) == ["integer.invalid"])
    }

    @Test("an individual business (个体) may have no credit code; others may not")
    func creditCodeRequiredUnlessIndividual() {
        #expect(normalizer.normalize(row(["credit_code": "", "enterprise_kind": "个体"])).record != nil)
        #expect(normalizer.normalize(row(["credit_code": ""])).issues.map(\.code) == ["required.missing"])
    }

    @Test("a wrong organisation-code check inside a valid credit code is only a warning")
    func warningOnly() throws {
        // 91210700MADR9L8F5 has organisation code MADR9L8F5; change its check (F5 → F6) and
        // recompute the credit code's own check so only the inner check is wrong.
        let body = "91210700MADR9L8F6"
        let code = body + String(try #require(CreditCode.checkCharacter(for: body)))
        #expect(try CreditCode(parsing: code).organisationCodeIssue != nil)
        let result = normalizer.normalize(row(["credit_code": code]))
        #expect(result.record != nil)
        #expect(result.issues.map(\.severity) == [.warning])
    }
}

