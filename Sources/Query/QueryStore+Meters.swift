import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON

/// A meter's days as the API reads them: its meter-day items (one Query of its partition), and the readings they
/// name where intervals are asked for.
extension QueryStore {
    struct MeterReading {
        var date: CalendarDate
        var value: ExactDecimal
        var intervals: [String]?
        var key: String
        var versionID: String?
        var eTag: String
        var lastModified: Int
        var line: Int
        var marks: ReadingMarks
    }

    /// The meter's counting readings in `range` from `start`, one per day, at most `limit` days; and the day to go on
    /// from. One Query of the meter's meter-day items, which name the reading that counts.
    func meterReadings(tenant: String, meter: String, range: ClosedRange<CalendarDate>, start: CalendarDate, limit: Int)
        throws(QueryFailure) -> (readings: [MeterReading], next: CalendarDate?)
    {
        let (days, next) = try countingDays(tenant: tenant, meter: meter, range: range, start: start, limit: limit)
        return (days.map { MeterReading(day: $0.date, counting: $0.counting, intervals: nil) }, next)
    }

    /// The readings that count for the meter's days in `range` from `start`, with their intervals, at most `limit`
    /// days; and the day to go on from. The meter-day items' Query, then one BatchGetItem per hundred readings.
    func meterIntervals(
        tenant: String, meter: String, range: ClosedRange<CalendarDate>, start: CalendarDate, limit: Int
    ) throws(QueryFailure) -> (readings: [ReadingItem], next: CalendarDate?) {
        let (days, next) = try countingDays(tenant: tenant, meter: meter, range: range, start: start, limit: limit)
        let wanted = days.map {
            ReadingItem(
                tenant: tenant, meter: meter, date: $0.date, version: $0.counting.version, value: $0.counting.value,
                intervals: nil, line: $0.counting.line, marks: $0.counting.marks)
        }
        var stored: [CalendarDate: ReadingItem] = [:]
        for chunk in stride(from: 0, to: wanted.count, by: DynamoDBClient.batchGetLimit) {
            try spend()
            let keys = wanted[chunk..<min(wanted.count, chunk + DynamoDBClient.batchGetLimit)].map(\.key)
            for item in try QueryFailure.awsCall({ () throws(AWSError) in
                try dynamo.batchGet(table: table, keys: keys, consistent: true)
            }) {
                guard let found = ReadingItem(item: item) else { continue }
                stored[found.date] = found
            }
        }
        // A reading the meter-day names and the table no longer holds (retired since) is left as the meter-day says.
        return (wanted.map { stored[$0.date] ?? $0 }, next)
    }

    /// The meter-day items of `range` from `start` that have a counting reading, at most `limit`; and the day to go
    /// on from. One Query of the meter's partition.
    private func countingDays(
        tenant: String, meter: String, range: ClosedRange<CalendarDate>, start: CalendarDate, limit: Int
    ) throws(QueryFailure) -> (days: [(date: CalendarDate, counting: MeterDayItem.Counting)], next: CalendarDate?) {
        var days: [(date: CalendarDate, counting: MeterDayItem.Counting)] = []
        var next: CalendarDate?
        let parameters: [String: JSONValue] = [
            "ConsistentRead": true,
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
            "ExpressionAttributeValues": [
                ":pk": AttributeValues.string(TableKeys.meterPartition(tenant: tenant, meter: meter)),
                ":from": AttributeValues.string(TableKeys.meterDaySort(date: start)),
                ":to": AttributeValues.string(TableKeys.meterDaySort(date: range.upperBound)),
            ],
            "Limit": .integer(limit + 1),
        ]
        _ = try queryPages(parameters, maxPages: 1000) { items, _ in
            for item in items {
                guard let day = MeterDayItem(item: item), let counting = day.counting else { continue }
                if days.count == limit {
                    next = day.date
                    return false
                }
                days.append((day.date, counting))
            }
            return true
        }
        return (days, next)
    }

    /// The meter's counting reading of `date` with its interval values and source, or nil: the meter-day item,
    /// then the reading it names.
    func meterDay(tenant: String, meter: String, date: CalendarDate) throws(QueryFailure) -> MeterReading? {
        guard
            let item = try getItem(MeterDayItem.key(tenant: tenant, meter: meter, date: date), consistent: true),
            let counting = MeterDayItem(item: item)?.counting
        else { return nil }
        let reading = ReadingItem(
            tenant: tenant, meter: meter, date: date, version: counting.version, value: counting.value, intervals: nil,
            line: counting.line)
        let stored = try getItem(reading.key, consistent: true).flatMap(ReadingItem.init(item:))
        return MeterReading(day: date, counting: counting, intervals: stored?.intervals)
    }

}

extension QueryStore.MeterReading {
    init(day: CalendarDate, counting: MeterDayItem.Counting, intervals: [ExactDecimal]?) {
        self.init(
            date: day, value: counting.value, intervals: intervals?.map(\.description), key: counting.version.key,
            versionID: counting.version.versionID, eTag: counting.version.eTag,
            lastModified: counting.version.lastModified, line: counting.line, marks: counting.marks)
    }
}
