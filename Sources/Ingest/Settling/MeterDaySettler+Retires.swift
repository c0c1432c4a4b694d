import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import Timekeeping

/// A version's retires: the meter-days where it counts are recomputed without it, and once S3 deleted it for good its
/// readings and pages go.
extension MeterDaySettler {
    /// Recomputes each meter-day of the page where the version `tag` of `key` is the reading that counts, or where a
    /// recompute is pending (it may have read the table while the version still counted, and store it after this
    /// check): a conditional bump of its generation finds them, and starts their recompute.
    func retire(_ entries: [VersionPage.Entry], key: String, tag: String, cost: inout MeterDayRecomputer.Cost)
        throws(IngestFailure)
    {
        let bumps: [JSONValue] = entries.map { entry in
            var update = UpdateExpression()
            update.add(MeterDayItem.Attribute.generation, AttributeValues.number(1))
            let generation = update.name(MeterDayItem.Attribute.generation)
            let computed = update.name(MeterDayItem.Attribute.computed)
            let condition =
                "(\(update.name("key")) = \(update.value(AttributeValues.string(key))) AND "
                + "\(update.name("tag")) = \(update.value(AttributeValues.string(tag)))) OR "
                + "(attribute_exists(\(generation)) AND "
                + "(attribute_not_exists(\(computed)) OR \(generation) <> \(computed)))"
            var request = update.request(condition: condition, returnValues: "UPDATED_NEW")
            request["TableName"] = .string(table)
            request["Key"] = MeterDayItem.key(tenant: tenant, meter: entry.meter, date: entry.date)
            return .object(request)
        }
        var generations: [MeterDay: Int] = [:]
        for (entry, answer) in zip(
            entries, dynamo.callAll("UpdateItem", bumps, maxInFlight: parallelism, deadline: deadline))
        {
            if case .failure(let error) = answer, error.isConditionFailed { continue }
            guard
                let generation = AttributeValues.integer(
                    try answer.orIngestFailure()["Attributes"] ?? .null, MeterDayItem.Attribute.generation)
            else { throw .corruptItem("UpdateItem returned no generation") }
            generations[MeterDay(meter: ByteIdentity(entry.meter), date: entry.date)] = generation
        }
        try recomputer.recompute(Array(generations.keys), generations: generations, cost: &cost)
    }

    /// Retires the meter-days `meterDays` of a version whose offers may have landed after it stopped counting.
    func retract(_ version: VersionIdentity, _ meterDays: Range<Int>, cost: inout MeterDayRecomputer.Cost)
        throws(IngestFailure)
    {
        _ = try walk(version.key, version.tag, from: meterDays.lowerBound, to: meterDays.upperBound) {
            (entries, _) throws(IngestFailure) -> Bool in
            try retire(entries, key: version.key, tag: version.tag, cost: &cost)
            return true
        }
    }

    /// Deletes the readings and pages of a retired version S3 has since deleted for good (nothing of it can count
    /// again). Safe to repeat: a page already deleted reads as empty.
    func purge(key: String, tag: String, meterDays: Int) throws(IngestFailure) {
        _ = try walk(key, tag, from: 0, to: meterDays) { (entries, _) throws(IngestFailure) -> Bool in
            try deleteReadings(entries, key: key, tag: tag)
            return true
        }
        try deletePages(of: key, tag: tag, 0..<meterDays)
    }

    /// How many meter-days a version's pages hold, read from its first page until one is missing or not full: what
    /// a purge can reach of a version whose count was never recorded (its attempt died mid-write; a page is written
    /// when full, so its readings past the last full page are on none).
    func pagedMeterDays(key: String, tag: String) throws(IngestFailure) -> Int {
        var meterDays = 0
        // S3's largest object (5 TB) holds fewer pages than this at 20 bytes or more a meter-day.
        for number in 0..<250_000_000 {
            let entries = try page(key, tag, number)
            meterDays += entries.count
            if entries.count < VersionPage.capacity { break }
        }
        return meterDays
    }

    func deleteReadings(_ entries: [VersionPage.Entry], key: String, tag: String) throws(IngestFailure) {
        try write(entries.map { ["DeleteRequest": ["Key": readingKey($0, key: key, tag: tag)]] })
    }

    /// Deletes the pages that hold the meter-days `meterDays` (whole pages) of a retired version.
    func deletePages(of key: String, tag: String, _ meterDays: Range<Int>) throws(IngestFailure) {
        let pages =
            meterDays.lowerBound / VersionPage.capacity..<(meterDays.upperBound + VersionPage.capacity - 1)
            / VersionPage.capacity
        try write(
            pages.map { number in
                ["DeleteRequest": ["Key": VersionPage.key(tenant: tenant, objectKey: key, tag: tag, page: number)]]
            })
    }
}
