import CurlHTTP
import InMemoryWire

/// PutObject, GetObject, HeadObject, DeleteObject and CopyObject over the wire.
extension InMemoryS3 {
    /// PutObject; with `If-None-Match: *` it fails with 412 when a current object (not a marker) exists.
    func putObject(_ bucket: S3Bucket, key: String, _ request: WireRequest, at nowMilliseconds: Int)
        throws(S3Failure) -> HTTPResponse
    {
        if let condition = request.header("if-none-match") {
            guard condition == "*" else { throw .notImplemented("If-None-Match other than * on PUT") }
            if bucket.liveObject(key) != nil {
                throw S3Failure(
                    412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
            }
        }
        let entry = store(
            bucket: bucket, key: key, body: request.body,
            contentType: request.header("content-type") ?? "binary/octet-stream", eventName: "ObjectCreated:Put",
            at: nowMilliseconds)
        return HTTPResponse(status: 200, headers: [("etag", entry.eTag)] + versionHeader(entry), body: [])
    }

    /// GetObject and HeadObject: the version asked for (or the current one), preconditions, then the range.
    func getObject(_ bucket: S3Bucket, key: String, _ request: WireRequest) throws(S3Failure) -> HTTPResponse {
        let entry = try readableEntry(bucket, key: key, versionID: request.queryValue("versionId"))
        if let expected = request.header("if-match"), !Self.eTag(entry.eTag, matches: expected) {
            throw S3Failure(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
        }
        var headers: [(name: String, value: String)] = [
            ("etag", entry.eTag), ("last-modified", S3Timestamp.httpDate(entry.lastModifiedMilliseconds)),
            ("content-type", entry.contentType), ("accept-ranges", "bytes"),
        ]
        headers += versionHeader(entry)
        if let unwanted = request.header("if-none-match"), Self.eTag(entry.eTag, matches: unwanted) {
            return HTTPResponse(status: 304, headers: headers, body: [])
        }
        let isHead = request.method == "HEAD"
        switch S3ByteRange(header: request.header("range"), size: entry.size) {
        case .whole:
            headers.append(("content-length", String(entry.size)))
            return HTTPResponse(status: 200, headers: headers, body: isHead ? [] : entry.body)
        case .part(let range):
            headers.append(("content-length", String(range.count)))
            headers.append(("content-range", "bytes \(range.lowerBound)-\(range.upperBound)/\(entry.size)"))
            return HTTPResponse(status: 206, headers: headers, body: isHead ? [] : Array(entry.body[range]))
        case .unsatisfiable:
            throw S3Failure(
                416, "InvalidRange", "The requested range is not satisfiable",
                headers: [("content-range", "bytes */\(entry.size)")])
        }
    }

    /// DeleteObject: without a version id a marker (or, unversioned, the object goes); with one, that entry goes
    /// for good. S3 answers 204 either way, even when there was nothing to delete.
    func deleteObject(_ bucket: S3Bucket, key: String, _ request: WireRequest, at nowMilliseconds: Int)
        throws(S3Failure) -> HTTPResponse
    {
        let affected: S3ObjectVersion?
        if let versionID = request.queryValue("versionId") {
            affected = removeVersion(bucket: bucket, key: key, versionID: versionID, at: nowMilliseconds)
        } else {
            affected = deleteCurrent(bucket: bucket, key: key, at: nowMilliseconds)
        }
        var headers: [(name: String, value: String)] = []
        if let affected {
            if affected.isDeleteMarker { headers.append(("x-amz-delete-marker", "true")) }
            headers += versionHeader(affected)
        }
        return HTTPResponse(status: 204, headers: headers, body: [])
    }

    /// CopyObject: the source's current object (or the version named), stored as a new version of the target.
    func copyObject(into bucket: S3Bucket, key: String, _ request: WireRequest, at nowMilliseconds: Int)
        throws(S3Failure) -> HTTPResponse
    {
        guard let header = request.header("x-amz-copy-source"), let source = S3CopySource(header: header) else {
            throw S3Failure(400, "InvalidArgument", "Copy Source must mention the source bucket and key")
        }
        let sourceBucket = try existingBucket(source.bucket)
        let original: S3ObjectVersion
        if let versionID = source.versionID {
            guard let entry = sourceBucket.version(source.key, versionID) else { throw .noSuchVersion(versionID) }
            guard !entry.isDeleteMarker else {
                throw S3Failure(
                    400, "InvalidRequest",
                    "The source of a copy request may not specifically refer to a delete marker by version id.")
            }
            original = entry
        } else {
            guard let entry = sourceBucket.liveObject(source.key) else { throw .noSuchKey(source.key) }
            original = entry
        }
        let replaces = request.header("x-amz-metadata-directive") == "REPLACE"
        let copy = store(
            bucket: bucket, key: key, body: original.body,
            contentType: replaces ? request.header("content-type") ?? original.contentType : original.contentType,
            eventName: "ObjectCreated:Copy", at: nowMilliseconds)
        var headers = versionHeader(copy) + [("content-type", "application/xml")]
        if sourceBucket.isVersioned { headers.append(("x-amz-copy-source-version-id", original.versionID)) }
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CopyObjectResult>"
            + XMLText.element("LastModified", S3Timestamp.iso8601(copy.lastModifiedMilliseconds))
            + XMLText.element("ETag", copy.eTag) + "</CopyObjectResult>"
        return HTTPResponse(status: 200, headers: headers, body: Array(xml.utf8))
    }

    /// What a GET or HEAD may read: 404 `NoSuchKey` (with `x-amz-delete-marker`) when the current entry is a marker,
    /// 405 `MethodNotAllowed` when the version named is one, 404 `NoSuchVersion` for an unknown version.
    private func readableEntry(_ bucket: S3Bucket, key: String, versionID: String?) throws(S3Failure)
        -> S3ObjectVersion
    {
        if let versionID {
            guard let entry = bucket.version(key, versionID) else { throw .noSuchVersion(versionID) }
            guard !entry.isDeleteMarker else {
                throw S3Failure(
                    405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
                    headers: markerHeaders(entry))
            }
            return entry
        }
        guard let entry = bucket.current(key) else { throw .noSuchKey(key) }
        guard !entry.isDeleteMarker else {
            var failure = S3Failure.noSuchKey(key)
            failure.headers = markerHeaders(entry)
            throw failure
        }
        return entry
    }

    private func markerHeaders(_ marker: S3ObjectVersion) -> [(name: String, value: String)] {
        [("x-amz-delete-marker", "true"), ("last-modified", S3Timestamp.httpDate(marker.lastModifiedMilliseconds))]
            + versionHeader(marker)
    }

    /// `x-amz-version-id`, which S3 sends only for buckets with versioning.
    private func versionHeader(_ entry: S3ObjectVersion) -> [(name: String, value: String)] {
        entry.versionID == "null" ? [] : [("x-amz-version-id", entry.versionID)]
    }

    /// `If-Match` and `If-None-Match` compare entity tags, quoted or not; `*` matches any.
    private static func eTag(_ eTag: String, matches condition: String) -> Bool {
        condition.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingPrefix(" ").trimmingPrefix("W/")
            let bare = trimmed.hasPrefix("\"") && trimmed.hasSuffix("\"") ? trimmed.dropFirst().dropLast() : trimmed
            return bare == "*" || "\"\(bare)\"" == eTag
        }
    }
}
