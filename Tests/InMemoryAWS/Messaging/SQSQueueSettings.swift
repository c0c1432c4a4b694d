/// How a queue is created: its default visibility timeout and delay, and where messages go after too many receives.
public struct SQSQueueSettings: Sendable, Equatable {
    /// A queue's redrive policy: after `maxReceiveCount` receives, the next receive moves the message to
    /// `deadLetterQueue` (a queue name) instead of delivering it.
    public struct RedrivePolicy: Sendable, Equatable {
        public var deadLetterQueue: String
        public var maxReceiveCount: Int

        public init(deadLetterQueue: String, maxReceiveCount: Int) {
            self.deadLetterQueue = deadLetterQueue
            self.maxReceiveCount = maxReceiveCount
        }
    }

    /// 30 seconds unless set, as SQS's default; 0 to 43,200.
    public var visibilityTimeoutSeconds: Int
    /// How long a new message stays hidden (`DelaySeconds`), 0 to 900.
    public var delaySeconds: Int
    public var redrivePolicy: RedrivePolicy?

    public init(visibilityTimeoutSeconds: Int = 30, delaySeconds: Int = 0, redrivePolicy: RedrivePolicy? = nil) {
        self.visibilityTimeoutSeconds = visibilityTimeoutSeconds
        self.delaySeconds = delaySeconds
        self.redrivePolicy = redrivePolicy
    }
}
