import Postgres

/// What the database meant by a transient refusal (`PostgresError.isTransient`), in Chinese,
/// for the API's `db.busy` detail, the pages and the command line alike.
public enum BusyDatabase {
    /// Why the database said "not now": a lock timeout, a statement timeout or cancel, or a
    /// conflict with another transaction.
    public static func reason(_ error: PostgresError) -> String {
        switch error.sqlState {
        case "55P03": "等待其他操作释放锁超时（lock_timeout），例如同一合作单位的另一批次正在写入"
        case "57014": "语句执行超时（statement_timeout）或被取消"
        case "40001", "40P01": "与同时进行的其他操作冲突"
        default: "数据库暂时无法完成该操作"
        }
    }
}
