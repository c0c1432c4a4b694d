import AWSSigV4

/// Credentials, region and endpoints, as Lambda's environment gives them; read once, at start-up.
public struct AWSConfiguration: Sendable {
    public var credentials: AWSCredentials
    public var region: String
    /// Overrides of service endpoints (`AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL`), e.g. moto on 127.0.0.1.
    public var endpoints: [String: String]

    public init(credentials: AWSCredentials, region: String, endpoints: [String: String] = [:]) {
        self.credentials = credentials
        self.region = region
        self.endpoints = endpoints
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION` (or
    /// `AWS_DEFAULT_REGION`) and the `AWS_ENDPOINT_URL*` overrides; throws naming what is missing.
    public static func fromEnvironment(_ environment: [String: String]) throws(AWSError) -> AWSConfiguration {
        guard let accessKey = environment["AWS_ACCESS_KEY_ID"], !accessKey.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { throw .configuration("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set") }
        guard let region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"], !region.isEmpty else {
            throw .configuration("AWS_REGION (or AWS_DEFAULT_REGION) must be set")
        }
        var endpoints: [String: String] = [:]
        for service in ["s3", "dynamodb", "sqs", "lambda", "secretsmanager", "sns"] {
            if let url = environment["AWS_ENDPOINT_URL_\(service.uppercased())"] ?? environment["AWS_ENDPOINT_URL"],
                !url.isEmpty
            {
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                    throw .configuration("endpoint for \(service) is not an http(s) URL: \(url)")
                }
                endpoints[service] = url.hasSuffix("/") ? String(url.dropLast()) : url
            }
        }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return AWSConfiguration(
            credentials: AWSCredentials(accessKeyID: accessKey, secretAccessKey: secret, sessionToken: token),
            region: region, endpoints: endpoints)
    }

    /// The base URL of `service`: the override, or AWS's regional endpoint.
    public func endpoint(for service: String) -> String {
        endpoints[service] ?? "https://\(service).\(region).amazonaws.com"
    }

    /// Whether S3 is reached through an override, which means path-style addressing (`endpoint/bucket/key`).
    public var usesPathStyleS3: Bool { endpoints["s3"] != nil }
}
