import JSON

/// Lambda's SQS event source mapping, as documented: it polls the queue, hands batches of up to `batchSize`
/// messages to at most `maxConcurrency` invocations at once, deletes the messages of a batch that succeeded except
/// those it names in `batchItemFailures`, and deletes none of a batch whose invocation failed or died; those come
/// back after the visibility timeout, and SQS moves a message past its receive limit to the DLQ.
final class QueueMapping {
    private let world: World
    private let host: FunctionHost
    let queue: String
    private let batchSize: Int
    private let maxConcurrency: Int
    private(set) var running = 0

    init(world: World, host: FunctionHost, queue: String, batchSize: Int, maxConcurrency: Int) {
        self.world = world
        self.host = host
        self.queue = queue
        self.batchSize = batchSize
        self.maxConcurrency = maxConcurrency
    }

    /// The wait before the next poll: short while messages come, growing to a few seconds while none do (Lambda's
    /// pollers long-poll; a run quiet for an hour of virtual time should not cost thousands of empty polls).
    private var idleMilliseconds = 200

    /// Polls now and again for as long as the run lasts.
    func start() {
        world.scheduler.at(world.scheduler.now + Int.random(in: 0...idleMilliseconds, using: &world.random)) {
            [self] in
            idleMilliseconds = poll() ? 200 : min(5_000, idleMilliseconds * 2)
            start()
        }
    }

    /// Hands over what is visible now; whether there was anything.
    private func poll() -> Bool {
        var found = false
        while running < maxConcurrency {
            let messages = world.receive(queue: queue, max: Int.random(in: 1...batchSize, using: &world.random))
            guard !messages.isEmpty else { return found }
            found = true
            running += 1
            host.invoke(["Records": .array(messages.map(\.record))]) { [self] result in
                running -= 1
                switch result {
                case .response(let answer):
                    let failed = Set(
                        (answer["batchItemFailures"]?.arrayValue ?? []).compactMap { $0["itemIdentifier"]?.stringValue }
                    )
                    for message in messages where !failed.contains(message.messageID) {
                        world.deleteMessage(queue: queue, receiptHandle: message.receiptHandle)
                    }
                case .failed, .killed:
                    // None is deleted: they come back after the visibility timeout.
                    break
                }
            }
        }
        return found
    }

    /// Nothing visible, in flight or delayed, and no invocation running.
    var isIdle: Bool { running == 0 && world.queueIsEmpty(queue) }
}
