import ConsumptionTable
import JSON

/// A ledger item as the API shows it: what became of one object version.
enum LedgerEntry {
    static func json(_ item: JSONValue) -> JSONValue {
        var entry: [String: JSONValue] = [:]
        for name in [
            "objectKey", "versionTag", "versionId", "eTag", "status", "startedAt", "finishedAt", "deletedAt",
            "format", "unit", "zone", "errorSummary", "reportKey", "lastError", "lastErrorAt",
        ] {
            if let text = AttributeValues.string(item, name) { entry[name] = .string(text) }
        }
        for name in [
            "rows", "meterDays", "days", "bytes", "errorCount", "attempts", "durationMs", "objectSize", "lastModified",
            "exportMeterDays", "skippedChannelDays",
        ] {
            if let number = AttributeValues.integer(item, name) { entry[name] = .integer(number) }
        }
        // A file written range by range: how far the job is (meter-days written so far, by whole ranges).
        if let job = RangeJob(item: item) {
            var written = 0
            for index in job.done {
                let next = index + 1 < job.starts.count ? job.starts[index + 1].meterDay : entry["meterDays"]?.intValue
                written += (next ?? job.starts[index].meterDay) - job.starts[index].meterDay
            }
            entry["ranges"] = [
                "total": .integer(job.starts.count), "done": .integer(job.done.count),
                "meterDaysWritten": .integer(written),
            ]
        }
        entry["key"] = entry.removeValue(forKey: "objectKey")
        entry["version"] = entry.removeValue(forKey: "versionTag")
        return .object(entry)
    }
}
