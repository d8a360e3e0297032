import Domain
import Foundation
import Intake
import Testing

@Suite("triage of petition-related matters")
struct TriageTests {
    func decide(_ claim: String, petitioned: Bool? = nil, count: Int? = nil, remarks: String? = nil) -> TriageDecision {
        Triage.decide(TriageInput(petitionedBefore: petitioned, petitionCount: count, firstPetitionDate: nil, claim: claim, remarks: remarks))
    }

    @Test("structured signals decide first and are given as reasons")
    func structured() {
        let yes = decide("要求返还保证金", petitioned: true, count: 3)
        #expect(yes.petitionRelated)
        #expect(yes.reasons == ["是否已信访=是", "信访次数=3"])
        #expect(!decide("要求返还保证金", petitioned: false).petitionRelated)
        #expect(decide("要求返还保证金", count: 2).petitionRelated, "a count alone is a structured yes")
    }

    @Test("a text mention decides when the form is silent, and the reason quotes it")
    func textSignals() {
        let decision = decide("工程款拖欠至今，此前曾多次到市信访局反映，均无结果。")
        #expect(decision.petitionRelated)
        #expect(decision.reasons == ["诉求内容提到“此前曾多次到市信访局反映”"])
        #expect(decide("已通过12309检察服务中心反映过").petitionRelated)
        #expect(decide("已将全部材料递交市信访局").petitionRelated, "已 makes 将 a preposition, not a plan")
        #expect(decide("材料", remarks: "企业多次进京上访").petitionRelated, "备注 counts too")
    }

    @Test("denials, plans, threats and places are not petitions already made", arguments: [
        "尚未信访，希望通过法律途径解决。", "企业没有上访，仅向贵院反映。", "此前未向信访部门反映过。", "如不解决将上访。",
        "公司办公地点位于市信访局对面的商务楼内。", "拟向信访部门反映，但先请检察机关依法处理。", "从未信访", "准备去上访",
    ])
    func notPetitions(text: String) {
        let decision = decide("要求依法监督。" + text)
        #expect(!decision.petitionRelated, "\(text)")
        #expect(decision.reasons.first?.contains("但") == true, "the reason says why the mention does not count: \(decision.reasons)")
    }

    @Test("a form that says 否 wins over a contrary text, and the conflict is noted for a person to review")
    func conflict() {
        let decision = decide("曾多次到市信访局反映", petitioned: false)
        #expect(!decision.petitionRelated)
        #expect(decision.reasons.count == 2)
        #expect(decision.reasons[1].contains("可人工改判"))
    }

    @Test("on the four fixture batches, triage labels exactly the 41 of 92 cases the labels file says")
    func fixtureLabels() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures")
        let labels = Dictionary(uniqueKeysWithValues: try String(contentsOf: root.appendingPathComponent("batches/labels.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { line -> (String, Bool) in
                let cells = line.split(separator: ",")
                return (String(cells[1]), cells[2] == "true")
            })
        let normalizer = RowNormalizer(regions: RegionResolver(divisions: RowNormalizerTests.divisions), uploadDate: CalendarDate(year: 2026, month: 11, day: 26)!)
        var decided: [String: Bool] = [:]
        for file in ["batch1-utf8-bom.csv", "batch2-gb18030.csv", "batch3.json", "batch4-utf8.csv"] {
            let batch = try BatchReader.read(Array(try Data(contentsOf: root.appendingPathComponent("batches/\(file)"))))
            for row in try batch.rows.all() {
                let record = try #require(normalizer.normalize(row).record)
                decided[record.externalRef] = Triage.decide(TriageInput(record)).petitionRelated
            }
        }
        #expect(decided.count == 92)
        #expect(decided.values.filter { $0 }.count == 41)
        let wrong = labels.filter { decided[$0.key] != $0.value }.map(\.key).sorted()
        #expect(wrong.isEmpty, "mislabelled: \(wrong)")
    }
}
