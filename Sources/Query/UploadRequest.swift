import ConsumptionCore
import JSON

/// What `POST /uploads` asks for, checked: the file's name (optional), its content type and its size. The key the
/// file will have is made here from the caller's tenant and a random id, never from anything the caller writes
/// but a sanitised name: `incoming/<tenant>/<date>/<uuid>-<safe name>`.
struct UploadRequest: Equatable {
    let name: String
    let contentType: String
    let size: Int

    static let maxNameBytes = 255
    static let maxContentTypeBytes = 255

    /// Parses and checks the body; a refusal names the field.
    static func parse(_ body: [UInt8], maxBytes: Int) throws(APIError) -> UploadRequest {
        guard let document = try? JSONParser.parse(body), case .object(let fields) = document else {
            throw .badRequest("body", "the body is a JSON object: {\"name\", \"contentType\", \"size\"}")
        }
        if let unknown = fields.keys.sorted().first(where: { !["name", "contentType", "size"].contains($0) }) {
            throw .badRequest(unknown, "unknown field '\(unknown.prefix(40))': name, contentType and size are known")
        }
        var name = "upload"
        switch fields["name"] {
        case nil:
            break
        case .string(let text)?:
            if let problem = nameProblem(text) { throw .badRequest("name", problem) }
            name = text
        default:
            throw .badRequest("name", "a name is a string")
        }
        guard case .string(let contentType)? = fields["contentType"], isMediaType(contentType) else {
            throw .badRequest("contentType", "a media type such as text/csv, application/gzip or application/zip")
        }
        guard let size = fields["size"]?.intValue, (1...maxBytes).contains(size) else {
            throw .badRequest("size", "the file's size in bytes, 1 to \(maxBytes)")
        }
        return UploadRequest(name: name, contentType: contentType, size: size)
    }

    /// Why a name is refused, or nil: a path (a `/` or `\`, or `..`), a control character, empty, or too long.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a name is not empty" }
        if name.utf8.count > maxNameBytes { return "a name is at most \(maxNameBytes) bytes" }
        if name.contains("/") || name.contains("\\") || name.contains("..") {
            return "a name is a file name, not a path: no '/', '\\' or '..'"
        }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "a name holds no control characters"
        }
        return nil
    }

    /// The name as it goes into the key: letters, digits, `.`, `-` and `_` kept, anything else `_`, so a key
    /// never needs escaping and reads the same in every tool.
    var safeName: String {
        String(
            String.UnicodeScalarView(
                name.unicodeScalars.map { scalar in
                    scalar.isASCII
                        && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                            || "._-".unicodeScalars.contains(scalar))
                        ? scalar : "_"
                }))
    }

    /// `type/subtype`, each an HTTP token (RFC 9110), with no parameters: S3 stores it as the object's type.
    static func isMediaType(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard text.utf8.count <= maxContentTypeBytes, parts.count == 2 else { return false }
        let token = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".unicodeScalars)
        return parts.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy(token.contains) }
    }
}

/// An upload's id: the day it was asked for and a random UUID, `2026-11-30-0f8fad5b-d9cb-469f-a165-70867728950e`.
/// The key's prefix follows from it and the caller's tenant, so a lookup needs no item of its own and a tenant can
/// only ever look under its own folder.
struct UploadID: Equatable {
    let date: CalendarDate
    let uuid: String

    var text: String { "\(date)-\(uuid)" }

    /// The key's start, up to the name: `incoming/<tenant>/<date>/<uuid>-`.
    func keyPrefix(incomingPrefix: String, tenant: String) -> String {
        "\(incomingPrefix)\(tenant)/\(date)/\(uuid)-"
    }

    /// A version-4 UUID from 16 random bytes.
    init(date: CalendarDate, random bytes: [UInt8]) {
        var bytes = bytes
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
        let characters = Array(hex)
        uuid = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
        self.date = date
    }

    /// Parses an id; nil when it is not one this API made.
    init?(_ text: String) {
        let characters = Array(text)
        guard characters.count == 47, characters[10] == "-", let date = CalendarDate(String(characters[0..<10]))
        else { return nil }
        let uuid = String(characters[11...])
        let shape = uuid.enumerated().allSatisfy { index, character in
            [8, 13, 18, 23].contains(index) ? character == "-" : character.isHexDigit && !character.isUppercase
        }
        guard shape else { return nil }
        self.date = date
        self.uuid = uuid
    }
}
