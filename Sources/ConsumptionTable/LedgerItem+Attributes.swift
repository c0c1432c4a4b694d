import ConsumptionCore
import JSON

/// The ledger item to and from DynamoDB attributes: the one place its attribute names are read and written.
extension LedgerItem {
    /// Any item of the ledger parses: an attribute that is missing, or not of its type, is nil here.
    public init(item: JSONValue) {
        func string(_ name: String) -> String? { AttributeValues.string(item, name) }
        func integer(_ name: String) -> Int? { AttributeValues.integer(item, name) }
        key = string(Attribute.key)
        tag = string(Attribute.tag)
        versionID = string(Attribute.versionID)
        eTag = string(Attribute.eTag)
        lastModified = integer(Attribute.lastModified)
        size = integer(Attribute.size)
        status = string(Attribute.status).flatMap(LedgerStatus.init(rawValue:))
        attempts = integer(Attribute.attempts)
        startedAt = string(Attribute.startedAt)
        finishedAt = string(Attribute.finishedAt)
        deletedAt = string(Attribute.deletedAt)
        durationMilliseconds = integer(Attribute.durationMilliseconds)
        lastError = string(Attribute.lastError)
        lastErrorAt = string(Attribute.lastErrorAt)
        alertedAt = string(Attribute.alertedAt)
        purgedAt = string(Attribute.purgedAt)
        decidedBySwitch = integer(Attribute.decidedBySwitch)
        validated = item[Attribute.validated]?["BOOL"]?.boolValue
        writtenMeterDays = integer(Attribute.writtenMeterDays)
        job = RangeJob(item: item)
        rows = integer(Attribute.rows)
        meterDays = integer(Attribute.meterDays)
        days = integer(Attribute.days)
        bytes = integer(Attribute.bytes)
        format = string(Attribute.format)
        errorCount = integer(Attribute.errorCount)
        exportMeterDays = integer(Attribute.exportMeterDays)
        skippedChannelDays = integer(Attribute.skippedChannelDays)
        errorSummary = string(Attribute.errorSummary)
        reportKey = string(Attribute.reportKey)
        settings = string(Attribute.unit).flatMap(EnergyUnit.init(name:)).map {
            TenantSettings(unit: $0, zone: string(Attribute.zone))
        }
    }

    /// The fields set, as attribute values: what a step records, one `SET` each.
    public var attributes: [String: JSONValue] {
        var attributes: [String: JSONValue] = [:]
        func put(_ name: String, _ text: String?) {
            if let text { attributes[name] = AttributeValues.string(text) }
        }
        func put(_ name: String, _ number: Int?) {
            if let number { attributes[name] = AttributeValues.number(number) }
        }
        put(Attribute.key, key)
        put(Attribute.tag, tag)
        put(Attribute.versionID, versionID)
        put(Attribute.eTag, eTag)
        put(Attribute.lastModified, lastModified)
        put(Attribute.size, size)
        put(Attribute.status, status?.rawValue)
        put(Attribute.attempts, attempts)
        put(Attribute.startedAt, startedAt)
        put(Attribute.finishedAt, finishedAt)
        put(Attribute.deletedAt, deletedAt)
        put(Attribute.durationMilliseconds, durationMilliseconds)
        put(Attribute.lastError, lastError)
        put(Attribute.lastErrorAt, lastErrorAt)
        put(Attribute.alertedAt, alertedAt)
        put(Attribute.purgedAt, purgedAt)
        put(Attribute.decidedBySwitch, decidedBySwitch)
        if let validated { attributes[Attribute.validated] = ["BOOL": .bool(validated)] }
        put(Attribute.writtenMeterDays, writtenMeterDays)
        if let job {
            attributes[Attribute.ranges] = job.rangesAttribute
            // DynamoDB refuses an empty set: a job none of whose ranges is written has no `rangesDone`.
            if !job.done.isEmpty { attributes[Attribute.rangesDone] = job.doneAttribute }
        }
        put(Attribute.rows, rows)
        put(Attribute.meterDays, meterDays)
        put(Attribute.days, days)
        put(Attribute.bytes, bytes)
        put(Attribute.format, format)
        put(Attribute.errorCount, errorCount)
        put(Attribute.exportMeterDays, exportMeterDays)
        put(Attribute.skippedChannelDays, skippedChannelDays)
        put(Attribute.errorSummary, errorSummary)
        put(Attribute.reportKey, reportKey)
        if let settings {
            put(Attribute.unit, settings.unit.rawValue)
            put(Attribute.zone, settings.zone)
        }
        return attributes
    }
}
