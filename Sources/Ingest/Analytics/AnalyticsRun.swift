import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON
import LambdaRuntime
import Timekeeping

/// One scheduled run of the analytics layer: every day marked by the stream fold (`AnalyticsMark`) at least
/// `quietMilliseconds` ago is written (`AnalyticsWriter`), and its mark deleted if no fold marked it again
/// meanwhile. A day that cannot be written yet (unsettled, or a failure) keeps its mark for the next run, and does
/// not hold up the others. Stops before the deadline; what it did not reach waits for the next run.
public struct AnalyticsRun {
    let writer: AnalyticsWriter
    let dynamo: DynamoDBClient
    let table: String
    let quietMilliseconds: Int
    let logger: LambdaLogger

    public init(
        writer: AnalyticsWriter, dynamo: DynamoDBClient, table: String, quietMilliseconds: Int, logger: LambdaLogger
    ) {
        self.writer = writer
        self.dynamo = dynamo
        self.table = table
        self.quietMilliseconds = quietMilliseconds
        self.logger = logger
    }

    public struct Summary: Sendable, Equatable {
        public var written = 0
        public var removed = 0
        public var unsettled = 0
        public var failed = 0
        /// Marks left for a later run: too recent, marked again during the write, or not reached.
        public var waiting = 0

        public var json: JSONValue {
            [
                "written": .integer(written), "removed": .integer(removed), "unsettled": .integer(unsettled),
                "failed": .integer(failed), "waiting": .integer(waiting),
            ]
        }
    }

    public func run(nowMilliseconds: Int, deadline: Deadline) throws(IngestFailure) -> Summary {
        var summary = Summary()
        let quietSince = WallClock.iso8601(milliseconds: nowMilliseconds - quietMilliseconds)
        let parameters: [String: JSONValue] = [
            "KeyConditionExpression": "pk = :pk",
            "ExpressionAttributeValues": [":pk": AttributeValues.string(TableKeys.analyticsPartition)],
            "ConsistentRead": true, "Limit": 100,
        ]
        try IngestFailure.awsCall { () throws(AWSError) in
            _ = try dynamo.queryPages(table: table, parameters: parameters, maxPages: 100_000) { items, _ in
                for item in items {
                    guard let mark = AnalyticsMark(item: item) else {
                        summary.failed += 1
                        logger.error("unreadable analytics mark", ["item": item])
                        continue
                    }
                    guard !deadline.hasPassed, mark.markedAt <= quietSince else {
                        summary.waiting += 1
                        continue
                    }
                    write(mark, deadline: deadline, into: &summary)
                }
                return true
            }
        }
        return summary
    }

    private func write(_ mark: AnalyticsMark, deadline: Deadline, into summary: inout Summary) {
        var fields: [String: JSONValue] = ["tenant": .string(mark.tenant), "date": .string(mark.date.description)]
        do throws(IngestFailure) {
            switch try writer.write(tenant: mark.tenant, date: mark.date, deadline: deadline) {
            case .written(let meterDays, let intervals, let bytes):
                summary.written += 1
                fields["meterDays"] = .integer(meterDays)
                fields["intervals"] = .integer(intervals)
                fields["bytes"] = .integer(bytes)
            case .removed:
                summary.removed += 1
                fields["removed"] = true
            case .unsettled(let why):
                summary.unsettled += 1
                fields["unsettled"] = .string(why)
                logger.info("analytics day not settled yet", fields)
                return
            }
        } catch {
            summary.failed += 1
            fields["error"] = .string(error.description)
            logger.error("analytics day not written", fields)
            return
        }
        do throws(AWSError) {
            _ = try dynamo.call(
                "DeleteItem",
                [
                    "TableName": .string(table), "Key": mark.key, "ConditionExpression": "#token = :token",
                    "ExpressionAttributeNames": ["#token": .string(AnalyticsMark.Attribute.token)],
                    "ExpressionAttributeValues": [":token": AttributeValues.string(mark.token)],
                ], deadline: deadline)
        } catch  where error.isConditionFailed {
            // Marked again while it was written: the next run writes it again.
            summary.waiting += 1
        } catch {
            fields["markLeft"] = .string(error.description)
        }
        logger.info("analytics day written", fields)
    }
}
