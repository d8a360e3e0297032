import Domain
import Hummingbird
import Store

/// `POST /api/v1/cases/transfer` (批量移送): a leader moves up to 100 cases to one procuratorate
/// with one reason, as the case list's form does (`CaseTransfer.transferEach`). Answers 200 with
/// each case moved (its receipt) and each refused (its code and Chinese reason); what is the same
/// for every case — the role, the reason, the procuratorate, the count — is a problem before
/// anything moves.
extension CaseActionController {
    struct TransferManyBody: Decodable {
        let caseIDs: [Int64]
        let unitCode: String
        let reason: String
        enum CodingKeys: String, CodingKey { case caseIDs = "case_ids", unitCode = "unit_code", reason }
    }

    struct TransferManyAnswer: ResponseEncodable {
        struct Refused: Encodable, Sendable {
            let caseID: Int64
            let code: String
            let title: String
            enum CodingKeys: String, CodingKey { case caseID = "case_id", code, title }
        }
        let moved: [CaseTransfer.Receipt]
        let refused: [Refused]
    }

    func registerTransferMany(on group: RouterGroup<HuqiRequestContext>) {
        group.post("cases/transfer") { request, context -> TransferManyAnswer in
            let principal = try context.requirePrincipal()
            let body = try await RequestBody.decode(TransferManyBody.self, from: request)
            let outcome = try await mappingCaseErrors {
                try await CaseTransfer.transferEach(caseIDs: body.caseIDs, to: body.unitCode, reason: body.reason, by: principal,
                                                    address: context.clientAddress, using: database)
            }
            return TransferManyAnswer(moved: outcome.moved, refused: outcome.refused.map {
                TransferManyAnswer.Refused(caseID: $0.caseID, code: $0.error.code, title: $0.error.message)
            })
        }
    }
}
