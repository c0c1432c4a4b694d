import ArgumentParser
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime

/// `consumption roster`: the meters a tenant expects a reading of every day, which `/completeness` and the daily
/// check hold each day against.
struct RosterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roster",
        abstract: "Set or show a tenant's meter roster (TABLE_NAME and AWS_* from the environment).",
        subcommands: [Set.self, Show.self]
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the tenant's roster with the meters of a file: one meter id a line.",
            discussion: """
                Meters not in the file leave the roster. With --alert-at, the day before is checked once the \
                tenant's local time (its market zone, UTC without one) passes that time: meters of the roster with \
                no reading, or with gaps, are sent to the alert topic.
                """)
        @Argument(help: "The tenant.") var tenant: String
        @Argument(help: "A file of meter ids, one a line (empty lines skipped).") var file: String
        @Option(help: "HH:MM: when the day before is checked and alerted on.") var alertAt: String?

        func validate() throws {
            guard Tenancy.isValidTenant(tenant) else { throw ValidationError("tenant names are \(Tenancy.tenantRule)") }
            if let alertAt, RosterSummary.minutes(alertAt) == nil {
                throw ValidationError("--alert-at is a time of day, HH:MM")
            }
        }

        func run() throws {
            guard let data = TaskFile.contents(of: file) else {
                throw ValidationError("cannot read \(file)")
            }
            var meters: [String] = []
            var seen: Swift.Set<ByteIdentity> = []
            // Lines split on bytes: as a Swift string, CR LF is one character, not a line end after a CR.
            for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                .enumerated()
            {
                guard
                    let meter = String(
                        validating: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
                else { throw ValidationError("\(file), line \(index + 1): not UTF-8") }
                guard !meter.isEmpty else { continue }
                if let problem = MeterID.problem(of: meter) {
                    throw ValidationError("\(file), line \(index + 1): not a meter id (\(problem.rawValue))")
                }
                if seen.insert(ByteIdentity(meter)).inserted { meters.append(meter) }
            }
            let table = try KeysTable.fromEnvironment()
            // The roster as it stands, so meters left out of the file can leave it.
            var gone = Swift.Set<ByteIdentity>()
            _ = try table.dynamo.queryPages(
                table: table.name,
                parameters: [
                    "KeyConditionExpression": "pk = :pk",
                    "ExpressionAttributeValues": [
                        ":pk": AttributeValues.string(TableKeys.rosterPartition(tenant: tenant))
                    ],
                    "ProjectionExpression": "pk, sk",
                ]
            ) { items, _ in
                for item in items {
                    if let meter = RosterItem.meter(of: item, tenant: tenant) { gone.insert(ByteIdentity(meter)) }
                }
                return true
            }
            gone.subtract(seen)
            let puts: [JSONValue] = meters.map { ["PutRequest": ["Item": RosterItem(tenant: tenant, meter: $0).item]] }
            let deletes: [JSONValue] = gone.map {
                ["DeleteRequest": ["Key": RosterItem.key(tenant: tenant, meter: $0.text)]]
            }
            try table.dynamo.batchWrite(table: table.name, requests: puts + deletes, maxInFlight: 4)
            let previous = try table.dynamo.getItem(
                table: table.name, key: RosterSummary.key(tenant: tenant), consistent: true
            ).flatMap(RosterSummary.init(item:))
            let summary = RosterSummary(
                tenant: tenant, meters: meters.count, alertAt: alertAt.flatMap(RosterSummary.minutes),
                checkedThrough: previous?.checkedThrough)
            try table.dynamo.putItem(table: table.name, item: summary.item)
            print("\(tenant)\t\(meters.count) meters\t\(gone.count) left the roster\talert at \(alertAt ?? "none")")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the size of a tenant's roster and its alert.")
        @Argument(help: "The tenant.") var tenant: String

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            guard
                let summary = try table.dynamo.getItem(
                    table: table.name, key: RosterSummary.key(tenant: tenant), consistent: true
                ).flatMap(RosterSummary.init(item:))
            else {
                print("\(tenant)\tno roster")
                return
            }
            let alert = summary.alertAt.map(RosterSummary.clock)
            print(
                "\(tenant)\t\(summary.meters) meters\talert at \(alert ?? "none")\tchecked through "
                    + (summary.checkedThrough?.description ?? "none"))
        }
    }
}
