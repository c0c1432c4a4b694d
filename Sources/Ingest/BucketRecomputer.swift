import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime

/// Recomputes day bucket sums from the readings, under a generation guard.
///
/// For each bucket: bump its generation counter, then read every reading in it (consistently), keep those whose
/// version is the one its source item says counts, let the best-ranked source win per meter (rule d), and store the
/// sum only if no recompute with a newer generation has stored one. A recompute that starts after a change has
/// seen it, and the last generation to store started after every change, so the stored sum is exact whatever the
/// interleaving; a crash before storing is repaired by the retry of the work that made the change.
struct BucketRecomputer {
    let dynamo: DynamoDBClient
    let table: String
    let tenant: String
    let sources: SourceStore
    let parallelism: Int
    let deadline: Int
    /// Buckets handled per round of parallel requests: small enough that a round ends soon after the deadline
    /// check before it.
    private var groupSize: Int { max(4, parallelism) }

    /// Items per page of a bucket query (about 200 KB of readings).
    static let pageItems = 1000

    struct Outcome {
        var buckets = 0
        var readingsRead = 0
        var readingsDeleted = 0
    }

    /// Recomputes `pairs` from index `start`, reporting each finished round's end to `onProgress`; readings of
    /// `deadVersions` (version tags of `deadKey`) are deleted on the way.
    func recompute(
        _ pairs: [(date: CalendarDate, bucket: Int)], from start: Int, deadKey: String, deadVersions: Set<String>,
        now: String, onProgress: (Int) throws(IngestFailure) -> Void
    ) throws(IngestFailure) -> Outcome {
        var outcome = Outcome()
        var next = start
        while next < pairs.count {
            guard WallClock.nowMilliseconds() < deadline else { throw .deadlineNear }
            let group = Array(pairs[next..<min(pairs.count, next + groupSize)])
            try recomputeGroup(group, deadKey: deadKey, deadVersions: deadVersions, now: now, outcome: &outcome)
            next += group.count
            try onProgress(next)
        }
        return outcome
    }

    private func recomputeGroup(
        _ group: [(date: CalendarDate, bucket: Int)], deadKey: String, deadVersions: Set<String>, now: String,
        outcome: inout Outcome
    ) throws(IngestFailure) {
        let totals = TableKeys.totalsPartition(tenant: tenant)
        let bumps: [JSONValue] = group.map { pair in
            [
                "TableName": .string(table),
                "Key": TableKeys.key(totals, TableKeys.totalsSort(date: pair.date, bucket: pair.bucket)),
                "UpdateExpression": "ADD generation :one", "ReturnValues": "UPDATED_NEW",
                "ExpressionAttributeValues": [":one": AttributeValues.number(1)],
            ]
        }
        var generations: [Int] = []
        for answer in dynamo.callAll("UpdateItem", bumps, maxInFlight: parallelism, deadlineMilliseconds: deadline) {
            guard
                let generation = AttributeValues.integer(
                    try answer.orIngestFailure()["Attributes"] ?? .null, "generation")
            else {
                throw .corruptItem("UpdateItem returned no generation")
            }
            generations.append(generation)
        }

        let (readings, versions) = try readAll(group)
        let counting = try sources.countingVersions(of: Array(Set(versions.map(\.rank.key))))

        var stores: [JSONValue] = []
        var deletions: [JSONValue] = []
        let deadSource = TableKeys.sourceID(ofKey: deadKey)
        for (index, pair) in group.enumerated() {
            // Meter -> position of its best reading so far.
            var winners: [String: Int] = [:]
            for (position, reading) in readings[index].enumerated() {
                outcome.readingsRead += 1
                let source = versions[reading.source]
                guard counting[source.rank.key] == source.version else {
                    if source.rank.key == deadKey && deadVersions.contains(source.version) {
                        deletions.append([
                            "DeleteRequest": [
                                "Key": TableKeys.key(
                                    TableKeys.readingPartition(tenant: tenant, date: pair.date, bucket: pair.bucket),
                                    TableKeys.readingSort(
                                        source: deadSource, version: source.version, meter: reading.meter))
                            ]
                        ])
                        deletions.append([
                            "DeleteRequest": [
                                "Key": TableKeys.key(
                                    TableKeys.meterPartition(tenant: tenant, meter: reading.meter),
                                    TableKeys.meterSort(date: pair.date, source: deadSource, version: source.version))
                            ]
                        ])
                    }
                    continue
                }
                if let best = winners[reading.meter], !(versions[readings[index][best].source].rank < source.rank) {
                    continue
                }
                winners[reading.meter] = position
            }
            var total = ExactDecimal.zero
            for winner in winners.values { total += readings[index][winner].value }
            stores.append([
                "TableName": .string(table),
                "Key": TableKeys.key(totals, TableKeys.totalsSort(date: pair.date, bucket: pair.bucket)),
                "UpdateExpression":
                    "SET #total = :total, meters = :meters, computedGeneration = :generation, #date = :date, updatedAt = :now",
                "ConditionExpression": "attribute_not_exists(computedGeneration) OR computedGeneration < :generation",
                "ExpressionAttributeNames": ["#total": "total", "#date": "date"],
                "ExpressionAttributeValues": [
                    ":total": AttributeValues.number(total), ":meters": AttributeValues.number(winners.count),
                    ":generation": AttributeValues.number(generations[index]),
                    ":date": AttributeValues.string(pair.date.description), ":now": AttributeValues.string(now),
                ],
            ])
        }
        for answer in dynamo.callAll("UpdateItem", stores, maxInFlight: parallelism, deadlineMilliseconds: deadline) {
            // A newer generation stored first: its sum has seen everything this one saw.
            if case .failure(let error) = answer, error.code == "ConditionalCheckFailedException" { continue }
            _ = try answer.orIngestFailure()
        }
        outcome.buckets += group.count
        if !deletions.isEmpty {
            do throws(AWSError) {
                try dynamo.batchWrite(
                    table: table, requests: deletions, maxInFlight: parallelism, deadlineMilliseconds: deadline)
            } catch {
                throw .aws(error)
            }
            outcome.readingsDeleted += deletions.count / 2
        }
    }

    /// One reading as a recompute needs it, parsed as soon as its page arrives: a page's JSON is let go at once,
    /// so memory holds a few dozen bytes per reading, not its item.
    struct StoredReading {
        var meter: String
        /// Index into the group's `ReadingVersion`s.
        var source: Int
        var value: ExactDecimal
    }

    /// An object version readings come from: its tag and its rank (rule d).
    struct ReadingVersion: Hashable {
        var version: String
        var rank: SourceRank
    }

    /// Every reading of each bucket, page by page, the buckets' queries in parallel.
    private func readAll(_ group: [(date: CalendarDate, bucket: Int)]) throws(IngestFailure)
        -> ([[StoredReading]], [ReadingVersion])
    {
        var readings = [[StoredReading]](repeating: [], count: group.count)
        var versions: [ReadingVersion] = []
        var versionIndex: [ReadingVersion: Int] = [:]
        var queries: [Int: [String: JSONValue]] = [:]
        for (index, pair) in group.enumerated() {
            queries[index] = [
                "TableName": .string(table), "ConsistentRead": true,
                "KeyConditionExpression": "pk = :pk",
                // Pages of a group's buckets arrive together, parsed: a page size bounds the memory they take.
                "Limit": .integer(Self.pageItems),
                "ExpressionAttributeValues": [
                    ":pk": AttributeValues.string(
                        TableKeys.readingPartition(tenant: tenant, date: pair.date, bucket: pair.bucket))
                ],
            ]
        }
        for _ in 0..<100_000 where !queries.isEmpty {
            let order = queries.keys.sorted()
            let answers = dynamo.callAll(
                "Query", order.map { JSONValue.object(queries[$0] ?? [:]) },
                maxInFlight: parallelism, deadlineMilliseconds: deadline)
            for (index, answer) in zip(order, answers) {
                let page = try answer.orIngestFailure()
                for item in page["Items"]?.arrayValue ?? [] {
                    guard let key = AttributeValues.string(item, "key"),
                        let version = AttributeValues.string(item, "version"),
                        let meter = AttributeValues.string(item, "meter"),
                        let value = AttributeValues.decimal(item, "value"),
                        let lastModified = AttributeValues.integer(item, "lastModified"),
                        let eTag = AttributeValues.string(item, "eTag")
                    else { throw .corruptItem("a reading in bucket \(group[index].bucket) of \(group[index].date)") }
                    let source = ReadingVersion(
                        version: version, rank: SourceRank(lastModified: lastModified, key: key, eTag: eTag))
                    let sourceIndex: Int
                    if let known = versionIndex[source] {
                        sourceIndex = known
                    } else {
                        sourceIndex = versions.count
                        versions.append(source)
                        versionIndex[source] = sourceIndex
                    }
                    readings[index].append(StoredReading(meter: meter, source: sourceIndex, value: value))
                }
                if let last = page["LastEvaluatedKey"], last != .null {
                    queries[index]?["ExclusiveStartKey"] = last
                } else {
                    queries[index] = nil
                }
            }
        }
        guard queries.isEmpty else { throw .corruptItem("a bucket query did not end after 100,000 pages") }
        return (readings, versions)
    }
}
