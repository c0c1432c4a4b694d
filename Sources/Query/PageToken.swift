import Hashing
import JSON
import LambdaEvents

/// An opaque, tamper-proof `nextToken`: the position to resume from, bound to the tenant and the query it came
/// from by an HMAC-SHA256, written in base64url. A token from another tenant or another query is refused.
struct PageToken {
    let secret: [UInt8]

    /// `scope` names the tenant and the query (`acme|/consumption|from|to`); `position` is where the next page starts.
    func encode(scope: String, position: JSONValue) -> String {
        let payload = JSONValue.object(["p": position]).serializedBytes
        let mac = SHA256.hmac(key: secret, message: Array(scope.utf8) + [0] + payload)
        return Self.base64url(payload + mac.prefix(16))
    }

    func decode(_ token: String, scope: String) throws(APIError) -> JSONValue {
        let refused = APIError.badRequest(
            "nextToken", "nextToken is not a token this query gave out", code: "invalid-token")
        guard token.utf8.count <= 4096, let bytes = Self.fromBase64url(token), bytes.count > 16 else { throw refused }
        let payload = Array(bytes.dropLast(16))
        let mac = SHA256.hmac(key: secret, message: Array(scope.utf8) + [0] + payload)
        // Compared without an early exit, so timing tells nothing of the right value.
        var difference: UInt8 = 0
        for (expected, given) in zip(mac.prefix(16), bytes.suffix(16)) { difference |= expected ^ given }
        guard difference == 0, let json = try? JSONParser.parse(payload), let position = json["p"] else {
            throw refused
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
