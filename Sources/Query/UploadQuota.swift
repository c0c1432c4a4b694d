import AWSServices
import ConsumptionCore
import ConsumptionTable

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
        var update = UpdateExpression()
        update.add(Attribute.files, AttributeValues.number(1))
        update.add(Attribute.bytes, AttributeValues.number(bytes))
        let files = update.name(Attribute.files)
        let taken = update.name(Attribute.bytes)
        let room =
            "attribute_not_exists(\(files)) OR (\(files) < \(update.value(AttributeValues.number(filesPerHour))) AND "
            + "\(taken) <= \(update.value(AttributeValues.number(bytesPerHour - bytes))))"
        let granted = try QueryFailure.awsCall { () throws(AWSError) -> Bool in
            do throws(AWSError) {
                _ = try dynamo.updateItem(
                    table: table, key: TableKeys.key(TableKeys.quotaPartition(tenant: tenant), label),
                    expression: update.request(condition: room))
                return true
            } catch  where error.isConditionFailed {
                return false
            }
        }
        guard granted else { throw .api(Self.refusal(retryAfter: retryAfter, limit: describe)) }
    }

    /// The counter item's attributes: the forms given this hour, and the bytes they declare.
    enum Attribute {
        static let files = "files"
        static let bytes = "bytes"
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
