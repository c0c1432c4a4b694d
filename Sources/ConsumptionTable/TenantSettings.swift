import ConsumptionCore
import JSON

/// What a tenant has set for its files (`consumption tenants set-unit`): the unit of CSV values whose header does
/// not name one. One small item per tenant, read once per file validated.
public struct TenantSettings: Sendable, Equatable {
    public var unit: EnergyUnit

    public init(unit: EnergyUnit = .kWh) {
        self.unit = unit
    }

    public static func key(tenant: String) -> JSONValue {
        TableKeys.key(TableKeys.settingsPartition(tenant: tenant), "settings")
    }

    /// Nil when the item does not parse (an unknown unit).
    public init?(item: JSONValue) {
        guard let unit = EnergyUnit(name: AttributeValues.string(item, "unit") ?? EnergyUnit.kWh.rawValue) else {
            return nil
        }
        self.unit = unit
    }

    public func item(tenant: String, updatedAt: String) -> JSONValue {
        var item = Self.key(tenant: tenant).objectValue ?? [:]
        item["unit"] = AttributeValues.string(unit.rawValue)
        item["updatedAt"] = AttributeValues.string(updatedAt)
        return .object(item)
    }
}
