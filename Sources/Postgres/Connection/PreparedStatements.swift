/// The statements a connection has prepared on its server, by SQL text.
///
/// Every statement huqi sends goes through `PQprepare` once per connection and `PQexecPrepared`
/// after that, so PostgreSQL parses and analyses each SQL text once instead of on every call
/// (the statements are the same texts over and over; the values are always binds). Planning
/// follows PostgreSQL's default (`plan_cache_mode = auto`: a statement whose generic plan costs
/// no more than its custom plans stops being planned per execution); transactions of set-based
/// statements over batches or weeks send their statements unprepared (`planEveryExecution()`),
/// so no generic plan can surprise them. Bounded: past `capacity` distinct texts the connection
/// deallocates them all and starts again.
struct PreparedStatements {
    /// The most distinct SQL texts kept prepared on one connection.
    static let capacity = 500

    private var names: [String: String] = [:]
    private var issued = 0

    /// The server-side name of `sql`, if it is prepared.
    func name(of sql: String) -> String? { names[sql] }

    /// Whether the cache is full (the caller deallocates everything, then calls `reset`).
    var isFull: Bool { names.count >= Self.capacity }

    /// A fresh name for `sql`; call `remember` once the server accepted it.
    mutating func nextName() -> String {
        issued += 1
        return "huqi_s\(issued)"
    }

    /// Records that `sql` is prepared as `name`.
    mutating func remember(_ sql: String, as name: String) { names[sql] = name }

    /// Forgets one statement, so the next use prepares it again (under a new name).
    mutating func forget(_ sql: String) { names[sql] = nil }

    /// Forgets every statement (after `DEALLOCATE ALL`).
    mutating func reset() { names.removeAll(keepingCapacity: true) }

    /// How many statements are prepared.
    var count: Int { names.count }
}
