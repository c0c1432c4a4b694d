import ArgumentParser
import ConsumptionCore

/// `consumption`: check meter files and compute their exact daily totals, as the ingest function would; and
/// operate a deployment (backfill, API keys, the analytics layer, day sums).
@main
struct ConsumptionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumption",
        abstract: "Exact daily totals of energy-meter files, and their validation.",
        subcommands: [
            TotalsCommand.self, ValidateCommand.self, MetersCommand.self, BackfillCommand.self, KeysCommand.self,
            TenantsCommand.self, RosterCommand.self, UploadCommand.self, ExportCommand.self, ReindexCommand.self,
            SumsCommand.self,
        ]
    )
}
