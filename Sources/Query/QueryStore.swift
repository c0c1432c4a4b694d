import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON

/// The table as the API reads it. Each method costs the requests its comment says: a day or a range of days is one
/// Query of the tenant's sum shards; a meter's days one Query of its meter-day items; a meter-day two GetItems.
/// Every call is charged to the request's `budget`: one that would pass it is not sent, and the request is refused.
struct QueryStore {
    let dynamo: DynamoDBClient
    let table: String
    let budget: CallBudget

    /// Days of `range` from `start` on that hold data, ascending, at most `limit`; and the day to go on from.
    func dayTotals(tenant: String, range: ClosedRange<CalendarDate>, start: CalendarDate, limit: Int)
        throws(QueryFailure) -> (days: [DayTotal], next: CalendarDate?)
    {
        // Sum shards added per day, in date order; a day with no meter left (all its readings gone) is no data.
        var days: [DayTotal] = []
        let parameters: [String: JSONValue] = [
            "ConsistentRead": true,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
            "ExpressionAttributeValues": [
                ":pk": AttributeValues.string(TableKeys.totalsPartition(tenant: tenant)),
                ":from": AttributeValues.string("\(start)#"),
                ":to": AttributeValues.string("\(range.upperBound)#~"),
            ],
            // A day has at most one item per shard: one page of this many reaches past `limit` days.
            "Limit": .integer((limit + 1) * TableKeys.shardCount),
        ]
        let resume = try queryPages(parameters, maxPages: 1000) { items, _ in
            for shard in items.compactMap(DaySumItem.init(item:)) {
                if let last = days.last, last.date == shard.date {
                    days[days.count - 1].add(shard)
                } else {
                    days.append(DayTotal(shard))
                }
            }
            // The last day seen may go on in the next page; the others are whole.
            return days.dropLast().filter(\.hasData).count <= limit
        }
        let exhausted = resume == nil
        let whole = exhausted ? days[...] : days.dropLast()
        let withData = whole.filter(\.hasData)
        if withData.count > limit { return (Array(withData.prefix(limit)), withData[limit].date) }
        return (withData, exhausted ? nil : days.last?.date)
    }

    /// Where a page of a day's meters starts: an index partition (sum shard), and the last meter read there.
    struct MeterPosition: Equatable {
        var shard: Int
        var after: String?
    }

    /// The meters that count on `date` from `start`, at most `limit`, in index order (by shard, then by meter id's
    /// bytes); and where to go on from. Queries of the `DayMeters` index, one shard after another: an index is read
    /// eventually consistently, so a meter-day changed in the last second may not show yet.
    func dayMeters(tenant: String, date: CalendarDate, start: MeterPosition, limit: Int)
        throws(QueryFailure) -> (meters: [(meter: String, counting: MeterDayItem.Counting)], next: MeterPosition?)
    {
        var meters: [(meter: String, counting: MeterDayItem.Counting)] = []
        for shard in start.shard..<TableKeys.shardCount {
            let dayShard = TableKeys.dayShard(tenant: tenant, date: date, shard: shard)
            var parameters: [String: JSONValue] = [
                "IndexName": .string(TableKeys.dayMetersIndex),
                "KeyConditionExpression": "dayShard = :shard",
                "ExpressionAttributeValues": [":shard": AttributeValues.string(dayShard)],
                "Limit": .integer(limit - meters.count),
            ]
            if shard == start.shard, let after = start.after {
                // An index's start key is the entry's whole key: its own keys and the table's.
                parameters["ExclusiveStartKey"] = .object(
                    (MeterDayItem.key(tenant: tenant, meter: after, date: date).objectValue ?? [:]).merging([
                        MeterDayItem.Attribute.dayShard: AttributeValues.string(dayShard),
                        MeterDayItem.Attribute.meter: AttributeValues.string(after),
                    ]) { _, new in new })
            }
            var full = false
            _ = try queryPages(parameters, maxPages: 10_000) { items, next in
                for item in items {
                    guard let day = MeterDayItem(item: item), let counting = day.counting else { continue }
                    meters.append((day.meter, counting))
                }
                full = meters.count >= limit
                next["Limit"] = .integer(max(1, limit - meters.count))
                return !full
            }
            if full {
                return (Array(meters.prefix(limit)), MeterPosition(shard: shard, after: meters[limit - 1].meter))
            }
        }
        return (meters, nil)
    }

    /// The version of `key` that counts now, if any.
    func countingVersion(tenant: String, key: String) throws(QueryFailure) -> VersionIdentity? {
        try getItem(SourceItem.key(tenant: tenant, key: key), consistent: true)
            .flatMap(SourceItem.init(item:))?.counting?.identity
    }

    /// The pages of the ledger one request reads at most (each at most 1 MB): a status matching few entries of a long
    /// history answers what these pages held and where to go on, so a request's cost never grows with the history.
    static let ledgerPagesPerRequest = 10
    /// The items a page of a status filter evaluates: DynamoDB's `Limit` counts items before the filter.
    static let filteredLedgerPageItems = 200

    /// One page of the ledger, optionally of one status; and where the next page starts. It holds at most `limit`
    /// entries, fewer when `ledgerPagesPerRequest` pages held no more of the status.
    func ledger(tenant: String, status: LedgerStatus?, limit: Int, start: JSONValue?) throws(QueryFailure)
        -> (entries: [LedgerItem], next: JSONValue?)
    {
        var entries: [JSONValue] = []
        var values: [String: JSONValue] = [":pk": AttributeValues.string(TableKeys.ledgerPartition(tenant: tenant))]
        var parameters: [String: JSONValue] = [
            "ConsistentRead": true, "KeyConditionExpression": "pk = :pk",
            "Limit": .integer(status == nil ? limit : max(limit, Self.filteredLedgerPageItems)),
        ]
        if let status {
            parameters["FilterExpression"] = "#status = :status"
            parameters["ExpressionAttributeNames"] = ["#status": .string(LedgerItem.Attribute.status)]
            values[":status"] = AttributeValues.string(status.rawValue)
        }
        parameters["ExpressionAttributeValues"] = .object(values)
        var pagesRead = 0
        var cutAfter: JSONValue?
        let resume = try queryPages(parameters, from: start, maxPages: Self.ledgerPagesPerRequest) { items, next in
            pagesRead += 1
            let wanted = limit - entries.count
            if items.count > wanted {
                // A filtered page matched more than wanted: the next page starts after the last entry kept.
                entries += items.prefix(wanted)
                cutAfter = entries.last.map { .object(["pk": $0["pk"] ?? .null, "sk": $0["sk"] ?? .null]) }
                return false
            }
            entries += items
            if status == nil { next["Limit"] = .integer(limit - entries.count) }
            return entries.count < limit && pagesRead < Self.ledgerPagesPerRequest
        }
        return (entries.map(LedgerItem.init(item:)), cutAfter ?? resume)
    }

    /// One page of the ledger entries of a key's versions (`.key`: an object's, its sort keys start with the key
    /// or its hash) or of the keys under a prefix (`.under`: an upload's one key), at most `limit`, newest first
    /// within the page, and where the next page starts. One Query page whatever the count: a key overwritten or a
    /// form posted thousands of times must not make one request read them all.
    func ledgerPage(tenant: String, of versions: LedgerVersions, limit: Int, start: JSONValue?) throws(QueryFailure)
        -> (entries: [LedgerItem], next: JSONValue?)
    {
        // One more than asked for: a next page is promised only when it holds something (else a last page would
        // come back empty, an upload's saying `waiting`).
        var items: [JSONValue] = []
        var parameters = TableKeys.prefixQuery(
            partition: TableKeys.ledgerPartition(tenant: tenant), sortKeyPrefix: versions.sortPrefix)
        parameters["Limit"] = .integer(limit + 1)
        _ = try queryPages(parameters, from: start, maxPages: 1) { page, _ in
            items += page
            return false
        }
        let more = items.count > limit
        let kept = Array(items.prefix(limit))
        let next: JSONValue? = more ? kept.last.map { ["pk": $0["pk"] ?? .null, "sk": $0["sk"] ?? .null] } : nil
        let entries = kept.map(LedgerItem.init(item:)).filter { versions.holds($0.key ?? "") }.sorted {
            ($0.startedAt ?? "") > ($1.startedAt ?? "")
        }
        return (entries, next)
    }

    /// The tenant's time-of-use bands, or nil when it set none.
    func tariffBands(tenant: String) throws(QueryFailure) -> TariffBands? {
        try getItem(TariffBands.key(tenant: tenant), consistent: false).flatMap(TariffBands.init(item:))
    }

    /// The tenant's settings (its market zone among them); the defaults when it set none.
    func settings(tenant: String) throws(QueryFailure) -> TenantSettings {
        try getItem(TenantSettings.key(tenant: tenant), consistent: false).flatMap(TenantSettings.init(item:))
            ?? TenantSettings()
    }

    /// The tenant an API key id is mapped to, or nil.
    func tenant(ofAPIKey keyID: String) throws(QueryFailure) -> String? {
        try getItem(APIKeyItem.key(keyID: keyID), consistent: false).flatMap(APIKeyItem.init(item:))?.tenant
    }

    func getItem(_ key: JSONValue, consistent: Bool) throws(QueryFailure) -> JSONValue? {
        try spend()
        return try QueryFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(table: table, key: key, consistent: consistent)
        }
    }

    /// A Query page by page, as `DynamoDBClient.queryPages` reads it, each page charged to the budget: when the next
    /// page would pass it, the query stops there and the request is refused.
    func queryPages(
        _ parameters: [String: JSONValue], from start: JSONValue? = nil, maxPages: Int,
        onPage: ([JSONValue], inout [String: JSONValue]) -> Bool
    ) throws(QueryFailure) -> JSONValue? {
        try spend()
        var refused = false
        // The pager sets a new `ExclusiveStartKey` before `onPage` exactly when DynamoDB says another page follows.
        var startKey = start ?? parameters["ExclusiveStartKey"]
        let resume = try QueryFailure.awsCall { () throws(AWSError) in
            try dynamo.queryPages(table: table, parameters: parameters, from: start, maxPages: maxPages) {
                items, next in
                guard onPage(items, &next) else { return false }
                guard next["ExclusiveStartKey"] != startKey else { return true }
                startKey = next["ExclusiveStartKey"]
                refused = !budget.spend()
                return !refused
            }
        }
        if refused { throw .api(budget.refusal) }
        return resume
    }

    func spend() throws(QueryFailure) {
        guard budget.spend() else { throw .api(budget.refusal) }
    }
}
