import Domain
import Testing

@Suite("access policy")
struct AccessPolicyTests {
    let leader = Principal(kind: .user(id: 1, login: "leader"), label: "leader", roles: [.leader], unitCode: "210700", unitPath: "/210000/210700/")
    let prosecutor = Principal(kind: .user(id: 2, login: "p"), label: "p", roles: [.prosecutor], unitCode: "210781", unitPath: "/210000/210700/210781/")
    let partnerKey = Principal(kind: .partnerKey(partnerID: 9, keyID: 4), label: "LNFIC", roles: [], partnerID: 9)

    @Test("a leader sees their unit and everything below it; a prosecutor only their unit")
    func unitScopes() {
        #expect(AccessPolicy.scope(of: leader, over: .unit) == .unitSubtree(path: "/210000/210700/"))
        #expect(AccessPolicy.scope(of: prosecutor, over: .unit) == .unit(code: "210781"))
    }

    @Test("a partner key sees only its own partner and no units or users")
    func partnerScopes() {
        #expect(AccessPolicy.scope(of: partnerKey, over: .partner) == .partner(id: 9))
        #expect(AccessPolicy.scope(of: partnerKey, over: .unit) == .none)
        #expect(AccessPolicy.scope(of: partnerKey, over: .user) == .none)
        #expect(AccessPolicy.scope(of: partnerKey, over: .auditLog) == .none)
    }

    @Test("a user without a granting role still sees their own user record, nothing else")
    func selfOnly() {
        #expect(AccessPolicy.scope(of: prosecutor, over: .user) == .selfOnly(userID: 2))
        #expect(AccessPolicy.scope(of: prosecutor, over: .partner) == .none)
    }

    @Test("several roles combine to the widest scope")
    func combinedRoles() {
        var both = prosecutor
        both.roles = [.prosecutor, .admin]
        #expect(AccessPolicy.scope(of: both, over: .unit) == .all)
        var office = prosecutor
        office.roles = [.office]
        #expect(AccessPolicy.scope(of: office, over: .unit) == .all)
        #expect(AccessPolicy.scope(of: office, over: .user) == .selfOnly(userID: 2))
    }

    @Test("a leader without a unit sees nothing rather than everything")
    func leaderWithoutUnit() {
        let orphan = Principal(kind: .user(id: 3, login: "x"), label: "x", roles: [.leader])
        #expect(AccessPolicy.scope(of: orphan, over: .unit) == .none)
    }
}
