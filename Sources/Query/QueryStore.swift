import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON

/// The table as the API reads it. Each method costs the requests its comment says: a day or a range of days is one
/// Query of the tenant's bucket sums; a meter's days one Query plus one BatchGetItem of the sources they name.
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
        var line: Int?
    }

    /// Days of `range` from `start` on that hold data, ascending, at most `limit`; and the day to go on from.
    func dayTotals(tenant: String, range: ClosedRange<CalendarDate>, start: CalendarDate, limit: Int)
        throws(AWSError) -> (days: [DayTotal], next: CalendarDate?)
    {
        // Bucket items summed per day, in date order; a day with no meter left (all its readings gone) is no data.
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
                // A day has at most one item per bucket: one page of this many reaches past `limit` days.
                "Limit": .integer((limit + 1) * TableKeys.bucketCount),
            ]
            if let exclusiveStart { request["ExclusiveStartKey"] = exclusiveStart }
            let answer = try dynamo.call("Query", .object(request))
            for item in answer["Items"]?.arrayValue ?? [] {
                guard let sort = AttributeValues.string(item, "sk"), let date = CalendarDate(String(sort.prefix(10))),
                    let total = AttributeValues.decimal(item, "total"),
                    let meters = AttributeValues.integer(item, "meters")
                else { continue }
                let updatedAt = AttributeValues.string(item, "updatedAt") ?? ""
                if let last = days.last, last.date == date {
                    days[days.count - 1].total += total
                    days[days.count - 1].meters += meters
                    days[days.count - 1].updatedAt = max(last.updatedAt, updatedAt)
                } else {
                    days.append(DayTotal(date: date, total: total, meters: meters, updatedAt: updatedAt))
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

    /// The meter's readings in `range` from `start`, one per day (the counting source that ranks first), at most
    /// `limit` days; and the day to go on from.
    func meterReadings(tenant: String, meter: String, range: ClosedRange<CalendarDate>, start: CalendarDate, limit: Int)
        throws(AWSError) -> (readings: [MeterReading], next: CalendarDate?)
    {
        var items: [JSONValue] = []
        var dates = Set<String>()
        var next: CalendarDate?
        var exclusiveStart: JSONValue?
        pages: for _ in 0..<1000 {
            var request: [String: JSONValue] = [
                "TableName": .string(table), "ConsistentRead": true,
                "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
                "ExpressionAttributeValues": [
                    ":pk": AttributeValues.string(TableKeys.meterPartition(tenant: tenant, meter: meter)),
                    ":from": AttributeValues.string("\(start)#"),
                    ":to": AttributeValues.string("\(range.upperBound)#~"),
                ],
                "Limit": .integer(limit + 1),
            ]
            if let exclusiveStart { request["ExclusiveStartKey"] = exclusiveStart }
            let answer = try dynamo.call("Query", .object(request))
            for item in answer["Items"]?.arrayValue ?? [] {
                let date = String((AttributeValues.string(item, "sk") ?? "").prefix(10))
                if !dates.contains(date) && dates.count == limit {
                    next = CalendarDate(date)
                    break pages
                }
                dates.insert(date)
                items.append(item)
            }
            guard let last = answer["LastEvaluatedKey"], last != .null else { break }
            exclusiveStart = last
        }
        return (try counting(items, tenant: tenant), next)
    }

    /// The meter's reading of `date` with its interval values and source, or nil.
    func meterDay(tenant: String, meter: String, date: CalendarDate) throws(AWSError) -> MeterReading? {
        let items = try dynamo.query(
            table: table,
            parameters: [
                "ConsistentRead": true,
                "KeyConditionExpression": "pk = :pk AND begins_with(sk, :day)",
                "ExpressionAttributeValues": [
                    ":pk": AttributeValues.string(TableKeys.meterPartition(tenant: tenant, meter: meter)),
                    ":day": AttributeValues.string("\(date)#"),
                ],
            ], maxPages: 100)
        return try counting(items, tenant: tenant).first
    }

    /// Per day, the reading whose source item names its version and that ranks first (rule d).
    private func counting(_ items: [JSONValue], tenant: String) throws(AWSError) -> [MeterReading] {
        let keys = Set(items.compactMap { AttributeValues.string($0, "key") })
        guard !keys.isEmpty else { return [] }
        let partition = TableKeys.sourcePartition(tenant: tenant)
        var versions: [String: String] = [:]
        for item in try dynamo.batchGet(table: table, keys: keys.map { TableKeys.key(partition, $0) }, consistent: true)
        {
            if let key = AttributeValues.string(item, "sk"), let version = AttributeValues.string(item, "version") {
                versions[key] = version
            }
        }
        var best: [CalendarDate: MeterReading] = [:]
        for item in items {
            guard let key = AttributeValues.string(item, "key"),
                versions[key] == AttributeValues.string(item, "version"),
                let date = AttributeValues.string(item, "date").flatMap(CalendarDate.init),
                let value = AttributeValues.decimal(item, "value"),
                let lastModified = AttributeValues.integer(item, "lastModified"),
                let eTag = AttributeValues.string(item, "eTag")
            else { continue }
            let reading = MeterReading(
                date: date, value: value,
                intervals: AttributeValues.string(item, "intervals").map { $0.split(separator: ",").map(String.init) },
                key: key, versionID: AttributeValues.string(item, "versionId"), eTag: eTag, lastModified: lastModified,
                line: AttributeValues.integer(item, "line"))
            if let current = best[date], !(current.rank < reading.rank) { continue }
            best[date] = reading
        }
        return best.values.sorted { $0.date < $1.date }
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
    var rank: SourceRank { SourceRank(lastModified: lastModified, key: key, eTag: eTag) }
}
