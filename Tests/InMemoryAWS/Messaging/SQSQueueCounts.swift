/// A queue's messages by state at one moment: what the simulation reads to tell that nothing is left to happen.
public struct SQSQueueCounts: Sendable, Equatable {
    /// Receivable now (`ApproximateNumberOfMessages`).
    public var visible: Int
    /// Received and neither deleted nor back in view (`ApproximateNumberOfMessagesNotVisible`).
    public var inFlight: Int
    /// Sent with a delay not yet over (`ApproximateNumberOfMessagesDelayed`).
    public var delayed: Int
    /// The earliest moment a delayed or in-flight message becomes visible; nil when none will.
    public var nextChangeMilliseconds: Int?

    public var isEmpty: Bool { visible == 0 && inFlight == 0 && delayed == 0 }
}
