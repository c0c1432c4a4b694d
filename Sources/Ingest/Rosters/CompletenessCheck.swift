import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// The daily check of tenants' rosters (an hourly schedule's `{"completeness": {}}`): for each tenant whose roster
/// has an alert time, once its local time (its market zone, UTC without one) passes that time, the day before is
/// held against the roster, and when any meter has no reading or one with gaps, the alert topic is told. Each day is
/// checked once: the roster's `checkedThrough` moves on only by a conditional write, after the alert is sent (a
/// check cut short sends it again, never not at all).
struct CompletenessCheck {
    let dynamo: DynamoDBClient
    let sns: SNSClient
    let table: String
    let alertTopicARN: String?
    let zones: [String: ZoneRules]
    let logger: LambdaLogger

    /// Roster meters read a page at a time; each page's meter-days in BatchGetItems of 100.
    static let pageMeters = 1000
    /// Meters an alert names; the rest are counted.
    static let namedInAlert = 20

    struct Summary {
        var rosters = 0
        var checked: [String] = []
        var alerted: [String] = []

        var json: JSONValue {
            [
                "rosters": .integer(rosters), "checked": .array(checked.map(JSONValue.string)),
                "alerted": .array(alerted.map(JSONValue.string)),
            ]
        }
    }

    func run(nowMilliseconds: Int, deadline: Deadline) throws(IngestFailure) -> Summary {
        var summary = Summary()
        var rosters: [RosterSummary] = []
        try IngestFailure.awsCall { () throws(AWSError) in
            _ = try dynamo.queryPages(
                table: table,
                parameters: [
                    "KeyConditionExpression": "pk = :pk",
                    "ExpressionAttributeValues": [":pk": AttributeValues.string(TableKeys.rostersPartition)],
                ]
            ) { items, _ in
                rosters += items.compactMap(RosterSummary.init(item:))
                return true
            }
        }
        summary.rosters = rosters.count
        for roster in rosters {
            guard !deadline.hasPassed else { throw .deadlineNear }
            guard let alertAt = roster.alertAt, let day = try dayDue(roster, alertAt: alertAt, now: nowMilliseconds)
            else { continue }
            let shortfalls = try shortfalls(of: roster.tenant, on: day, deadline: deadline)
            if !shortfalls.isEmpty {
                try alert(roster, day: day, shortfalls)
                summary.alerted.append("\(roster.tenant) \(day)")
            }
            try markChecked(roster.tenant, through: day)
            summary.checked.append("\(roster.tenant) \(day)")
        }
        return summary
    }

    /// The day to check now: the tenant's yesterday, once its local time of day is past the alert time and that day
    /// is not checked yet.
    private func dayDue(_ roster: RosterSummary, alertAt: Int, now: Int) throws(IngestFailure) -> CalendarDate? {
        let item = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(table: table, key: TenantSettings.key(tenant: roster.tenant))
        }
        let zone = item.flatMap(TenantSettings.init(item:))?.zone.flatMap { zones[$0] }
        let instant = now / 1000
        let local = instant + (zone?.offset(at: instant) ?? 0)
        let today = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let day = CalendarDate(daysSinceEpoch: today - 1)
        guard (local - today * 86_400) / 60 >= alertAt, roster.checkedThrough.map({ $0 < day }) ?? true else {
            return nil
        }
        return day
    }

    /// The roster's meters with no reading that counts on `day`, or with gaps, in roster order.
    private func shortfalls(of tenant: String, on day: CalendarDate, deadline: Deadline) throws(IngestFailure)
        -> [MeterDayShortfall]
    {
        var found: [MeterDayShortfall] = []
        var start: JSONValue?
        repeat {
            guard !deadline.hasPassed else { throw .deadlineNear }
            var meters: [String] = []
            var parameters: [String: JSONValue] = [
                "TableName": .string(table), "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": [":pk": AttributeValues.string(TableKeys.rosterPartition(tenant: tenant))],
                "Limit": .integer(Self.pageMeters),
            ]
            if let start { parameters["ExclusiveStartKey"] = start }
            let answer = try IngestFailure.awsCall { () throws(AWSError) in
                try dynamo.call("Query", .object(parameters))
            }
            meters = (answer["Items"]?.arrayValue ?? []).compactMap { RosterItem.meter(of: $0, tenant: tenant) }
            start = answer["LastEvaluatedKey"]
            let keys = meters.map { MeterDayItem.key(tenant: tenant, meter: $0, date: day) }
            let items = try IngestFailure.awsCall { () throws(AWSError) in
                try dynamo.batchGet(table: table, keys: keys, consistent: true)
            }
            found += MeterDayShortfall.of(meters, tenant: tenant, items: items)
        } while start != nil
        return found
    }

    private func alert(_ roster: RosterSummary, day: CalendarDate, _ shortfalls: [MeterDayShortfall])
        throws(IngestFailure)
    {
        guard let alertTopicARN else {
            logger.error(
                "day incomplete, and no alert topic is set",
                ["tenant": .string(roster.tenant), "date": .string(day.description)])
            return
        }
        let missing = shortfalls.filter { $0.status == .missing }
        let message: JSONValue = [
            "kind": "day-incomplete", "tenant": .string(roster.tenant), "date": .string(day.description),
            "rosterMeters": .integer(roster.meters), "missing": .integer(missing.count),
            "incomplete": .integer(shortfalls.count - missing.count),
            "meters": .array(
                shortfalls.prefix(Self.namedInAlert).map {
                    ["meter": .string($0.meter), "status": .string($0.status.rawValue)]
                }),
        ]
        try IngestFailure.awsCall { () throws(AWSError) in
            try sns.publish(
                topic: alertTopicARN, subject: "Daily Consumption: \(roster.tenant)'s \(day) is incomplete",
                message: message.serialized)
        }
    }

    /// Moves the roster's `checkedThrough` on to `day`, unless another run already did.
    private func markChecked(_ tenant: String, through day: CalendarDate) throws(IngestFailure) {
        let through = AttributeValues.string(day.description)
        var update = UpdateExpression()
        update.set(RosterSummary.Attribute.checkedThrough, through)
        let checked = update.name(RosterSummary.Attribute.checkedThrough)
        let behind = "attribute_not_exists(\(checked)) OR \(checked) < \(update.value(through))"
        _ = try IngestFailure.conditionalWrite { () throws(AWSError) in
            try dynamo.updateItem(
                table: table, key: RosterSummary.key(tenant: tenant),
                expression: update.request(condition: "attribute_exists(pk) AND (\(behind))"))
        }
    }
}
