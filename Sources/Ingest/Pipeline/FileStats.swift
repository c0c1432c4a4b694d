import ConsumptionCore
import ConsumptionTable

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

    /// The counts `recorded` set on a ledger item, or nil when none were.
    init?(ledger item: LedgerItem) {
        guard let rows = item.rows, let meterDays = item.meterDays else { return nil }
        self.rows = rows
        self.meterDays = meterDays
        days = item.days ?? 0
        bytes = item.bytes ?? 0
        format = item.format
        errorCount = item.errorCount ?? 0
        errorSummary = item.errorSummary
        reportKey = item.reportKey
        exportMeterDays = item.exportMeterDays ?? 0
        skippedChannelDays = item.skippedChannelDays ?? 0
        settings = item.settings
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

    /// What the ledger records of the counts (the NEM12 channel-days not counted only when there are some).
    var recorded: LedgerItem {
        var item = LedgerItem()
        item.rows = rows
        item.meterDays = meterDays
        item.days = days
        item.bytes = bytes
        item.errorCount = errorCount
        item.format = format
        item.errorSummary = errorSummary
        item.reportKey = reportKey
        if exportMeterDays > 0 { item.exportMeterDays = exportMeterDays }
        if skippedChannelDays > 0 { item.skippedChannelDays = skippedChannelDays }
        item.settings = settings
        return item
    }
}
