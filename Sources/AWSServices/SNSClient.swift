import AWSSigV4

/// SNS's query protocol (form-encoded `Action=Publish`), for the one call the ingest function makes.
public final class SNSClient {
    public let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// Publishes `message` (at most 256 KB) to `topic` with `subject` (ASCII, at most 100 characters).
    public func publish(topic: String, subject: String, message: String) throws(AWSError) {
        let form = [
            ("Action", "Publish"), ("Version", "2010-03-31"), ("TopicArn", topic), ("Subject", subject),
            ("Message", message),
        ]
        // Form encoding as browsers and botocore write it (a space is `+`); some verifiers re-encode the form that way
        // before hashing it.
        let body = form.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        _ = try client.send(
            AWSRequest(
                service: "sns", method: "POST", path: "/",
                headers: [("content-type", "application/x-www-form-urlencoded; charset=utf-8")],
                body: Array(body.utf8)))
    }

    static func formEncode(_ text: String) -> String {
        URIEncoding.encode(text).split(separator: "%20", omittingEmptySubsequences: false).joined(separator: "+")
    }
}
