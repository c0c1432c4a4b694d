import ConsumptionTable
import InMemoryDynamoDB
import InMemoryMessaging
import InMemoryS3
import JSON

/// The simulation's own hands on the services: setting them up, the users' actions, the event sources' reads and
/// the oracle's inspection. None of this goes through the product's clients.
extension World {
    func setUp(indexLagMilliseconds: Int, visibilityTimeoutSeconds: Int) {
        s3.createBucket(World.bucket, versioned: true)
        do {
            try s3.configureNotifications(
                bucket: World.bucket,
                rules: [
                    // template.yaml's: created, removed, and the lifecycle's expirations.
                    S3NotificationRule(
                        id: "meter-files", events: [.created, .removed, .lifecycleExpiration],
                        prefix: World.incomingPrefix)
                ]
            )
        } catch {
            preconditionFailure("the simulated bucket refused its notifications: \(error)")
        }
        s3.notify = { [unowned self] message in notify(message.json) }
        for (queue, deadLetters) in [
            (World.notificationQueue, World.notificationDeadLetterQueue),
            (World.ingestQueue, World.ingestDeadLetterQueue), (World.workQueue, World.workDeadLetterQueue),
        ] {
            _ = sqs.createQueue(deadLetters, settings: SQSQueueSettings(visibilityTimeoutSeconds: 30))
            // template.yaml: six times the function's timeout, and five receives before the DLQ.
            _ = sqs.createQueue(
                queue,
                settings: SQSQueueSettings(
                    visibilityTimeoutSeconds: visibilityTimeoutSeconds,
                    redrivePolicy: .init(deadLetterQueue: deadLetters, maxReceiveCount: 5)))
        }
        _ = sns.createTopic("file-alerts")
        createTable(indexLagMilliseconds: indexLagMilliseconds)
    }

    // MARK: S3, as users and the oracle see it

    func s3Put(key: String, body: [UInt8]) -> String {
        do {
            return try s3.put(bucket: World.bucket, key: key, body: body, contentType: "text/csv", at: scheduler.now)
        } catch {
            preconditionFailure("simulated put refused: \(error)")
        }
    }

    func s3Delete(key: String) {
        _ = try? s3.delete(bucket: World.bucket, key: key, at: scheduler.now)
    }

    func s3DeleteVersion(key: String, versionID: String) {
        _ = try? s3.deleteVersion(bucket: World.bucket, key: key, versionID: versionID, at: scheduler.now)
    }

    func s3ExpireNoncurrent(olderThanMilliseconds age: Int) {
        s3.expireNoncurrentVersions(olderThanMilliseconds: age, at: scheduler.now)
    }

    func s3Keys() -> [String] {
        (try? s3.keys(bucket: World.bucket)) ?? []
    }

    /// A key's history, newest first.
    func s3History(key: String) -> [Oracle.Entry] {
        ((try? s3.versions(bucket: World.bucket, key: key)) ?? []).map {
            Oracle.Entry(
                versionID: $0.versionID, isDeleteMarker: $0.isDeleteMarker,
                lastModifiedSeconds: $0.lastModifiedMilliseconds / 1000, eTag: $0.eTag, file: nil)
        }
    }

    // MARK: SQS, as the event source mapping sees it

    func sendMessage(queue: String, body: String) {
        _ = try? sqs.send(body, to: queue, at: scheduler.now)
    }

    func receive(queue: String, max: Int) -> [(record: JSONValue, receiptHandle: String, messageID: String)] {
        ((try? sqs.receive(from: queue, maxMessages: max, at: scheduler.now)) ?? []).map {
            ($0.json, $0.receiptHandle, $0.messageID)
        }
    }

    func deleteMessage(queue: String, receiptHandle: String) {
        _ = try? sqs.delete(receiptHandle: receiptHandle, from: queue)
    }

    func queueIsEmpty(_ queue: String) -> Bool {
        (try? sqs.counts(of: queue, at: scheduler.now).isEmpty) ?? true
    }

    func messageBodies(queue: String) -> [String] {
        ((try? sqs.messages(in: queue)) ?? []).map(\.body)
    }
}

// MARK: DynamoDB: the table as template.yaml makes it, the stream as its event source reads it, the oracle's view

extension World {
    func createTable(indexLagMilliseconds: Int) {
        let definition = TableDefinition.consumption(name: World.table)
        do {
            try dynamo.createTable(definition, at: scheduler.now)
        } catch {
            preconditionFailure("the simulated table was refused: \(error)")
        }
    }

    func streamShards() -> [(id: String, parent: String?, closed: Bool)] {
        dynamo.advance(to: scheduler.now)
        return ((try? dynamo.streamShards(table: World.table)) ?? []).map {
            ($0.shardID, $0.parentShardID, $0.isClosed)
        }
    }

    /// Records of a stream shard after `sequence`; records lost to the 24-hour trim are noted, and the read goes
    /// on from the oldest one still held, as Lambda's mapping would.
    func streamRecords(shard: String, after sequence: String?, limit: Int) -> [JSONValue] {
        do {
            return try dynamo.streamRecords(table: World.table, shardID: shard, after: sequence, limit: limit).records
        } catch .trimmed(let shardID, _) {
            lostStreamRecords.append("stream shard \(shardID): records after \(sequence ?? "the start") were trimmed")
            let description = (try? dynamo.streamShards(table: World.table))?.first { $0.shardID == shardID }
            let resume = description?.lastTrimmedSequenceNumber
            return (try? dynamo.streamRecords(table: World.table, shardID: shard, after: resume, limit: limit).records)
                ?? []
        } catch {
            return []
        }
    }

    /// Lets the index catch up with the table (its lag passes with no write).
    func settleIndex() {
        dynamo.advance(to: scheduler.now + 3_600_000)
    }

    func tableItems() -> [JSONValue] {
        dynamo.items(in: World.table)
    }

    func indexItems() -> [JSONValue] {
        dynamo.indexEntries(in: World.table, index: "DayMeters")
    }
}

// MARK: The analytics layer, as the oracle reads it

extension World {
    /// Days the stream fold marked that no scheduled run has written since.
    func analyticsMarksLeft() -> Int {
        dynamo.itemCount(in: World.table, partition: TableKeys.analyticsPartition)
    }

    /// The analytics layer's files as they stand: key, then bytes.
    func analyticsFiles() -> [String: [UInt8]] {
        var files: [String: [UInt8]] = [:]
        for key in s3Keys() where key.hasPrefix(World.analyticsPrefix) {
            if let bytes = try? s3.bytes(bucket: World.bucket, key: key) { files[key] = bytes }
        }
        return files
    }
}
