import Domain
import Postgres

/// The reporter's full ID number and phone of one case. Lists and pages show them masked; a
/// user who needs them asks to see them, and every such look is in the audit log.
public struct PersonalData: Sendable, Equatable {
    public var reporterName: String?
    public var idNumber: String?
    public var phone: String?

    /// Reads them for `principal` (within the case scope) and audits the look in the same
    /// transaction: nothing is shown that is not logged. Nil when the case is unknown or out of
    /// scope, and for partners (`AccessPolicy.seesCaseInternals`).
    public static func reveal(caseID: Int64, for principal: Principal, address: String,
                              using client: PostgresClient) async throws -> PersonalData? {
        guard AccessPolicy.seesCaseInternals(principal) else { return nil }
        return try await client.withTransaction { connection in
            guard let row = try await connection.query("""
                SELECT c.reporter_name, c.reporter_id_number, c.phone FROM cases c
                WHERE c.id = \(caseID) AND \(CaseQueries.scope(principal))
                """).first else { return nil }
            let (name, idNumber, phone) = try row.decode((String?, String?, String?).self)
            try await AuditLog.append(AuditEvent(by: principal, action: "case.personal_data_viewed", entity: "case",
                                                 entityID: String(caseID), address: address,
                                                 summary: ["fields": "reporter_id_number,phone"]), on: connection)
            return PersonalData(reporterName: name, idNumber: idNumber, phone: phone)
        }
    }
}
