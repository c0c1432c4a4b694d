/// The `x-amz-copy-source` header of CopyObject: `bucket/key` or `/bucket/key`, URL-encoded, optionally followed by
/// `?versionId=` (a `?` inside the key arrives encoded, so the first literal one starts the version).
struct S3CopySource: Equatable {
    var bucket: String
    var key: String
    var versionID: String?

    init?(header: String) {
        var text = Substring(header)
        if text.hasPrefix("/") { text = text.dropFirst() }
        var pathPart = text
        versionID = nil
        if let question = text.firstIndex(of: "?") {
            pathPart = text[..<question]
            let query = text[text.index(after: question)...]
            guard query.hasPrefix("versionId=") else { return nil }
            versionID = Self.percentDecoded(query.dropFirst("versionId=".count))
        }
        guard let slash = pathPart.firstIndex(of: "/") else { return nil }
        bucket = Self.percentDecoded(pathPart[..<slash])
        key = Self.percentDecoded(pathPart[pathPart.index(after: slash)...])
        guard !bucket.isEmpty, !key.isEmpty else { return nil }
    }

    /// `%XX` decoded once; `+` stays a plus (this is a path, not a form).
    private static func percentDecoded(_ text: Substring) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            {
                output.append(value)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
