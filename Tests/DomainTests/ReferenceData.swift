import Domain
import Foundation

/// The reference files in fixtures/reference, read by path from this test file.
enum ReferenceData {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("fixtures/reference")

    static let creditCodes: [String] = {
        let text = try! String(contentsOf: folder.appendingPathComponent("uscc-valid-samples.txt"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }()

    static let divisions: [Division] = {
        let text = try! String(contentsOf: folder.appendingPathComponent("liaoning-divisions.csv"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Division(code: cells[0], name: cells[1], level: Division.Level(rawValue: cells[2])!, parentCode: cells[3].isEmpty ? nil : cells[3])
        }
    }()
}
