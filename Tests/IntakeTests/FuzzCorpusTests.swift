import Foundation
import FuzzTargets
import Testing

/// Replays the fuzzing corpus (`fixtures/fuzz/<target>/`: seeds, inputs libFuzzer found
/// interesting, and every input that once crashed a reader) through the same entry points
/// `ops/fuzz` drives. A regression traps and fails the run.
@Suite("fuzz corpus replay")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fixtures/fuzz")

    static func inputs(_ target: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus.appendingPathComponent(target), includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("every kept input of every target runs without a crash", arguments: ["csv", "json", "xlsx", "values"])
    func replay(target: String) throws {
        let run = try #require(FuzzTargets.all[target])
        let files = try Self.inputs(target)
        // The seeds alone are more than this; an empty folder means the corpus went missing.
        #expect(files.count >= 1)
        for file in files {
            run([UInt8](try Data(contentsOf: file)))
        }
    }

    @Test("the inputs that once crashed are kept in the corpus")
    func knownCrashesKept() throws {
        let names = try Self.inputs("values").map(\.lastPathComponent)
        #expect(names.contains("crash-excel-serial-overflow.txt"))
    }
}
