import AWSSigV4
import Foundation
import Hashing
import JSON
import Testing

/// ../shared/sigv4-testsuite beside the repository: AWS's own SigV4 vectors.
let suiteDirectory = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/sigv4-testsuite").standardizedFileURL
let suitePresent = FileManager.default.fileExists(atPath: suiteDirectory.path)

/// A raw request from a vector file: request line, headers (folded lines kept), body.
struct RawRequest {
    var method = ""
    var path = ""
    var query: [(name: String, value: String)] = []
    var headers: [(name: String, value: String)] = []
    var body: [UInt8] = []

    init(_ text: String) {
        let lines = text.components(separatedBy: "\n")
        let requestLine = lines[0]
        method = String(requestLine.prefix { $0 != " " })
        var target = String(requestLine.dropFirst(method.count + 1))
        if target.hasSuffix(" HTTP/1.1") { target.removeLast(" HTTP/1.1".count) }
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts[0])
        if parts.count > 1 {
            query = parts[1].split(separator: "&").map { pair in
                let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(nameValue[0]).removingPercentEncoding ?? String(nameValue[0])
                let value =
                    nameValue.count > 1 ? (String(nameValue[1]).removingPercentEncoding ?? String(nameValue[1])) : ""
                return (name, value)
            }
        }
        var index = 1
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
            index += 1
        }
        if index + 1 < lines.count { body = Array(lines[(index + 1)...].joined(separator: "\n").utf8) }
    }
}

private func read(_ url: URL) -> String {
    (try? String(contentsOf: url, encoding: .utf8)) ?? "<missing \(url.lastPathComponent)>"
}

private func caseNames(_ folder: String) -> [String] {
    let root = suiteDirectory.appendingPathComponent(folder)
    guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
    return walker.compactMap { $0 as? String }
        .filter { $0.hasSuffix(folder == "classic" ? ".req" : "/request.txt") }
        .map { folder == "classic" ? String($0.dropLast(4)) : String($0.dropLast("/request.txt".count)) }
        .sorted()
}

@Suite("SigV4 against AWS's test suites", .enabled(if: suitePresent, "../shared/sigv4-testsuite is absent"))
struct SigV4TestSuiteTests {
    static let classicCases = caseNames("classic")
    static let crtCases = caseNames("aws-c-auth-v4")

    @Test("the suites are all here")
    func suitesPresent() {
        #expect(Self.classicCases.count >= 30)
        #expect(Self.crtCases.count == 38)
    }

    @Test("classic suite: canonical request, string to sign, Authorization", arguments: classicCases)
    func classic(name: String) throws {
        let base = suiteDirectory.appendingPathComponent("classic").appendingPathComponent(name)
        var raw = RawRequest(read(base.appendingPathExtension("req")))
        // get-vanilla-with-session-token leaves the token for the signer to add (its signed request shows it);
        // post-sts-header-after adds it after signing, so it is not signed there.
        if name.hasSuffix("get-vanilla-with-session-token") {
            let signedRequest = RawRequest(read(base.appendingPathExtension("sreq")))
            raw.headers += signedRequest.headers.filter { $0.name == "X-Amz-Security-Token" }
        }
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1", service: "service")
        let date = AmzDate(unixSeconds: 1_440_938_160)  // 20150830T123600Z
        #expect(date.timestamp == "20150830T123600Z")
        let request = SigningRequest(
            method: raw.method, path: raw.path, query: raw.query, headers: raw.headers,
            payloadHash: SHA256.hexHash(raw.body))
        let (canonical, signedHeaders) = signer.canonicalRequest(request)
        #expect(canonical == read(base.appendingPathExtension("creq")))
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, date: date)
        #expect(stringToSign == read(base.appendingPathExtension("sts")))
        let authorization =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\(signer.credentialScope(date)), "
            + "SignedHeaders=\(signedHeaders), Signature=\(signer.signature(stringToSign: stringToSign, date: date))"
        #expect(authorization == read(base.appendingPathExtension("authz")))
    }

    @Test("aws-c-auth suite: header signing and presigned query signing", arguments: crtCases)
    func crt(name: String) throws {
        let base = suiteDirectory.appendingPathComponent("aws-c-auth-v4").appendingPathComponent(name)
        let context = try JSONFields(try JSONParser.parse(read(base.appendingPathComponent("context.json"))))
        let credentials = try context.object("credentials")
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyID: try credentials.string("access_key_id"),
                secretAccessKey: try credentials.string("secret_access_key"),
                sessionToken: try credentials.optionalString("token")),
            region: try context.string("region"), service: try context.string("service"),
            isS3Style: try context.optionalBool("normalize") == false)
        let date = AmzDate(unixSeconds: 1_440_938_160)
        let signsBody = try context.optionalBool("sign_body") ?? false
        let signsToken = !(try context.optionalBool("omit_session_token") ?? false)
        let raw = RawRequest(read(base.appendingPathComponent("request.txt")))
        let request = SigningRequest(
            method: raw.method, path: raw.path, query: raw.query, headers: raw.headers,
            payloadHash: SHA256.hexHash(raw.body))

        // Header signing, step by step, then as one call.
        var headerSigned = request
        headerSigned.headers.append(("X-Amz-Date", date.timestamp))
        if signsToken, let token = signer.credentials.sessionToken {
            headerSigned.headers.append(("X-Amz-Security-Token", token))
        }
        if signsBody { headerSigned.headers.append(("x-amz-content-sha256", request.payloadHash)) }
        let canonical = signer.canonicalRequest(headerSigned).text
        #expect(canonical == read(base.appendingPathComponent("header-canonical-request.txt")))
        let stringToSign = signer.stringToSign(canonicalRequest: canonical, date: date)
        #expect(stringToSign == read(base.appendingPathComponent("header-string-to-sign.txt")))
        let expectedSignature = read(base.appendingPathComponent("header-signature.txt"))
        #expect(signer.signature(stringToSign: stringToSign, date: date) == expectedSignature)
        let added = signer.signatureHeaders(
            for: request, date: date, includeContentHash: signsBody, signsSessionToken: signsToken)
        let authorization = added.first { $0.name == "authorization" }?.value ?? ""
        #expect(authorization.hasSuffix("Signature=\(expectedSignature)"))
        #expect(
            read(base.appendingPathComponent("header-signed-request.txt")).contains("Authorization:" + authorization))

        // Query (presigned) signing.
        let expires = try context.optionalInt("expiration_in_seconds") ?? 3600
        let parameters = try signer.presignedQuery(
            for: request, date: date, expires: expires, signsSessionToken: signsToken)
        let querySignature = parameters.first { $0.name == "X-Amz-Signature" }?.value
        #expect(querySignature == read(base.appendingPathComponent("query-signature.txt")))
        var querySigned = request
        querySigned.query += parameters.filter {
            $0.name != "X-Amz-Signature" && (signsToken || $0.name != "X-Amz-Security-Token")
        }
        #expect(
            signer.canonicalRequest(querySigned).text
                == read(base.appendingPathComponent("query-canonical-request.txt")))
    }
}
