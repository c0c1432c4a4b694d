import Hashing
import JSON
import LambdaEvents
import Timekeeping

/// An opaque, tamper-proof `nextToken`: the position to resume from and an expiry, bound to the tenant and the
/// query it came from by an HMAC-SHA256, written in base64url. A token from another tenant or another query, or
/// past its expiry, is refused.
struct PageToken {
    /// The secrets that verify a token; the first signs. Two during a rotation (current, then previous), so a client
    /// paging across it is never cut off.
    let secrets: [[UInt8]]
    /// How long a token is good for.
    let lifetimeSeconds: Int

    /// `scope` names the tenant and the query (`acme|/consumption|from|to`); `position` is where the next page starts.
    func encode(scope: String, position: JSONValue, now: Int = WallClock.nowMilliseconds()) -> String {
        let expiry = now / 1000 + lifetimeSeconds
        let payload = JSONValue.object(["p": position, "e": .integer(expiry)]).serializedBytes
        let mac = SHA256.hmac(key: secrets[0], message: Array(scope.utf8) + [0] + payload)
        return Self.base64url(payload + mac.prefix(16))
    }

    func decode(_ token: String, scope: String, now: Int = WallClock.nowMilliseconds()) throws(APIError) -> JSONValue {
        let refused = APIError.badRequest(
            "nextToken", "nextToken is not a token this query gave out", code: "invalid-token")
        guard token.utf8.count <= 4096, let bytes = Self.fromBase64url(token), bytes.count > 16 else { throw refused }
        let payload = Array(bytes.dropLast(16))
        let signed = secrets.contains { secret in
            let mac = SHA256.hmac(key: secret, message: Array(scope.utf8) + [0] + payload)
            // Compared without an early exit, so timing tells nothing of the right value.
            var difference: UInt8 = 0
            for (expected, given) in zip(mac.prefix(16), bytes.suffix(16)) { difference |= expected ^ given }
            return difference == 0
        }
        guard signed, let json = try? JSONParser.parse(payload), let position = json["p"],
            let expiry = json["e"]?.intValue
        else { throw refused }
        guard now / 1000 <= expiry else {
            throw .badRequest("nextToken", "nextToken has expired: start the query again", code: "expired-token")
        }
        return position
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        var text = ""
        for character in Base64.encode(bytes) {
            switch character {
            case "+": text.append("-")
            case "/": text.append("_")
            case "=": continue
            default: text.append(character)
            }
        }
        return text
    }

    static func fromBase64url(_ text: String) -> [UInt8]? {
        var standard = ""
        for character in text {
            switch character {
            case "-": standard.append("+")
            case "_": standard.append("/")
            case "A"..."Z", "a"..."z", "0"..."9": standard.append(character)
            default: return nil
            }
        }
        while standard.utf8.count % 4 != 0 { standard.append("=") }
        return Base64.decode(standard)
    }
}
