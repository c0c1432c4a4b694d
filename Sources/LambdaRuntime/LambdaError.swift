import JSON

/// An error as the Runtime API takes it: `{errorMessage, errorType, stackTrace}`. `errorType` is a stable name
/// chosen on purpose (`CSVValidationError`, `DynamoDBThrottled`), never a Swift type name.
public struct LambdaError: Error, Equatable, Sendable {
    public var errorType: String
    public var errorMessage: String
    public var stackTrace: [String]

    public init(errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
    }

    public var json: JSONValue {
        [
            "errorMessage": .string(errorMessage), "errorType": .string(errorType),
            "stackTrace": .array(stackTrace.map(JSONValue.string)),
        ]
    }

    /// Configuration missing or unusable at start-up: the init error, so Lambda sends the function no event.
    public static func invalidConfiguration(_ message: String) -> LambdaError {
        LambdaError(errorType: RuntimeErrorType.invalidConfiguration, errorMessage: message)
    }

    /// What `read` gives; the error it throws (a configuration's own) is reported as the init error.
    public static func configuration<Value, Failure: Error & CustomStringConvertible>(
        _ read: () throws(Failure) -> Value
    ) throws(LambdaError) -> Value {
        do {
            return try read()
        } catch {
            throw invalidConfiguration(error.description)
        }
    }

    /// What the runtime reports for an error that does not say its own type.
    public static func unnamed(_ error: any Error) -> LambdaError {
        if let named = error as? LambdaErrorConvertible { return named.lambdaError }
        if let lambdaError = error as? LambdaError { return lambdaError }
        return LambdaError(errorType: "Runtime.HandlerError", errorMessage: String(describing: error))
    }
}

/// An error that knows how it should be reported to Lambda.
public protocol LambdaErrorConvertible: Error {
    var lambdaError: LambdaError { get }
}

/// The runtime's own error types.
public enum RuntimeErrorType {
    /// Configuration missing or invalid at start-up.
    public static let invalidConfiguration = "Runtime.InvalidConfiguration"
    /// A response larger than Lambda accepts (6 MB).
    public static let responseTooLarge = "Runtime.ResponseSizeTooLarge"
    /// The Runtime API answered something the runtime could not read.
    public static let invalidInvocation = "Runtime.InvalidInvocation"
}
