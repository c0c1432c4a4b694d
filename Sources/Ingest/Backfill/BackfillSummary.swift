import JSON

/// What a backfill invocation did; `continuation` is set when it stopped for the deadline, and sending it back as
/// the next event resumes after the last key finished.
public struct BackfillSummary: Sendable {
    public var processed = 0
    public var outcomes: [String: Int] = [:]
    public var failures: [(key: String, error: String)] = []
    public var continuation: BackfillRequest?

    /// The failures shown in the answer; the rest are counted.
    static let maxListedFailures = 20

    public var json: JSONValue {
        [
            "done": .bool(continuation == nil),
            "processed": .integer(processed),
            "outcomes": .object(outcomes.mapValues { .integer($0) }),
            "failed": .integer(failures.count),
            "failures": .array(
                failures.prefix(Self.maxListedFailures).map { ["key": .string($0.key), "error": .string($0.error)] }),
            "continuation": continuation?.event ?? .null,
        ]
    }
}
