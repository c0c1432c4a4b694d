import CurlHTTP
import JSON

/// An error answer as DynamoDB's JSON 1.0 protocol writes it: HTTP 400 and a body whose `__type` names the code
/// (`com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`), which is what the client decodes.
public struct DynamoDBError: Error, Sendable {
    public let code: String
    public let message: String
    /// TransactionCanceledException: one reason per action, in request order.
    public var cancellationReasons: [JSONValue] = []
    /// ConditionalCheckFailedException with `ReturnValuesOnConditionCheckFailure: ALL_OLD`: the item as it was.
    public var item: JSONValue?

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    static func validation(_ message: String) -> DynamoDBError {
        DynamoDBError(code: "ValidationException", message: message)
    }

    /// Something AWS accepts but this service does not model: refused loudly, so a test never passes by accident.
    static func unsupported(_ what: String) -> DynamoDBError {
        .validation("The in-memory DynamoDB does not support \(what)")
    }

    static func resourceNotFound(_ table: String) -> DynamoDBError {
        DynamoDBError(
            code: "ResourceNotFoundException", message: "Requested resource not found: Table: \(table) not found")
    }

    static func conditionalCheckFailed(item: Item?) -> DynamoDBError {
        var error = DynamoDBError(code: "ConditionalCheckFailedException", message: "The conditional request failed")
        error.item = item.map(AttributeValue.json)
        return error
    }

    /// The HTTP answer.
    var response: HTTPResponse {
        var body: [String: JSONValue] = [
            "__type": .string("com.amazonaws.dynamodb.v20120810#\(code)"), "message": .string(message),
        ]
        if !cancellationReasons.isEmpty { body["CancellationReasons"] = .array(cancellationReasons) }
        if let item { body["Item"] = item }
        return HTTPResponse(
            status: 400, headers: [("content-type", "application/x-amz-json-1.0")],
            body: JSONValue.object(body).serializedBytes)
    }
}
