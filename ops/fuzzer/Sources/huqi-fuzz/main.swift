import CFuzzerDriver
import Foundation
import FuzzTargets

// The fuzz binary (built by ops/fuzz): libFuzzer's driver over the FuzzTargets entry point
// named by HUQI_FUZZ_TARGET (csv, json, xlsx, values).

/// The entry point this run fuzzes.
let target: @Sendable ([UInt8]) -> Void = {
    let name = ProcessInfo.processInfo.environment["HUQI_FUZZ_TARGET"] ?? ""
    guard let target = FuzzTargets.all[name] else {
        FileHandle.standardError.write(Data("HUQI_FUZZ_TARGET 应为：\(FuzzTargets.all.keys.sorted().joined(separator: "、"))\n".utf8))
        exit(2)
    }
    return target
}()

/// What libFuzzer calls with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    target(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

var arguments = CommandLine.argc
var vector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &vector, fuzzOne))
