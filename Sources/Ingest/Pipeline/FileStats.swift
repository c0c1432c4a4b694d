import ConsumptionCore
import ConsumptionTable
import JSON

/// What reading one object version found: the counts for the ledger, the log line and the metrics.
public struct FileStats: Sendable, Equatable {
    public var rows = 0
    public var meterDays = 0
    public var days = 0
    public var bytes = 0
    public var format: String?
    public var errorCount = 0
    /// `3 errors: invalid-number 2, negative-value 1; first: line 4, column 0:30: ...`
    public var errorSummary: String?
    public var reportKey: String?
    /// The ranges still to be written by other invocations; nil when every reading is written (or none will be).
    public var rangesInFlight: Int?
    /// Channel-days of a NEM12 file not counted as consumption: exported energy (stored as export meter-days, among
    /// `meterDays`), and channels of neither imported nor exported energy (not stored).
    public var exportMeterDays = 0
    public var skippedChannelDays = 0
    /// The unit and market time zone CSV values were read in (the tenant's settings when it was validated).
    public var settings: TenantSettings?

    init(result: MeterFileResult, meterDays: Int) {
        rows = result.rows
        self.meterDays = meterDays
        days = result.totals.byDate.count
        bytes = result.inputBytes
        format = result.format.map { "\($0)" }
        errorCount = result.report.errorCount
        if !result.report.isValid { errorSummary = Self.summary(of: result.report) }
        let overall = result.totals.overall
        exportMeterDays = overall.exportMeters
        skippedChannelDays = overall.skippedChannels
    }

    /// The counts `ledgerAttributes` recorded, or nil when none were.
    init?(ledgerItem item: JSONValue) {
        guard let rows = AttributeValues.integer(item, "rows"),
            let meterDays = AttributeValues.integer(item, "meterDays")
        else { return nil }
        self.rows = rows
        self.meterDays = meterDays
        days = AttributeValues.integer(item, "days") ?? 0
        bytes = AttributeValues.integer(item, "bytes") ?? 0
        format = AttributeValues.string(item, "format")
        errorCount = AttributeValues.integer(item, "errorCount") ?? 0
        errorSummary = AttributeValues.string(item, "errorSummary")
        reportKey = AttributeValues.string(item, "reportKey")
        exportMeterDays = AttributeValues.integer(item, "exportMeterDays") ?? 0
        skippedChannelDays = AttributeValues.integer(item, "skippedChannelDays") ?? 0
        settings = TenantSettings(ledgerItem: item)
    }

    static func summary(of report: ValidationReport) -> String {
        let counts = report.countsByCode.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        var text = "\(report.errorCount) error\(report.errorCount == 1 ? "" : "s"): \(counts)"
        if let first = report.errors.first {
            text += "; first: line \(first.line)" + (first.column.map { ", column \($0)" } ?? "") + ": \(first.message)"
        }
        return text
    }

    var ledgerAttributes: [String: JSONValue] {
        var attributes: [String: JSONValue] = [
            "rows": AttributeValues.number(rows), "meterDays": AttributeValues.number(meterDays),
            "days": AttributeValues.number(days), "bytes": AttributeValues.number(bytes),
            "errorCount": AttributeValues.number(errorCount),
        ]
        if let format { attributes["format"] = AttributeValues.string(format) }
        if let errorSummary { attributes["errorSummary"] = AttributeValues.string(errorSummary) }
        if let reportKey { attributes["reportKey"] = AttributeValues.string(reportKey) }
        if exportMeterDays > 0 { attributes["exportMeterDays"] = AttributeValues.number(exportMeterDays) }
        if skippedChannelDays > 0 { attributes["skippedChannelDays"] = AttributeValues.number(skippedChannelDays) }
        if let settings { attributes.merge(settings.ledgerAttributes) { _, new in new } }
        return attributes
    }
}

extension TenantSettings {
    /// The settings a ledger item records a version was read with; nil before it was validated.
    init?(ledgerItem item: JSONValue) {
        guard let unit = AttributeValues.string(item, "unit").flatMap(EnergyUnit.init(name:)) else { return nil }
        self.init(unit: unit, zone: AttributeValues.string(item, "zone"))
    }

    var ledgerAttributes: [String: JSONValue] {
        var attributes = ["unit": AttributeValues.string(unit.rawValue)]
        if let zone { attributes["zone"] = AttributeValues.string(zone) }
        return attributes
    }
}
