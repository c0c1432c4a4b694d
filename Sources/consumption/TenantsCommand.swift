import ArgumentParser
import ConsumptionCore
import ConsumptionTable
import Timekeeping

/// `consumption tenants`: what each tenant has set for its files, as the ingest function reads it from the table.
struct TenantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Show or set a tenant's settings (TABLE_NAME and AWS_* from the environment).",
        subcommands: [SetUnit.self, Show.self]
    )

    struct SetUnit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-unit",
            abstract: "The unit of the tenant's CSV values whose header names none: kWh (the default), Wh or MWh.",
            discussion: "Files validated from now on read their values so; a file already validated keeps its unit.")
        @Argument(help: "The tenant.") var tenant: String
        @Argument(help: "kWh, Wh or MWh.") var unit: String

        func validate() throws {
            guard Tenancy.isValidTenant(tenant) else { throw ValidationError("tenant names are \(Tenancy.tenantRule)") }
            guard EnergyUnit(name: unit) != nil else { throw ValidationError("the unit is kWh, Wh or MWh") }
        }

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            let settings = TenantSettings(unit: EnergyUnit(name: unit) ?? .kWh)
            try table.dynamo.putItem(
                table: table.name,
                item: settings.item(
                    tenant: tenant, updatedAt: WallClock.iso8601(milliseconds: WallClock.nowMilliseconds())))
            print("\(tenant)\tunit=\(settings.unit)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a tenant's settings.")
        @Argument(help: "The tenant.") var tenant: String

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            let item = try table.dynamo.getItem(table: table.name, key: TenantSettings.key(tenant: tenant))
            guard let settings = item.map(TenantSettings.init(item:)) ?? TenantSettings() else {
                throw ValidationError("the settings of \(tenant) do not parse")
            }
            print("\(tenant)\tunit=\(settings.unit)")
        }
    }
}
