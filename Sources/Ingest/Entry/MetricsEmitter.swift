import JSON
import LambdaRuntime

/// The ingest function's metrics, one Embedded Metric Format line per object (`EmbeddedMetrics`).
public struct MetricsEmitter: Sendable {
    private let metrics: EmbeddedMetrics

    public init(functionName: String, write: @escaping @Sendable (String) -> Void = LambdaLogger.standardOutput) {
        metrics = EmbeddedMetrics(functionName: functionName, write: write)
    }

    public func emit(_ outcome: ObjectOutcome) {
        guard outcome.kind != .ignored else { return }
        let stats = outcome.stats
        metrics.emit(
            [
                .init("ObjectsIngested", "Count", outcome.kind == .ingested && stats != nil ? 1 : 0),
                .init("ObjectsRejected", "Count", outcome.kind == .rejected && stats != nil ? 1 : 0),
                .init("ObjectsDeleted", "Count", outcome.kind == .deleted ? 1 : 0),
                .init("ObjectsUnassigned", "Count", outcome.kind == .unassigned ? 1 : 0),
                .init("Rows", "Count", stats?.rows ?? 0),
                .init("MeterDays", "Count", stats?.meterDays ?? 0),
                .init("Bytes", "Bytes", stats?.bytes ?? 0),
                .init("Duration", "Milliseconds", outcome.durationMilliseconds),
            ], properties: ["Outcome": .string(outcome.kind.rawValue)])
    }
}
