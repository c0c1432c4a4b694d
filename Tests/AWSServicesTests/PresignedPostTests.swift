import AWSServices
import AWSSigV4
import CurlHTTP
import Hashing
import JSON
import Testing

@Suite("POST policies: signed as AWS's worked example signs, pinning key, type, size and encryption")
struct PresignedPostTests {
    /// AWS's "Example: Browser-Based Upload using HTTP POST (Using AWS Signature Version 4)" (S3 API Reference):
    /// its policy in base64, exactly as published, and the signature it gives with the example credentials.
    static let examplePolicy =
        "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4"
        + "YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVh"
        + "ZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1"
        + "Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFt"
        + "ei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQog"
        + "ICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5O"
        + "N0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1T"
        + "SEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"
    static let exampleSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"
    static let exampleCredentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    /// 2015-12-29T00:00:00Z.
    static let exampleDate = AmzDate(unixSeconds: 1_451_347_200)

    func client(endpoint: String? = nil, token: String? = nil) throws -> S3Client {
        let credentials = AWSCredentials(
            accessKeyID: Self.exampleCredentials.accessKeyID,
            secretAccessKey: Self.exampleCredentials.secretAccessKey, sessionToken: token)
        let configuration = AWSConfiguration(
            credentials: credentials, region: "us-east-1", endpoints: endpoint.map { ["s3": $0] } ?? [:])
        return S3Client(client: AWSClient(configuration: configuration, http: try CurlHTTPClient()))
    }

    @Test("the policy is the string to sign: AWS's example policy signs to AWS's example signature")
    func awsExample() {
        let signer = SigV4Signer(credentials: Self.exampleCredentials, region: "us-east-1", service: "s3")
        #expect(signer.signature(stringToSign: Self.examplePolicy, date: Self.exampleDate) == Self.exampleSignature)
        let decoded = Base64.decode(Self.examplePolicy).map { String(decoding: $0, as: UTF8.self) }
        #expect(decoded?.hasPrefix("{ \"expiration\": \"2015-12-30T12:00:00.000Z\",\r\n") == true)
    }

    @Test("our form: the policy pins the exact key, content type, size range and encryption, and is signed so")
    func ourForm() throws {
        let post = try client().presignedPost(
            bucket: "sigv4examplebucket",
            conditions: .init(key: "incoming/acme/2015-12-29/id-a.csv", contentType: "text/csv", maxBytes: 1000),
            expires: 900, date: Self.exampleDate)
        #expect(post.url == "https://sigv4examplebucket.s3.us-east-1.amazonaws.com")
        #expect(post.expiresAt == Self.exampleDate.unixSeconds + 900)
        let fields = Dictionary(uniqueKeysWithValues: post.fields.map { ($0.name, $0.value) })
        #expect(post.fields.map(\.name).last == "x-amz-signature")
        #expect(fields["x-amz-credential"] == "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request")
        #expect(fields["x-amz-security-token"] == nil)
        let policy = try #require(fields["policy"])
        let signer = SigV4Signer(credentials: Self.exampleCredentials, region: "us-east-1", service: "s3")
        #expect(fields["x-amz-signature"] == signer.signature(stringToSign: policy, date: Self.exampleDate))
        let document = try JSONParser.parse(try #require(Base64.decode(policy)))
        #expect(document["expiration"] == "2015-12-29T00:15:00.000Z")
        let conditions = document["conditions"]?.arrayValue ?? []
        #expect(conditions.contains(["key": "incoming/acme/2015-12-29/id-a.csv"]))
        #expect(conditions.contains(["Content-Type": "text/csv"]))
        #expect(conditions.contains(["content-length-range", 1, 1000]))
        #expect(conditions.contains(["x-amz-server-side-encryption": "AES256"]))
        #expect(conditions.contains(["bucket": "sigv4examplebucket"]))
        #expect(conditions.contains(["x-amz-date": "20151229T000000Z"]))
        // Every field but the policy and its signature is named by a condition, as S3 requires.
        for (name, value) in post.fields where name != "policy" && name != "x-amz-signature" {
            #expect(conditions.contains(.object([name: .string(value)])), "\(name)")
        }
    }

    @Test("a session token is a field and a condition; an endpoint override posts path-style; 7 days at most")
    func tokenEndpointAndLimits() throws {
        let post = try client(endpoint: "http://127.0.0.1:9", token: "token/with+chars").presignedPost(
            bucket: "b-1", conditions: .init(key: "k", contentType: "text/csv", maxBytes: 5), expires: 60,
            date: Self.exampleDate)
        #expect(post.url == "http://127.0.0.1:9/b-1")
        #expect(post.fields.contains { $0.name == "x-amz-security-token" && $0.value == "token/with+chars" })
        #expect(throws: AWSError.self) {
            try client().presignedPost(
                bucket: "b", conditions: .init(key: "k", contentType: "t", maxBytes: 1), expires: 604_801)
        }
    }
}
