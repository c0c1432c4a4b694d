import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import Timekeeping

/// The `intervals` file of a day: the readings its counting meter-days name, read by key, each one's intervals placed
/// in the tenant's market zone as the API places them (`IntervalDay`).
extension AnalyticsWriter {
    /// BatchGetItem calls in flight while a shard's readings are read: a day of a million meters is 10,000 calls,
    /// too many to make one after another within a run.
    static let readingCallsInFlight = 8

    /// Appends the interval rows of the readings `named` (in their order) to `file`; returns how many, or nil when
    /// a reading named is not in the table (retired since the index was read: the day changed, and is marked again).
    /// The readings are read eventually consistently: a reading is put whole before any meter-day names it and never
    /// changed after, so a read answers it as written, or not at all.
    func writeIntervals(
        of named: [(meter: String, counting: MeterDayItem.Counting)], tenant: String, date: CalendarDate,
        zone: ZoneRules?, into file: GzipDeflater, deadline: Deadline
    ) throws(IngestFailure) -> Int? {
        var rows = 0
        let round = DynamoDBClient.batchGetLimit * Self.readingCallsInFlight
        for start in stride(from: 0, to: named.count, by: round) {
            guard !deadline.hasPassed else { throw .deadlineNear }
            let wanted = named[start..<min(named.count, start + round)].map { meter, counting in
                ReadingItem(
                    tenant: tenant, meter: meter, date: date, version: counting.version, value: counting.value,
                    intervals: nil, line: counting.line, marks: counting.marks)
            }
            let items = try IngestFailure.awsCall { () throws(AWSError) in
                try dynamo.batchGet(
                    table: table, keys: wanted.map(\.key), maxInFlight: Self.readingCallsInFlight, deadline: deadline)
            }
            var stored: [String: ReadingItem] = [:]
            for item in items {
                guard let reading = ReadingItem(item: item) else {
                    throw .corruptItem("reading \(item["pk"]?.serialized ?? "?") \(item["sk"]?.serialized ?? "?")")
                }
                stored[reading.meter] = reading
            }
            for reading in wanted {
                guard let found = stored[reading.meter] else { return nil }
                for row in AnalyticsLayout.intervalRows(found, zone: zone) {
                    file.append(AnalyticsLayout.line(row))
                    rows += 1
                }
            }
        }
        return rows
    }

    /// The tenant's market zone as its settings name it (nil: none set, every day 24 hours). One GetItem.
    func zone(tenant: String) throws(IngestFailure) -> ZoneRules? {
        let item = try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.getItem(table: table, key: TenantSettings.key(tenant: tenant))
        }
        guard let item else { return nil }
        guard let settings = TenantSettings(item: item) else {
            throw .corruptItem("the settings of tenant \(tenant) do not parse")
        }
        guard let name = settings.zone else { return nil }
        // Settings name only supported zones, and every caller loads them all (`MarketZones.load`) or stops.
        guard let rules = zones[name] else { throw .corruptItem("tenant \(tenant)'s zone \(name) was not loaded") }
        return rules
    }
}
