import Domain
import Hummingbird
import Postgres
import Store

/// `POST /api/v1/cases/{id}/personal-data`: the reporter's full ID number and phone of one case,
/// as the case page's 显示完整身份证号和电话 shows them. Everywhere else they are masked; this
/// look is written to the audit log (`case.personal_data_viewed`) in the transaction that reads
/// them, so nothing is shown that is not logged. A POST, not a GET: it changes the log, and no
/// cache or prefetch may repeat it. Out of scope, unknown, or asked by a partner: 404.
struct PersonalDataController: Sendable {
    let database: PostgresClient

    /// The full values (null where the case has none).
    struct Answer: ResponseEncodable {
        let caseID: Int64
        let reporterName, reporterIDNumber, phone: String?
        enum CodingKeys: String, CodingKey {
            case caseID = "case_id", reporterName = "reporter_name", reporterIDNumber = "reporter_id_number", phone
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(caseID, forKey: .caseID)
            try container.encode(reporterName, forKey: .reporterName)
            try container.encode(reporterIDNumber, forKey: .reporterIDNumber)
            try container.encode(phone, forKey: .phone)
        }
    }

    func register(on group: RouterGroup<HuqiRequestContext>) {
        group.post("cases/{id}/personal-data") { request, context -> Response in
            let principal = try context.requirePrincipal()
            guard let id = context.parameters.get("id", as: Int64.self),
                  let data = try await PersonalData.reveal(caseID: id, for: principal, address: context.clientAddress, using: database) else {
                throw Problem(CaseActionError.caseNotFound)
            }
            var response = try Answer(caseID: id, reporterName: data.reporterName, reporterIDNumber: data.idNumber, phone: data.phone)
                .response(from: request, context: context)
            response.headers[.cacheControl] = "no-store"  // not kept by a browser or a proxy
            return response
        }
    }
}
