import JSON
import LambdaRuntime
import Timekeeping

/// CloudWatch metrics as Embedded Metric Format lines on stdout: CloudWatch Logs turns each into metric data
/// points, so publishing costs no API call and no extra latency.
public struct MetricsEmitter: Sendable {
    public static let namespace = "DailyConsumption"
    private let functionName: String
    private let write: @Sendable (String) -> Void

    public init(functionName: String, write: @escaping @Sendable (String) -> Void = LambdaLogger.standardOutput) {
        self.functionName = functionName
        self.write = write
    }

    public func emit(_ outcome: ObjectOutcome) {
        guard outcome.kind != .ignored else { return }
        let stats = outcome.stats
        let values: [(String, String, Int)] = [
            ("ObjectsIngested", "Count", outcome.kind == .ingested && stats != nil ? 1 : 0),
            ("ObjectsRejected", "Count", outcome.kind == .rejected && stats != nil ? 1 : 0),
            ("ObjectsDeleted", "Count", outcome.kind == .deleted ? 1 : 0),
            ("ObjectsUnassigned", "Count", outcome.kind == .unassigned ? 1 : 0),
            ("Rows", "Count", stats?.rows ?? 0),
            ("MeterDays", "Count", stats?.meterDays ?? 0),
            ("Bytes", "Bytes", stats?.bytes ?? 0),
            ("Duration", "Milliseconds", outcome.durationMilliseconds),
        ]
        var document: [String: JSONValue] = [
            "_aws": [
                "Timestamp": .integer(WallClock.nowMilliseconds()),
                "CloudWatchMetrics": [
                    [
                        "Namespace": .string(Self.namespace),
                        "Dimensions": [["FunctionName"]],
                        "Metrics": .array(values.map { ["Name": .string($0.0), "Unit": .string($0.1)] }),
                    ]
                ],
            ],
            "FunctionName": .string(functionName),
            "Outcome": .string(outcome.kind.rawValue),
        ]
        for (name, _, value) in values { document[name] = .integer(value) }
        write(JSONValue.object(document).serialized)
    }
}
