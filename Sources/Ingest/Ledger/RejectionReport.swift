import ConsumptionCore
import ConsumptionTable
import JSON

/// The report of a rejected file, stored beside the data so whoever dropped the file can see what to fix.
struct RejectionReport {
    let tenant: String
    let bucket: String
    let version: ObjectVersion
    let result: MeterFileResult
    let createdAt: String

    /// `<reportsPrefix><tenant>/<path under the tenant>.<version tag>.json`.
    /// Cut on bytes, as `Tenancy` places keys.
    static func key(for version: ObjectVersion, tenant: String, configuration: IngestConfiguration) -> String {
        var path = version.key.utf8.dropFirst(configuration.incomingPrefix.utf8.count)
        if path.starts(with: "\(tenant)/".utf8) { path = path.dropFirst(tenant.utf8.count + 1) }
        return "\(configuration.reportsPrefix)\(tenant)/\(String(decoding: path, as: UTF8.self)).\(version.tag).json"
    }

    var json: JSONValue {
        var counts: [String: JSONValue] = [:]
        for (code, count) in result.report.countsByCode { counts[code.rawValue] = .integer(count) }
        let errors: [JSONValue] = result.report.errors.map { error in
            [
                "line": .integer(error.line), "column": error.column.map(JSONValue.string) ?? .null,
                "code": .string(error.code.rawValue), "excerpt": .string(error.excerpt),
                "message": .string(error.message),
            ]
        }
        return [
            "status": .string(LedgerStatus.rejected.rawValue),
            "tenant": .string(tenant),
            "object": [
                "bucket": .string(bucket), "key": .string(version.key),
                "versionId": version.versionID.map(JSONValue.string) ?? .null, "eTag": .string(version.eTag),
                "lastModified": .integer(version.lastModified), "size": .integer(version.size),
            ],
            "format": result.format.map { JSONValue.string("\($0)") } ?? .null,
            "lines": .integer(result.lines),
            "rows": .integer(result.rows),
            "errorCount": .integer(result.report.errorCount),
            "countsByCode": .object(counts),
            "errors": .array(errors),
            "errorsShown": .integer(errors.count),
            "createdAt": .string(createdAt),
        ]
    }
}
