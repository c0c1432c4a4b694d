import JSON
import Testing

@testable import Query

/// Page tokens: bound to the tenant and the query, and to their expiry.
@Suite struct PageTokenTests {
    let tokens = PageToken(secrets: [Array("a secret of 16+ bytes".utf8)], lifetimeSeconds: 60)

    @Test("a token reads back where it was given, and nowhere else")
    func boundToItsScope() throws {
        let token = tokens.encode(scope: "acme|range|2024-01-01", position: "2024-01-08", now: 1_000_000)
        #expect(try tokens.decode(token, scope: "acme|range|2024-01-01", now: 1_000_000) == "2024-01-08")
        #expect(throws: APIError.self) { try tokens.decode(token, scope: "globex|range|2024-01-01", now: 1_000_000) }
        var altered = Array(token.utf8)
        altered[4] = altered[4] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: APIError.self) {
            try tokens.decode(String(decoding: altered, as: UTF8.self), scope: "acme|range|2024-01-01", now: 1_000_000)
        }
    }

    @Test("a token past its lifetime is refused as expired; one signed by the previous secret still reads")
    func expiryAndRotation() throws {
        let token = tokens.encode(scope: "s", position: 7, now: 1_000_000)
        do {
            _ = try tokens.decode(token, scope: "s", now: 1_000_000 + 61_000)
            Issue.record("an expired token was accepted")
        } catch {
            #expect(error.code == "expired-token")
        }
        let rotated = PageToken(secrets: [Array("the new secret, 16+".utf8)] + tokens.secrets, lifetimeSeconds: 60)
        #expect(try rotated.decode(token, scope: "s", now: 1_000_000) == 7)
    }
}
