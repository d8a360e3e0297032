import ArgumentParser
import EmbeddedPostgres
import Foundation
import Postgres
import Domain
import Server
import Store

/// Runs a command body and turns any error into one Chinese sentence on stderr and a
/// non-zero exit, never a stack trace.
func reportingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch {
        FileHandle.standardError.write(Data("huqi：\(operatorMessage(for: error))\n".utf8))
        throw ExitCode.failure
    }
}

/// The sentence an operator sees for an error.
func operatorMessage(for error: any Error) -> String {
    switch error {
    case let error as EmbeddedClusterError: return error.message
    case let error as MigrationError: return error.message
    case let error as ApplicationRoleError: return error.message
    case let error as ConfigurationError: return error.message
    case let error as IdentityError: return error.message
    case let error as BatchError: return error.message
    case let error as PayloadChanged: return error.message
    case let error as CaseActionError: return error.message
    case let error as WorkflowProblem: return error.message
    case let error as PostgresError where error.code == .connectionFailed:
        let reason = error.message.map { "（" + $0.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") + "）" } ?? ""
        return "无法连接数据库\(reason)。请检查 HUQI_DATABASE_URL，或不设置它以使用内置数据库。"
    case let error as PostgresError where error.isTransient:
        return "数据库繁忙：\(BusyDatabase.reason(error))。本次操作未完成，也未写入任何数据，请稍后重试。"
    case let error as PostgresError where error.isResourceShortage:
        return "数据库资源不足：\(DatabaseResources.reason(error))（\(error.message ?? "")）。本次操作未完成，也未写入任何数据，请联系数据库管理员。"
    case let error as PostgresError where error.code == .sessionSettingsIgnored:
        return "数据库连接没有采用 huqi 固定的会话设置（\(error.message ?? "")）：连接途中的连接池（如 PgBouncer 的 "
            + "ignore_startup_parameters = options）丢弃了 options 参数，日期、时区和断开检测都将不可靠。请让 HUQI_DATABASE_URL 直接连接 PostgreSQL。"
    case let error as PostgresError:
        return "数据库错误 \(error.sqlState ?? error.code.rawValue)：\(error.message ?? "")"
    default:
        let text = String(describing: error)
        if text.contains("Address already in use") {
            return "端口已被占用。请停止占用它的程序，或用 HUQI_PORT 指定另一个端口。"
        }
        if text.contains("Cannot assign requested address") {
            return "无法绑定地址 HUQI_HOST。请检查该地址是否属于本机。"
        }
        return text
    }
}
