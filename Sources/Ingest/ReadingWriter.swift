import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime

/// Writes one object version's meter-days as it reads them: two items each (the reading in its day bucket, and
/// the meter's copy with the interval values), 25 to a BatchWriteItem, `parallelism` calls at a time. Plain puts
/// under keys named by the version, so writing the same version again changes nothing.
final class ReadingWriter {
    private let dynamo: DynamoDBClient
    private let table: String
    private let tenant: String
    private let version: ObjectVersion
    private let source: String
    private let tag: String
    private let parallelism: Int
    private let deadline: Int
    private var pending: [MeterDay] = []
    private(set) var buckets = DayBuckets()
    /// Meter-days seen, in the order the parser gives them (the same order on every read of the same bytes).
    private(set) var meterDays = 0
    /// Meter-days known to be in the table: an attempt cut short by the deadline resumes after them.
    private(set) var writtenMeterDays: Int

    /// Enough meter-days to keep every connection busy for a round.
    private var flushThreshold: Int { DynamoDBClient.batchWriteLimit * parallelism * 2 }

    /// `alreadyWritten`: how many meter-days an earlier attempt wrote; they are counted, not written again.
    init(
        dynamo: DynamoDBClient, table: String, tenant: String, version: ObjectVersion, parallelism: Int, deadline: Int,
        alreadyWritten: Int = 0
    ) {
        writtenMeterDays = alreadyWritten
        self.dynamo = dynamo
        self.table = table
        self.tenant = tenant
        self.version = version
        source = TableKeys.sourceID(ofKey: version.key)
        tag = version.tag
        self.parallelism = parallelism
        self.deadline = deadline
    }

    func add(_ day: MeterDay) {
        buckets.insert(date: day.date, bucket: TableKeys.bucket(ofMeter: day.meter))
        meterDays += 1
        if meterDays > writtenMeterDays { pending.append(day) }
    }

    func flushIfFull() throws(IngestFailure) {
        if pending.count >= flushThreshold { try flush() }
    }

    /// Writes what is pending, a round of `flushThreshold` meter-days at a time, stopping between rounds when the
    /// deadline is near (what was written is counted in `writtenMeterDays`).
    func flush() throws(IngestFailure) {
        var start = 0
        defer { pending.removeFirst(start) }
        while start < pending.count {
            guard WallClock.nowMilliseconds() < deadline else { throw .deadlineNear }
            let round = pending[start..<min(pending.count, start + flushThreshold)]
            var requests: [JSONValue] = []
            requests.reserveCapacity(round.count * 2)
            for day in round {
                requests.append(["PutRequest": ["Item": readingItem(day)]])
                requests.append(["PutRequest": ["Item": meterItem(day)]])
            }
            do throws(AWSError) {
                try dynamo.batchWrite(
                    table: table, requests: requests, maxInFlight: parallelism, deadlineMilliseconds: deadline)
            } catch {
                throw .aws(error)
            }
            start += round.count
            writtenMeterDays += round.count
        }
    }

    private func readingItem(_ day: MeterDay) -> JSONValue {
        let bucket = TableKeys.bucket(ofMeter: day.meter)
        return [
            "pk": AttributeValues.string(TableKeys.readingPartition(tenant: tenant, date: day.date, bucket: bucket)),
            "sk": AttributeValues.string(TableKeys.readingSort(source: source, version: tag, meter: day.meter)),
            "meter": AttributeValues.string(day.meter),
            "key": AttributeValues.string(version.key),
            "version": AttributeValues.string(tag),
            "value": AttributeValues.number(day.value),
            "lastModified": AttributeValues.number(version.lastModified),
            "eTag": AttributeValues.string(version.eTag),
        ]
    }

    private func meterItem(_ day: MeterDay) -> JSONValue {
        var item: [String: JSONValue] = [
            "pk": AttributeValues.string(TableKeys.meterPartition(tenant: tenant, meter: day.meter)),
            "sk": AttributeValues.string(TableKeys.meterSort(date: day.date, source: source, version: tag)),
            "date": AttributeValues.string(day.date.description),
            "value": AttributeValues.number(day.value),
            "key": AttributeValues.string(version.key),
            "version": AttributeValues.string(tag),
            "lastModified": AttributeValues.number(version.lastModified),
            "eTag": AttributeValues.string(version.eTag),
            "line": AttributeValues.number(day.line),
        ]
        if let versionID = version.versionID { item["versionId"] = AttributeValues.string(versionID) }
        if let intervals = day.intervals {
            item["intervals"] = AttributeValues.string(intervals.map(\.description).joined(separator: ","))
        }
        return .object(item)
    }
}
