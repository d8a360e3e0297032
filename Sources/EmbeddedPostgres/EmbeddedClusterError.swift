/// Why the embedded PostgreSQL cluster could not be set up, started or stopped.
///
/// `message` is one Chinese sentence telling the operator what to do; `code` is stable.
public struct EmbeddedClusterError: Error, Sendable, CustomStringConvertible {
    /// A stable identifier, e.g. `cluster.initdb_missing`.
    public let code: String
    /// What went wrong and what to do, for the operator.
    public let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }

    static func initdbMissing(searched: [String]) -> Self {
        Self("cluster.initdb_missing",
             "找不到 PostgreSQL 的 initdb（已查找：\(searched.joined(separator: "、"))）。"
                + "请安装服务器：apt-get install -y postgresql，或设置 HUQI_PG_BINDIR 指向其 bin 目录；"
                + "也可以设置 HUQI_DATABASE_URL 使用现有数据库。")
    }

    static func versionMismatch(path: String, cluster: String, installed: [(version: String, directory: String)]) -> Self {
        let found = installed.map { "PostgreSQL \($0.version)（\($0.directory)）" }.joined(separator: "、")
        return Self("cluster.version_mismatch",
                    "数据目录 \(path) 由 PostgreSQL \(cluster) 创建，本机找到的是 \(found)。"
                        + "请安装 PostgreSQL \(cluster) 的服务器（apt-get install -y postgresql-\(cluster)）或设置 HUQI_PG_BINDIR 指向它；"
                        + "要换用新版本，请按 README 的 “Backup and restore” 一节导出，再恢复到新版本的集群。")
    }

    static func foreignOwner(path: String, owner: String, expected: String) -> Self {
        Self("cluster.data_dir_owner",
             "数据目录 \(path) 属于用户 \(owner)，而 PostgreSQL 要以用户 \(expected) 运行。"
                + "请换一个 HUQI_DATA_DIR，或以 \(owner) 身份运行 huqi。")
    }

    static func notTraversable(path: String, user: String) -> Self {
        Self("cluster.data_dir_access",
             "用户 \(user) 无法进入数据目录 \(path)（某一级上级目录缺少执行权限）。"
                + "请把 HUQI_DATA_DIR 设到该用户可进入的位置，或给上级目录加上 o+x 权限。")
    }

    static func notADirectory(path: String) -> Self {
        Self("cluster.data_dir_invalid", "数据目录 \(path) 已存在但不是 huqi 的 PostgreSQL 数据目录。请换一个 HUQI_DATA_DIR。")
    }

    static func inUse(path: String, pid: Int32?) -> Self {
        let who = pid.map { "（进程 \($0)）" } ?? ""
        return Self("cluster.in_use",
                    "数据目录 \(path) 正被另一个 huqi serve\(who)使用。请先停止那个进程，或为这个实例设置另一个 HUQI_DATA_DIR。")
    }

    static func commandFailed(_ tool: String, status: Int32, output: String, logFile: String?) -> Self {
        let tail = output.split(separator: "\n").suffix(3).joined(separator: " / ")
        let log = logFile.map { "，详见日志 \($0)" } ?? ""
        return Self("cluster.\(tool)_failed", "\(tool) 执行失败（退出码 \(status)）：\(tail)\(log)。")
    }

    static func notInitialized(path: String) -> Self {
        Self("cluster.not_initialized", "数据目录 \(path) 中还没有数据库集群。请先运行 huqi db start 或 huqi serve。")
    }

    static func userSetup(_ detail: String) -> Self {
        Self("cluster.service_user", "无法准备运行 PostgreSQL 的系统用户：\(detail)。")
    }
}
