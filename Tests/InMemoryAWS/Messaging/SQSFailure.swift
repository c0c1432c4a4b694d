import CurlHTTP
import JSON

/// An SQS error as its JSON protocol answers it: `{"__type": "com.amazonaws.sqs#<Code>", "message": ...}`, and the
/// older query-protocol code in `x-amzn-query-error`, as SQS sends both.
public struct SQSFailure: Error, Equatable, Sendable {
    public let status: Int
    public let code: String
    public let message: String
    /// The query protocol's name for the same error (`AWS.SimpleQueueService.NonExistentQueue`), when it differs.
    let queryCode: String?

    init(_ code: String, _ message: String, status: Int = 400, queryCode: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.queryCode = queryCode
    }

    static func noSuchQueue(_ name: String) -> SQSFailure {
        SQSFailure(
            "QueueDoesNotExist", "The specified queue does not exist: \(name)",
            queryCode: "AWS.SimpleQueueService.NonExistentQueue")
    }

    static func invalidParameter(_ message: String) -> SQSFailure {
        SQSFailure("InvalidParameterValue", message)
    }

    static func invalidReceiptHandle(_ handle: String) -> SQSFailure {
        SQSFailure("ReceiptHandleIsInvalid", "The input receipt handle \"\(handle)\" is not a valid receipt handle.")
    }

    var response: HTTPResponse {
        let fault = status >= 500 ? "Receiver" : "Sender"
        let body: JSONValue = ["__type": .string("com.amazonaws.sqs#\(code)"), "message": .string(message)]
        return HTTPResponse(
            status: status,
            headers: [
                ("content-type", "application/x-amz-json-1.0"), ("x-amzn-query-error", "\(queryCode ?? code);\(fault)"),
            ],
            body: body.serializedBytes)
    }
}
