import AWSServices
import ArgumentParser
import ConsumptionCore
import ConsumptionTable
import CurlHTTP
import Ingest
import JSON
import LambdaRuntime
import Timekeeping

/// `consumption export`: writes the analytics layer's files of a range of days, as the scheduled runs write them,
/// for a backfill (a layer started after data arrived, or rebuilt).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the analytics layer (daily totals, meter-days and intervals) of a range of days.",
        discussion: """
            Writes <prefix><tenant>/daily/date=.../daily.tsv.gz, <prefix><tenant>/meter_days/month=.../<date>.tsv.gz \
            and <prefix><tenant>/intervals/month=.../<date>.tsv.gz for each day of the range that ever held data, and \
            deletes them for a day that holds none now: the same files the scheduled analytics run writes (interval \
            starts in the tenant's market zone, read from ZONEINFO_DIR or /usr/share/zoneinfo). Reads TABLE_NAME and \
            the AWS_* credentials, region and endpoints from the environment. Prints one JSON line per day. A day \
            whose sums and index disagree (data still arriving) is left as it was and makes the command fail: run it \
            again once ingestion is idle.
            """
    )

    @Option(help: "The bucket of the analytics layer (the meter bucket).")
    var bucket: String

    @Option(name: .customLong("tenant"), help: "A tenant to export (repeat for more).")
    var tenants: [String]

    @Option(help: "The first day, YYYY-MM-DD.")
    var from: CalendarDate

    @Option(help: "The last day, YYYY-MM-DD.")
    var to: CalendarDate

    @Option(help: "The analytics layer's key prefix.")
    var prefix = "analytics/"

    func validate() throws {
        guard from <= to else { throw ValidationError("--from must not be after --to") }
        guard !tenants.isEmpty else { throw ValidationError("give at least one --tenant") }
        for tenant in tenants where !Tenancy.isValidTenant(tenant) {
            throw ValidationError("--tenant \(tenant): \(Tenancy.tenantRule)")
        }
        guard prefix.hasSuffix("/"), !prefix.hasPrefix("/") else {
            throw ValidationError("--prefix must be a key prefix ending in '/'")
        }
    }

    func run() throws {
        let environment = Environment.current()
        guard let table = environment["TABLE_NAME"], !table.isEmpty else {
            throw ValidationError("TABLE_NAME must be set")
        }
        let client = AWSClient(
            configuration: try AWSConfiguration.fromEnvironment(environment), http: try CurlHTTPClient())
        // The zones as the functions load them, from this machine's tzdata (the package ships a copy of it).
        let zones = try MarketZones.load(
            from: MarketZones.directories(zoneinfoDirectory: environment["ZONEINFO_DIR"], taskRoot: nil),
            read: TaskFile.contents(of:))
        let writer = AnalyticsWriter(
            s3: S3Client(client: client), dynamo: DynamoDBClient(client: client), table: table, bucket: bucket,
            layout: AnalyticsLayout(prefix: prefix), zones: zones)
        let range = from...to
        var unsettled = 0
        for tenant in tenants {
            for date in try writer.daysWithSums(tenant: tenant, range: range) {
                var line: [String: JSONValue] = ["tenant": .string(tenant), "date": .string(date.description)]
                switch try writer.write(tenant: tenant, date: date, deadline: Deadline.after(milliseconds: 3_600_000)) {
                case .written(let meterDays, let intervals, let bytes):
                    line["outcome"] = "written"
                    line["meterDays"] = .integer(meterDays)
                    line["intervals"] = .integer(intervals)
                    line["bytes"] = .integer(bytes)
                case .removed:
                    line["outcome"] = "removed"
                case .unsettled(let why):
                    line["outcome"] = "unsettled"
                    line["why"] = .string(why)
                    unsettled += 1
                }
                print(JSONValue.object(line).serialized)
            }
        }
        if unsettled > 0 {
            throw ValidationError("\(unsettled) days were not written (data still arriving): run the export again")
        }
    }
}
