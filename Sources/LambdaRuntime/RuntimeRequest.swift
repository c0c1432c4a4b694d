import CurlHTTP
import JSON

/// The Runtime API's paths and headers ("Using the Lambda runtime API for custom runtimes").
public enum RuntimePath {
    public static let version = "2018-06-01"
    public static let next = "/\(version)/runtime/invocation/next"
    public static func response(_ requestID: String) -> String {
        "/\(version)/runtime/invocation/\(requestID)/response"
    }
    public static func error(_ requestID: String) -> String { "/\(version)/runtime/invocation/\(requestID)/error" }
    public static let initError = "/\(version)/runtime/init/error"
}

public enum RuntimeHeader {
    public static let requestID = "Lambda-Runtime-Aws-Request-Id"
    public static let deadline = "Lambda-Runtime-Deadline-Ms"
    public static let functionARN = "Lambda-Runtime-Invoked-Function-Arn"
    public static let traceID = "Lambda-Runtime-Trace-Id"
    public static let clientContext = "Lambda-Runtime-Client-Context"
    public static let cognitoIdentity = "Lambda-Runtime-Cognito-Identity"
    public static let errorType = "Lambda-Runtime-Function-Error-Type"
}

/// Each call to the Runtime API as a value, turned into an HTTP request by a pure function so paths, headers and
/// bodies are tested with no network.
public enum RuntimeRequest {
    case next
    case response(requestID: String, body: [UInt8])
    case error(requestID: String, LambdaError)
    case initError(LambdaError)

    /// The request for the Runtime API at `endpoint` (`host:port`, as `AWS_LAMBDA_RUNTIME_API` gives it).
    public func httpRequest(endpoint: String) -> HTTPRequest {
        let base = "http://\(endpoint)"
        switch self {
        case .next:
            // The long poll waits as long as it takes for the next invocation: no client time limit.
            return HTTPRequest(method: "GET", url: base + RuntimePath.next, timeoutMilliseconds: nil)
        case .response(let requestID, let body):
            return HTTPRequest(method: "POST", url: base + RuntimePath.response(URIPath.escape(requestID)), body: body)
        case .error(let requestID, let error):
            return HTTPRequest(
                method: "POST", url: base + RuntimePath.error(URIPath.escape(requestID)),
                headers: [
                    (RuntimeHeader.errorType, error.errorType),
                    ("Content-Type", "application/json"),
                ],
                body: error.json.serializedBytes)
        case .initError(let error):
            return HTTPRequest(
                method: "POST", url: base + RuntimePath.initError,
                headers: [
                    (RuntimeHeader.errorType, error.errorType),
                    ("Content-Type", "application/json"),
                ],
                body: error.json.serializedBytes)
        }
    }
}

/// Request ids go into paths: escape anything that is not safe there.
enum URIPath {
    static func escape(_ segment: String) -> String {
        var output = ""
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                output += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return output
    }
}
