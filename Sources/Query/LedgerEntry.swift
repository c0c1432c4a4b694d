import ConsumptionTable
import JSON

/// A ledger item as the API shows it: what became of one object version.
enum LedgerEntry {
    static func json(_ item: JSONValue) -> JSONValue {
        var entry: [String: JSONValue] = [:]
        for name in [
            "objectKey", "versionTag", "versionId", "eTag", "status", "startedAt", "finishedAt", "deletedAt",
            "format", "errorSummary", "reportKey", "lastError", "lastErrorAt",
        ] {
            if let text = AttributeValues.string(item, name) { entry[name] = .string(text) }
        }
        for name in [
            "rows", "meterDays", "days", "bytes", "errorCount", "attempts", "durationMs", "objectSize", "lastModified",
        ] {
            if let number = AttributeValues.integer(item, name) { entry[name] = .integer(number) }
        }
        entry["key"] = entry.removeValue(forKey: "objectKey")
        entry["version"] = entry.removeValue(forKey: "versionTag")
        return .object(entry)
    }
}
