import ConsumptionTable
import JSON

/// A ledger item as the API shows it (`LedgerEntry` in openapi.json): what became of one object version. The names
/// are the API's own: most read as the table's attributes do, but the key and the tag are `key` and `version`, and
/// what is only ingest's bookkeeping (validated, written so far, alerted, purged) is not shown.
enum LedgerEntry {
    static func json(_ item: LedgerItem) -> JSONValue {
        var entry: [String: JSONValue] = [:]
        func put(_ name: String, _ text: String?) {
            if let text { entry[name] = .string(text) }
        }
        func put(_ name: String, _ number: Int?) {
            if let number { entry[name] = .integer(number) }
        }
        put("key", item.key)
        put("tag", item.tag)
        put("versionId", item.versionID)
        put("eTag", item.eTag)
        put("status", item.status?.rawValue)
        put("startedAt", item.startedAt)
        put("finishedAt", item.finishedAt)
        put("deletedAt", item.deletedAt)
        put("format", item.format)
        put("unit", item.settings?.unit.rawValue)
        put("zone", item.settings?.zone)
        put("errorSummary", item.errorSummary)
        put("reportKey", item.reportKey)
        put("lastError", item.lastError)
        put("lastErrorAt", item.lastErrorAt)
        put("rows", item.rows)
        put("meterDays", item.meterDays)
        put("days", item.days)
        put("bytes", item.bytes)
        put("errorCount", item.errorCount)
        put("attempts", item.attempts)
        put("durationMs", item.durationMilliseconds)
        put("objectSize", item.size)
        put("lastModified", item.lastModified)
        put("exportMeterDays", item.exportMeterDays)
        put("skippedChannelDays", item.skippedChannelDays)
        // A file written range by range: how far the job is (meter-days written so far, by whole ranges).
        if let job = item.job {
            var written = 0
            for index in job.done {
                let next = index + 1 < job.starts.count ? job.starts[index + 1].meterDay : item.meterDays
                written += (next ?? job.starts[index].meterDay) - job.starts[index].meterDay
            }
            entry["ranges"] = [
                "total": .integer(job.starts.count), "done": .integer(job.done.count),
                "meterDaysWritten": .integer(written),
            ]
        }
        return .object(entry)
    }
}
