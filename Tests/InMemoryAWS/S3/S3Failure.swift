import CurlHTTP

/// An S3 error answer: status, code and message as S3 documents them, and the headers some carry
/// (`x-amz-delete-marker` on a 404 for a deleted key). Thrown by the Swift API too, so a simulation's misuse (an
/// unknown bucket) is an error it sees, not a crash.
public struct S3Failure: Error, Sendable {
    public let status: Int
    public let code: String
    public let message: String
    public var headers: [(name: String, value: String)]

    init(_ status: Int, _ code: String, _ message: String, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    static func noSuchBucket(_ name: String) -> S3Failure {
        S3Failure(404, "NoSuchBucket", "The specified bucket does not exist: \(name)")
    }

    static func noSuchKey(_ key: String) -> S3Failure {
        S3Failure(404, "NoSuchKey", "The specified key does not exist: \(key)")
    }

    static func noSuchVersion(_ versionID: String) -> S3Failure {
        S3Failure(404, "NoSuchVersion", "The specified version does not exist: \(versionID)")
    }

    static func notImplemented(_ what: String) -> S3Failure {
        S3Failure(501, "NotImplemented", "Not modelled by the in-memory S3: \(what)")
    }

    /// The HTTP answer; a HEAD's carries no body, so its code travels in `x-amz-error-code` as S3 sends it.
    func response(isHead: Bool, requestID: String) -> HTTPResponse {
        var headers = headers + [("x-amz-request-id", requestID)]
        guard !isHead else {
            headers.append(("x-amz-error-code", code))
            return HTTPResponse(status: status, headers: headers, body: [])
        }
        headers.append(("content-type", "application/xml"))
        let xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error>\(XMLText.element("Code", code))"
            + "\(XMLText.element("Message", message))\(XMLText.element("RequestId", requestID))</Error>"
        return HTTPResponse(status: status, headers: headers, body: Array(xml.utf8))
    }
}
