import Postgres

/// What huqi needs of a database beyond a PostgreSQL version: UTF8 text, and a character
/// classification (LC_CTYPE) that knows Chinese characters are letters.
///
/// Both are fixed when a database is created, and both have defaults that fail silently: on a
/// server initialised under `LANG=C`, `CREATE DATABASE huqi` is SQL_ASCII with LC_CTYPE C. There,
/// `length()` counts bytes (a 40-character enterprise name breaks the 100-character limit),
/// and pg_trgm finds no trigrams in Chinese text, so `similarity()` is 0 and possible
/// duplicates are never flagged; under UTF8 with LC_CTYPE C the second still holds. The embedded
/// cluster is always UTF8 with C.UTF-8; a database named by `HUQI_DATABASE_URL` is checked by
/// every migration run, so `huqi serve` and every command refuse it with the way out.
///
/// And it must be writable. A hot standby (or a database whose sessions default to read-only)
/// accepts every read, so `huqi serve` started there looked healthy — `/readyz` said ready —
/// while every upload and workflow action failed with SQLSTATE 25006. Migrations and `/readyz`
/// refuse it as `database.read_only` (`checkWritable`).
enum DatabaseRequirements {
    static func check(on connection: PostgresConnection) async throws {
        let row = try await connection.query("""
            SELECT current_database()::text, pg_encoding_to_char(d.encoding)::text, d.datctype::text, '锦' ~ '^\\w$',
                   \(unescaped: writableColumns)
            FROM pg_database d WHERE d.datname = current_database()
            """)[0]
        let (name, encoding, ctype, knowsChinese, standby, readOnly) = try row.decode((String, String, String, Bool, Bool, Bool).self)
        try refuseReadOnly(database: name, standby: standby, readOnly: readOnly)
        guard encoding == "UTF8" else { throw MigrationError.encoding(encoding, database: name) }
        guard knowsChinese else { throw MigrationError.characterClasses(ctype, database: name) }
    }

    /// Refuses a server in recovery (a standby) or a session that is read-only by default.
    static func checkWritable(on connection: PostgresConnection) async throws {
        let row = try await connection.query("SELECT current_database()::text, \(unescaped: writableColumns)")[0]
        let (name, standby, readOnly) = try row.decode((String, Bool, Bool).self)
        try refuseReadOnly(database: name, standby: standby, readOnly: readOnly)
    }

    /// In recovery (a standby), and read-only by default.
    private static let writableColumns = "pg_is_in_recovery(), current_setting('transaction_read_only') = 'on'"

    private static func refuseReadOnly(database: String, standby: Bool, readOnly: Bool) throws {
        if standby || readOnly { throw MigrationError.readOnly(database: database, standby: standby) }
    }
}
