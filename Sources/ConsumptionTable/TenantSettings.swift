import ConsumptionCore
import JSON

/// What a tenant has set for its files (`consumption tenants set-unit`, `set-zone`): the unit of CSV values whose
/// header does not name one, and the market time zone of its CSV files (whose clock-change days are 23 or 25 hours
/// long). One small item per tenant, read once per file validated; the ledger keeps what a version was read with.
public struct TenantSettings: Sendable, Equatable {
    public var unit: EnergyUnit
    /// An IANA name among `MarketZones.supported`; nil: every day has 24 hours.
    public var zone: String?

    public init(unit: EnergyUnit = .kWh, zone: String? = nil) {
        self.unit = unit
        self.zone = zone
    }

    public static func key(tenant: String) -> JSONValue {
        TableKeys.key(TableKeys.settingsPartition(tenant: tenant), "settings")
    }

    /// Nil when the item does not parse (an unknown unit or zone).
    public init?(item: JSONValue) {
        guard let unit = EnergyUnit(name: AttributeValues.string(item, "unit") ?? EnergyUnit.kWh.rawValue) else {
            return nil
        }
        let zone = AttributeValues.string(item, "zone")
        if let zone, !MarketZones.supported.contains(zone) { return nil }
        self.unit = unit
        self.zone = zone
    }

    public func item(tenant: String, updatedAt: String) -> JSONValue {
        var item = Self.key(tenant: tenant).objectValue ?? [:]
        item["unit"] = AttributeValues.string(unit.rawValue)
        if let zone { item["zone"] = AttributeValues.string(zone) }
        item["updatedAt"] = AttributeValues.string(updatedAt)
        return .object(item)
    }

    /// `unit=kWh zone=Europe/London` (`zone=none` when unset), as the CLI prints it.
    public var summary: String { "unit=\(unit) zone=\(zone ?? "none")" }
}
