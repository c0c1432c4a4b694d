import JSON

/// One object version's entry in the ledger: what became of it (its status, times, counts, error summary and
/// report), which an operator reads instead of the logs, and how far an attempt cut short got.
///
/// Each step of an attempt records its own attributes with one UpdateItem (started, counted, validated, finished,
/// alerted, deleted, purged), so an item holds any subset of them and every field here may be nil. A value with
/// only some fields set is what one step records: `attributes` are the fields set.
public struct LedgerItem: Sendable, Equatable {
    /// The object's key, whole (the sort key holds its hash when the key is long: `TableKeys.ledgerKeyPrefix`).
    public var key: String?
    public var tag: String?
    public var versionID: String?
    public var eTag: String?
    /// Whole seconds since the epoch.
    public var lastModified: Int?
    /// The object's size in bytes.
    public var size: Int?

    public var status: LedgerStatus?
    /// Attempts started: each adds one.
    public var attempts: Int?
    public var startedAt: String?
    /// When the version became final (ingested, rejected, unassigned); removed when an attempt starts again.
    public var finishedAt: String?
    /// When the version stopped counting, its object deleted or overwritten.
    public var deletedAt: String?
    /// How long the attempt that finished the version took, where it was timed (0 where it was not).
    public var durationMilliseconds: Int?
    /// Why the last attempt stopped (`IngestFailure.ledgerNote`), until the version is final.
    public var lastError: String?
    public var lastErrorAt: String?
    /// The alert about this version (rejected, unassigned) went out: it goes out once.
    public var alertedAt: String?
    /// The readings and pages of a retired version were deleted after S3 deleted the version for good.
    public var purgedAt: String?
    /// The key's switch (its source item's switch count) that made the version count (`ingested`) or stop counting
    /// (`deleted`): of two such marks, only that of the later switch is written, whatever order they land in.
    public var decidedBySwitch: Int?

    /// The file passed validation in an earlier attempt (the same bytes: the version is the same).
    public var validated: Bool?
    /// Meter-days an earlier attempt wrote, in the parser's order.
    public var writtenMeterDays: Int?
    /// Set when the file is written range by range.
    public var job: RangeJob?

    /// What reading the file in full found (recorded together, `format` and the rest when there are some).
    public var rows: Int?
    public var meterDays: Int?
    public var days: Int?
    public var bytes: Int?
    public var format: String?
    public var errorCount: Int?
    /// Channel-days of a NEM12 file stored as export meter-days (among `meterDays`), and not stored at all.
    public var exportMeterDays: Int?
    public var skippedChannelDays: Int?
    /// `3 errors: invalid-number 2, negative-value 1; first: line 4, column 0:30: ...`; for an unassigned object,
    /// why it belongs to no tenant.
    public var errorSummary: String?
    /// The rejection report's S3 key.
    public var reportKey: String?
    /// The unit and zone the file was read in when it was validated (the tenant's settings then): every later pass
    /// over the same version reads it so, whatever the settings have become.
    public var settings: TenantSettings?

    /// Nothing set: the start of what one step records.
    public init() {}

    public static func key(tenant: String, objectKey: String, tag: String) -> JSONValue {
        TableKeys.key(TableKeys.ledgerPartition(tenant: tenant), TableKeys.ledgerSort(key: objectKey, tag: tag))
    }

    /// The attribute names, for what a step removes, adds to or conditions on, and for filters.
    public enum Attribute {
        public static let key = "objectKey"
        public static let tag = "versionTag"
        public static let versionID = "versionId"
        public static let eTag = "eTag"
        public static let lastModified = "lastModified"
        public static let size = "objectSize"
        public static let status = "status"
        public static let attempts = "attempts"
        public static let startedAt = "startedAt"
        public static let finishedAt = "finishedAt"
        public static let deletedAt = "deletedAt"
        public static let durationMilliseconds = "durationMs"
        public static let lastError = "lastError"
        public static let lastErrorAt = "lastErrorAt"
        public static let alertedAt = "alertedAt"
        public static let purgedAt = "purgedAt"
        public static let decidedBySwitch = "decidedBySwitch"
        public static let validated = "validated"
        public static let writtenMeterDays = "writtenMeterDays"
        /// The job's range starts (a list of `{o: offset, l: line, m: first meter-day}`).
        public static let ranges = "ranges"
        /// The indexes of the ranges written (a number set: `ADD` them one at a time).
        public static let rangesDone = "rangesDone"
        public static let rows = "rows"
        public static let meterDays = "meterDays"
        public static let days = "days"
        public static let bytes = "bytes"
        public static let format = "format"
        public static let errorCount = "errorCount"
        public static let exportMeterDays = "exportMeterDays"
        public static let skippedChannelDays = "skippedChannelDays"
        public static let errorSummary = "errorSummary"
        public static let reportKey = "reportKey"
        public static let unit = "unit"
        public static let zone = "zone"
    }
}
