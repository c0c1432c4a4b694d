import AWSServices
import ConsumptionTable
import JSON
import LambdaEvents
import LambdaRuntime

/// S3's notifications, sorted into the ingest queue by tenant. S3 cannot give a message a group, so the bucket
/// notifies a queue of its own, and each object's event is sent on to the ingest queue with its tenant as
/// `MessageGroupId`: there SQS's fair queues hand a quiet tenant's file to the next free consumer, however many files
/// another tenant dropped before it (docs/ingest-design.md, Fairness between tenants). Sorting a batch of ten costs one
/// `SendMessageBatch`.
struct NotificationSorter {
    let sqs: SQSClient
    let sorting: NotificationSorting
    let incomingPrefix: String
    let defaultTenant: String

    /// A message that is not an S3 notification fails (and reaches the notification DLQ); a failed send fails every
    /// message of the batch, which comes back whole (a file's event sent twice is ingested once).
    func sort(_ batch: SQSEvent, logger: LambdaLogger) -> SQSBatchResponse {
        var outgoing: [OutgoingMessage] = []
        var sorted: [String] = []
        var failed: [String] = []
        for message in batch.records {
            do {
                outgoing += try messages(of: try JSONParser.parse(Array(message.body.utf8)))
                sorted.append(message.messageID)
            } catch {
                logger.error(
                    "notification refused",
                    ["messageId": .string(message.messageID), "error": .string(String(describing: error))])
                failed.append(message.messageID)
            }
        }
        do throws(AWSError) {
            try sqs.send(outgoing, to: sorting.ingestQueueURL)
        } catch {
            logger.error("notifications not sorted", ["error": .string(error.description)])
            return SQSBatchResponse(failedMessageIDs: failed + sorted)
        }
        logger.info(
            "notifications sorted",
            ["messages": .integer(sorted.count), "events": .integer(outgoing.count)])
        return SQSBatchResponse(failedMessageIDs: failed)
    }

    /// One message per record, `{"Records": [record]}` as S3 wrote it, its group the tenant of the record's key. A
    /// key outside the incoming prefix is left out (ingest would ignore it), and so is S3's test event; a key that
    /// belongs to no tenant goes to the group `Tenancy.unassigned`, where ingest accounts for it.
    func messages(of body: JSONValue) throws(JSONDecodingError) -> [OutgoingMessage] {
        guard case .records(let records) = try S3Notification(json: body) else { return [] }
        let raw = body["Records"]?.arrayValue ?? []
        return zip(records, raw).compactMap { record, json in
            let group: String
            switch Tenancy.place(key: record.key, incomingPrefix: incomingPrefix, defaultTenant: defaultTenant) {
            case .outsideIncoming: return nil
            case .tenant(let tenant): group = tenant
            case .folder, .invalidTenant: group = Tenancy.unassigned
            }
            let event: JSONValue = ["Records": [json]]
            return OutgoingMessage(body: event.serialized, group: group)
        }
    }
}
