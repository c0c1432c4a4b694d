import JSON

extension World {
    /// S3 notifies this queue; the function sorts its messages into the ingest queue by tenant (template.yaml).
    static let notificationQueue = "notifications"
    static let notificationDeadLetterQueue = "notifications-dlq"
    static let ingestQueue = "ingest"
    static let ingestDeadLetterQueue = "ingest-dlq"
    static let workQueue = "work"
    static let workDeadLetterQueue = "work-dlq"
    static let alertTopic = "arn:aws:sns:us-east-1:123456789012:file-alerts"
    static let incomingPrefix = "incoming/"
    /// template.yaml's: the analytics layer in the meter bucket, beside the meter files.
    static let analyticsPrefix = "analytics/"

    static func queueURL(_ name: String) -> String { "http://sqs.sim/\(account)/\(name)" }

    /// The tenant a key belongs to: `incoming/<tenant>/...`.
    static func tenant(ofKey key: String) -> String? {
        guard key.hasPrefix(incomingPrefix) else { return nil }
        let rest = key.dropFirst(incomingPrefix.count).split(separator: "/", omittingEmptySubsequences: false)
        return rest.count > 1 ? String(rest[0]) : "default"
    }

    /// A user's action on the bucket, now.
    func play(_ action: Workload.Action) {
        switch action {
        case .put(let key, let spec):
            let file = spec.file()
            let versionID = s3Put(key: key, body: file.render())
            files[versionID] = file
        case .delete(let key):
            s3Delete(key: key)
        case .deleteNewest(let key):
            if let newest = s3History(key: key).first { s3DeleteVersion(key: key, versionID: newest.versionID) }
        case .expireNoncurrent(let age):
            s3ExpireNoncurrent(olderThanMilliseconds: age)
        }
    }

    /// S3's notification message, delivered to the ingest queue at least once, after a while, in any order.
    func notify(_ message: JSONValue) {
        let copies = random.chance(100_000) ? 2 : 1
        for _ in 0..<copies {
            pendingNotifications += 1
            scheduler.at(scheduler.now + Int.random(in: 0...3_000, using: &random)) { [self] in
                pendingNotifications -= 1
                sendMessage(queue: World.notificationQueue, body: message.serialized)
            }
        }
    }

    /// Every key's history at the end, newest first, with what each uploaded version meant.
    func histories() -> [String: [Oracle.Entry]] {
        var histories: [String: [Oracle.Entry]] = [:]
        for key in s3Keys() where key.hasPrefix(World.incomingPrefix) {
            histories[key] = s3History(key: key).map { entry in
                var entry = entry
                entry.file = files[entry.versionID]
                return entry
            }
        }
        return histories
    }

    /// Ends the tasks still running (a run stopped at its bound): they are killed and unwind; then the events
    /// still queued go.
    func stopTasks() {
        for task in tasks where !task.finished { task.killed = true }
        _ = scheduler.run(until: Int.max, maxSteps: scheduler.steps + 1_000_000) { tasks.allSatisfy(\.finished) }
        scheduler.clear()
    }
}
