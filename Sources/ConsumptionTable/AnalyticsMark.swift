import ConsumptionCore
import Hashing
import JSON

/// A day of a tenant whose totals or meter-days changed after the analytics layer last wrote it. The stream fold
/// puts it (again) after folding a change; the analytics run writes the day and deletes the mark only if no fold
/// put it again meanwhile (its `token` unchanged), so a change during the write is written by the next run.
public struct AnalyticsMark: Sendable, Equatable {
    public var tenant: String
    public var date: CalendarDate
    /// Different at every put (`newToken`): what the delete is conditioned on.
    public var token: String
    /// When the fold put it (RFC 3339, milliseconds).
    public var markedAt: String

    public init(tenant: String, date: CalendarDate, token: String, markedAt: String) {
        self.tenant = tenant
        self.date = date
        self.token = token
        self.markedAt = markedAt
    }

    /// A tenant's day, as marks name them.
    public struct Day: Hashable, Sendable {
        public var tenant: String
        public var date: CalendarDate

        public init(tenant: String, date: CalendarDate) {
            self.tenant = tenant
            self.date = date
        }
    }

    /// The BatchWriteItem requests that mark `days` with one fresh `token`.
    public static func puts(_ days: Set<Day>, token: String, markedAt: String) -> [JSONValue] {
        days.map { day in
            [
                "PutRequest": [
                    "Item": AnalyticsMark(tenant: day.tenant, date: day.date, token: token, markedAt: markedAt).item
                ]
            ]
        }
    }

    /// A token no other put has: 16 bytes of OpenSSL's CSPRNG in hex; nil when it cannot seed itself.
    public static func newToken() -> String? {
        RandomBytes.generate(16).map(SHA256.hex)
    }

    public enum Attribute {
        public static let tenant = "tenant"
        public static let date = "date"
        public static let token = "token"
        public static let markedAt = "markedAt"
    }

    public static func key(tenant: String, date: CalendarDate) -> JSONValue {
        TableKeys.key(TableKeys.analyticsPartition, TableKeys.analyticsSort(tenant: tenant, date: date))
    }

    public var key: JSONValue { Self.key(tenant: tenant, date: date) }

    public var item: JSONValue {
        var item = key.objectValue ?? [:]
        item[Attribute.tenant] = AttributeValues.string(tenant)
        item[Attribute.date] = AttributeValues.string(date.description)
        item[Attribute.token] = AttributeValues.string(token)
        item[Attribute.markedAt] = AttributeValues.string(markedAt)
        return .object(item)
    }

    public init?(item: JSONValue) {
        guard let tenant = AttributeValues.string(item, Attribute.tenant),
            let date = AttributeValues.string(item, Attribute.date).flatMap(CalendarDate.init),
            let token = AttributeValues.string(item, Attribute.token)
        else { return nil }
        self.init(
            tenant: tenant, date: date, token: token,
            markedAt: AttributeValues.string(item, Attribute.markedAt) ?? "")
    }
}
