import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Store
import Testing
import TestSupport

/// The OpenAPI document (`Sources/Server/API/openapi.yaml`) says exactly what the router serves:
/// every `/api/v1` route and the operational ones have an operation with the same method, and
/// every documented operation exists. (`ops/check-api` checks the schemas against live answers.)
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Server/API/openapi.yaml")

    /// `METHOD /path` for every operation under `paths:` (two-space path keys, four-space methods).
    static func documentedOperations(_ yaml: String) -> Set<String> {
        var operations = Set<String>(), path: String?, inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty { inPaths = line == "paths:" ; path = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()); continue }
            for method in ["get", "post", "put", "patch", "delete"] where line.hasPrefix("    \(method):") {
                if let path { operations.insert("\(method.uppercased()) \(path)") }
            }
        }
        return operations
    }

    static let operational: Set<String> = ["/healthz", "/readyz", "/metrics", "/openapi.yaml"]

    @Test("every API route is documented and every documented operation is routed")
    func routesMatchDocument() async throws {
        let yaml = try String(contentsOf: Self.file, encoding: .utf8)
        let documented = Self.documentedOperations(yaml)
        #expect(documented.count >= 40)  // the parser found the document's operations
        try await TestDatabase.withClient { client in
            let router = buildRouter(try ServerHarness.dependencies(client: client))
            let routed = Set(router.routes.map { "\($0.method) \($0.path)" }.filter { route in
                let path = String(route.split(separator: " ")[1])
                return path.hasPrefix("/api/v1/") || Self.operational.contains(path)
            })
            #expect(routed.subtracting(documented).sorted() == [], "routes missing from openapi.yaml")
            #expect(documented.subtracting(routed).sorted() == [], "openapi.yaml operations without a route")
        }
    }

    @Test("GET /openapi.yaml serves the document as written, without authentication")
    func served() async throws {
        let bytes = try Data(contentsOf: Self.file)
        try await TestDatabase.withClient { client in
            let app = Application(router: buildRouter(try ServerHarness.dependencies(client: client)))
            try await app.test(.router) { http in
                try await http.execute(uri: "/openapi.yaml", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                    #expect(Data(buffer: response.body) == bytes)
                }
            }
        }
    }
}
