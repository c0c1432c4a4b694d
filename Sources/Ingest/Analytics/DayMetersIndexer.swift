import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import Timekeeping

/// Puts into the `DayMeters` index the meter-day items written before it existed (a table upgraded with data in
/// it): each counting item without `dayShard` gets its index keys, with a write conditioned on a reading still
/// counting there and the keys still missing (an offer or recompute meanwhile sets or removes them itself). Each day
/// touched is marked for the analytics layer, whose writer would otherwise find it unsettled (the index short of the
/// sums). One Scan of the table, filtered; run once, or again: a second run finds nothing to do.
public struct DayMetersIndexer {
    let dynamo: DynamoDBClient
    let table: String
    let parallelism: Int

    public init(dynamo: DynamoDBClient, table: String, parallelism: Int) {
        self.dynamo = dynamo
        self.table = table
        self.parallelism = parallelism
    }

    public struct Summary: Sendable, Equatable {
        public var indexed = 0
        public var days = 0

        public var json: JSONValue { ["indexed": .integer(indexed), "days": .integer(days)] }
    }

    public func run(now: String, deadline: Deadline) throws(IngestFailure) -> Summary {
        guard let token = AnalyticsMark.newToken() else { throw .noRandomBytes }
        var summary = Summary()
        var days = Set<AnalyticsMark.Day>()
        let parameters: [String: JSONValue] = [
            "FilterExpression":
                "begins_with(sk, :meterDay) AND attribute_exists(#value) AND attribute_not_exists(#dayShard)",
            "ProjectionExpression": "pk, sk",
            "ExpressionAttributeNames": [
                "#value": .string(MeterDayItem.Attribute.value), "#dayShard": .string(MeterDayItem.Attribute.dayShard),
            ],
            "ExpressionAttributeValues": [":meterDay": AttributeValues.string(TableKeys.meterDayPrefix)],
        ]
        try IngestFailure.awsCall { () throws(AWSError) in
            _ = try dynamo.scanPages(table: table, parameters: parameters) { (items, _) throws(AWSError) in
                var updates: [JSONValue] = []
                var touched: [AnalyticsMark.Day] = []
                for item in items {
                    guard let pk = AttributeValues.string(item, "pk"), let sk = AttributeValues.string(item, "sk"),
                        let partition = TableKeys.parseMeterPartition(pk),
                        let date = CalendarDate(String(sk.dropFirst(TableKeys.meterDayPrefix.count)))
                    else { continue }
                    updates.append(index(tenant: partition.tenant, meter: partition.meter, date: date))
                    touched.append(.init(tenant: partition.tenant, date: date))
                }
                for (day, answer) in zip(
                    touched, dynamo.callAll("UpdateItem", updates, maxInFlight: parallelism, deadline: deadline))
                {
                    if case .failure(let error) = answer, error.isConditionFailed { continue }
                    _ = try answer.get()
                    summary.indexed += 1
                    days.insert(day)
                }
                return !deadline.hasPassed
            }
            let marks = AnalyticsMark.puts(days, token: token, markedAt: now)
            try dynamo.batchWrite(table: table, requests: marks, maxInFlight: parallelism, deadline: deadline)
        }
        summary.days = days.count
        return summary
    }

    private func index(tenant: String, meter: String, date: CalendarDate) -> JSONValue {
        var update = UpdateExpression()
        update.set(
            MeterDayItem.Attribute.dayShard,
            AttributeValues.string(
                TableKeys.dayShard(tenant: tenant, date: date, shard: TableKeys.shard(ofMeter: meter))))
        update.set(MeterDayItem.Attribute.meter, AttributeValues.string(meter))
        let value = update.name(MeterDayItem.Attribute.value)
        let dayShard = update.name(MeterDayItem.Attribute.dayShard)
        var request = update.request(condition: "attribute_exists(\(value)) AND attribute_not_exists(\(dayShard))")
        request["TableName"] = .string(table)
        request["Key"] = MeterDayItem.key(tenant: tenant, meter: meter, date: date)
        return .object(request)
    }
}
