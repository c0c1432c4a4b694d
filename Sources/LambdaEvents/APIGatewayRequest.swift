import Hashing
import JSON

/// An API Gateway proxy request, REST API (payload 1.0) or HTTP API (payload 2.0), in one shape.
public struct APIGatewayRequest: Sendable, Equatable {
    public enum PayloadVersion: String, Sendable { case v1 = "1.0", v2 = "2.0" }

    public let version: PayloadVersion
    public let method: String
    /// The path as requested, still URL-encoded.
    public let rawPath: String
    public let pathParameters: [String: String]
    /// Every value of each query parameter (v1's multi-value map, or v2's comma-joined values split).
    public let query: [String: [String]]
    /// Header names lowercased; repeated headers joined with `,`.
    public let headers: [String: String]
    /// The body's bytes, base64 decoded when API Gateway encoded it.
    public let body: [UInt8]
    public let requestID: String
    public let stage: String
    /// The authorizer's context (REST: `requestContext.authorizer`; HTTP API: `authorizer.lambda` and JWT claims).
    public let authorizer: [String: JSONValue]
    /// REST APIs with API keys: the key's id.
    public let apiKeyID: String?

    public init(json: JSONValue) throws(JSONDecodingError) {
        let fields = try JSONFields(json)
        let context = try fields.optionalObject("requestContext")
        version = try fields.optionalString("version") == "2.0" ? .v2 : .v1
        var headers: [String: String] = [:]
        for (name, value) in try fields.optionalStringMap("headers") { headers[name.lowercased()] = value }
        if let multi = fields.optionalValue("multiValueHeaders")?.objectValue {
            for (name, values) in multi {
                let texts = (values.arrayValue ?? []).compactMap(\.stringValue)
                if !texts.isEmpty { headers[name.lowercased()] = texts.joined(separator: ",") }
            }
        }
        self.headers = headers
        pathParameters = try fields.optionalStringMap("pathParameters")
        let rawBody = try fields.optionalString("body") ?? ""
        if try fields.optionalBool("isBase64Encoded") == true {
            guard let decoded = Base64.decode(rawBody) else {
                throw JSONDecodingError(path: "body", reason: "isBase64Encoded is true but the body is not base64")
            }
            body = decoded
        } else {
            body = Array(rawBody.utf8)
        }
        requestID = try context?.optionalString("requestId") ?? ""
        stage = try context?.optionalString("stage") ?? ""
        switch version {
        case .v2:
            let http = try context?.object("http")
            method = try http?.string("method") ?? "GET"
            if let path = try fields.optionalString("rawPath") {
                rawPath = path
            } else {
                rawPath = try http?.optionalString("path") ?? "/"
            }
            var query: [String: [String]] = [:]
            for (name, value) in try fields.optionalStringMap("queryStringParameters") {
                query[name] = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            }
            self.query = query
            var authorizer: [String: JSONValue] = [:]
            if let auth = try context?.optionalObject("authorizer") {
                if let lambda = auth.optionalValue("lambda")?.objectValue { authorizer.merge(lambda) { _, new in new } }
                if let claims = try auth.optionalObject("jwt")?.optionalValue("claims")?.objectValue {
                    authorizer.merge(claims) { old, _ in old }
                }
            }
            self.authorizer = authorizer
            apiKeyID = nil
        case .v1:
            method = try fields.string("httpMethod")
            rawPath = try fields.optionalString("path") ?? "/"
            var query: [String: [String]] = [:]
            for (name, value) in try fields.optionalStringMap("queryStringParameters") { query[name] = [value] }
            if let multi = fields.optionalValue("multiValueQueryStringParameters")?.objectValue {
                for (name, values) in multi { query[name] = (values.arrayValue ?? []).compactMap(\.stringValue) }
            }
            self.query = query
            authorizer = context?.optionalValue("authorizer")?.objectValue ?? [:]
            apiKeyID = try context?.optionalObject("identity")?.optionalString("apiKeyId")
        }
    }

    /// The first value of a query parameter.
    public func queryValue(_ name: String) -> String? { query[name]?.first }
}

/// The proxy response, written in the payload version of the request it answers.
public struct APIGatewayResponse: Sendable, Equatable {
    public var statusCode: Int
    public var headers: [String: String]
    public var body: [UInt8]
    /// Binary bodies go base64-encoded.
    public var isBinary: Bool

    public init(statusCode: Int, headers: [String: String] = [:], body: [UInt8] = [], isBinary: Bool = false) {
        self.statusCode = statusCode
        self.headers = headers
        self.body = body
        self.isBinary = isBinary
    }

    public var json: JSONValue {
        [
            "statusCode": .integer(statusCode),
            "headers": .object(headers.mapValues(JSONValue.string)),
            "body": .string(isBinary ? Base64.encode(body) : String(decoding: body, as: UTF8.self)),
            "isBase64Encoded": .bool(isBinary),
        ]
    }
}
