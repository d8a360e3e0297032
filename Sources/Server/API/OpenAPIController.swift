import Hummingbird

/// `GET /openapi.yaml`: the OpenAPI 3.1 contract of `/api/v1` (`Sources/Server/API/openapi.yaml`,
/// embedded in the binary at build time). `OpenAPIContractTests` keeps its paths equal to the
/// router's routes; `ops/check-api` runs schemathesis against a live server with it.
struct OpenAPIController: Sendable {
    /// The document's bytes, as written in the repository.
    static let document: [UInt8] = PackageResources.openapi_yaml

    func register(on router: Router<HuqiRequestContext>) {
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(bytes: Self.document)))
        }
    }
}
