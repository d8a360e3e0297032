import Postgres

/// What the database meant when it ran short of something (`PostgresError.isResourceShortage`,
/// SQLSTATE class 53), in Chinese, for the API's `db.resources` detail, the pages and the command
/// line alike. Unlike a busy database, trying again soon rarely helps: an administrator has to
/// free disk or memory, or raise a limit.
public enum DatabaseResources {
    /// Which resource ran out, and where an administrator looks.
    public static func reason(_ error: PostgresError) -> String {
        switch error.sqlState {
        case "53100": "数据库服务器磁盘空间不足"
        case "53200": "数据库服务器内存不足"
        case "53300": "数据库连接数已满（max_connections）"
        case "53400": "超出了数据库设置的上限（如临时文件上限 temp_file_limit、锁表大小 max_locks_per_transaction）"
        default: "数据库服务器资源不足"
        }
    }
}
