import AWSSigV4
import Foundation
import JSON
import Testing

/// Vectors that `make test` has botocore compute (`tools/sigv4_vectors.py`) into the file named by
/// SIGV4_BOTOCORE_VECTORS.
private let vectorsPath = ProcessInfo.processInfo.environment["SIGV4_BOTOCORE_VECTORS"]

@Suite(
    "SigV4 against botocore on odd S3 and DynamoDB requests",
    .enabled(if: vectorsPath != nil, "SIGV4_BOTOCORE_VECTORS is not set: run through `make test`"))
struct BotocoreDifferentialTests {
    @Test("every vector signs to botocore's signature")
    func vectors() throws {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: vectorsPath ?? "")))
        let root = try JSONFields(try JSONParser.parse(data))
        let date = AmzDate(unixSeconds: try root.int("unixSeconds"))
        let cases = try root.objects("cases")
        #expect(cases.count == 200)
        var mismatches: [String] = []
        for vector in cases {
            let name = try vector.string("name")
            let credentials = try vector.object("credentials")
            let signer = SigV4Signer(
                credentials: AWSCredentials(
                    accessKeyID: try credentials.string("accessKeyID"),
                    secretAccessKey: try credentials.string("secret"),
                    sessionToken: try credentials.optionalString("token")),
                region: try vector.string("region"), service: try vector.string("service"))
            let request = SigningRequest(
                method: try vector.string("method"), path: try vector.string("path"),
                query: try pairs(vector.value("query")), headers: try pairs(vector.value("headers")),
                payloadHash: try vector.string("payloadHash"))
            if try vector.string("style") == "presign" {
                let query = try signer.presignedQuery(for: request, date: date, expires: try vector.int("expires"))
                if query.first(where: { $0.name == "X-Amz-Signature" })?.value != (try vector.string("signature")) {
                    mismatches.append(name)
                }
            } else {
                let headers = signer.signatureHeaders(for: request, date: date, includeContentHash: signer.isS3Style)
                if headers.first(where: { $0.name == "authorization" })?.value != (try vector.string("authorization")) {
                    mismatches.append("\(name) \(request.path) \(request.query)")
                }
            }
        }
        #expect(mismatches == [])
    }

    private func pairs(_ value: JSONValue) throws -> [(name: String, value: String)] {
        try (value.arrayValue ?? []).map { pair in
            guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue,
                let text = items[1].stringValue
            else { throw JSONDecodingError(path: "pair", reason: "expected [name, value]") }
            return (name, text)
        }
    }
}
