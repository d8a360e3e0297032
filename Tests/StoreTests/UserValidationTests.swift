import Domain
import Foundation
import Postgres
import Store
import Testing
import TestSupport

@Suite("users and partners: bad input")
struct UserValidationTests {
    func attempt(_ user: NewUser, _ client: PostgresClient) async -> String? {
        do {
            _ = try await UserRepository(client: client).add(user, by: IdentityFixture.setupActor)
            return nil
        } catch let error as IdentityError {
            return error.code
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test("unknown units, duplicate logins, empty or too-long names and missing units each get a coded refusal")
    func refusals() async throws {
        try await TestDatabase.withClient { client in
            #expect(await attempt(NewUser(login: "a1", displayName: "甲", roles: [.prosecutor], unitCode: "999999"), client) == "identity.unknown_unit")
            #expect(await attempt(NewUser(login: "a1", displayName: "甲", roles: [.prosecutor], unitCode: "210781"), client) == nil)
            #expect(await attempt(NewUser(login: "a1", displayName: "乙", roles: [.prosecutor], unitCode: "210781"), client) == "identity.duplicate_login")
            #expect(await attempt(NewUser(login: "a2", displayName: "   ", roles: [.office]), client) == "identity.name_invalid")
            #expect(await attempt(NewUser(login: "a2", displayName: String(repeating: "长", count: 51), roles: [.office]), client) == "identity.name_invalid")
            #expect(await attempt(NewUser(login: "A 2", displayName: "甲", roles: [.office]), client) == "identity.login_invalid")
            #expect(await attempt(NewUser(login: "a3", displayName: "甲", roles: [.leader]), client) == "identity.role_needs_unit")
            #expect(await attempt(NewUser(login: "a3", displayName: "甲", roles: [.uploader]), client) == "identity.role_needs_partner")
            #expect(await attempt(NewUser(login: "a3", displayName: "甲", roles: []), client) == "identity.no_roles")
            #expect(await attempt(NewUser(login: "a3", displayName: "甲", roles: [.uploader], partnerCode: "NOPE"), client) == "identity.unknown_partner")
            let count = try await client.query("SELECT count(*) FROM users")[0].decode(Int.self, at: 0)
            #expect(count == 1, "refused users leave nothing behind")
        }
    }

    @Test("a password shorter than the minimum is refused; bcrypt's 72-byte limit is enforced")
    func passwordRules() {
        #expect(throws: IdentityError.passwordTooShort) { try PasswordRules.check("short") }
        #expect(throws: IdentityError.passwordTooLong) { try PasswordRules.check(String(repeating: "密", count: 25)) }
        #expect(throws: Never.self) { try PasswordRules.check("correct horse battery") }
    }

    @Test("a duplicate partner code (in any case) and a malformed one are refused with codes; a code is found in any case")
    func partnerRefusals() async throws {
        try await TestDatabase.withClient { client in
            let partners = PartnerRepository(client: client)
            _ = try await partners.add(code: "LNFIC", name: "辽宁省工商业联合会", by: IdentityFixture.setupActor)
            await #expect(throws: IdentityError.duplicatePartner("LNFIC")) {
                _ = try await partners.add(code: "LNFIC", name: "另一个", by: IdentityFixture.setupActor)
            }
            await #expect(throws: IdentityError.duplicatePartner("lnfic"), "codes differing only in case are one code") {
                _ = try await partners.add(code: "lnfic", name: "小写的另一个", by: IdentityFixture.setupActor)
            }
            #expect(try await partners.find(code: "lnFIC").code == "LNFIC", "found whatever the case, kept as added")
            let uploader = try await UserRepository(client: client).add(
                NewUser(login: "up.case", displayName: "上传员", roles: [.uploader], unitCode: nil, partnerCode: "lnfic", passwordHash: nil),
                by: IdentityFixture.setupActor)
            #expect(uploader.partnerCode == "LNFIC")
            await #expect(throws: IdentityError.invalidPartnerCode) {
                _ = try await partners.add(code: "有空格 的", name: "x", by: IdentityFixture.setupActor)
            }
            await #expect(throws: IdentityError.invalidName) {
                _ = try await partners.add(code: "OK2", name: "  ", by: IdentityFixture.setupActor)
            }
        }
    }
}
