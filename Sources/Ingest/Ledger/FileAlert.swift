import AWSServices
import JSON

/// What an operator is told of a file that will not count: one SNS message per rejected or unassigned version,
/// sent once (the ledger records that it was), so a bad upload is refused, reported and alerted on.
struct FileAlert {
    enum Kind: String {
        case rejected, unassigned
    }

    var kind: Kind
    var tenant: String
    var bucket: String
    var version: ObjectVersion
    /// The error summary, or why the object belongs to no tenant.
    var summary: String
    var reportKey: String?

    var subject: String {
        kind == .rejected ? "Daily Consumption: a meter file was rejected" : "Daily Consumption: an unassigned object"
    }

    var message: JSONValue {
        [
            "kind": .string(kind.rawValue), "tenant": .string(tenant), "bucket": .string(bucket),
            "key": .string(version.key), "versionId": version.versionID.map(JSONValue.string) ?? .null,
            "tag": .string(version.tag), "eTag": .string(version.eTag), "summary": .string(summary),
            "report": reportKey.map { .string("s3://\(bucket)/\($0)") } ?? .null,
        ]
    }

    func publish(with sns: SNSClient, topic: String) throws(IngestFailure) {
        try IngestFailure.awsCall { () throws(AWSError) in
            try sns.publish(topic: topic, subject: subject, message: message.serialized)
        }
    }
}
