import JSON
import Timekeeping

/// CloudWatch metrics as Embedded Metric Format lines on stdout: CloudWatch Logs turns each into metric data
/// points, so publishing costs no API call and no extra latency. Every metric has the one dimension
/// `FunctionName`; `properties` go on the line without becoming dimensions (searchable in Logs Insights, billed
/// as nothing more), which is how a tenant is named: a dimension per tenant would be a metric per tenant.
public struct EmbeddedMetrics: Sendable {
    public static let namespace = "DailyConsumption"

    public struct Value: Sendable {
        public var name: String
        public var unit: String
        public var value: Int

        public init(_ name: String, _ unit: String, _ value: Int) {
            self.name = name
            self.unit = unit
            self.value = value
        }
    }

    private let functionName: String
    private let write: @Sendable (String) -> Void

    public init(functionName: String, write: @escaping @Sendable (String) -> Void = LambdaLogger.standardOutput) {
        self.functionName = functionName
        self.write = write
    }

    public func emit(_ values: [Value], properties: [String: JSONValue] = [:]) {
        var document = properties
        document["_aws"] = [
            "Timestamp": .integer(WallClock.nowMilliseconds()),
            "CloudWatchMetrics": [
                [
                    "Namespace": .string(Self.namespace),
                    "Dimensions": [["FunctionName"]],
                    "Metrics": .array(values.map { ["Name": .string($0.name), "Unit": .string($0.unit)] }),
                ]
            ],
        ]
        document["FunctionName"] = .string(functionName)
        for value in values { document[value.name] = .integer(value.value) }
        write(JSONValue.object(document).serialized)
    }
}
