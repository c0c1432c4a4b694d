import AWSServices
import ConsumptionCore
import ConsumptionTable
import JSON

/// How many upload forms a tenant was given this hour, and the bytes they declare: one counter item per tenant and
/// hour (`T#<tenant>#QUOTA`, `uploads#<YYYY-MM-DDTHH>`), taken by one conditional update, so two requests at once
/// cannot both take the last one. A form counts when it is given, used or not: S3 tells nobody of a form it was
/// never sent, and the file a form takes is at most the size it declared.
struct UploadQuota {
    let dynamo: DynamoDBClient
    let table: String
    let filesPerHour: Int
    let bytesPerHour: Int

    /// Takes one form of `bytes` for `tenant` in the hour holding `unixSeconds`, or refuses with a 429 that says
    /// when the next hour starts.
    func take(tenant: String, bytes: Int, unixSeconds: Int) throws(QueryFailure) {
        let hour = unixSeconds / 3600
        let retryAfter = (hour + 1) * 3600 - unixSeconds
        guard bytes <= bytesPerHour else { throw .api(Self.refusal(retryAfter: retryAfter, limit: describe)) }
        let day = CalendarDate(daysSinceEpoch: hour / 24)
        let label = "uploads#\(day)T\(hour % 24 < 10 ? "0" : "")\(hour % 24)"
        do throws(AWSError) {
            _ = try dynamo.updateItem(
                table: table, key: TableKeys.key(TableKeys.quotaPartition(tenant: tenant), label),
                expression: [
                    "UpdateExpression": "ADD files :one, #bytes :bytes",
                    "ConditionExpression": "attribute_not_exists(files) OR (files < :files AND #bytes <= :room)",
                    "ExpressionAttributeNames": ["#bytes": "bytes"],
                    "ExpressionAttributeValues": [
                        ":one": AttributeValues.number(1), ":bytes": AttributeValues.number(bytes),
                        ":files": AttributeValues.number(filesPerHour),
                        ":room": AttributeValues.number(bytesPerHour - bytes),
                    ],
                ])
        } catch {
            if error.isConditionFailed {
                throw .api(Self.refusal(retryAfter: retryAfter, limit: describe))
            }
            throw .aws(error)
        }
    }

    private var describe: String { "\(filesPerHour) files and \(bytesPerHour) bytes an hour" }

    static func refusal(retryAfter: Int, limit: String) -> APIError {
        var error = APIError(
            status: 429, code: "upload-quota",
            message: "the tenant's uploads this hour reached its quota (\(limit)); try again in \(retryAfter) s")
        error.headers["Retry-After"] = String(retryAfter)
        return error
    }
}
