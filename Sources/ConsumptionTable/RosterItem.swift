import ConsumptionCore
import JSON

/// One meter of a tenant's roster: a meter it expects a reading of every day. `/completeness` and the daily check
/// name the roster's meters with no reading that day, and those whose reading has gaps.
public struct RosterItem: Sendable, Equatable {
    public var tenant: String
    public var meter: String

    public init(tenant: String, meter: String) {
        self.tenant = tenant
        self.meter = meter
    }

    public static func key(tenant: String, meter: String) -> JSONValue {
        TableKeys.key(TableKeys.rosterPartition(tenant: tenant), meter)
    }

    public var key: JSONValue { Self.key(tenant: tenant, meter: meter) }

    /// The meter an item of `tenant`'s roster names (its sort key), or nil for another item.
    public static func meter(of item: JSONValue, tenant: String) -> String? {
        guard AttributeValues.string(item, "pk") == TableKeys.rosterPartition(tenant: tenant) else { return nil }
        return AttributeValues.string(item, "sk")
    }

    public var item: JSONValue { key }
}

/// A tenant's roster as a whole, in the table-wide `ROSTERS` partition the daily check walks: how many meters it
/// holds, the local time of day (`HH:MM` in the tenant's market zone, UTC without one) after which the day before is
/// checked, and the last day checked, so each day is checked once.
public struct RosterSummary: Sendable, Equatable {
    public var tenant: String
    public var meters: Int
    /// Minutes after local midnight; nil: no alert is sent.
    public var alertAt: Int?
    public var checkedThrough: CalendarDate?

    public init(tenant: String, meters: Int, alertAt: Int?, checkedThrough: CalendarDate? = nil) {
        self.tenant = tenant
        self.meters = meters
        self.alertAt = alertAt
        self.checkedThrough = checkedThrough
    }

    public enum Attribute {
        public static let meters = "meters"
        public static let alertAt = "alertAt"
        public static let checkedThrough = "checkedThrough"
    }

    public static func key(tenant: String) -> JSONValue {
        TableKeys.key(TableKeys.rostersPartition, tenant)
    }

    public init?(item: JSONValue) {
        guard AttributeValues.string(item, "pk") == TableKeys.rostersPartition,
            let tenant = AttributeValues.string(item, "sk"),
            let meters = AttributeValues.integer(item, Attribute.meters)
        else { return nil }
        self.init(
            tenant: tenant, meters: meters, alertAt: AttributeValues.integer(item, Attribute.alertAt),
            checkedThrough: AttributeValues.date(item, Attribute.checkedThrough))
    }

    public var item: JSONValue {
        var item = Self.key(tenant: tenant).objectValue ?? [:]
        item[Attribute.meters] = AttributeValues.number(meters)
        if let alertAt { item[Attribute.alertAt] = AttributeValues.number(alertAt) }
        if let checkedThrough { item[Attribute.checkedThrough] = AttributeValues.string(checkedThrough.description) }
        return .object(item)
    }

    /// Minutes after midnight as `HH:MM`: what `minutes` reads.
    public static func clock(_ minutes: Int) -> String {
        (minutes / 60 < 10 ? "0" : "") + "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)"
    }

    /// `HH:MM` as minutes after midnight; nil when it is no time of day.
    public static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hours = Int(parts[0]),
            let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes)
        else { return nil }
        return hours * 60 + minutes
    }
}

/// What a roster meter's day is: no reading that counts, or a reading with gaps (intervals missing). Complete days
/// are not reported.
public struct MeterDayShortfall: Sendable, Equatable {
    public enum Status: String, Sendable { case missing, incomplete }

    public var meter: String
    public var status: Status
    public var missingIntervals: Int

    public init(meter: String, status: Status, missingIntervals: Int) {
        self.meter = meter
        self.status = status
        self.missingIntervals = missingIntervals
    }

    /// The shortfalls of `meters` on their day, given the meter-day items read for them (any order; a meter with no
    /// item, or whose item holds no counting reading, is missing), in the order of `meters`.
    public static func of(_ meters: [String], tenant: String, items: [JSONValue]) -> [MeterDayShortfall] {
        // Meter ids are compared as bytes: ids that differ only in Unicode normalisation are two meters.
        var counting: [ByteIdentity: MeterDayItem.Counting] = [:]
        for item in items {
            guard let day = MeterDayItem(item: item), day.tenant == tenant, let reading = day.counting else {
                continue
            }
            counting[ByteIdentity(day.meter)] = reading
        }
        return meters.compactMap { meter in
            guard let reading = counting[ByteIdentity(meter)] else {
                return MeterDayShortfall(meter: meter, status: .missing, missingIntervals: 0)
            }
            guard reading.marks.missingIntervals > 0 else { return nil }
            return MeterDayShortfall(
                meter: meter, status: .incomplete, missingIntervals: reading.marks.missingIntervals)
        }
    }
}
