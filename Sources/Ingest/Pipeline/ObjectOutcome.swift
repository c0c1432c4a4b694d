import JSON

/// What reconciling one key did, for the log line, the metrics and the caller.
public struct ObjectOutcome: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case ingested, rejected, deleted
        /// Nothing to do: a duplicate or stale event.
        case unchanged
        /// Under the incoming prefix but in no tenant's folder (a bad tenant name, a "folder" key holding bytes):
        /// kept in the reserved tenant's ledger, alerted on, never counted.
        case unassigned
        /// Not a meter file: outside the incoming prefix, an empty "folder" placeholder, or gone.
        case ignored
        /// Too large for one invocation: its ranges are being written, or its meter-days settled, by others.
        case split
    }

    public var kind: Kind
    public var tenant: String?
    public var key: String
    public var version: ObjectVersion?
    public var stats: FileStats?
    /// Meter-days recomputed (a version that counted there stopped, or an offer met a pending recompute), and the
    /// readings those recomputes read: what settling the meter-days cost beyond one write each.
    public var meterDaysRecomputed = 0
    public var readingsRead = 0
    public var durationMilliseconds = 0
    /// Of the duration: reading and writing the file, then settling its meter-days.
    public var readWriteMilliseconds = 0
    public var settleMilliseconds = 0
    /// Settle jobs of the key deleted because their step was over (`MeterDaySettler.sweepJobs`).
    public var jobsSwept = 0
    public var detail: String?

    init(kind: Kind, tenant: String?, key: String, version: ObjectVersion? = nil, detail: String? = nil) {
        self.kind = kind
        self.tenant = tenant
        self.key = key
        self.version = version
        self.detail = detail
    }

    /// The per-object log line's fields.
    public var logFields: [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "outcome": .string(kind.rawValue), "key": .string(key), "durationMs": .integer(durationMilliseconds),
            "meterDaysRecomputed": .integer(meterDaysRecomputed), "readingsRead": .integer(readingsRead),
            "readWriteMs": .integer(readWriteMilliseconds), "settleMs": .integer(settleMilliseconds),
        ]
        if let tenant { fields["tenant"] = .string(tenant) }
        if let version {
            fields["tag"] = .string(version.tag)
            if let versionID = version.versionID { fields["versionId"] = .string(versionID) }
            fields["eTag"] = .string(version.eTag)
        }
        if let stats {
            fields["rows"] = .integer(stats.rows)
            fields["meterDays"] = .integer(stats.meterDays)
            fields["days"] = .integer(stats.days)
            fields["bytes"] = .integer(stats.bytes)
            if durationMilliseconds > 0 {
                fields["bytesPerSecond"] = .integer(stats.bytes * 1000 / durationMilliseconds)
            }
            if let summary = stats.errorSummary { fields["errors"] = .string(summary) }
            if let report = stats.reportKey { fields["report"] = .string(report) }
        }
        if jobsSwept > 0 { fields["jobsSwept"] = .integer(jobsSwept) }
        if let detail { fields["detail"] = .string(detail) }
        return fields
    }
}
