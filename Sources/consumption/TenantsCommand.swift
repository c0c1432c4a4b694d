import ArgumentParser
import ConsumptionCore
import ConsumptionTable
import Timekeeping

/// `consumption tenants`: what each tenant has set for its files, as the ingest function reads it from the table.
struct TenantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants",
        abstract: "Show or set a tenant's settings (TABLE_NAME and AWS_* from the environment).",
        subcommands: [SetUnit.self, SetZone.self, SetBands.self, Show.self, Zones.self]
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
            try TenantsCommand.change(tenant) { $0.unit = EnergyUnit(name: unit) ?? .kWh }
        }
    }

    struct SetZone: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-zone",
            abstract: "The market time zone of the tenant's CSV files, or none (every day 24 hours, the default).",
            discussion: """
                In a zone, a wide row on a day the clocks change holds that day's intervals (46 or 50 half-hours), \
                and a timestamp in the repeated hour may stand twice. NEM12 stays in market standard time. Files \
                validated from now on are read so; a file already validated keeps its zone. `tenants zones` lists \
                the zones.
                """)
        @Argument(help: "The tenant.") var tenant: String
        @Argument(help: "An IANA zone name, e.g. Europe/London, or none.") var zone: String

        func validate() throws {
            guard Tenancy.isValidTenant(tenant) else { throw ValidationError("tenant names are \(Tenancy.tenantRule)") }
            guard zone == "none" || MarketZones.supported.contains(zone) else {
                throw ValidationError(
                    "'\(zone)' is not a market zone: \(MarketZones.supported.joined(separator: ", "))")
            }
        }

        func run() throws {
            try TenantsCommand.change(tenant) { $0.zone = zone == "none" ? nil : zone }
        }
    }

    struct SetBands: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-bands",
            abstract: "The tenant's time-of-use bands, which `/meters/{id}/bands` totals a meter's intervals by.",
            discussion: """
                Each --band is NAME=DAYS HH:MM-HH:MM, DAYS weekdays, weekends or all; a window that ends before it \
                starts runs past midnight. An interval falls in the first band whose days and hours hold its start on \
                the tenant's local clock (its market zone), else in the --default band. A --holiday is a weekend day.
                """)
        @Argument(help: "The tenant.") var tenant: String
        @Option(name: .customLong("band"), help: "NAME=DAYS HH:MM-HH:MM, in order of precedence.") var bands: [String]
        @Option(name: .customLong("default"), help: "The band of intervals no other holds.") var defaultBand: String
        @Option(name: .customLong("holiday"), help: "YYYY-MM-DD, a day counted as a weekend day.")
        var holidays: [String] = []

        func validate() throws {
            guard Tenancy.isValidTenant(tenant) else { throw ValidationError("tenant names are \(Tenancy.tenantRule)") }
            _ = try tariff()
        }

        func tariff() throws -> TariffBands {
            do throws(TariffBands.Failure) {
                try TariffBands.check(name: defaultBand)
                var days: Set<CalendarDate> = []
                for text in holidays {
                    guard let day = CalendarDate(text) else {
                        throw TariffBands.Failure(description: "'\(text)' is no date")
                    }
                    days.insert(day)
                }
                var parsed: [TariffBands.Band] = []
                for text in bands { parsed.append(try TariffBands.band(text)) }
                return TariffBands(bands: parsed, defaultBand: defaultBand, holidays: days)
            } catch {
                throw ValidationError(error.description)
            }
        }

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            let tariff = try tariff()
            try table.dynamo.putItem(table: table.name, item: tariff.item(tenant: tenant))
            print("\(tenant)\t\(tariff.text)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a tenant's settings.")
        @Argument(help: "The tenant.") var tenant: String

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            print("\(tenant)\t\(try TenantsCommand.settings(of: tenant, in: table).summary)")
        }
    }

    struct Zones: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the market time zones a tenant may set (the ones the Lambda package ships).")

        func run() {
            for zone in MarketZones.supported { print(zone) }
        }
    }

    static func settings(of tenant: String, in table: KeysTable) throws -> TenantSettings {
        let item = try table.dynamo.getItem(
            table: table.name, key: TenantSettings.key(tenant: tenant), consistent: true)
        guard let settings = item.map(TenantSettings.init(item:)) ?? TenantSettings() else {
            throw ValidationError("the settings of \(tenant) do not parse")
        }
        return settings
    }

    /// Reads the tenant's settings, changes one, writes them back and prints them.
    static func change(_ tenant: String, _ edit: (inout TenantSettings) -> Void) throws {
        let table = try KeysTable.fromEnvironment()
        var settings = try settings(of: tenant, in: table)
        edit(&settings)
        try table.dynamo.putItem(
            table: table.name,
            item: settings.item(tenant: tenant, updatedAt: WallClock.nowISO8601())
        )
        print("\(tenant)\t\(settings.summary)")
    }
}
