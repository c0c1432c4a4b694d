import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import Timekeeping

/// Writes one tenant's day to the analytics layer (`AnalyticsLayout`): the day's totals from its sum shards (as the
/// API reads them), its meter-days from the `DayMeters` index, and the intervals of the readings those meter-days
/// name (`AnalyticsWriter+Intervals`), whole files put again each time, so writing a day twice writes the same
/// bytes. Costs a GetItem of the tenant's settings (its zone), one Query of the sum shards, a Query of the index per
/// sum shard holding meter-days (at most `shardCount`; a page per 1 MB, about 4,000 meter-days), one BatchGetItem
/// per 100 meter-days (their readings, read eventually consistently), and three PUTs (or DELETEs, when no meter-day
/// counts on the day any more).
///
/// The two sources are kept apart and in step by different paths (the stream fold, the index), so a day is written
/// only when they agree shard by shard: the rows of index partition `s` add up to sum shard `s`. Otherwise it is
/// `unsettled`: nothing is written, and the caller tries again later.
public struct AnalyticsWriter {
    let s3: S3Client
    let dynamo: DynamoDBClient
    let table: String
    let bucket: String
    let layout: AnalyticsLayout
    let reader: DayShardReader
    /// The market zones a tenant may set, by name (`MarketZones.load`): interval starts are placed in the tenant's.
    let zones: [String: ZoneRules]

    public init(
        s3: S3Client, dynamo: DynamoDBClient, table: String, bucket: String, layout: AnalyticsLayout,
        zones: [String: ZoneRules]
    ) {
        self.s3 = s3
        self.dynamo = dynamo
        self.table = table
        reader = DayShardReader(dynamo: dynamo, table: table)
        self.bucket = bucket
        self.layout = layout
        self.zones = zones
    }

    public enum Outcome: Equatable, Sendable {
        /// The three files put: this many meter-day rows, this many interval rows, this many compressed bytes.
        case written(meterDays: Int, intervals: Int, bytes: Int)
        /// No meter-day counts on the day: its files are deleted (if there were any).
        case removed
        /// The index and the sums disagree (one of them has not caught up), or a reading the index names is gone (the
        /// day changed meanwhile): nothing written.
        case unsettled(String)
    }

    public func write(tenant: String, date: CalendarDate, deadline: Deadline) throws(IngestFailure) -> Outcome {
        guard !deadline.hasPassed else { throw .deadlineNear }
        let zone = try zone(tenant: tenant)
        let shards = try reader.sumShards(tenant: tenant, date: date)
        // Rows go straight into the compressors, shard after shard in the index's order (then by meter id's bytes),
        // the same every time; only the compressed files are held, a few bytes a row. A shard's readings are read
        // once its rows are known to add up to its sums.
        let meterDays = GzipDeflater()
        meterDays.append(AnalyticsLayout.line(AnalyticsLayout.meterDayColumns))
        let intervals = GzipDeflater()
        intervals.append(AnalyticsLayout.line(AnalyticsLayout.intervalColumns))
        var count = 0
        var intervalCount = 0
        // A shard whose sums hold no meter-day needs no Query: rows the index may still hold there (it lags) are of
        // meter-days that no longer count, and one that counts anew reaches the sums, and marks the day again.
        for shard in 0..<TableKeys.shardCount where shards[shard].map({ DayTotal($0).hasData }) ?? false {
            var named: [(meter: String, counting: MeterDayItem.Counting)] = []
            let indexed = try reader.forEachIndexed(tenant: tenant, date: date, shard: shard, deadline: deadline) {
                item in
                guard let day = item.counting else { return }
                meterDays.append(AnalyticsLayout.line(AnalyticsLayout.meterDayRow(meter: item.meter, date: date, day)))
                named.append((item.meter, day))
                count += 1
            }
            if let disagreement = Self.disagreement(indexed, shards[shard]) {
                return .unsettled("shard \(shard): \(disagreement)")
            }
            let written = try writeIntervals(
                of: named, tenant: tenant, date: date, zone: zone, into: intervals, deadline: deadline)
            guard let written else {
                return .unsettled("shard \(shard): a reading the index names is gone (the day changed meanwhile)")
            }
            intervalCount += written
        }
        guard let first = shards.values.first else { return try remove(tenant: tenant, date: date) }
        let day = shards.values.dropFirst().reduce(into: DayTotal(first)) { $0.add($1) }
        guard day.hasData else { return try remove(tenant: tenant, date: date) }

        let daily = GzipDeflater()
        daily.append(AnalyticsLayout.line(AnalyticsLayout.dailyColumns))
        daily.append(AnalyticsLayout.line(AnalyticsLayout.dailyRow(day)))
        // The daily file last: its totals appear once the rows they add up are there.
        let files = [
            (layout.meterDaysKey(tenant: tenant, date: date), meterDays.finish()),
            (layout.intervalsKey(tenant: tenant, date: date), intervals.finish()),
            (layout.dailyKey(tenant: tenant, date: date), daily.finish()),
        ]
        try IngestFailure.awsCall { () throws(AWSError) in
            for (key, body) in files {
                try s3.putObject(
                    bucket: bucket, key: key, body: body, contentType: "text/tab-separated-values", deadline: deadline)
            }
        }
        return .written(meterDays: count, intervals: intervalCount, bytes: files.reduce(0) { $0 + $1.1.count })
    }

    /// The days of `range` that have sum shards: every day that ever held a meter-day (a day whose readings all went
    /// keeps its shards, at zero), so every day the layer can hold a file of. One Query, page by page.
    public func daysWithSums(tenant: String, range: ClosedRange<CalendarDate>) throws(IngestFailure) -> [CalendarDate] {
        let parameters: [String: JSONValue] = [
            "KeyConditionExpression": "pk = :pk AND sk BETWEEN :from AND :to",
            "ExpressionAttributeValues": [
                ":pk": AttributeValues.string(TableKeys.totalsPartition(tenant: tenant)),
                ":from": AttributeValues.string("\(range.lowerBound)#"),
                ":to": AttributeValues.string("\(range.upperBound)#~"),
            ],
            "ProjectionExpression": "sk",
        ]
        return try IngestFailure.awsCall { () throws(AWSError) in
            var days: [CalendarDate] = []
            _ = try dynamo.queryPages(table: table, parameters: parameters, maxPages: 100_000) { items, _ in
                for item in items {
                    guard let sk = AttributeValues.string(item, "sk"), let date = CalendarDate(String(sk.prefix(10)))
                    else { continue }
                    if days.last != date { days.append(date) }
                }
                return true
            }
            return days
        }
    }

    private func remove(tenant: String, date: CalendarDate) throws(IngestFailure) -> Outcome {
        try IngestFailure.awsCall { () throws(AWSError) in
            try s3.deleteObject(bucket: bucket, key: layout.dailyKey(tenant: tenant, date: date))
            try s3.deleteObject(bucket: bucket, key: layout.meterDaysKey(tenant: tenant, date: date))
            try s3.deleteObject(bucket: bucket, key: layout.intervalsKey(tenant: tenant, date: date))
        }
        return .removed
    }

    /// Nil when the index's rows of a shard add up to its sum shard; else what differs.
    static func disagreement(_ indexed: StreamFolder.Delta, _ shard: DaySumItem?) -> String? {
        let differences = SumDifference.between(shard, indexed)
        guard !differences.isEmpty else { return nil }
        return differences.map { "\($0.field): the sums hold \($0.stored), the index \($0.fromItems)" }
            .joined(separator: "; ")
    }
}
