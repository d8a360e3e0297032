/// Why migrations could not be loaded or applied. `message` is Chinese, for the operator.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// A stable identifier, e.g. `migration.checksum_mismatch`.
    public let code: String
    /// What went wrong and what to do.
    public let message: String

    public var description: String { "\(message) [\(code)]" }

    static func directoryMissing(_ path: String) -> Self {
        Self(code: "migration.directory_missing",
             message: "找不到迁移目录（查找了 \(path) 等位置）。请在仓库根目录运行 huqi，或设置 HUQI_SQL_DIR。")
    }

    static func badName(_ file: String) -> Self {
        Self(code: "migration.bad_name",
             message: "迁移文件名 \(file) 不符合 NNNN_名称.sql（四位数字、下划线、小写字母数字）的格式。")
    }

    static func duplicateVersion(_ version: Int) -> Self {
        Self(code: "migration.duplicate_version", message: "有两个迁移文件使用同一个编号 \(version)。")
    }

    static func checksumMismatch(_ name: String) -> Self {
        Self(code: "migration.checksum_mismatch",
             message: "迁移 \(name).sql 在应用后被修改（校验和不符）。已应用的迁移不能再改，请新增一个迁移文件。")
    }

    static func encoding(_ encoding: String, database: String) -> Self {
        Self(code: "database.encoding",
             message: "数据库 \(database) 的字符编码是 \(encoding)，huqi 需要 UTF8：中文的长度校验、疑似重复判断和检索都依赖它。"
                 + "请新建一个 UTF8 数据库并改用它：CREATE DATABASE \(database)_utf8 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;")
    }

    static func readOnly(database: String, standby: Bool) -> Self {
        Self(code: "database.read_only",
             message: standby
                 ? "数据库 \(database) 所在的服务器是只读的备库（处于恢复中），huqi 需要写入。请连接主库；"
                     + "连接串中写了多个主机时，请加上 target_session_attrs=read-write。"
                 : "数据库 \(database) 的会话默认只读（default_transaction_read_only = on），huqi 需要写入。"
                     + "请取消该设置（ALTER DATABASE \(database) RESET default_transaction_read_only，或在角色、服务器配置中取消）。")
    }

    static func characterClasses(_ ctype: String, database: String) -> Self {
        Self(code: "database.ctype",
             message: "数据库 \(database) 的字符分类（LC_CTYPE）是 \(ctype)，不把汉字当作文字，疑似重复案件将无法识别。"
                 + "请新建一个数据库并改用它：CREATE DATABASE \(database)_utf8 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8' TEMPLATE template0;")
    }

    static func notOwner(_ name: String, role: String) -> Self {
        Self(code: "migration.not_owner",
             message: "数据库还有待执行的迁移（\(name).sql 起），但当前数据库账号 \(role) 无权修改表结构（它是应用账号，不是属主）。"
                 + "请用属主账号运行 huqi migrate，然后再启动。")
    }

    static func failed(_ name: String, reason: String) -> Self {
        Self(code: "migration.failed", message: "迁移 \(name).sql 执行失败，已整体回滚：\(reason)")
    }
}
