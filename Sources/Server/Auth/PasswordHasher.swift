import HummingbirdBcrypt
import NIOPosix

/// bcrypt on NIO's blocking thread pool: hashing takes a noticeable slice of CPU and must not
/// occupy a thread of Swift's cooperative pool.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost (work factor); 12 in production, lower in tests.
    public let cost: UInt8

    /// Creates a hasher.
    public init(cost: UInt8 = 12) { self.cost = cost }

    /// A bcrypt hash of `password`.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`. With no hash (unknown user) a dummy hash is checked
    /// anyway, so the answer takes as long as for a real user.
    public func verify(_ password: String, against hash: String?) async throws -> Bool {
        let cost = self.cost
        let matches = try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.hash(password, cost: cost)  // same work as a real check
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
        return matches
    }
}
