import AWSServices
import ArgumentParser
import CurlHTTP
import Ingest
import LambdaRuntime
import Timekeeping

/// `consumption reindex`: once, after upgrading a table that already holds meter-days, puts them into the
/// `DayMeters` index (a day's meters, the analytics layer) and marks their days for the analytics layer.
struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Put meter-days written before the DayMeters index existed into it (once, after an upgrade).",
        discussion: """
            Scans the table (TABLE_NAME, with the AWS_* credentials, region and endpoints from the environment) for \
            meter-days with a counting reading and no index keys, gives them their keys, and marks their days for \
            the next analytics run. Safe while the functions run, and to run again. Prints a JSON summary.
            """
    )

    @Option(help: "DynamoDB requests in flight at once.")
    var parallelism = 8

    func validate() throws {
        guard (1...16).contains(parallelism) else { throw ValidationError("--parallelism must be 1 to 16") }
    }

    func run() throws {
        let table = try KeysTable.fromEnvironment()
        let indexer = DayMetersIndexer(dynamo: table.dynamo, table: table.name, parallelism: parallelism)
        let summary = try indexer.run(
            now: WallClock.nowISO8601(),
            deadline: Deadline.after(milliseconds: 24 * 3_600_000))
        print(summary.json.serialized)
    }
}
