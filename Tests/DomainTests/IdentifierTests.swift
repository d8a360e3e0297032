import Domain
import Testing

@Suite("credit codes and ID numbers")
struct IdentifierTests {
    @Test("all 200 reference credit codes are valid", arguments: ReferenceData.creditCodes)
    func referenceCodesValid(code: String) throws {
        #expect(try CreditCode(parsing: code).value == code)
    }

    @Test("changing the check character of each reference code is caught and the right one is named", arguments: ReferenceData.creditCodes)
    func mutatedCodesRejected(code: String) {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let last = code.last!
        let wrong = alphabet[(alphabet.firstIndex(of: last)! + 7) % alphabet.count]
        let issue = #expect(throws: FieldIssue.self) { try CreditCode(parsing: String(code.dropLast()) + String(wrong)) }
        #expect(issue?.code == "credit_code.checksum")
        #expect(issue?.message.contains("校验位应为“\(last)”") == true)
    }

    @Test("changing one body character of each reference code breaks the checksum", arguments: ReferenceData.creditCodes)
    func mutatedBodyRejected(code: String) {
        var characters = Array(code)
        characters[10] = characters[10] == "7" ? "8" : "7"
        #expect(throws: FieldIssue.self) { try CreditCode(parsing: String(characters)) }
    }

    @Test("the design's examples: three valid codes and one with the wrong check character (should be 3)")
    func designExamples() throws {
        for code in ["91110000600037341L", "91210700MADR9L8F50", "91210231550644863P"] {
            #expect(try CreditCode(parsing: code).value == code)
        }
        let issue = #expect(throws: FieldIssue.self) { try CreditCode(parsing: "91350100M000100Y4Z") }
        #expect(issue?.message.contains("校验位应为“3”") == true)
    }

    @Test("lower case, full-width and spaces are normalized; forbidden letters and wrong lengths are refused")
    func shapes() throws {
        #expect(try CreditCode(parsing: " ９１２１０７００madr9l8f50 ").value == "91210700MADR9L8F50")
        #expect((#expect(throws: FieldIssue.self) { try CreditCode(parsing: "91210700MADR9L8F5") })?.code == "credit_code.length")
        #expect((#expect(throws: FieldIssue.self) { try CreditCode(parsing: "91210700MADR9L8FI0") })?.code == "credit_code.charset")
    }

    @Test("the embedded organisation code's own check is a warning, not an error")
    func organisationCode() throws {
        #expect(try CreditCode(parsing: "91110000600037341L").organisationCodeIssue == nil)
        let warnings = try ReferenceData.creditCodes.compactMap { try CreditCode(parsing: $0).organisationCodeIssue }
        #expect(warnings.allSatisfy { $0.severity == .warning && $0.code == "credit_code.org_code_checksum" })
    }

    @Test("ID numbers: valid 18-digit and legacy 15-digit accepted, masked as first 6 + last 4")
    func idNumbers() throws {
        #expect(try IDNumber(parsing: "11010519491231002x").value == "11010519491231002X")
        #expect(try IDNumber(parsing: "11010519491231002X").masked == "110105********002X")
        #expect(try IDNumber(parsing: "440524188001010014").value == "440524188001010014")
        #expect(try IDNumber(parsing: "210282800101001").value == "210282800101001")  // 普兰店市, historical code
        let checksum = #expect(throws: FieldIssue.self) { try IDNumber(parsing: "110105194912310021") }
        #expect(checksum?.code == "id_number.checksum")
        #expect(checksum?.message.contains("应为“X”") == true)
        #expect((#expect(throws: FieldIssue.self) { try IDNumber(parsing: "110105194902300021") })?.code == "id_number.birth_date")
        #expect((#expect(throws: FieldIssue.self) { try IDNumber(parsing: "1101051949") })?.code == "id_number.length")
    }
}
