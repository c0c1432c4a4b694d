import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON

/// The table as the API reads it. Each method costs the requests its comment says: a day or a range of days is one
/// Query of the tenant's sum shards; a meter's days one Query of its meter-day items; a meter-day two GetItems.
struct QueryStore {
    let dynamo: DynamoDBClient
    let table: String

    struct DayTotal: Equatable {
        var date: CalendarDate
        var total: ExactDecimal
        var meters: Int
        var updatedAt: String
    }

    struct MeterReading {
        var date: CalendarDate
        var value: ExactDecimal
        var intervals: [String]?
        var key: String
        var versionID: String?
        var eTag: String
        var lastModified: Int
        var line: Int
    }

    /// Days of `range` from `start` on that hold data, ascending, at most `limit`; and the day to go on from.
    func dayTotals(tenant: String, range: ClosedRange<CalendarDate>, start: CalendarDate, limit: Int)
        throws(AWSError) -> (days: [DayTotal], next: CalendarDate?)
    {
        // Sum shards added per day, in date order; a day with no meter left (all its readings gone) is no data.
        var days: [DayTotal] = []
        var exclusiveStart: JSONValue?
        var exhausted = false
        for _ in 0..<1000 {
            var request: [String: JSONValue] = [
                "TableName": .string(table), "ConsistentRead": true,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
                "ExpressionAttributeValues": [
                    ":pk": AttributeValues.string(TableKeys.totalsPartition(tenant: tenant)),
                    ":from": AttributeValues.string("\(start)#"),
                    ":to": AttributeValues.string("\(range.upperBound)#~"),
                ],
                // A day has at most one item per shard: one page of this many reaches past `limit` days.
                "Limit": .integer((limit + 1) * TableKeys.shardCount),
            ]
            if let exclusiveStart { request["ExclusiveStartKey"] = exclusiveStart }
            let answer = try dynamo.call("Query", .object(request))
            for item in answer["Items"]?.arrayValue ?? [] {
                guard let shard = DaySumItem(item: item) else { continue }
                if let last = days.last, last.date == shard.date {
                    days[days.count - 1].total += shard.total
                    days[days.count - 1].meters += shard.meters
                    days[days.count - 1].updatedAt = max(last.updatedAt, shard.updatedAt)
                } else {
                    days.append(
                        DayTotal(date: shard.date, total: shard.total, meters: shard.meters, updatedAt: shard.updatedAt))
                }
            }
            guard let last = answer["LastEvaluatedKey"], last != .null else {
                exhausted = true
                break
            }
            exclusiveStart = last
            // The last day seen may go on in the next page; the others are whole.
            if days.dropLast().filter({ $0.meters > 0 }).count > limit { break }
        }
        let whole = exhausted ? days[...] : days.dropLast()
        let withData = whole.filter { $0.meters > 0 }
        if withData.count > limit { return (Array(withData.prefix(limit)), withData[limit].date) }
        return (withData, exhausted ? nil : days.last?.date)
    }

    /// The meter's counting readings in `range` from `start`, one per day, at most `limit` days; and the day to go on
    /// from. One Query of the meter's meter-day items, which name the reading that counts.
    func meterReadings(tenant: String, meter: String, range: ClosedRange<CalendarDate>, start: CalendarDate, limit: Int)
        throws(AWSError) -> (readings: [MeterReading], next: CalendarDate?)
    {
        var readings: [MeterReading] = []
        var exclusiveStart: JSONValue?
        for _ in 0..<1000 {
            var request: [String: JSONValue] = [
                "TableName": .string(table), "ConsistentRead": true,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
                "ExpressionAttributeValues": [
                    ":pk": AttributeValues.string(TableKeys.meterPartition(tenant: tenant, meter: meter)),
                    ":from": AttributeValues.string(TableKeys.meterDaySort(date: start)),
                    ":to": AttributeValues.string(TableKeys.meterDaySort(date: range.upperBound)),
                ],
                "Limit": .integer(limit + 1),
            ]
            if let exclusiveStart { request["ExclusiveStartKey"] = exclusiveStart }
            let answer = try dynamo.call("Query", .object(request))
            for item in answer["Items"]?.arrayValue ?? [] {
                guard let day = MeterDayItem(item: item), let counting = day.counting else { continue }
                if readings.count == limit { return (readings, day.date) }
                readings.append(MeterReading(day: day.date, counting: counting, intervals: nil))
            }
            guard let last = answer["LastEvaluatedKey"], last != .null else { break }
            exclusiveStart = last
        }
        return (readings, nil)
    }

    /// The meter's counting reading of `date` with its interval values and source, or nil: the meter-day item,
    /// then the reading it names.
    func meterDay(tenant: String, meter: String, date: CalendarDate) throws(AWSError) -> MeterReading? {
        guard
            let item = try dynamo.getItem(
                table: table, key: MeterDayItem.key(tenant: tenant, meter: meter, date: date), consistent: true),
            let counting = MeterDayItem(item: item)?.counting
        else { return nil }
        let reading = ReadingItem(
            tenant: tenant, meter: meter, date: date, source: counting.source, value: counting.value, intervals: nil,
            line: counting.line)
        let stored = try dynamo.getItem(table: table, key: reading.key, consistent: true).flatMap(ReadingItem.init(item:))
        return MeterReading(day: date, counting: counting, intervals: stored?.intervals)
    }

    /// The version of `key` that counts now, if any.
    func countingVersion(tenant: String, key: String) throws(AWSError) -> VersionIdentity? {
        try dynamo.getItem(table: table, key: SourceItem.key(tenant: tenant, key: key), consistent: true)
            .flatMap(SourceItem.init(item:))?.counting?.identity
    }

    /// One page of the ledger, optionally of one status; and where the next page starts.
    func ledger(tenant: String, status: String?, limit: Int, start: JSONValue?) throws(AWSError)
        -> (entries: [JSONValue], next: JSONValue?)
    {
        var entries: [JSONValue] = []
        var exclusiveStart = start
        for _ in 0..<1000 {
            var values: [String: JSONValue] = [":pk": AttributeValues.string(TableKeys.ledgerPartition(tenant: tenant))]
            var request: [String: JSONValue] = [
                "TableName": .string(table), "ConsistentRead": true, "KeyConditionExpression": "pk = :pk",
                "Limit": .integer(limit - entries.count),
            ]
            if let status {
                request["FilterExpression"] = "#status = :status"
                request["ExpressionAttributeNames"] = ["#status": "status"]
                values[":status"] = AttributeValues.string(status)
            }
            request["ExpressionAttributeValues"] = .object(values)
            if let exclusiveStart { request["ExclusiveStartKey"] = exclusiveStart }
            let answer = try dynamo.call("Query", .object(request))
            entries += answer["Items"]?.arrayValue ?? []
            guard let last = answer["LastEvaluatedKey"], last != .null else { return (entries, nil) }
            exclusiveStart = last
            if entries.count >= limit { return (entries, last) }
        }
        return (entries, exclusiveStart)
    }

    /// Every ledger entry of one object key (one per version), newest first.
    func ledgerEntries(tenant: String, key: String) throws(AWSError) -> [JSONValue] {
        let items = try dynamo.query(
            table: table,
            parameters: [
                "ConsistentRead": true,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :key)",
                "ExpressionAttributeValues": [
                    ":pk": AttributeValues.string(TableKeys.ledgerPartition(tenant: tenant)),
                    ":key": AttributeValues.string("\(key)#"),
                ],
            ], maxPages: 100)
        // `begins_with` also finds keys that merely start with this one and a '#'.
        return items.filter { AttributeValues.string($0, "objectKey") == key }
            .sorted {
                (AttributeValues.string($0, "startedAt") ?? "") > (AttributeValues.string($1, "startedAt") ?? "")
            }
    }

    /// The tenant an API key id is mapped to, or nil.
    func tenant(ofAPIKey keyID: String) throws(AWSError) -> String? {
        let item = try dynamo.getItem(table: table, key: TableKeys.key(TableKeys.apiKeyPartition, keyID))
        return item.flatMap { AttributeValues.string($0, "tenant") }
    }
}

extension QueryStore.MeterReading {
    init(day: CalendarDate, counting: MeterDayItem.Counting, intervals: [ExactDecimal]?) {
        self.init(
            date: day, value: counting.value, intervals: intervals?.map(\.description), key: counting.source.key,
            versionID: counting.source.versionID, eTag: counting.source.eTag,
            lastModified: counting.source.lastModified, line: counting.line)
    }
}
