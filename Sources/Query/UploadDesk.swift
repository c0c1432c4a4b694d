import AWSServices
import ConsumptionCore
import ConsumptionTable
import Hashing
import JSON
import LambdaEvents
import Timekeeping

/// `POST /uploads` and `GET /uploads/{id}`: a tenant uploads its own files, straight to S3, into its own folder
/// only. The form is a presigned POST whose policy pins the key (made here), the content type, the size range and
/// encryption; what became of the file is the ledger's word on the keys under the upload's prefix. Forms are
/// counted against the tenant's hourly quota (`UploadQuota`) before one is signed.
struct UploadDesk {
    let settings: QueryConfiguration.Uploads?
    let s3: S3Client
    let store: QueryStore

    func start(_ body: [UInt8], tenant: String) throws(QueryFailure) -> APIGatewayResponse {
        let settings = try configured()
        let request: UploadRequest
        do throws(APIError) {
            request = try UploadRequest.parse(body, maxBytes: settings.maxBytes)
        } catch {
            throw .api(error)
        }
        let now = WallClock.nowMilliseconds() / 1000
        try UploadQuota(
            dynamo: store.dynamo, table: store.table, filesPerHour: settings.filesPerHour,
            bytesPerHour: settings.bytesPerHour
        ).take(tenant: tenant, bytes: request.size, unixSeconds: now)
        guard let random = RandomBytes.generate(16) else {
            throw .aws(.configuration("the random source could not be read"))
        }
        let id = UploadID(date: CalendarDate(daysSinceEpoch: now / 86_400), random: random)
        let key = id.keyPrefix(incomingPrefix: settings.incomingPrefix, tenant: tenant) + request.safeName
        let post = try QueryFailure.awsCall { () throws(AWSError) in
            try s3.presignedPost(
                bucket: settings.bucket,
                conditions: .init(key: key, contentType: request.contentType, maxBytes: request.size),
                expires: settings.expirySeconds, date: .init(unixSeconds: now))
        }
        var fields: [String: JSONValue] = [:]
        for field in post.fields { fields[field.name] = .string(field.value) }
        return QueryHandler.json(
            201,
            [
                "id": .string(id.text), "key": .string(key), "method": "POST", "url": .string(post.url),
                "fields": .object(fields), "fileField": "file", "maxBytes": .integer(request.size),
                "expiresAt": .string(WallClock.iso8601(milliseconds: post.expiresAt * 1000)),
            ])
    }

    /// What the ledger says of the file uploaded under `text`: `waiting` until a file has been read, then the
    /// newest version's status, with the versions a page at a time (`versions` reads one page of them under the
    /// upload's key prefix). A form is for one file; one posted again and again (S3 cannot refuse a second post)
    /// has its versions paged, and its `status` is the newest version's on the page.
    func outcome(
        of text: String, tenant: String,
        versions: (String) throws(QueryFailure) -> (entries: [LedgerItem], nextToken: String?)
    ) throws(QueryFailure) -> APIGatewayResponse {
        let settings = try configured()
        guard let id = UploadID(text) else {
            throw .api(.badRequest("id", "an upload id is the date and UUID POST /uploads answered"))
        }
        let page = try versions(id.keyPrefix(incomingPrefix: settings.incomingPrefix, tenant: tenant))
        return QueryHandler.json(
            200,
            [
                "id": .string(id.text), "key": page.entries.first?.key.map(JSONValue.string) ?? .null,
                "status": .string(page.entries.first?.status?.rawValue ?? "waiting"),
                "versions": .array(page.entries.map(LedgerEntry.json)),
                "nextToken": page.nextToken.map(JSONValue.string) ?? .null,
            ])
    }

    private func configured() throws(QueryFailure) -> QueryConfiguration.Uploads {
        guard let settings else { throw .api(.notFound("uploads are not offered here (no BUCKET_NAME)")) }
        return settings
    }
}
