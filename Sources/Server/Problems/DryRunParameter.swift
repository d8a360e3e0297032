import Hummingbird

/// `dry_run` in a request's query, read the same way by every endpoint that has one (batches,
/// the calendar): absent, `false` or `0` is false; `true` or `1` is true; anything else is
/// 422 `dry_run.invalid`.
enum DryRunParameter {
    static func value(of request: Request) throws -> Bool {
        switch request.uri.queryParameters["dry_run"].map(String.init)?.lowercased() {
        case nil, "false", "0": return false
        case "true", "1": return true
        default: throw Problem(status: .unprocessableContent, code: "dry_run.invalid", title: "dry_run 只能是 true 或 false。")
        }
    }
}
