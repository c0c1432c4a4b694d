import ConsumptionCore
import ConsumptionTable
import LambdaRuntime
import Timekeeping

/// The ingest function's settings, read from its environment once at start-up. Anything missing or malformed is
/// an init error, so a misconfigured function never takes a message.
public struct IngestConfiguration: Sendable, Equatable {
    public var tableName: String
    /// Objects under this prefix are meter files: `<incomingPrefix><tenant>/...`, or directly under it for the
    /// default tenant.
    public var incomingPrefix: String
    /// Rejection reports go to `<reportsPrefix><tenant>/<key>.<version>.json`.
    public var reportsPrefix: String
    public var defaultTenant: String
    public var allowNegative: Bool
    public var intervalCeiling: ExactDecimal
    public var earliestDate: CalendarDate
    /// Nil: a year after the day the file is read.
    public var latestDate: CalendarDate?
    /// DynamoDB requests in flight at once.
    public var writeParallelism: Int
    /// The size of each ranged read while writing (the validation pass streams the object in one request).
    public var readChunkBytes: Int
    /// Work stops this long before the invocation's deadline, so the message can be failed cleanly.
    public var deadlineMarginMilliseconds: Int
    /// The SNS topic told of every rejected or unassigned file (`ALERT_TOPIC_ARN`); nil: none is told.
    public var alertTopicARN: String?
    /// A read of an object that moves no byte for this many seconds is dropped and resumed
    /// (`TRANSFER_STALL_SECONDS`).
    public var stallSeconds: Int
    /// Where the work of a large file goes to be done by other invocations (`WORK_QUEUE_URL`): its ranges to write,
    /// its meter-days to settle; nil: every file is written and settled by the invocations that read it.
    public var workQueueURL: String?
    /// S3 notifies a queue of its own, whose messages are sorted into the ingest queue by tenant (`NotificationSorter`);
    /// nil: every queue's messages are ingested as they come.
    public var sorting: NotificationSorting?
    /// A file of at least `fanOutBytes` (`FAN_OUT_BYTES`) that can be cut is written in ranges of about `rangeBytes`
    /// (`RANGE_BYTES`) by whichever invocations take them.
    public var fanOutBytes: Int
    public var rangeBytes: Int
    /// A version with more meter-days than this to offer or retire after a switch is settled in parts of this many
    /// (`SETTLE_PART_METER_DAYS`, whole pages) by whichever invocations take them.
    public var settlePartMeterDays: Int
    /// The core's caps on gzip output and on meter-days gathered in memory.
    public var maxInflatedBytes: Int
    public var maxInflationRatio: Int
    public var maxGatheredMeterDays: Int
    /// Where scheduled runs write the analytics layer (`ANALYTICS_BUCKET`, nil: this function writes none), under
    /// `ANALYTICS_PREFIX`; a day is written once its mark is `ANALYTICS_QUIET_SECONDS` old.
    public var analyticsBucket: String?
    public var analyticsPrefix: String
    public var analyticsQuietSeconds: Int
    /// Where the market zones' TZif files are looked for (`MarketZones.directories`).
    public var zoneinfoDirectories: [String]
    /// The market zones tenants may set, by name, once `loadZones` has read them.
    public var zones: [String: ZoneRules] = [:]

    public static func fromEnvironment(_ environment: [String: String]) throws(LambdaError) -> IngestConfiguration {
        func value(_ name: String) -> String? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            return text
        }
        func invalid(_ name: String, _ expected: String) -> LambdaError {
            LambdaError.invalidConfiguration("\(name)=\(environment[name] ?? "") is not valid: expected \(expected)")
        }
        func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) throws(LambdaError) -> Int {
            guard let text = value(name) else { return fallback }
            guard let number = Int(text), range.contains(number) else {
                throw invalid(name, "an integer in \(range.lowerBound)...\(range.upperBound)")
            }
            return number
        }
        func date(_ name: String) throws(LambdaError) -> CalendarDate? {
            guard let text = value(name) else { return nil }
            guard let parsed = CalendarDate(text) else { throw invalid(name, "a date as YYYY-MM-DD") }
            return parsed
        }
        func prefix(_ name: String, default fallback: String) throws(LambdaError) -> String {
            let text = value(name) ?? fallback
            guard text.hasSuffix("/"), !text.hasPrefix("/") else { throw invalid(name, "a key prefix ending in '/'") }
            return text
        }

        func topic(_ name: String) throws(LambdaError) -> String? {
            guard let text = value(name) else { return nil }
            guard text.hasPrefix("arn:"), text.split(separator: ":").count >= 6 else {
                throw invalid(name, "an SNS topic ARN")
            }
            return text
        }

        func sorting() throws(LambdaError) -> NotificationSorting? {
            switch (value("NOTIFICATION_QUEUE_ARN"), value("INGEST_QUEUE_URL")) {
            case (nil, nil): return nil
            case (let arn?, let url?):
                guard arn.hasPrefix("arn:"), arn.split(separator: ":").count == 6 else {
                    throw invalid("NOTIFICATION_QUEUE_ARN", "an SQS queue ARN")
                }
                return NotificationSorting(notificationQueueARN: arn, ingestQueueURL: url)
            case (nil, _): throw invalid("NOTIFICATION_QUEUE_ARN", "set with INGEST_QUEUE_URL")
            case (_, nil): throw invalid("INGEST_QUEUE_URL", "set with NOTIFICATION_QUEUE_ARN")
            }
        }

        // A part is whole pages, so parts never share a page.
        func settlePart() throws(LambdaError) -> Int {
            let name = "SETTLE_PART_METER_DAYS"
            let count = try integer(name, default: 100_000, range: VersionPage.capacity...10_000_000)
            guard count % VersionPage.capacity == 0 else {
                throw invalid(name, "a multiple of \(VersionPage.capacity)")
            }
            return count
        }

        guard let tableName = value("TABLE_NAME") else {
            throw LambdaError.invalidConfiguration("TABLE_NAME must be set")
        }
        let incoming = try prefix("INCOMING_PREFIX", default: "incoming/")
        let reports = try prefix("REPORTS_PREFIX", default: "reports/")
        // Reports written under the incoming prefix would be read back as meter files, forever.
        guard !reports.hasPrefix(incoming), !incoming.hasPrefix(reports) else {
            throw invalid("REPORTS_PREFIX", "a prefix that neither contains nor lies inside INCOMING_PREFIX")
        }
        let analytics = try prefix("ANALYTICS_PREFIX", default: "analytics/")
        // Analytics files under the incoming prefix would be read back as meter files.
        guard !analytics.hasPrefix(incoming), !incoming.hasPrefix(analytics) else {
            throw invalid("ANALYTICS_PREFIX", "a prefix that neither contains nor lies inside INCOMING_PREFIX")
        }
        let tenant = value("DEFAULT_TENANT") ?? "default"
        guard Tenancy.isValidTenant(tenant) else { throw invalid("DEFAULT_TENANT", Tenancy.tenantRule) }
        let allowNegative: Bool
        switch value("ALLOW_NEGATIVE") ?? "false" {
        case "true": allowNegative = true
        case "false": allowNegative = false
        default: throw invalid("ALLOW_NEGATIVE", "true or false")
        }
        var ceiling = ValidationRules.defaultIntervalCeiling
        if let text = value("INTERVAL_CEILING_KWH") {
            guard let parsed = ExactDecimal(text), parsed > .zero else {
                throw invalid("INTERVAL_CEILING_KWH", "a positive decimal")
            }
            ceiling = parsed
        }
        let memory = try integer("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", default: 128, range: 128...10_240)
        let earliest = try date("EARLIEST_DATE") ?? ValidationRules.defaultEarliestDate
        let latest = try date("LATEST_DATE")
        if let latest, latest < earliest { throw invalid("LATEST_DATE", "a date not before EARLIEST_DATE") }
        return IngestConfiguration(
            tableName: tableName, incomingPrefix: incoming, reportsPrefix: reports, defaultTenant: tenant,
            allowNegative: allowNegative, intervalCeiling: ceiling, earliestDate: earliest, latestDate: latest,
            writeParallelism: try integer("WRITE_PARALLELISM", default: 8, range: 1...16),
            readChunkBytes: try integer("READ_CHUNK_BYTES", default: 8 << 20, range: (64 << 10)...(64 << 20)),
            deadlineMarginMilliseconds: try integer("DEADLINE_MARGIN_MS", default: 10_000, range: 0...600_000),
            alertTopicARN: try topic("ALERT_TOPIC_ARN"),
            stallSeconds: try integer("TRANSFER_STALL_SECONDS", default: 10, range: 1...300),
            workQueueURL: value("WORK_QUEUE_URL"), sorting: try sorting(),
            fanOutBytes: try integer("FAN_OUT_BYTES", default: 256 << 20, range: (64 << 10)...(1 << 50)),
            rangeBytes: try integer("RANGE_BYTES", default: 32 << 20, range: (16 << 10)...(1 << 40)),
            settlePartMeterDays: try settlePart(),
            maxInflatedBytes: try integer(
                "GZIP_MAX_BYTES", default: ValidationRules.defaultMaxInflatedBytes, range: (1 << 20)...(1 << 50)),
            maxInflationRatio: try integer(
                "GZIP_MAX_RATIO", default: ValidationRules.defaultMaxInflationRatio, range: 10...1_100),
            maxGatheredMeterDays: try integer(
                "MAX_GATHERED_METER_DAYS", default: Self.gatheredMeterDays(memoryMegabytes: memory),
                range: 1...50_000_000),
            analyticsBucket: value("ANALYTICS_BUCKET"), analyticsPrefix: analytics,
            analyticsQuietSeconds: try integer("ANALYTICS_QUIET_SECONDS", default: 30, range: 0...86_400),
            zoneinfoDirectories: MarketZones.directories(
                zoneinfoDirectory: value("ZONEINFO_DIR"), taskRoot: value("LAMBDA_TASK_ROOT")))
    }

    /// Reads the TZif file of every zone a tenant may set (`MarketZones.supported`); one missing or broken fails the
    /// init, not the files of the tenant who set it.
    public mutating func loadZones() throws(LambdaError) {
        let directories = zoneinfoDirectories
        zones = try LambdaError.configuration { () throws(MarketZones.LoadFailure) in
            try MarketZones.load(from: directories, read: TaskFile.contents(of:))
        }
    }

    /// The validation rules as of the wall clock's day (the date window moves with it), for a file read as a
    /// tenant's `settings` say.
    func rulesToday(_ settings: TenantSettings) -> ValidationRules {
        rules(today: CalendarDate(daysSinceEpoch: WallClock.nowMilliseconds() / 86_400_000), settings: settings)
    }

    /// The tenant of a key a piece of work names: a key the work queue carries was placed when it was split.
    func tenant(ofWorkOn key: String) throws(IngestFailure) -> String {
        guard
            case .tenant(let tenant) = Tenancy.place(
                key: key, incomingPrefix: incomingPrefix, defaultTenant: defaultTenant)
        else { throw .corruptItem("work on \(key), which belongs to no tenant") }
        return tenant
    }

    /// The core's rules as of `today`, for files read as a tenant's `settings` say.
    public func rules(today: CalendarDate, settings: TenantSettings) -> ValidationRules {
        ValidationRules(
            today: today, allowNegative: allowNegative, intervalCeiling: intervalCeiling,
            earliestDate: earliestDate, latestDate: latestDate, maxInflatedBytes: maxInflatedBytes,
            maxInflationRatio: maxInflationRatio, maxGatheredMeterDays: maxGatheredMeterDays, unit: settings.unit,
            zone: settings.zone.map(loadedZone))
    }

    /// A tenant's zone as loaded: settings name only supported zones (`TenantSettings` refuses others), and
    /// `loadZones` loaded every one of them or failed the init, so a zone missing here is a bug, not a tenant's.
    private func loadedZone(_ name: String) -> ZoneRules {
        guard let rules = zones[name] else { preconditionFailure("market zone \(name) was not loaded at init") }
        return rules
    }

    /// The default cap on gathered meter-days for a function of `memoryMegabytes`: the core's default at 128 MB
    /// (Lambda's smallest), growing with the memory beyond what the process needs besides.
    static func gatheredMeterDays(memoryMegabytes: Int) -> Int {
        ValidationRules.defaultMaxGatheredMeterDays * memoryMegabytes / 128
    }
}

/// Where S3's notifications arrive (`NOTIFICATION_QUEUE_ARN`) and where they go once sorted (`INGEST_QUEUE_URL`).
public struct NotificationSorting: Sendable, Equatable {
    public var notificationQueueARN: String
    public var ingestQueueURL: String
}
