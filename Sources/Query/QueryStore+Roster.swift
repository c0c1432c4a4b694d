import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON

/// A tenant's meter roster as `/completeness` reads it.
extension QueryStore {
    /// A page of the tenant's roster from after `after` (meter ids in byte order), at most `limit`, with each meter's
    /// shortfall on `date`; the meters read, and the last one when more follow. One Query of the roster, then one
    /// BatchGetItem per 100 meter-days.
    func rosterPage(tenant: String, date: CalendarDate, after: String?, limit: Int) throws(QueryFailure)
        -> (checked: [String], shortfalls: [MeterDayShortfall], last: String?)
    {
        var meters: [String] = []
        var more = false
        var parameters: [String: JSONValue] = [
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": [":pk": AttributeValues.string(TableKeys.rosterPartition(tenant: tenant))],
            "Limit": .integer(limit + 1),
        ]
        if let after { parameters["ExclusiveStartKey"] = RosterItem.key(tenant: tenant, meter: after) }
        _ = try queryPages(parameters, maxPages: 1000) { items, _ in
            for item in items {
                guard let meter = RosterItem.meter(of: item, tenant: tenant) else { continue }
                guard meters.count < limit else {
                    more = true
                    return false
                }
                meters.append(meter)
            }
            return true
        }
        var items: [JSONValue] = []
        for chunk in stride(from: 0, to: meters.count, by: DynamoDBClient.batchGetLimit) {
            try spend()
            let keys = meters[chunk..<min(meters.count, chunk + DynamoDBClient.batchGetLimit)].map {
                MeterDayItem.key(tenant: tenant, meter: $0, date: date)
            }
            items += try QueryFailure.awsCall { () throws(AWSError) in
                try dynamo.batchGet(table: table, keys: Array(keys), consistent: true)
            }
        }
        return (meters, MeterDayShortfall.of(meters, tenant: tenant, items: items), more ? meters.last : nil)
    }

    /// The tenant's roster as a whole, or nil when it set none.
    func rosterSummary(tenant: String) throws(QueryFailure) -> RosterSummary? {
        try getItem(RosterSummary.key(tenant: tenant), consistent: false).flatMap(RosterSummary.init(item:))
    }
}
