import AWSSigV4
import CurlHTTP
import Timekeeping

/// S3's REST API: objects streamed, listed by page, signed once per request with the key encoded once.
public final class S3Client {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Path-style addressing (`/bucket/key`): what endpoint overrides need, and what S3 still answers.
    private func path(_ bucket: String, _ key: String = "") -> String {
        "/\(bucket)/\(key)"
    }

    /// Stores `body` under `key`; with `onlyIfAbsent`, fails with `PreconditionFailed` when the key exists.
    @discardableResult
    public func putObject(
        bucket: String, key: String, body: [UInt8], contentType: String? = nil, onlyIfAbsent: Bool = false,
        deadline: Deadline? = nil
    ) throws(AWSError) -> S3ObjectHead {
        var headers: [(name: String, value: String)] = []
        if let contentType { headers.append(("content-type", contentType)) }
        if onlyIfAbsent { headers.append(("if-none-match", "*")) }
        let response = try client.send(
            AWSRequest(
                service: "s3", method: "PUT", path: path(bucket, key), headers: headers, body: body,
                deadline: deadline))
        return S3ObjectHead(
            eTag: response.header("etag") ?? "", versionID: response.header("x-amz-version-id"),
            lastModified: response.header("last-modified") ?? "", size: body.count)
    }

    /// Streams the object (or `range`, as `bytes=0-99`) to `onBody`, never holding it whole; returns its head.
    /// With `ifMatch` (an ETag), S3 answers `PreconditionFailed` if the object has changed since.
    @discardableResult
    public func getObject(
        bucket: String, key: String, versionID: String? = nil, range: String? = nil, ifMatch: String? = nil,
        deadline: Deadline? = nil, onBody: @escaping (UnsafeRawBufferPointer) -> Bool
    ) throws(AWSError) -> S3ObjectHead {
        var query: [(name: String, value: String)] = []
        if let versionID { query.append(("versionId", versionID)) }
        var headers: [(name: String, value: String)] = []
        if let range { headers.append(("range", range)) }
        if let ifMatch { headers.append(("if-match", ifMatch)) }
        let response = try client.send(
            AWSRequest(
                service: "s3", method: "GET", path: path(bucket, key), query: query,
                headers: headers, signsPayload: true, deadline: deadline, timeLimit: .stream),
            onBody: onBody)
        return Self.head(of: response)
    }

    /// The whole object, for small ones.
    public func getObject(bucket: String, key: String) throws(AWSError) -> [UInt8] {
        var bytes: [UInt8] = []
        try getObject(bucket: bucket, key: key) { piece in
            bytes.append(contentsOf: piece)
            return true
        }
        return bytes
    }

    /// The object's head, or nil when there is no such object (or version).
    public func headObject(bucket: String, key: String, versionID: String? = nil) throws(AWSError) -> S3ObjectHead? {
        var query: [(name: String, value: String)] = []
        if let versionID { query.append(("versionId", versionID)) }
        do throws(AWSError) {
            return Self.head(
                of: try client.send(AWSRequest(service: "s3", method: "HEAD", path: path(bucket, key), query: query)))
        } catch {
            if case .service(let failure) = error, failure.status == 404 { return nil }
            throw error
        }
    }

    public func deleteObject(bucket: String, key: String) throws(AWSError) {
        _ = try client.send(AWSRequest(service: "s3", method: "DELETE", path: path(bucket, key)))
    }

    public func copyObject(bucket: String, from source: String, to destination: String) throws(AWSError) {
        let copySource = "/\(bucket)/\(source)"
        _ = try client.send(
            AWSRequest(
                service: "s3", method: "PUT", path: path(bucket, destination),
                headers: [("x-amz-copy-source", URIEncoding.encode(copySource, keepingSlashes: true))]))
    }

    /// One page of keys under `prefix`, and the token for the next page when there is one.
    /// With `startAfter`, the listing begins after that key.
    public func listObjects(
        bucket: String, prefix: String, continuationToken: String? = nil, startAfter: String? = nil, maxKeys: Int = 1000
    ) throws(AWSError) -> (objects: [S3ObjectSummary], nextToken: String?) {
        var query: [(name: String, value: String)] = [
            ("list-type", "2"), ("prefix", prefix), ("max-keys", String(maxKeys)),
        ]
        if let continuationToken { query.append(("continuation-token", continuationToken)) }
        if let startAfter { query.append(("start-after", startAfter)) }
        let response = try client.send(AWSRequest(service: "s3", method: "GET", path: path(bucket), query: query))
        return try ListBucketResult.parse(response.bodyText)
    }

    /// Every key under `prefix`, page after page (at most `maxPages`).
    public func listAllObjects(bucket: String, prefix: String, maxPages: Int = 10_000) throws(AWSError)
        -> [S3ObjectSummary]
    {
        var objects: [S3ObjectSummary] = []
        var token: String?
        for _ in 0..<maxPages {
            let page = try listObjects(bucket: bucket, prefix: prefix, continuationToken: token)
            objects += page.objects
            guard let next = page.nextToken else { return objects }
            token = next
        }
        throw .invalidResponse("more than \(maxPages) pages under \(prefix)")
    }

    /// The history of exactly `key` (versions and delete markers), newest first. Keys are matched as bytes: the
    /// listing's prefix also finds longer keys, which sort after it, so the first of them ends the listing.
    /// A missing bucket is S3's 404 `NoSuchBucket`.
    public func versions(bucket: String, key: String, maxPages: Int = 100) throws(AWSError) -> [S3VersionEntry] {
        var entries: [S3VersionEntry] = []
        var markers: (key: String, version: String)?
        for _ in 0..<maxPages {
            var query: [(name: String, value: String)] = [("versions", ""), ("prefix", key)]
            if let markers { query += [("key-marker", markers.key), ("version-id-marker", markers.version)] }
            let response = try client.send(AWSRequest(service: "s3", method: "GET", path: path(bucket), query: query))
            let page = try ListVersionsResult.parse(response.bodyText)
            let own = page.entries.filter { $0.key.utf8.elementsEqual(key.utf8) }
            entries += own
            guard own.count == page.entries.count, let nextKey = page.nextKeyMarker,
                let nextVersion = page.nextVersionIDMarker
            else {
                return ListVersionsResult.newestFirst(entries)
            }
            markers = (nextKey, nextVersion)
        }
        throw .invalidResponse("more than \(maxPages) pages of versions of \(key)")
    }

    /// A presigned URL for GET or PUT of `key`, valid `expires` seconds (at most 7 days) from `date`.
    public func presignedURL(method: String, bucket: String, key: String, expires: Int, date: AmzDate = .now())
        throws(AWSError) -> String
    {
        let configuration = client.configuration
        let endpoint = configuration.endpoint(for: "s3")
        let signer = SigV4Signer(credentials: configuration.credentials, region: configuration.region, service: "s3")
        let objectPath = path(bucket, key)
        let request = SigningRequest(
            method: method, path: objectPath, headers: [("host", AWSClient.authority(of: endpoint))],
            payloadHash: SigV4Header.unsignedPayload)
        let query: [(name: String, value: String)]
        do throws(PresignError) {
            query = try signer.presignedQuery(for: request, date: date, expires: expires)
        } catch {
            throw .configuration("a presigned URL lives 1 second to 7 days; asked for \(expires) seconds")
        }
        return endpoint + URIEncoding.encode(objectPath, keepingSlashes: true) + "?" + signer.canonicalQuery(query)
    }

    private static func head(of response: HTTPResponse) -> S3ObjectHead {
        S3ObjectHead(
            eTag: response.header("etag") ?? "", versionID: response.header("x-amz-version-id"),
            lastModified: response.header("last-modified") ?? "",
            size: response.header("content-length").flatMap(Int.init) ?? 0)
    }
}
