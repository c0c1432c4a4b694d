import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import Timekeeping

/// Reads a tenant's day as its two sides are kept, shard by shard: the sum shards the stream fold maintains, and the
/// meter-days of the `DayMeters` index partitions, summed as the fold sums them. The analytics writer and
/// `consumption sums` read a day through it, so both compare the same sums.
struct DayShardReader {
    let dynamo: DynamoDBClient
    let table: String

    /// The day's sum shards by shard number (a consistent Query: the sums as the API answers them now).
    func sumShards(tenant: String, date: CalendarDate) throws(IngestFailure) -> [Int: DaySumItem] {
        let parameters: [String: JSONValue] = [
            "ConsistentRead": true,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
            "ExpressionAttributeValues": [
                ":pk": AttributeValues.string(TableKeys.totalsPartition(tenant: tenant)),
                ":from": AttributeValues.string("\(date)#"), ":to": AttributeValues.string("\(date)#~"),
            ],
        ]
        return try IngestFailure.awsCall { () throws(AWSError) in
            let items = try dynamo.query(table: table, parameters: parameters, maxPages: 10)
            var shards: [Int: DaySumItem] = [:]
            for shard in items.compactMap(DaySumItem.init(item:)) where shard.date == date {
                shards[shard.shard] = shard
            }
            return shards
        }
    }

    /// One sum shard's item whole, `lane:` marks and all (a consistent read); nil when there is none.
    func sumShardItem(tenant: String, date: CalendarDate, shard: Int) throws(IngestFailure) -> JSONValue? {
        try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(
                table: table, key: DaySumItem.key(tenant: tenant, date: date, shard: shard), consistent: true)
        }
    }

    /// Each meter-day of the day in one index partition, in the index's order, page by page (a page holds up to
    /// 1 MB: a million meters a day are about 250 pages in all); returns what their counting readings add up to.
    /// The index is read eventually consistently (a global index can be read no other way), so a change made a
    /// moment ago may be missing.
    @discardableResult
    func forEachIndexed(
        tenant: String, date: CalendarDate, shard: Int, deadline: Deadline, _ body: (MeterDayItem) -> Void = { _ in }
    ) throws(IngestFailure) -> StreamFolder.Delta {
        let parameters: [String: JSONValue] = [
            "IndexName": .string(TableKeys.dayMetersIndex), "KeyConditionExpression": "dayShard = :shard",
            "ExpressionAttributeValues": [
                ":shard": AttributeValues.string(TableKeys.dayShard(tenant: tenant, date: date, shard: shard))
            ],
        ]
        var sums = StreamFolder.Delta()
        var corrupt: JSONValue?
        try IngestFailure.awsCall { () throws(AWSError) in
            _ = try dynamo.queryPages(table: table, parameters: parameters, maxPages: 100_000) { items, _ in
                for item in items {
                    guard let day = MeterDayItem(item: item) else {
                        corrupt = item
                        return false
                    }
                    if let counting = day.counting { sums = sums + StreamFolder.Delta(from: nil, to: counting) }
                    body(day)
                }
                return !deadline.hasPassed
            }
        }
        if let corrupt { throw .corruptItem("DayMeters entry \(corrupt["pk"]?.serialized ?? "?") is no meter-day") }
        guard !deadline.hasPassed else { throw .deadlineNear }
        return sums
    }
}
