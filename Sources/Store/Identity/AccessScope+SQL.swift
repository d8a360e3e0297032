import Domain
import Postgres

extension AccessPolicy.Scope {
    /// The scope as a SQL condition over the given columns of the row being fetched.
    /// A column that a scope needs but the resource lacks makes the condition `FALSE`.
    ///
    /// - Parameters:
    ///   - unitColumn: the row's unit code column (e.g. `u.unit_code`).
    ///   - partnerColumn: the row's partner id column.
    ///   - userColumn: the row's user id column.
    public func condition(unitColumn: String? = nil, partnerColumn: String? = nil, userColumn: String? = nil) -> PostgresQuery {
        switch self {
        case .all:
            return "TRUE"
        case .none:
            return "FALSE"
        case .unit(let code):
            guard let unitColumn else { return "FALSE" }
            return "\(unescaped: unitColumn) = \(code)"
        case .unitSubtree(let path):
            guard let unitColumn else { return "FALSE" }
            return "\(unescaped: unitColumn) IN (SELECT code FROM units WHERE path LIKE \(path + "%"))"
        case .partner(let id):
            guard let partnerColumn else { return "FALSE" }
            return "\(unescaped: partnerColumn) = \(id)"
        case .selfOnly(let userID):
            guard let userColumn else { return "FALSE" }
            return "\(unescaped: userColumn) = \(userID)"
        }
    }
}
