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
        guard case .string(let contentType)? = fields["contentType"], allowedContentTypes.contains(contentType) else {
            throw .badRequest(
                "contentType", "the file's media type, one of \(allowedContentTypes.joined(separator: ", "))")
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

    /// The types a meter file is sent as (plain text, CSV or TSV, gzip, zip, or untyped bytes). S3 serves an object
    /// with the type it was stored with, so a form for `text/html` would let a tenant host a page in the bucket.
    static let allowedContentTypes = [
        "text/csv", "text/plain", "text/tab-separated-values", "application/gzip", "application/x-gzip",
        "application/zip", "application/octet-stream",
    ]
}
