import CSystem
import JSON
import Timekeeping

/// Log lines on standard output, where Lambda collects them: plain text, or one JSON object a line when
/// `AWS_LAMBDA_LOG_FORMAT` is `JSON` (with `requestId` and `traceId`), filtered by `AWS_LAMBDA_LOG_LEVEL`.
public struct LambdaLogger: Sendable {
    public enum Level: Int, Comparable, Sendable, CaseIterable {
        case trace, debug, info, warn, error, fatal

        public var name: String {
            switch self {
            case .trace: return "TRACE"
            case .debug: return "DEBUG"
            case .info: return "INFO"
            case .warn: return "WARN"
            case .error: return "ERROR"
            case .fatal: return "FATAL"
            }
        }

        public init?(name: String) {
            guard let level = Level.allCases.first(where: { $0.name == name.uppercased() }) else { return nil }
            self = level
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let usesJSON: Bool
    public let minimumLevel: Level
    public let requestID: String?
    public let traceID: String?
    private let write: @Sendable (String) -> Void

    public init(
        usesJSON: Bool, minimumLevel: Level, requestID: String? = nil, traceID: String? = nil,
        write: @escaping @Sendable (String) -> Void = LambdaLogger.standardOutput
    ) {
        self.usesJSON = usesJSON
        self.minimumLevel = minimumLevel
        self.requestID = requestID
        self.traceID = traceID
        self.write = write
    }

    /// The logger the environment asks for: `AWS_LAMBDA_LOG_FORMAT` (`Text` or `JSON`) and `AWS_LAMBDA_LOG_LEVEL`
    /// (default INFO).
    public static func fromEnvironment(_ environment: [String: String]) -> LambdaLogger {
        LambdaLogger(
            usesJSON: environment["AWS_LAMBDA_LOG_FORMAT"]?.uppercased() == "JSON",
            minimumLevel: environment["AWS_LAMBDA_LOG_LEVEL"].flatMap(Level.init(name:)) ?? .info)
    }

    /// The same logger, tagging lines with an invocation's ids.
    public func forInvocation(requestID: String, traceID: String?) -> LambdaLogger {
        LambdaLogger(
            usesJSON: usesJSON, minimumLevel: minimumLevel, requestID: requestID, traceID: traceID,
            write: write)
    }

    public func log(_ level: Level, _ message: String, _ fields: [String: JSONValue] = [:]) {
        guard level >= minimumLevel else { return }
        let timestamp = WallClock.nowISO8601()
        if usesJSON {
            var object = fields
            object["timestamp"] = .string(timestamp)
            object["level"] = .string(level.name)
            object["message"] = .string(message)
            if let requestID { object["requestId"] = .string(requestID) }
            if let traceID { object["traceId"] = .string(traceID) }
            write(JSONValue.object(object).serialized)
        } else {
            let extra = fields.isEmpty ? "" : " " + JSONValue.object(fields).serialized
            write("\(timestamp)\t\(requestID ?? "-")\t\(level.name)\t\(message)\(extra)")
        }
    }

    public func debug(_ message: String, _ fields: [String: JSONValue] = [:]) { log(.debug, message, fields) }
    public func info(_ message: String, _ fields: [String: JSONValue] = [:]) { log(.info, message, fields) }
    public func warn(_ message: String, _ fields: [String: JSONValue] = [:]) { log(.warn, message, fields) }
    public func error(_ message: String, _ fields: [String: JSONValue] = [:]) { log(.error, message, fields) }

    /// One line to standard output, whole (a single write, so lines from one process never interleave).
    public static let standardOutput = lineWriter(STDOUT_FILENO)
    /// The same to standard error, for tools whose standard output is their result.
    public static let standardError = lineWriter(STDERR_FILENO)

    private static func lineWriter(_ descriptor: Int32) -> @Sendable (String) -> Void {
        { line in
            var text = line
            text.append("\n")
            text.withCString { pointer in
                var offset = 0
                let length = strlen(pointer)
                while offset < length {
                    let written = CSystem.write(descriptor, pointer + offset, length - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
        }
    }
}
