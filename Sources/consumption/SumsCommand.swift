import ArgumentParser
import ConsumptionCore
import ConsumptionTable
import Ingest
import JSON
import LambdaRuntime
import Timekeeping

/// `consumption sums`: checks a tenant's day sums against the meter-day items, and rebuilds the shards that are
/// wrong, for sums the stream fold can no longer mend (its records keep 24 hours).
struct SumsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sums",
        abstract: "Check day sums against the meter-day items, or rebuild them from the items.",
        discussion: """
            Each day's sum shard s must hold what the meter-days of DayMeters index partition s add up to (total, \
            meters, notActual, incompleteMeters, exported, exportMeters). Reads TABLE_NAME and the AWS_* \
            credentials, region and endpoints from the environment. The index is read eventually consistently: a \
            change of the last moments may be missing from it.
            """,
        subcommands: [Check.self, Rebuild.self]
    )

    struct Days: ParsableArguments {
        @Option(help: "The tenant whose days to check.")
        var tenant: String

        @Option(help: "The first day, YYYY-MM-DD.")
        var from: CalendarDate

        @Option(help: "The last day, YYYY-MM-DD.")
        var to: CalendarDate

        func validate() throws {
            guard from <= to else { throw ValidationError("--from must not be after --to") }
            guard Tenancy.isValidTenant(tenant) else {
                throw ValidationError("--tenant \(tenant): \(Tenancy.tenantRule)")
            }
        }

        /// Each mismatching field as a JSON line on standard output, and a sentence on standard error; the count.
        func check(_ rebuilder: DaySumRebuilder, deadline: Deadline) throws -> [DaySumRebuilder.Mismatch] {
            let mismatches = try rebuilder.check(tenant: tenant, range: from...to, deadline: deadline)
            for mismatch in mismatches {
                for difference in mismatch.differences {
                    print(
                        JSONValue.object([
                            "date": .string(mismatch.date.description), "shard": .integer(mismatch.shard),
                            "field": .string(difference.field), "stored": .string(difference.stored),
                            "fromItems": .string(difference.fromItems),
                        ]).serialized)
                }
            }
            let days = to.daysSinceEpoch - from.daysSinceEpoch + 1
            LambdaLogger.standardError(
                "\(tenant) \(from)...\(to): \(days * TableKeys.shardCount) sum shards, \(mismatches.count) differ "
                    + "from their items (the index was read eventually consistently)")
            return mismatches
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print each sum shard field that differs from its meter-day items; exit 1 if any does.",
            discussion: """
                One JSON line per differing field: date, shard, field, stored, fromItems. Read-only, safe at any \
                time; while files are being ingested a shard may differ for the second the fold trails the items.
                """
        )

        @OptionGroup var days: Days

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            let rebuilder = DaySumRebuilder(dynamo: table.dynamo, table: table.name)
            if try !days.check(rebuilder, deadline: Deadline.after(milliseconds: 24 * 3_600_000)).isEmpty {
                throw ExitCode.failure
            }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rewrite each wrong sum shard from its meter-day items and mark its day for the analytics layer.",
            discussion: """
                Safe only while the stream fold applies no record of these days: pause ingest (disable the ingest \
                and work queues' event source mappings), wait until the table stream's iterator age is zero, \
                disable the stream's mapping, rebuild, then enable the mappings again (docs/deploying.md, Operating). A record \
                folded after the rebuild read a shard's items would add a change the items already hold. Each shard \
                is written on condition that it is still as read: one a fold changed meanwhile is read, summed and \
                written again (at most 5 times) rather than overwritten. The lane: marks of the stream shards are \
                kept. Prints a JSON line per shard found wrong (rebuilt, agreed when read again, or keptChanging), \
                then checks the range again and prints what still differs; exits 1 unless every shard agrees.
                """
        )

        @OptionGroup var days: Days

        func run() throws {
            let table = try KeysTable.fromEnvironment()
            let rebuilder = DaySumRebuilder(dynamo: table.dynamo, table: table.name)
            let deadline = Deadline.after(milliseconds: 24 * 3_600_000)
            let found = try rebuilder.check(tenant: days.tenant, range: days.from...days.to, deadline: deadline)
            let repairs = try rebuilder.rebuild(
                tenant: days.tenant, found, now: WallClock.nowISO8601(),
                deadline: deadline)
            for repair in repairs {
                var line: [String: JSONValue] = [
                    "date": .string(repair.date.description), "shard": .integer(repair.shard),
                    "attempts": .integer(repair.attempts),
                ]
                switch repair.outcome {
                case .rebuilt(let differences):
                    line["outcome"] = "rebuilt"
                    line["fields"] = .array(differences.map { .string($0.field) })
                case .agreed:
                    line["outcome"] = "agreed"
                case .keptChanging:
                    line["outcome"] = "keptChanging"
                }
                print(JSONValue.object(line).serialized)
            }
            let rebuilt = repairs.filter { if case .rebuilt = $0.outcome { true } else { false } }
            LambdaLogger.standardError(
                "rebuilt \(rebuilt.count) sum shards, marked \(Set(rebuilt.map(\.date)).count) days for the "
                    + "analytics layer; checking again:")
            if try !days.check(rebuilder, deadline: deadline).isEmpty { throw ExitCode.failure }
        }
    }
}
