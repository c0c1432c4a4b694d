import JSON

/// A refusal the client can act on: an HTTP status, a stable code, a sentence, and the parameter at fault.
/// Never carries internal detail (those go to the log with the request id).
public struct APIError: Error, Equatable, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    public var field: String?
    public var headers: [String: String] = [:]

    public init(status: Int, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    public static func badRequest(_ field: String, _ message: String, code: String = "invalid-parameter") -> APIError {
        APIError(status: 400, code: code, message: message, field: field)
    }

    public static func notFound(_ message: String) -> APIError {
        APIError(status: 404, code: "not-found", message: message)
    }

    public static let forbidden = APIError(
        status: 403, code: "forbidden",
        message: "the caller has no tenant: use an API key or an authorizer that names one")

    public static func methodNotAllowed(_ method: String, allowed: String) -> APIError {
        var error = APIError(
            status: 405, code: "method-not-allowed", message: "\(method.prefix(20)) is not allowed here; use \(allowed)"
        )
        error.headers["Allow"] = allowed
        return error
    }

    public var json: JSONValue {
        ["error": .string(code), "message": .string(message), "field": field.map(JSONValue.string) ?? .null]
    }
}
