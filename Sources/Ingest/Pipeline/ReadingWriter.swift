import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// Writes one object version's meter-days as it reads them: a reading item each (in the meter's partition, with
/// the interval values), and the version's meter-day list a page of `VersionPage.capacity` at a time; 25 items to
/// a BatchWriteItem, `parallelism` calls at a time. Plain puts under keys named by the version, so writing the same
/// version again changes nothing, and none of it counts until the source item names the version.
final class ReadingWriter {
    private let dynamo: DynamoDBClient
    private let table: String
    private let tenant: String
    private let version: VersionIdentity
    private let parallelism: Int
    private let deadline: Deadline
    private var pending: [JSONValue] = []
    private var page = VersionPage()
    /// Meter-days seen, in the order the parser gives them (the same order on every read of the same bytes).
    private(set) var meterDays = 0
    /// Meter-days whose readings are known to be in the table: an attempt cut short resumes after them.
    private(set) var writtenMeterDays: Int
    private var pendingMeterDays = 0
    private var pages = 0

    /// Enough items to keep every connection busy for a round.
    private var flushThreshold: Int { DynamoDBClient.batchWriteLimit * parallelism * 2 }

    /// `alreadyWritten`: how many meter-days an earlier attempt wrote; their readings are not written again (their
    /// pages are: a page is written whole, when it is full). `firstMeterDay`: for one range of a file, the index of
    /// its first meter-day in the file (a multiple of the page capacity, so its pages are the file's own).
    init(
        dynamo: DynamoDBClient, table: String, tenant: String, version: VersionIdentity, parallelism: Int,
        deadline: Deadline, firstMeterDay: Int = 0, alreadyWritten: Int = 0
    ) {
        meterDays = firstMeterDay
        pages = firstMeterDay / VersionPage.capacity
        writtenMeterDays = max(alreadyWritten, firstMeterDay)
        self.dynamo = dynamo
        self.table = table
        self.tenant = tenant
        self.version = version
        self.parallelism = parallelism
        self.deadline = deadline
    }

    func add(_ day: MeterDay) {
        meterDays += 1
        page.entries.append(
            VersionPage.Entry(
                meter: day.meter, date: day.date, value: day.value, line: day.line, marks: ReadingMarks(day)))
        if page.entries.count == VersionPage.capacity { closePage() }
        guard meterDays > writtenMeterDays else { return }
        let reading = ReadingItem(
            tenant: tenant, meter: day.meter, date: day.date, version: version, value: day.value,
            intervals: day.intervals, line: day.line, marks: ReadingMarks(day), qualities: day.qualities)
        pending.append(["PutRequest": ["Item": reading.item]])
        pendingMeterDays += 1
    }

    private func closePage() {
        let key = VersionPage.key(tenant: tenant, objectKey: version.key, tag: version.tag, page: pages)
        pending.append(["PutRequest": ["Item": page.item(key: key)]])
        pages += 1
        page = VersionPage()
    }

    func flushIfFull() throws(IngestFailure) {
        if pending.count >= flushThreshold { try flush() }
    }

    /// Writes what is pending; at the end of the file, with the last (partial) page.
    func finish() throws(IngestFailure) {
        if !page.entries.isEmpty { closePage() }
        try flush()
    }

    /// Writes what is pending in one round; the deadline is checked before it, so what was written is counted in
    /// `writtenMeterDays` when the attempt stops.
    func flush() throws(IngestFailure) {
        guard !pending.isEmpty else { return }
        guard !deadline.hasPassed else { throw .deadlineNear }
        try IngestFailure.awsCall { () throws(AWSError) in
            try dynamo.batchWrite(table: table, requests: pending, maxInFlight: parallelism, deadline: deadline)
        }
        pending.removeAll(keepingCapacity: true)
        writtenMeterDays += pendingMeterDays
        pendingMeterDays = 0
    }
}
