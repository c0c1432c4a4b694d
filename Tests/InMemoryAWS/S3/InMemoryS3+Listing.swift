import CurlHTTP
import InMemoryWire

/// ListObjectsV2 and ListObjectVersions: keys in UTF-8 byte order, pages of at most `max-keys` entries.
extension InMemoryS3 {
    /// ListObjectsV2 (`?list-type=2`): current objects only, delete markers hidden. The continuation token is the
    /// last key listed, hex-encoded so it stays opaque; `start-after` counts only without a token.
    func listObjectsV2(_ bucket: S3Bucket, _ request: WireRequest) throws(S3Failure) -> HTTPResponse {
        let prefix = request.queryValue("prefix") ?? ""
        let maxKeys = try Self.maxKeys(request)
        var after = request.queryValue("start-after")
        let token = request.queryValue("continuation-token")
        if let token {
            guard let key = Self.unhex(token) else {
                throw S3Failure(400, "InvalidArgument", "The continuation token provided is incorrect")
            }
            after = key
        }
        let candidates = bucket.sortedKeys.filter { key in
            key.utf8.starts(with: prefix.utf8) && after.map { $0.utf8.lexicographicallyPrecedes(key.utf8) } ?? true
        }.compactMap { bucket.liveObject($0) }
        let page = candidates.prefix(maxKeys)
        let isTruncated = page.count < candidates.count
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + XMLText.element("Name", bucket.name) + XMLText.element("Prefix", prefix)
            + XMLText.element("KeyCount", String(page.count)) + XMLText.element("MaxKeys", String(maxKeys))
            + XMLText.element("IsTruncated", String(isTruncated))
        if let token { xml += XMLText.element("ContinuationToken", token) }
        if token == nil, let after { xml += XMLText.element("StartAfter", after) }
        if isTruncated, let last = page.last { xml += XMLText.element("NextContinuationToken", Self.hex(last.key)) }
        for object in page {
            xml +=
                "<Contents>" + XMLText.element("Key", object.key)
                + XMLText.element("LastModified", S3Timestamp.iso8601(object.lastModifiedMilliseconds))
                + XMLText.element("ETag", object.eTag) + XMLText.element("Size", String(object.size))
                + XMLText.element("StorageClass", "STANDARD") + "</Contents>"
        }
        return Self.xmlResponse(xml + "</ListBucketResult>")
    }

    /// ListObjectVersions (`?versions`): every version and delete marker, keys in byte order and each key's entries
    /// newest first. Paging resumes after (`key-marker`, `version-id-marker`), or after every entry of `key-marker`
    /// when no version is named.
    func listObjectVersions(_ bucket: S3Bucket, _ request: WireRequest) throws(S3Failure) -> HTTPResponse {
        let prefix = request.queryValue("prefix") ?? ""
        let maxKeys = try Self.maxKeys(request)
        let keyMarker = request.queryValue("key-marker") ?? ""
        let versionMarker = request.queryValue("version-id-marker") ?? ""
        if !versionMarker.isEmpty && keyMarker.isEmpty {
            throw S3Failure(400, "InvalidArgument", "A version-id marker cannot be specified without a key marker.")
        }
        let entries = bucket.sortedKeys.filter { $0.utf8.starts(with: prefix.utf8) }.flatMap { bucket.history(of: $0) }
        let start: Int
        if keyMarker.isEmpty {
            start = 0
        } else if !versionMarker.isEmpty,
            let marked = entries.firstIndex(where: { $0.key == keyMarker && $0.versionID == versionMarker })
        {
            start = marked + 1
        } else {
            start = entries.firstIndex { keyMarker.utf8.lexicographicallyPrecedes($0.key.utf8) } ?? entries.count
        }
        let page = entries[start...].prefix(maxKeys)
        let isTruncated = start + page.count < entries.count
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + "<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            + XMLText.element("Name", bucket.name) + XMLText.element("Prefix", prefix)
            + XMLText.element("KeyMarker", keyMarker) + XMLText.element("VersionIdMarker", versionMarker)
            + XMLText.element("MaxKeys", String(maxKeys)) + XMLText.element("IsTruncated", String(isTruncated))
        if isTruncated, let last = page.last {
            xml += XMLText.element("NextKeyMarker", last.key) + XMLText.element("NextVersionIdMarker", last.versionID)
        }
        for entry in page {
            let common =
                XMLText.element("Key", entry.key) + XMLText.element("VersionId", entry.versionID)
                + XMLText.element("IsLatest", String(entry.isCurrent))
                + XMLText.element("LastModified", S3Timestamp.iso8601(entry.lastModifiedMilliseconds))
            if entry.isDeleteMarker {
                xml += "<DeleteMarker>\(common)</DeleteMarker>"
            } else {
                xml +=
                    "<Version>\(common)" + XMLText.element("ETag", entry.eTag)
                    + XMLText.element("Size", String(entry.size)) + XMLText.element("StorageClass", "STANDARD")
                    + "</Version>"
            }
        }
        return Self.xmlResponse(xml + "</ListVersionsResult>")
    }

    /// `max-keys`: 1000 when absent, and never more (S3 caps it silently).
    private static func maxKeys(_ request: WireRequest) throws(S3Failure) -> Int {
        guard let text = request.queryValue("max-keys") else { return 1000 }
        guard let value = Int(text), value >= 0 else {
            throw S3Failure(400, "InvalidArgument", "max-keys must be a non-negative integer")
        }
        return min(value, 1000)
    }

    private static func xmlResponse(_ xml: String) -> HTTPResponse {
        HTTPResponse(status: 200, headers: [("content-type", "application/xml")], body: Array(xml.utf8))
    }

    private static func hex(_ text: String) -> String {
        text.utf8.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }

    private static func unhex(_ token: String) -> String? {
        let digits = Array(token.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...(index + 1)], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
